from __future__ import annotations

import torch
from torch import nn

from ganlens.hooks import HookPoint, count_hooks, hook_point_names, temporary_hooks


def test_hook_point_identity_and_wrapper():
    x = torch.randn(3, 2)
    assert torch.equal(HookPoint()(x), x)
    lin = nn.Linear(2, 2)
    assert torch.equal(HookPoint(lin)(x), lin(x))


def test_hook_point_names_in_order():
    model = nn.Sequential(HookPoint(nn.Linear(2, 2)), nn.ReLU(), HookPoint())
    assert hook_point_names(model) == ["0", "2"]


def test_temporary_hooks_removed():
    model = nn.Linear(2, 2)
    with temporary_hooks([(model, lambda m, i, o: o * 0)]):
        assert count_hooks(model) == 1
        assert torch.all(model(torch.ones(1, 2)) == 0)
    assert count_hooks(model) == 0
