"""Named presets: ``PRESETS[experiment][scale]`` with scales smoke / cpu / gpu (design.md section 4).

- ``smoke``: seconds on 2 CPU cores; proves the code path (tests, CI notebook runs).
- ``cpu``: minutes on 2 CPU cores; small but meaningful.
- ``gpu``: the reduced-scale reproduction on one H100-class GPU, under 10 minutes.
"""

from __future__ import annotations

import difflib

from ganlens.config import SCALES, TrainConfig

_SMOKE = dict(steps=4, batch_size=8, log_every=2, ckpt_every=2, sample_every=2, track_pool=64,
              di_repeats=20, final_pool=64)

# The main job: SN-DCGAN (Miyato et al. 2018 layout, narrower on CPU) on the embedded MNIST-5k,
# padded/resized to 32 px so the 32-px architecture applies unchanged.
_DEMO = TrainConfig(
    data="mnist5k", data_kw={"resolution": 32}, model="sn-dcgan", model_kw={"width": 16},
    loss="hinge", steps=1500, batch_size=64, lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999),
    log_every=50, ckpt_every=500, sample_every=250, track_pool=256, final_pool=1024,
)

# The 2-D teaching toy (GAN Lab's ring of 8 Gaussians) with MLPs.
_RING = TrainConfig(
    data="ring8", model="mlp", loss="ns", steps=3000, batch_size=256, lr_g=1e-3, lr_d=1e-3,
    betas=(0.5, 0.999), log_every=100, ckpt_every=1000, sample_every=500, track_pool=512,
)

_CIFAR = TrainConfig(
    data="cifar10-jpeg", model="sn-dcgan", model_kw={"width": 64}, loss="hinge", steps=20000,
    batch_size=64, n_dis=1, lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999), log_every=500,
    ckpt_every=2000, sample_every=2000, track_pool=1024, final_pool=4096, keep_checkpoints=10,
)

# CPU scale: width 32 (about 0.3 s per step on 2 cores) and ten checkpoints spread over training,
# so attention can be followed across the run (EqGAN-SA Fig. 7).
_CIFAR_CPU = _CIFAR.replace(model_kw={"width": 32}, steps=1500, log_every=50, ckpt_every=150,
                            sample_every=500, track_pool=256, final_pool=1024, keep_checkpoints=10)

# EqGAN-SA tables (Tables 1-4): one base per dataset, the same budget for every row of a table;
# the rows set method / method_kw (ganlens.methods.eqgan_sa.tables). cpu: SN-DCGAN width 16 for
# 1000 steps (about 2 min baseline, 7 min with SEL on 2 cores); gpu: the paper's width 64.
_EQ = TrainConfig(
    data="cifar10-jpeg", model="sn-dcgan", loss="hinge", batch_size=64, n_dis=1, lr_g=2e-4,
    lr_d=2e-4, betas=(0.5, 0.999), steps=1000, model_kw={"width": 16}, log_every=50,
    ckpt_every=250, sample_every=500, track_pool=256, final_pool=1024, keep_checkpoints=4,
)
_EQ_GPU = {"model_kw": {"width": 64}, "steps": 20000, "device": "cuda", "log_every": 500,
           "ckpt_every": 2000, "sample_every": 2000, "track_pool": 1024, "final_pool": 4096}


def _eq_scales(**data: object) -> dict[str, TrainConfig]:
    model_kw = dict(data.pop("model_kw", {}))  # type: ignore[call-overload]
    base = _EQ.replace(**data)
    return {
        "smoke": base.replace(model_kw={**model_kw, "width": 8}, **_SMOKE),
        "cpu": base.replace(model_kw={**model_kw, "width": 16}),
        "gpu": base.replace(**{**_EQ_GPU, "model_kw": {**model_kw, "width": 64}}),
    }


PRESETS: dict[str, dict[str, TrainConfig]] = {
    "demo": {
        "smoke": _DEMO.replace(model_kw={"width": 8}, **_SMOKE),
        "cpu": _DEMO,
        "gpu": _DEMO.replace(model_kw={"width": 64}, steps=5000, device="cuda", log_every=100,
                             ckpt_every=1000, sample_every=1000),
    },
    "toy-ring8": {
        "smoke": _RING.replace(**{**_SMOKE, "batch_size": 64}),
        "cpu": _RING,
        "gpu": _RING.replace(device="cuda", steps=20000, log_every=500, ckpt_every=5000,
                             sample_every=5000),
    },
    "toy-grid25": {
        "smoke": _RING.replace(data="grid25", **{**_SMOKE, "batch_size": 64}),
        "cpu": _RING.replace(data="grid25", steps=5000),
        "gpu": _RING.replace(data="grid25", device="cuda", steps=20000, log_every=500,
                             ckpt_every=5000, sample_every=5000),
    },
    "sn-dcgan-cifar10": {
        "smoke": _CIFAR.replace(model_kw={"width": 8}, keep_checkpoints=10, **_SMOKE),
        "cpu": _CIFAR_CPU,
        "gpu": _CIFAR.replace(device="cuda"),
    },
    # CIFAR-10-JPEG cat class: our stand-in for LSUN Cat (EqGAN-SA Fig. 2, Fig. 7, Tables 1/3/4).
    "sn-dcgan-cifar10-cat": {
        "smoke": _CIFAR.replace(data_kw={"classes": ["cat"]}, model_kw={"width": 8},
                                keep_checkpoints=10, **_SMOKE),
        "cpu": _CIFAR_CPU.replace(data_kw={"classes": ["cat"]}),
        "gpu": _CIFAR.replace(data_kw={"classes": ["cat"]}, device="cuda"),
    },
    "sn-dcgan-cifar10-cond": {
        "smoke": _CIFAR.replace(model_kw={"width": 8, "n_classes": 10},
                                data_kw={"classes": ["cat", "dog"]}, **_SMOKE),
        "cpu": _CIFAR.replace(model_kw={"width": 32, "n_classes": 10}, steps=1500, log_every=50,
                              ckpt_every=500, sample_every=500, track_pool=256, final_pool=1024),
        "gpu": _CIFAR.replace(model_kw={"width": 64, "n_classes": 10}, device="cuda"),
    },
    "eqgan-sa-cifar10": _eq_scales(),
    "eqgan-sa-cifar10-cat": _eq_scales(data_kw={"classes": ["cat"]}),
    "eqgan-sa-cifar10-cond": _eq_scales(model_kw={"n_classes": 10}),
    "eqgan-sa-mnist5k": _eq_scales(data="mnist5k", data_kw={"resolution": 32}),
}


def preset_names() -> list[str]:
    """Experiment names that have presets."""
    return sorted(PRESETS)


def get_preset(name: str, scale: str = "cpu") -> TrainConfig:
    """The config of experiment ``name`` at ``scale`` (``smoke``, ``cpu`` or ``gpu``)."""
    if name not in PRESETS:
        close = difflib.get_close_matches(name, PRESETS, n=3)
        hint = f" (did you mean {close}?)" if close else ""
        raise ValueError(f"unknown preset {name!r}{hint}; available: {', '.join(preset_names())}")
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {SCALES}")
    return PRESETS[name][scale]
