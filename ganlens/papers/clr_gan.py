"""CLR-GAN's tables and Fig. 4 as ganlens cells: rows, columns, the paper's numbers, our claims.

CLR-GAN (Zhang et al., ECCV 2024, ``../shared/papers/clr-gan.txt``). Every row of a table trains
with the same budget: the column's preset with the row's changes (a method, an augmentation).
At ``cpu`` the one column is the cpu regime of issue 14 (``limited-digit3``: 200 MNIST-5k threes,
DCGAN width 16, non-saturating loss, 3,000 steps), where D dominates the baseline (DI > 0) and
G learns. The paper's DCGAN numbers are FID-20k on CIFAR-10 at 32 px; ours are FD-LeNet-10k
against the 200 training threes: the paper's values are printed beside ours for the direction of
each effect, never its size.

Rows: ``baseline`` (lambda1 = lambda2 = 0; Table 1's "DCGAN", the ns loss), ``CLR`` (the code's lambda1 = 5, lambda2 = 0.5,
MSE), ``CLR (L1)`` (the same weights with the paper's L1), ``CLR (1, 0)`` / ``CLR (0, 1)``
(Table 3's single-term rows) and ``ADA`` (the comparator of Table 2 and Fig. 4:
:mod:`ganlens.train.augment`, target r_t 0.6; ``ada_kimg`` = 100 instead of ADA's 500, because
our runs show D 192k images, not 25M: p can then move from 0 to 1 within half the run);
Table 1's objectives ``HingeGAN``, ``LSGAN``, ``WGAN`` (weight clipping at 0.01) and ``WGAN-GP``
(lambda 10) train with the preset's Adam settings and one D step per G step, like every other
row (the paper does not give its per-objective settings); Realness GAN and AdaptiveMix are left
out (not implemented).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ganlens.methods.clr_gan import CLRGANConfig
from ganlens.presets import get_preset
from ganlens.study import Cell
from ganlens.train.method import MethodConfig

ADA = {"augment": "ada", "ada_kimg": 100.0}  # p starts at 0 (ADA's default)

# row name -> the changes to the column's preset
VARIANTS: dict[str, dict[str, Any]] = {
    "baseline": {"method": MethodConfig()},
    "CLR": {"method": CLRGANConfig()},
    "CLR (L1)": {"method": CLRGANConfig(distance="l1")},
    "CLR (1, 0)": {"method": CLRGANConfig(lambda1=1.0, lambda2=0.0)},
    "CLR (0, 1)": {"method": CLRGANConfig(lambda1=0.0, lambda2=1.0)},
    "ADA": {"method": MethodConfig(), **ADA},
    "ADA+CLR": {"method": CLRGANConfig(), **ADA},
    # Table 1's learning objectives, each on the same DCGAN, data and budget (Adam, n_dis = 1)
    "HingeGAN": {"method": MethodConfig(), "loss": "hinge"},
    "LSGAN": {"method": MethodConfig(), "loss": "lsgan"},
    "WGAN": {"method": MethodConfig(), "loss": "wgan"},
    "WGAN-GP": {"method": MethodConfig(), "loss": "wgan-gp"},
}

# column name -> (preset, what it stands in for)
COLUMNS: dict[str, tuple[str, str]] = {
    "digit3": (
        "limited-digit3",
        "CIFAR-10 32 px (Tables 1, 3) / LSUN Church (Fig. 4), in the cpu regime: 200 MNIST-5k threes",
    ),
}

TABLES: dict[str, dict[str, Any]] = {
    "table1": {
        # left out: Realness GAN (Obj. 1-3) and AdaptiveMix, methods ganlens does not implement
        "title": "CLR-GAN Table 1: learning objectives on DCGAN (baseline = DCGAN's ns loss)",
        "rows": ["baseline", "HingeGAN", "LSGAN", "WGAN", "WGAN-GP", "CLR"],
        "columns": ["digit3"],
    },
    "table3": {
        "title": "CLR-GAN Table 3: the loss weights (lambda1, lambda2), DCGAN",
        "rows": ["baseline", "CLR (1, 0)", "CLR (0, 1)", "CLR", "CLR (L1)"],
        "rows_at": {"cpu": ["baseline", "CLR", "CLR (L1)"]},
        "columns": ["digit3"],
    },
    "fig4": {
        "title": "CLR-GAN Fig. 4: the realness gap, baseline vs ADA vs CLR",
        "rows": ["baseline", "ADA", "CLR"],
        "columns": ["digit3"],
    },
}

# (table, column, row) -> the paper's FID (Tables 1 and 3, CIFAR-10 at 32 px, DCGAN, FID-20k)
PAPER: dict[tuple[str, str, str], float] = {
    ("table1", "digit3", "baseline"): 38.56,
    ("table1", "digit3", "HingeGAN"): 42.4,
    ("table1", "digit3", "LSGAN"): 42.01,
    ("table1", "digit3", "WGAN"): 55.96,
    ("table1", "digit3", "WGAN-GP"): 41.86,
    ("table1", "digit3", "CLR"): 23.3,
    ("table3", "digit3", "baseline"): 38.56,
    ("table3", "digit3", "CLR (1, 0)"): 25.15,
    ("table3", "digit3", "CLR (0, 1)"): 26.09,
    ("table3", "digit3", "CLR"): 23.3,  # the paper's text: L1; its code: MSE
    ("table3", "digit3", "CLR (L1)"): 23.3,
}
PAPER_METRIC = "FID-20k, CIFAR-10 (DCGAN)"

# the claims tested, per table: (row a, row b, "lower" | "not lower"); lower is better
CLAIMS: dict[str, list[tuple[str, str, str]]] = {
    "table1": [
        ("CLR", row, "lower") for row in ("baseline", "HingeGAN", "LSGAN", "WGAN", "WGAN-GP")
    ],
    "table3": [
        ("CLR", "baseline", "lower"),
        ("CLR (1, 0)", "baseline", "lower"),
        ("CLR (0, 1)", "baseline", "lower"),
        ("CLR (L1)", "baseline", "lower"),
        # the paper writes L1, the code MSE: one method, so neither should be better
        ("CLR (L1)", "CLR", "not lower"),
    ],
    # Fig. 4: "the CLR gap is much smaller"; "ADA's gap is about the baseline's"
    "fig4": [("CLR", "baseline", "lower"), ("ADA", "baseline", "not lower")],
}

DI_POOL = {"smoke": 64, "cpu": 1024, "gpu": 1024}  # real and fake images scored for the final DI
SEEDS = {"smoke": (0,), "cpu": (0, 1, 2, 3, 4, 5), "gpu": (0, 1, 2, 3, 4, 5)}


def rows_of(table: str, scale: str) -> list[str]:
    """The rows a table runs at ``scale`` (the cpu pilot runs a subset of Table 3)."""
    spec = TABLES[table]
    return list(spec.get("rows_at", {}).get(scale, spec["rows"]))


def cells(
    table: str,
    scale: str,
    seeds: Sequence[int] | None = None,
    device: str | None = None,
    rows: Sequence[str] | None = None,
) -> list[Cell]:
    """The cells of one table at ``scale``: every row x column x seed.

    Args:
        table: ``"table1"``, ``"table3"`` or ``"fig4"``.
        scale: ``"smoke"``, ``"cpu"`` or ``"gpu"``.
        seeds: training seeds (default :data:`SEEDS` of the scale).
        device: overrides the preset's device.
        rows: a subset of the table's rows (default: :func:`rows_of`).
    """
    known = rows_of(table, scale)
    bad = [r for r in rows or () if r not in known]
    if bad:
        raise ValueError(f"{table} has rows {known} at {scale}, not {bad}")
    out = []
    for column in TABLES[table]["columns"]:
        base = get_preset(COLUMNS[column][0], scale)
        base = base.replace(device=device) if device else base
        for seed in seeds if seeds is not None else SEEDS[scale]:
            for row in rows or known:
                config = base.replace(**VARIANTS[row], seed=seed)
                out.append(Cell(table, row, column, seed, config))
    return out
