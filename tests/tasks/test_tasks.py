"""Tasks draw reals and G inputs in one fixed order, with indices; GInputs state their kind."""

from __future__ import annotations

import pytest
import torch

from ganlens import GANLens, models
from ganlens.data import ImageDataset, PairedImages, UnpairedImages
from ganlens.tasks import Generation, GInputs, PairedTranslation, UnpairedTranslation, make_task


def _images(seed: int, n: int = 12, channels: int = 1) -> ImageDataset:
    g = torch.Generator().manual_seed(seed)
    return ImageDataset(
        torch.randint(0, 256, (n, channels, 8, 8), generator=g, dtype=torch.uint8),
        torch.arange(n) % 3,
        ("a", "b", "c"),
        f"d{seed}",
        "generated in tests",
    )


def test_generation_draws_latents_then_labels_then_extras():
    G, _ = models.build("sn-dcgan", channels=1, resolution=8, width=4, n_classes=3, seed=0)
    task = Generation(G, _images(0))
    inputs = task.inputs(5, torch.Generator().manual_seed(1), "cpu")
    g = torch.Generator().manual_seed(1)
    z = torch.randn(5, 128, generator=g)
    y = torch.randint(3, (5,), generator=g)
    assert inputs.kind == "latent" and torch.equal(inputs.z, z) and torch.equal(inputs.y, y)
    real = task.real(4, torch.Generator().manual_seed(2), "cpu")
    assert real.x.shape == (4, 1, 8, 8) and real.y is not None and real.index.dtype == torch.long
    expected = torch.randperm(12, generator=torch.Generator().manual_seed(2))[:4]
    assert torch.equal(real.index, expected)
    uncond = Generation(models.build("sn-dcgan", channels=1, resolution=8, width=4)[0], _images(0))
    assert uncond.real(4, torch.Generator().manual_seed(2), "cpu").y is None  # unconditional G


def test_paired_translation_shares_indices_between_source_and_target():
    pairs = PairedImages(_images(0), _images(1, channels=3), "gray2colour")
    task = make_task(pairs, G=torch.nn.Identity())
    assert isinstance(task, PairedTranslation) and task.inputs_need_real
    real = task.real(5, torch.Generator().manual_seed(0), "cpu")
    inputs = task.inputs(5, torch.Generator(), "cpu", real)
    assert inputs.kind == "image" and torch.equal(inputs.index, real.index)
    assert torch.equal(inputs.x, real.source) and real.x.shape[1] == 3 and real.source.shape[1] == 1
    assert torch.equal(real.x, pairs.target.batch(real.index)[0])
    with pytest.raises(ValueError, match="12 source images but 5 targets"):
        PairedImages(_images(0), _images(1, n=5))


def test_unpaired_translation_draws_b_as_reals_and_a_as_inputs():
    data = UnpairedImages(_images(0), _images(1), "a2b")
    task = make_task(data, G=torch.nn.Identity())
    assert isinstance(task, UnpairedTranslation)
    g = torch.Generator().manual_seed(3)
    real, inputs = task.real(4, g, "cpu"), task.inputs(4, g, "cpu")
    g = torch.Generator().manual_seed(3)
    assert torch.equal(real.index, data.b.draw(4, g).index)
    assert torch.equal(inputs.index, data.a.draw(4, g).index)
    with pytest.raises(ValueError, match="same shape"):
        UnpairedImages(_images(0), _images(1, channels=3))


def test_ginputs_validate_rows_slice_and_kind():
    z = torch.zeros(4, 2)
    with pytest.raises(ValueError, match="kind must be one of"):
        GInputs("noise", z)
    with pytest.raises(ValueError, match="other row counts: {'y': 3}"):
        GInputs.latent(z, torch.zeros(3, dtype=torch.long))
    inputs = GInputs.latent(z, None, heatmaps=torch.ones(4, 7, 8, 8))
    part = inputs[torch.tensor([0, 2])]
    assert len(part) == 2 and part.extras["heatmaps"].shape == (2, 7, 8, 8)
    with pytest.raises(ValueError, match="source images"):
        _ = GInputs.images(torch.zeros(2, 1, 8, 8)).z


def test_a_translating_g_without_z_dim_gets_a_clear_error():
    lens = GANLens(torch.nn.Conv2d(1, 1, 1), torch.nn.Conv2d(1, 1, 1))
    with pytest.raises(ValueError, match="translating G takes images, draw them with lens.task"):
        lens.sample_inputs(2)
    with pytest.raises(ValueError, match="has no z_dim attribute"):
        Generation(torch.nn.Conv2d(1, 1, 1))
    with pytest.raises(ValueError, match="no data to draw real examples"):
        Generation(torch.nn.Conv2d(1, 1, 1), z_dim=3).real(2, torch.Generator(), "cpu")
