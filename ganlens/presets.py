"""Named presets: ``PRESETS[experiment][scale]`` with scales smoke / cpu / gpu (design.md section 4).

- ``smoke``: seconds on 2 CPU cores; proves the code path (tests, CI notebook runs).
- ``cpu``: minutes on 2 CPU cores; small but meaningful.
- ``gpu``: the reduced-scale reproduction on one H100-class GPU, under 10 minutes.
"""

from __future__ import annotations

import difflib

from ganlens.config import SCALES, DataConfig, ExperimentConfig
from ganlens.methods.eqgan_sa import EqGANSAConfig
from ganlens.models import DCGANConfig, MLPConfig, SNGANResNetConfig, StyleGANLiteConfig
from ganlens.track.config import TrackConfig
from ganlens.train.config import OptimConfig

_SMOKE = dict(
    steps=4,
    batch_size=8,
    log_every=2,
    ckpt_every=2,
    sample_every=2,
    track_pool=64,
    di_repeats=20,
    final_pool=64,
)


def _cfg(
    data: DataConfig, model: object, optim: OptimConfig, track: TrackConfig
) -> ExperimentConfig:
    return ExperimentConfig(data=data, model=model, optim=optim, track=track)  # type: ignore[arg-type]


# The main job: SN-DCGAN (Miyato et al. 2018 layout, narrower on CPU) on the embedded MNIST-5k,
# padded/resized to 32 px so the 32-px architecture applies unchanged.
_DEMO = _cfg(
    DataConfig("mnist5k", resolution=32),
    DCGANConfig("sn-dcgan", width=16),
    OptimConfig(loss="hinge", steps=1500, batch_size=64, lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999)),
    TrackConfig(log_every=50, ckpt_every=500, sample_every=250, track_pool=256, final_pool=1024),
)

# The 2-D teaching toy (GAN Lab's ring of 8 Gaussians) with MLPs.
_RING = _cfg(
    DataConfig("ring8"),
    MLPConfig(),
    OptimConfig(loss="ns", steps=3000, batch_size=256, lr_g=1e-3, lr_d=1e-3, betas=(0.5, 0.999)),
    TrackConfig(log_every=100, ckpt_every=1000, sample_every=500, track_pool=512),
)

_CIFAR = _cfg(
    DataConfig("cifar10-jpeg"),
    DCGANConfig("sn-dcgan", width=64),
    OptimConfig(
        loss="hinge", steps=20000, batch_size=64, n_dis=1, lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999)
    ),
    TrackConfig(
        log_every=500,
        ckpt_every=2000,
        sample_every=2000,
        track_pool=1024,
        final_pool=4096,
        keep_checkpoints=10,
    ),
)

# CPU scale: width 32 (about 0.3 s per step on 2 cores) and ten checkpoints spread over training,
# so attention can be followed across the run (EqGAN-SA Fig. 7).
_CIFAR_CPU = _CIFAR.replace(
    width=32,
    steps=1500,
    log_every=50,
    ckpt_every=150,
    sample_every=500,
    track_pool=256,
    final_pool=1024,
    keep_checkpoints=10,
)

# EqGAN-SA (the full method) on each dataset, with the budget every row of its tables shares;
# the rows set their own method variant (ganlens.papers.eqgan_sa). cpu: SN-DCGAN width 16 for
# 1000 steps (about 2 min baseline, 7 min with SEL on 2 cores); gpu: the paper's width 64.
# The cpu regime of issue 14, chosen by the pilot (results/regime_pilot/pilot.md): limited data
# (200 MNIST-5k threes, ADA's regime), a plain DCGAN (BatchNorm D, no spectral norm: SN bounded
# D's logits and kept DI < 0) with the non-saturating loss; bf16 autocast + channels-last where
# the CPU has bf16 instructions, fp32 elsewhere ("auto": emulated bf16 is ~10x slower). In the
# pilot (bf16, Intel Xeon) its DI was > 0 in 88-100% of the second half's rows, with healthy, varied samples.
_LIMITED = _cfg(
    DataConfig("mnist5k", classes=("3",), resolution=32, per_class=200),
    DCGANConfig("dcgan", width=16),
    OptimConfig(
        loss="ns",
        steps=3000,
        batch_size=64,
        lr_g=2e-4,
        lr_d=2e-4,
        betas=(0.5, 0.999),
        precision="auto",
        channels_last="auto",
    ),
    TrackConfig(
        log_every=100,
        ckpt_every=1000,
        sample_every=1500,
        track_pool=256,
        final_pool=1024,
        keep_checkpoints=4,
    ),
)
_LIMITED_GPU = dict(
    width=64, steps=20000, device="cuda", log_every=500, ckpt_every=2000, sample_every=2000
)

