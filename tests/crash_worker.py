"""A training run that SIGKILLs itself at a chosen point (used by tests/test_crash_safety.py).

    python tests/crash_worker.py RUN_DIR SPEC

SPEC is one of:
- ``none``: train to the end;
- ``step:K``: die right after iteration K;
- ``before:SUFFIX:K`` / ``after:SUFFIX:K``: die just before / after the K-th atomic ``os.replace``
  of a file ending in SUFFIX (``.pt`` checkpoints, ``.csv`` tracker tables, ``.png`` samples,
  ``.json`` config/summary): "before" leaves the written temporary file behind, as a kill in the
  middle of a write does;
- ``time:SECONDS``: die after that many seconds of training, wherever it is.

Nothing here is imported by ganlens: the faults are injected by patching from outside.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

import torch

from ganlens import DataConfig, ExperimentConfig, OptimConfig, TrackConfig, load_or_train
from ganlens.models import DCGANConfig
from ganlens.train import Trainer

CONFIG = ExperimentConfig(
    data=DataConfig("mnist5k", resolution=8),
    model=DCGANConfig("sn-dcgan", width=4),
    optim=OptimConfig(steps=6, batch_size=8),
    track=TrackConfig(
        log_every=2,
        ckpt_every=2,
        sample_every=2,
        track_pool=32,
        di_repeats=10,
        final_pool=32,
        keep_checkpoints=2,
    ),
    seed=7,
)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(spec: str) -> None:
    kind, *rest = spec.split(":")
    if kind == "step":
        k, original = int(rest[0]), Trainer.train_step

        def train_step(self):
            out = original(self)
            if self.step == k:
                die()
            return out

        Trainer.train_step = train_step
    elif kind in ("before", "after"):
        suffix, k = rest[0], int(rest[1])
        original, seen = os.replace, [0]

        def replace(src, dst, *args, **kwargs):
            hit = str(dst).endswith(suffix)
            seen[0] += hit
            if hit and seen[0] == k and kind == "before":
                die()
            original(src, dst, *args, **kwargs)
            if hit and seen[0] == k:
                die()

        os.replace = replace
    elif kind == "time":
        threading.Timer(float(rest[0]), die).start()


def main() -> int:
    torch.set_num_threads(1)
    run_dir, spec = sys.argv[1], sys.argv[2]
    if spec != "none":
        arm(spec)
    load_or_train(CONFIG, run_dir, progress=False, report=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
