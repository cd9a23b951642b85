"""Redraw the old cpu results (SN-DCGAN, 3 seeds, FID-500) with today's figures and statistics.

The runs of this folder (``PROVENANCE.md``) were evaluated before issue 14; their per-seed numbers
are in ``per_seed.csv``. This script redraws every table's claim figures with
``ganlens.papers.eqgan_sa_figures.claim_figures`` (absolute values per seed, the paper's on their
own axis, the Welch 95% CI of each effect, collapsed seeds marked) and restates the verdicts with
``study.claim_verdicts`` (exact t, TOST with a 10% margin for "no gain" claims, MDE, premise
check) into ``verdicts_restated.csv``. The run directories are not needed. A seed counts as
collapsed when FID-500 > 470 and precision-500 = 0 (the rule the issue-14 audit used; these runs
have no LeNet features).

    python results/eqgan_sa_tables/cpu/refigure.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pandas as pd

from ganlens import study
from ganlens.papers import eqgan_sa as tables
from ganlens.papers.eqgan_sa_figures import claim_figures

HERE = Path(__file__).resolve().parent
METRICS = {"FID-500": "fid_500", "DI": "di_mean"}
NOTE = "; old cpu preset: SN-DCGAN w16, hinge, 1000 steps"


def main() -> None:
    per_seed = pd.read_csv(HERE / "per_seed.csv")
    per_seed["collapsed"] = (per_seed.fid_500 > 470) & (per_seed.precision_500 == 0)
    verdicts = []
    for table in tables.TABLES:
        for column, metric, fig in claim_figures(per_seed, table, METRICS, note=NOTE):
            path = HERE / f"{table}_{column}_{metric}.png"
            fig.savefig(path, dpi=110, bbox_inches="tight")
            print(path.relative_to(HERE.parents[2]))
        for column in dict.fromkeys(per_seed[per_seed.table == table].column):
            part = per_seed[(per_seed.table == table) & (per_seed.column == column)]
            found = study.claim_verdicts(part, tables.CLAIMS[table], METRICS)
            verdicts.append(found.assign(table=table, column=column))
    out = pd.concat(verdicts, ignore_index=True)
    out.to_csv(HERE / "verdicts_restated.csv", index=False)
    print(out[["table", "column", "claim", "verdict"]].to_string(index=False))


if __name__ == "__main__":
    main()
