"""Tables of runs: names, confidence intervals, Welch comparisons, and a smoke table end to end."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import ganlens as gl
from ganlens import DataConfig, stats, study
from ganlens.papers import eqgan_sa as tables


def test_study_uses_the_exact_statistics():
    # the table helpers are ganlens.stats' (tests/test_stats.py tests them with exact values)
    assert study.ci95 is stats.ci95 and study.compare is stats.compare
    assert study.mean_ci(1.234, 0.5) == "1.23 ± 0.50" and study.mean_ci(1.0, math.nan) == "1.00"


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
        for scale in ("smoke", "cpu", "gpu"):
            for column in tables.columns_of(name, scale):
                cells = tables.cells(name, scale, seeds=[0], columns=[column])
                configs = [c.config.to_dict() for c in cells]
                for cfg in configs:
                    cfg.pop("method")
                assert all(cfg == configs[0] for cfg in configs), (name, scale, column)
    # the cpu regime of issue 14: Table 2 on 500 MNIST-5k threes, six seeds, DCGAN + ns + bf16 where native
    cpu2 = tables.cells("table2", "cpu")
    assert {c.column for c in cpu2} == {"digit3"} and {c.seed for c in cpu2} == set(range(6))
    optim = cpu2[0].config.optim
    assert (cpu2[0].config.model.name, optim.loss) == ("dcgan", "ns")
    assert (optim.precision, optim.channels_last) == ("auto", "auto")  # bf16 where native
    with pytest.raises(ValueError, match="at cpu, not 'cifar10'"):
        tables.cells("table2", "cpu", columns=["cifar10"])
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


def _part(fd_variant, di_base, collapsed=None):
    seeds = range(len(fd_variant))
    rows = []
    for s in seeds:
        rows.append({"row": "baseline", "seed": s, "fd": 10.0 + 0.1 * s, "di_mean": di_base[s]})
        rows.append({"row": "variant", "seed": s, "fd": fd_variant[s], "di_mean": di_base[s] - 1})
    df = pd.DataFrame(rows)
    if collapsed is not None:
        df["collapsed"] = [False, collapsed[0]] + [False, False] * (len(seeds) - 1)
    return df


def test_claim_verdicts_margin_premise_and_collapses():
    part = _part([8.0, 8.1, 8.2, 8.0], di_base=[-1.0, -0.5, -0.8, -0.2])
    claims = [("variant", "baseline", "lower"), ("variant", "baseline", "not lower")]
    out = study.claim_verdicts(part, claims, {"FD": "fd", "DI": "di_mean"})
    assert out.claim.tolist() == [
        "FD: variant < baseline",
        "DI: variant < baseline",
        "FD: variant not < baseline",
        "DI: variant not < baseline",
    ]
    assert out.verdict[0] == "reproduced" and math.isnan(out.margin[0])
    assert out.verdict[1].startswith("premise absent: the baseline's DI is -0.625 <= 0")
    assert out.margin[2] == pytest.approx(0.1 * 10.15)  # 10% of the baseline's mean FD
    assert out.verdict[2] == "not reproduced: significantly lower"
    assert (out.a == "variant").all() and (out.mde > 0).all()
    positive = study.claim_verdicts(
        _part([8.0, 8.1, 8.2, 8.0], [1.0, 1.5, 1.2, 1.1]), claims[:1], {"DI": "di_mean"}
    )
    assert positive.verdict[0] == "reproduced"


def test_claim_verdicts_report_collapsed_seeds():
    part = _part([8.0, 8.1, 8.2, 30.0], [1.0, 1.5, 1.2, 1.1], collapsed=[False])
    part.loc[(part.row == "variant") & (part.seed == 3), "collapsed"] = True
    out = study.claim_verdicts(part, [("variant", "baseline", "lower")], {"FD": "fd"})
    assert out.collapsed[0] == (1, 0)
    assert (
        "driven by collapses (1/4 and 0/4 seeds collapsed); without them: reproduced"
        in (out.verdict[0])
    )
    zero = part.assign(fd=0.0)
    with pytest.raises(ValueError, match="a relative margin needs a nonzero baseline"):
        study.claim_verdicts(zero, [("variant", "baseline", "not lower")], {"FD": "fd"})


def test_evaluate_run_adds_a_cached_classifier_fd(tmp_path, monkeypatch):
    from ganlens.metrics import classifier as clf

    config = tables.cells("table2", "smoke")[0].config.replace(
        data=DataConfig("mnist5k", classes=("3",), resolution=32), method="none"
    )
    result = gl.load_or_train(config, tmp_path / "run", progress=False, report=False)
    digits = gl.data.load("mnist5k", resolution=32)
    recipe = clf.ClassifierRecipe(epochs=1, batch_size=256)
    net = clf.load_or_train_classifier(digits, recipe, cache_dir=tmp_path / "cache")
    row = study.evaluate_run(result, 0, di_pool=64, fd=net, fd_n=128)
    assert {"di_mean", "fd_lenet", "fd_lenet_spread", "fd_lenet_collapsed"} <= set(row)
    assert row["fd_lenet_n"] == 128 and row["fd_lenet_acc"] == net.accuracy
    assert (tmp_path / "run" / "eval_fd_lenet_128.json").is_file()
    monkeypatch.setattr(clf, "evaluate_features", lambda *a, **k: pytest.fail("measured again"))
    assert study.evaluate_run(result, 0, di_pool=64, fd=net, fd_n=128) == row


def test_clr_gan_cells_share_runs_across_tables_and_keep_one_budget():
    from ganlens.papers import clr_gan

    t3 = {(c.row, c.seed): c for c in clr_gan.cells("table3", "cpu")}
    f4 = {(c.row, c.seed): c for c in clr_gan.cells("fig4", "cpu")}
    assert {r for r, _ in t3} == {"baseline", "CLR (1, 0)", "CLR (0, 1)", "CLR", "CLR (L1)"}
    assert {s for _, s in t3} == set(range(6))
    for row in ("baseline", "CLR"):
        assert study.run_name(t3[(row, 0)].config) == study.run_name(f4[(row, 0)].config)
    ada = f4[("ADA", 0)].config
    assert (ada.optim.augment, ada.method.name) == ("ada", "none")
    assert t3[("CLR (L1)", 0)].config.method.distance == "l1"
    budgets = []
    for cell in [*t3.values(), *f4.values()]:
        cfg = cell.config.to_dict()
        cfg.pop("method"), cfg.pop("seed")
        cfg["optim"] = {
            k: v for k, v in cfg["optim"].items() if not k.startswith(("augment", "ada_"))
        }
        budgets.append(cfg)
    assert all(b == budgets[0] for b in budgets)
    with pytest.raises(ValueError, match="fig4 has rows"):
        clr_gan.cells("fig4", "cpu", rows=["CLR (1, 0)"])
    assert {c.row for c in clr_gan.cells("table3", "gpu", seeds=[0])} >= {
        "CLR (1, 0)",
        "CLR (0, 1)",
    }
