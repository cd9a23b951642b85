"""Tables of runs: names, confidence intervals, Welch comparisons, and a smoke table end to end."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from ganlens import DataConfig, study
from ganlens.papers import eqgan_sa as tables


def test_ci95_hand_computed():
    # mean 2, sd 1, n 3: t(2) = 4.303 -> 4.303 / sqrt(3)
    assert study.ci95([1.0, 2.0, 3.0]) == pytest.approx(4.303 / math.sqrt(3))
    assert math.isnan(study.ci95([1.0])) and math.isnan(study.ci95([]))
    assert study.mean_ci(1.234, 0.5) == "1.23 ± 0.50" and study.mean_ci(1.0, math.nan) == "1.00"


def test_compare_verdicts():
    low, high = [1.0, 1.1, 0.9], [3.0, 3.1, 2.9]
    assert study.compare(low, high)["verdict"] == "reproduced"
    assert study.compare(high, low)["verdict"].startswith("not reproduced")
    assert study.compare([1.0, 3.0, 2.0], [1.5, 2.5, 2.0])["verdict"].startswith("inconclusive")
    assert study.compare(high, low, "not lower")["verdict"].startswith("reproduced")
    assert study.compare(low, high, "not lower")["verdict"].startswith("not reproduced")
    assert study.compare([1.0], [2.0])["verdict"].startswith("inconclusive: 1 seed")
    # Welch half-width for equal variances and n: t(4) * sqrt(2 * 0.01 / 3)
    out = study.compare(low, high)
    assert out["diff"] == pytest.approx(-2.0) and out["ci95"] == pytest.approx(
        2.776 * math.sqrt(0.02 / 3)
    )


def test_summarize_keeps_order_and_counts_seeds():
    df = pd.DataFrame(
        {
            "table": ["t"] * 4,
            "column": ["c"] * 4,
            "row": ["b", "a", "b", "a"],
            "fid": [1.0, 2.0, 3.0, 4.0],
        }
    )
    out = study.summarize(df, ["fid"])
    assert out["row"].tolist() == ["b", "a"] and out["seeds"].tolist() == [2, 2]
    assert out["fid_mean"].tolist() == [2.0, 3.0]


def test_run_names_are_unique_per_config_and_shared_cells_coincide():
    t3 = {(c.row, c.seed): c for c in tables.cells("table3", "cpu")}
    t4 = {(c.row, c.seed): c for c in tables.cells("table4", "cpu")}
    assert study.run_name(t3[("+SEL+L_align", 0)].config) == study.run_name(
        t4[("+SEL+L_align", 0)].config
    )
    names = {study.run_name(c.config) for c in tables.cells("table3", "cpu")}
    assert len(names) == 4 * 3


def test_every_row_of_a_table_has_the_same_budget():
    for name in tables.TABLES:
        for column in tables.TABLES[name]["columns"]:
            configs = [
                c.config.to_dict() for c in tables.cells(name, "cpu", seeds=[0], columns=[column])
            ]
            for cfg in configs:
                cfg.pop("method")
            assert all(cfg == configs[0] for cfg in configs), (name, column)
    assert {c.row for c in tables.cells("table4", "smoke")} == {
        "baseline",
        "Flatten",
        "SEL_concat",
        "+SEL+L_align",
    }
    with pytest.raises(ValueError, match="unknown table"):
        tables.cells("table9", "cpu")


@pytest.mark.slow
def test_run_table_trains_evaluates_and_caches(tmp_path):
    cells = tables.cells("table2", "smoke", columns=["cifar10"])
    cells = [
        study.Cell(
            c.table,
            c.row,
            c.column,
            c.seed,
            c.config.replace(data=DataConfig("mnist5k", resolution=32), steps=2),
        )
        for c in cells
    ]
    first = study.run_table(cells, tmp_path, fid_n=0)
    assert first["row"].tolist() == ["baseline", "+SEL+L_align"] and first["di_mean"].notna().all()
    assert study.finished(cells, tmp_path) == [True, True]
    again = study.run_table(cells, tmp_path, fid_n=0)
    pd.testing.assert_frame_equal(first, again)  # loaded from the runs and their eval cache


@pytest.mark.slow
def test_run_table_seed_column_is_the_training_seed_not_the_evaluation_seed(tmp_path, monkeypatch):
    cells = [
        study.Cell(
            c.table,
            c.row,
            c.column,
            c.seed,
            c.config.replace(data=DataConfig("mnist5k", resolution=32), steps=1),
        )
        for c in tables.cells("table2", "smoke", seeds=[1, 2], columns=["cifar10"])[:1]
        + tables.cells("table2", "smoke", seeds=[2], columns=["cifar10"])[:1]
    ]
    # the FID path's metrics include the evaluation seed as "seed" (metrics.evaluate)
    monkeypatch.setattr(
        study, "evaluate_run", lambda result, fid_n, seed, **kw: {"seed": seed, "di_mean": 0.0}
    )
    out = study.run_table(cells, tmp_path, fid_n=0, eval_seed=0)
    assert out["seed"].tolist() == [1, 2]
    assert [Path(r).name.split("-s")[-1][0] for r in out["run"]] == ["1", "2"]