_EQ = _cfg(
    DataConfig("cifar10-jpeg"),
    DCGANConfig("sn-dcgan", width=16),
    OptimConfig(
        loss="hinge", batch_size=64, n_dis=1, lr_g=2e-4, lr_d=2e-4, betas=(0.5, 0.999), steps=1000
    ),
    TrackConfig(
        log_every=50,
        ckpt_every=250,
        sample_every=500,
        track_pool=256,
        final_pool=1024,
        keep_checkpoints=4,
    ),
).replace(method=EqGANSAConfig())
_EQ_GPU = dict(
    width=64,
    steps=20000,
    device="cuda",
    log_every=500,
    ckpt_every=2000,
    sample_every=2000,
    track_pool=1024,
    final_pool=4096,
)

# SNGAN-ResNet (LGA's Table 2 backbone) in the limited-data regime: hinge loss and Adam as in
# Miyato et al. (n_dis 1 instead of 5 and betas (0.5, 0.999) on CPU, the DCGAN regime's). Its
# 3x3 convs at full resolution make a step 2.8x an SN-DCGAN w16 step at 32 px and 1.1x at 16 px
# (benchmarks/backbone_throughput.py), so the cpu scale runs at 16 px with widths 32; gpu: the
# paper's widths at 32 px.
_RESNET = _LIMITED.replace(
    model=SNGANResNetConfig(g_width=32, d_width=32),
    loss="hinge",
    **{"data.resolution": 16},
    steps=2000,
)
_RESNET_GPU = dict(
    model=SNGANResNetConfig(g_width=256, d_width=128),
    **{"data.resolution": 32},
    steps=20000,
    device="cuda",
    log_every=500,
    ckpt_every=2000,
    sample_every=2000,
)

# stylegan-lite (the StyleGAN2 backbone of EqGAN-SA, CLR-GAN and GLeaD) in the same regime, with
# StyleGAN2-ADA's CIFAR recipe where it differs from the ResNet's: the non-saturating loss, Adam
# lr 0.0025 with betas (0, 0.99), R1 gamma 0.01 applied lazily every 16 iterations, 2 mapping
# layers, no style mixing; no EMA, as in the other regime presets, so the backbones are measured
# alike. cpu: 16 px at width 64 (2000 steps); gpu: 32 px at width 256, z = w = 256. Its
# learning in the cpu regime has not been measured yet (results/backbones).
_STYLE = _LIMITED.replace(
    model=StyleGANLiteConfig(mapping_layers=2, channel_base=1024, channel_max=64),
    loss="ns",
    lr_g=0.0025,
    lr_d=0.0025,
    betas=(0.0, 0.99),
    r1_gamma=0.01,
    r1_every=16,
    **{"data.resolution": 16},
    steps=2000,
)
_STYLE_GPU = dict(
    model=StyleGANLiteConfig(
        z_dim=256, w_dim=256, mapping_layers=2, channel_base=16384, channel_max=256
    ),
    **{"data.resolution": 32},
    steps=20000,
    device="cuda",
    log_every=500,
    ckpt_every=2000,
    sample_every=2000,
)


def _eq_scales(base: ExperimentConfig) -> dict[str, ExperimentConfig]:
    return {
        "smoke": base.replace(width=8, **_SMOKE),
        "cpu": base.replace(width=16),
        "gpu": base.replace(**_EQ_GPU),
    }


_CAT = {"data.classes": ("cat",)}

