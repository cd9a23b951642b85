"""A researcher's own pair, written as the PyTorch DCGAN tutorial writes it, works as is."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

import ganlens as gl
from ganlens import models
from ganlens.data import as_dataset

NZ = 16


class TutorialG(nn.Module):
    """Latents (N, nz, 1, 1) -> (N, 1, 16, 16), ConvTranspose + BatchNorm + ReLU(inplace)."""

    latent_shape = (NZ, 1, 1)

    def __init__(self, nz: int = NZ, ngf: int = 8) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)


class TutorialD(nn.Module):
    """(N, 1, 16, 16) -> (N, 1, 1, 1) probabilities: LeakyReLU(inplace), BatchNorm, Sigmoid."""

    def __init__(self, ndf: int = 8) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.main(x)


def _lens(**kw) -> gl.GANLens:
    torch.manual_seed(0)
    with pytest.warns(
        UserWarning, match=r"nn.Sigmoid \('D.main.6'\): ganlens scores the Sigmoid's input"
    ):
        return gl.GANLens(TutorialG(), TutorialD(), **kw)


def test_a_trailing_sigmoid_is_scored_by_its_input_the_logit():
    lens = _lens()
    x = lens.generate(5, torch.Generator().manual_seed(0))
    assert x.shape == (5, 1, 16, 16)  # latents (5, 16, 1, 1) from the G's latent_shape
    assert lens.latent_shape == (NZ, 1, 1) and lens.sample_latent(2).shape == (2, NZ, 1, 1)
    prob = lens.D(x).reshape(5)
    torch.testing.assert_close(torch.sigmoid(lens.score(x)), prob)  # (N, 1, 1, 1) needs no reduce
    assert lens.sigmoid_stripped == "main.6" and gl.count_hooks(lens) == 0
    with pytest.raises(ValueError, match=r"D ends in nn.Sigmoid \('D.main.6'\).*sigmoid='logit'"):
        gl.GANLens(TutorialG(), TutorialD(), sigmoid="refuse")


def test_scores_that_look_like_probabilities_are_warned_about():
    class SigmoidInside(nn.Module):  # no Sigmoid module to find: the scores give it away
        def __init__(self) -> None:
            super().__init__()
            self.main = TutorialD().main[:-1]

        def forward(self, x):
            return torch.sigmoid(self.main(x))

    lens = gl.GANLens(TutorialG(), SigmoidInside())
    images = torch.randint(0, 256, (64, 1, 16, 16), dtype=torch.uint8)
    with pytest.warns(UserWarning, match="all 64 D scores lie in \\[0, 1\\]"):
        gl.score_pools(lens, images, 32, torch.Generator().manual_seed(0))


def test_foreign_players_list_their_blocks_and_can_be_cached():
    lens = _lens()
    names = lens.hook_names()
    assert "D.main.3" in names and "G.main.0" in names
    logits, cache = lens.run_with_cache(lens.sample_inputs(3), names=["G.main.2", "D.main.4"])
    assert cache["G.main.2"].shape == (3, 16, 4, 4) and logits.shape == (3,)


def test_plain_tensors_are_real_data_for_scoring_and_di():
    lens = _lens()
    uint8 = torch.randint(0, 256, (40, 1, 16, 16), dtype=torch.uint8)
    real, fake = gl.score_pools(lens, uint8, 16, torch.Generator().manual_seed(0))
    assert real.shape == fake.shape == (16,)
    as_float = uint8.float() / 127.5 - 1
    again, _ = gl.score_pools(lens, as_float, 16, torch.Generator().manual_seed(0))
    torch.testing.assert_close(real, again)
    assert gl.evaluate_di(lens, uint8, pool=32, repeats=5).pool_real == 32
    with pytest.raises(ValueError, match=r"lie in \[0, 1\]; ganlens reads floats as \[-1, 1\]"):
        as_dataset(uint8.float() / 255)
    with pytest.raises(ValueError, match=r"must be a tensor \(N, C, H, W\)"):
        as_dataset(torch.zeros(3, 16, 16))


def test_a_registered_pair_trains_with_load_or_train_and_reports(tmp_path, recwarn):
    models.register(
        "tutorial-dcgan",
        lambda ngf=8, ndf=8: (TutorialG(ngf=ngf), TutorialD(ndf=ndf)),
        replace=True,
    )
    assert "tutorial-dcgan" in models.available()
    cfg = gl.get_preset("demo", "smoke").replace(
        model="tutorial-dcgan", loss="ns", **{"data.resolution": 16}
    )
    assert cfg.model.to_dict() == {"name": "tutorial-dcgan", "channels": None, "resolution": None}
    cfg = cfg.replace(model={"name": "tutorial-dcgan", "ngf": 4})
    result = gl.load_or_train(cfg, tmp_path / "run", progress=False)
    assert (tmp_path / "run" / "report.md").is_file() and result.history["di_mean"].notna().all()
    stored = json.loads((tmp_path / "run" / "config.json").read_text())["model"]
    assert stored == {"name": "tutorial-dcgan", "channels": None, "resolution": None, "ngf": 4}
    again = gl.load_or_train(cfg, tmp_path / "run", progress=False)  # loads, does not retrain
    assert again.summary == result.summary
    with pytest.raises(ValueError, match="is a built-in model"):
        models.register("sn-dcgan", lambda: None)
    with pytest.raises(ValueError, match="registered already; pass replace=True"):
        models.register("tutorial-dcgan", lambda: None)


def test_an_unregistered_model_reads_but_does_not_build():
    config = models.config_from_dict({"name": "somebody-elses-gan", "width": 3})
    assert config.to_dict()["width"] == 3
    with pytest.raises(
        ValueError, match=r"not registered in this process: call ganlens.models.register"
    ):
        models.build_players(config)


def test_captures_outside_probes_survive_in_place_activations():
    lens = _lens()
    x = lens.generate(3, torch.Generator().manual_seed(0)).detach()
    _, cache = lens.run_with_cache(
        x, names=["D.main.0", "D.main.3"]
    )  # each followed by LeakyReLU(inplace)
    torch.testing.assert_close(cache["D.main.0"], lens.D.main[0](x))
    assert all(m.inplace for m in lens.D.modules() if hasattr(m, "inplace"))  # flags restored
