"""The claim figures of Table 2 in the cpu regime, drawn from the committed per-seed numbers.

``per_seed.csv`` holds the six pre-registered seeds per row (bf16, Intel Xeon). When
``diagnose.csv`` exists (``diagnose.py``: single-seed fp32 and +SEL-only arms, exploratory), its
rows are drawn beside them in a second set of figures, labelled as such. The figures are the
ones notebook 11 draws (``ganlens.papers.eqgan_sa_figures.claim_figures``): every seed,
collapsed seeds marked, the paper's values on their own axis, the Welch effect vs the baseline.

    python results/eqgan_sa_tables/cpu_regime/figures.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pandas as pd

from ganlens.papers.eqgan_sa_figures import claim_figures

HERE = Path(__file__).resolve().parent
METRICS = {"FD-LeNet-10k": "fd_lenet", "DI": "di_mean"}
REGIME = "; cpu regime: 200 threes, DCGAN w16, ns"


def draw(per_seed: pd.DataFrame, stem: str, note: str) -> list[Path]:
    """Every claim figure of ``per_seed`` (Table 2, column digit3) as ``<stem>_<metric>.png``."""
    rows = per_seed.assign(table="table2", column="digit3")
    paths = []
    for _column, metric, fig in claim_figures(rows, "table2", METRICS, note=REGIME + note):
        paths.append(HERE / f"{stem}_{metric}.png")
        fig.savefig(paths[-1], dpi=110, bbox_inches="tight")
    return paths


def main() -> None:
    per_seed = pd.read_csv(HERE / "per_seed.csv")
    made = draw(per_seed, "table2_digit3", "; bf16, pre-registered")
    diag = HERE / "diagnose.csv"
    if diag.is_file():
        extra = pd.read_csv(diag)[per_seed.columns]
        both = pd.concat([per_seed, extra], ignore_index=True)
        made += draw(both, "diagnose", "; [arms]: exploratory, fp32, seed 0 only")
    for path in made:
        print(path.relative_to(HERE.parents[2]))


if __name__ == "__main__":
    main()