PRESETS: dict[str, dict[str, ExperimentConfig]] = {
    "demo": {
        "smoke": _DEMO.replace(width=8, **_SMOKE),
        "cpu": _DEMO,
        "gpu": _DEMO.replace(
            width=64, steps=5000, device="cuda", log_every=100, ckpt_every=1000, sample_every=1000
        ),
    },
    "toy-ring8": {
        "smoke": _RING.replace(**{**_SMOKE, "batch_size": 64}),
        "cpu": _RING,
        "gpu": _RING.replace(
            device="cuda", steps=20000, log_every=500, ckpt_every=5000, sample_every=5000
        ),
    },
    "toy-grid25": {
        "smoke": _RING.replace(**{"data.name": "grid25", **_SMOKE, "batch_size": 64}),
        "cpu": _RING.replace(**{"data.name": "grid25", "steps": 5000}),
        "gpu": _RING.replace(
            **{"data.name": "grid25"},
            device="cuda",
            steps=20000,
            log_every=500,
            ckpt_every=5000,
            sample_every=5000,
        ),
    },
    "sn-dcgan-cifar10": {
        "smoke": _CIFAR.replace(width=8, keep_checkpoints=10, **_SMOKE),
        "cpu": _CIFAR_CPU,
        "gpu": _CIFAR.replace(device="cuda"),
    },
    # CIFAR-10-JPEG cat class: our stand-in for LSUN Cat (EqGAN-SA Fig. 2, Fig. 7, Tables 1/3/4).
    "sn-dcgan-cifar10-cat": {
        "smoke": _CIFAR.replace(**_CAT, width=8, keep_checkpoints=10, **_SMOKE),
        "cpu": _CIFAR_CPU.replace(**_CAT),
        "gpu": _CIFAR.replace(**_CAT, device="cuda"),
    },
    "sn-dcgan-cifar10-cond": {
        "smoke": _CIFAR.replace(
            width=8, n_classes=10, **{"data.classes": ("cat", "dog")}, **_SMOKE
        ),
        "cpu": _CIFAR.replace(
            width=32,
            n_classes=10,
            steps=1500,
            log_every=50,
            ckpt_every=500,
            sample_every=500,
            track_pool=256,
            final_pool=1024,
        ),
        "gpu": _CIFAR.replace(width=64, n_classes=10, device="cuda"),
    },
    "eqgan-sa-cifar10": _eq_scales(_EQ),
    "eqgan-sa-cifar10-cat": _eq_scales(_EQ.replace(**_CAT)),
    "eqgan-sa-cifar10-cond": _eq_scales(_EQ.replace(n_classes=10)),
    "eqgan-sa-mnist5k": _eq_scales(_EQ.replace(data=DataConfig("mnist5k", resolution=32))),
    "limited-digit3": {
        "smoke": _LIMITED.replace(width=8, **_SMOKE),
        "cpu": _LIMITED,
        "gpu": _LIMITED.replace(**_LIMITED_GPU),
    },
    "sngan-resnet-digit3": {
        "smoke": _RESNET.replace(g_width=8, d_width=8, **_SMOKE),
        "cpu": _RESNET,
        "gpu": _RESNET.replace(**_RESNET_GPU),
    },
    "stylegan-lite-digit3": {
        "smoke": _STYLE.replace(channel_base=64, channel_max=8, **_SMOKE),
        "cpu": _STYLE,
        "gpu": _STYLE.replace(**_STYLE_GPU),
    },
    # EqGAN-SA Table 1 on its paper's backbone (StyleGAN2): stylegan-lite at 32 px, where D has the
    # 4x4/8x8/16x16 maps L_align needs (16 px has no 16x16 map)
    "eqgan-sa-stylegan-digit3": {
        "smoke": _STYLE.replace(
            channel_base=64,
            channel_max=8,
            method=EqGANSAConfig(),
            **_SMOKE,
            **{"data.resolution": 32},
        ),
        "cpu": _STYLE.replace(method=EqGANSAConfig(), **{"data.resolution": 32}),
        "gpu": _STYLE.replace(method=EqGANSAConfig(), **_STYLE_GPU),
    },
    "eqgan-sa-digit3": {
        "smoke": _LIMITED.replace(width=8, method=EqGANSAConfig(), **_SMOKE),
        "cpu": _LIMITED.replace(method=EqGANSAConfig()),
        "gpu": _LIMITED.replace(method=EqGANSAConfig(), **_LIMITED_GPU),
    },
}


def preset_names() -> list[str]:
    """Experiment names that have presets."""
    return sorted(PRESETS)


def get_preset(name: str, scale: str = "cpu") -> ExperimentConfig:
    """The config of experiment ``name`` at ``scale`` (``smoke``, ``cpu`` or ``gpu``)."""
    if name not in PRESETS:
        close = difflib.get_close_matches(name, PRESETS, n=3)
        hint = f" (did you mean {close}?)" if close else ""
        raise ValueError(f"unknown preset {name!r}{hint}; available: {', '.join(preset_names())}")
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {SCALES}")
    return PRESETS[name][scale]
