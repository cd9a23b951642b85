"""Record golden histories with the pre-redesign training core (commit 9033319).

Run once, before the core redesign (issue 11), from the repository root:
    .venv/bin/python tests/golden/record_pre_redesign.py
It writes tests/golden/<name>.csv (history.csv of a short smoke run, without elapsed_s) and
tests/golden/summary.json (final DI per run). tests/test_golden.py trains the same runs on the new
core and compares every column. This script uses the old API and is kept for provenance only.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import torch

import ganlens as gl

HERE = Path(__file__).parent
SMOKE = gl.get_preset("demo", "smoke").replace(steps=6, fid_every=0)
EQ = gl.get_preset("eqgan-sa-mnist5k", "smoke").replace(steps=6, method="eqgan-sa")

RUNS = {
    "plain_demo": SMOKE,
    "plain_ns_r1_ema_ndis2": SMOKE.replace(loss="ns", r1_gamma=1.0, ema_beta=0.9, n_dis=2),
    "plain_dcgan_wgan_gp": SMOKE.replace(model="dcgan", loss="wgan-gp"),
    "plain_dcgan_wgan_clip": SMOKE.replace(model="dcgan", loss="wgan"),
    "plain_lsgan_cond": SMOKE.replace(loss="lsgan", model_kw={"width": 8, "n_classes": 10}),
    "plain_toy_ring8": gl.get_preset("toy-ring8", "smoke").replace(steps=6),
    "eqgan_sa": EQ,
    "eqgan_sa_concat": EQ.replace(method_kw={"encoding": "sel_concat"}),
    "eqgan_sa_flatten": EQ.replace(method_kw={"encoding": "flatten"}),
    "eqgan_sa_noise_noalign": EQ.replace(method_kw={"heatmaps": "noise", "align": False}),
    "eqgan_sa_indep_probe": EQ.replace(method_kw={"heatmaps": "independent", "cam_pass": "probe"}),
    "eqgan_sa_second_order": EQ.replace(method_kw={"second_order": True}),
    "eqgan_sa_cond": EQ.replace(model_kw={"width": 8, "n_classes": 10}),
    "eqgan_sa_dcgan_ema": EQ.replace(model="dcgan", ema_beta=0.9),
}


def main() -> int:
    torch.set_num_threads(2)
    summary = {"_recorded_with": "commit 9033319 (pre-redesign core), torch " + torch.__version__}
    for name, cfg in RUNS.items():
        with tempfile.TemporaryDirectory() as tmp:
            result = gl.load_or_train(cfg, Path(tmp) / name, progress=False, report=False)
            history = result.history.drop(columns=["elapsed_s"])
            history.to_csv(HERE / f"{name}.csv", index=False)
            summary[name] = {"config": cfg.to_dict(), "final_di_mean": result.summary["final_di_mean"],
                             "final_di_std": result.summary["final_di_std"]}
            print(name, len(history), "rows, final DI", result.summary["final_di_mean"])
    (HERE / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
