"""Captum's layer attributions run on D (or on D(G(inputs))), addressed by lens names.

The slow, general path beside the one-pass :func:`ganlens.probes.gradcam`: any of the Captum
layer methods in :data:`METHODS`, one Captum call per layer and batch, with ganlens's contract
(the score is D's logit per image, eval mode, in-place activations out of place, no hooks left).
``attribute(lens, x, layers, "LayerGradCam", relu_attributions=True)`` equals
``gradcam(lens, x, layers, convention="textbook")`` layer by layer (tests/probes/test_attribute.py).

Captum keeps its own copy of a hooked layer's output (and DeepLift of each activation's input
and output), so an in-place op after the layer does not change its numbers, where the one-pass
probes raise ``InPlaceError``; the ``inplace`` flags are switched off here too, so that every
probe runs the same forward.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import captum.attr
import torch
from torch import nn

from ganlens.lens import GANLens
from ganlens.modes import mode, out_of_place
from ganlens.probes.checks import check_layers, warn_cross_sample
from ganlens.tasks import GInputs

# Captum class name -> its attribute() keywords that may hold one row per example (sliced with
# the batch; a scalar or a 1-row tensor is passed whole). Left out: methods that sample at
# random (LayerGradientShap, LayerFeaturePermutation) and LayerLRP (needs a rule per layer).
METHODS: dict[str, tuple[str, ...]] = {
    "LayerGradCam": (),
    "LayerGradientXActivation": (),
    "LayerActivation": (),
    "LayerConductance": ("baselines",),
    "LayerIntegratedGradients": ("baselines",),
    "LayerDeepLift": ("baselines",),
    "InternalInfluence": ("baselines",),
    "LayerFeatureAblation": ("layer_baselines", "layer_mask"),
}

# attribute() keywords ganlens sets itself, with what to do instead.
_OWNED = {
    "target": "the score is D's logit per image, shape (N,), so Captum's target is None",
    "additional_forward_args": "pass labels as y= (images) or inside the GInputs",
    "return_convergence_delta": "call Captum directly on lens.score for convergence deltas",
    "device_ids": "ganlens runs the players on their own device",
}

Attribution = torch.Tensor | tuple[torch.Tensor, ...]


class _Score(nn.Module):
    """Captum's forward function: ``f(x, y, *extras)`` -> D's logit per example (N,).

    A module (not a closure) because LayerDeepLift needs one; for G's inputs the forward is
    D(G(inputs)) with ``x`` the latents (or source images) of the given kind.
    """

    def __init__(self, lens: GANLens, inputs: GInputs | None) -> None:
        super().__init__()
        self.lens = lens
        self.kind = inputs.kind if inputs is not None else None
        self.keys = tuple(inputs.extras) if inputs is not None else ()

    def forward(
        self, x: torch.Tensor, y: torch.Tensor | None = None, *extras: torch.Tensor
    ) -> torch.Tensor:
        if self.kind is None:
            return self.lens.score(x, y)
        inputs = GInputs(self.kind, x, y, dict(zip(self.keys, extras)))
        return self.lens.score(self.lens.generate(inputs), y)


def _method_class(method: str) -> type:
    if method not in METHODS:
        known = ", ".join(sorted(METHODS))
        hint = (
            f" (captum.attr.{method} exists but is not a supported layer method here)"
            if isinstance(method, str) and hasattr(captum.attr, method)
            else ""
        )
        raise ValueError(
            f"unknown attribution method {method!r}{hint}; probes.attribute runs "
            f"the Captum layer methods {known}"
        )
    return getattr(captum.attr, method)


def _split_kwargs(cls: type, kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Route ``kwargs`` to Captum's constructor or to ``attribute``, by their signatures.

    Captum's ``method`` keyword (the integral's approximation, e.g. ``"riemann_trapezoid"``) is
    spelled ``approximation`` here, since ``method`` names the Captum class.
    """
    owned = sorted(set(kwargs) & set(_OWNED))
    if owned:
        raise ValueError("; ".join(f"{k} is set by probes.attribute: {_OWNED[k]}" for k in owned))
    init = set(inspect.signature(cls.__init__).parameters) - {
        "self",
        "forward_func",
        "model",
        "layer",
        *_OWNED,
    }
    call = set(inspect.signature(cls.attribute).parameters) - {"self", "inputs", *_OWNED}
    if "method" in call:
        call = call - {"method"} | {"approximation"}
    unknown = sorted(set(kwargs) - init - call)
    if unknown:
        raise ValueError(
            f"{cls.__name__} takes no keyword {', '.join(unknown)}; it accepts "
            f"{', '.join(sorted(init | call)) or 'none'}"
        )
    rename = {"approximation": "method"}
    return (
        {k: v for k, v in kwargs.items() if k in init},
        {rename.get(k, k): v for k, v in kwargs.items() if k in call},
    )


def _rows(value: Any, name: str, start: int, stop: int, n: int) -> Any:
    """The rows ``start:stop`` of a per-example keyword; scalars and 1-row tensors pass whole."""
    if not isinstance(value, torch.Tensor) or value.ndim == 0 or len(value) == 1:
        return value
    if len(value) != n:
        raise ValueError(
            f"{name} has {len(value)} rows; give one row per example ({n}), "
            "one row for all, or a number"
        )
    return value[start:stop]


def _cat(parts: list[Attribution]) -> Attribution:
    if isinstance(parts[0], torch.Tensor):
        return torch.cat(parts).detach()
    return tuple(torch.cat(p).detach() for p in zip(*parts))


def _check_batch(x: torch.Tensor | GInputs, y: torch.Tensor | None, batch_size: int | None) -> None:
    if len(x) == 0:
        raise ValueError("x holds no examples; pass at least one image or G input")
    if isinstance(x, GInputs) and y is not None:
        raise ValueError("G's inputs carry their own labels (GInputs.y); pass y= only with images")
    if y is not None and len(y) != len(x):
        raise ValueError(f"y has {len(y)} labels for {len(x)} images; give one label per image")
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")


def attribute(
    lens: GANLens,
    x: torch.Tensor | GInputs,
    layers: Sequence[str],
    method: str = "LayerGradCam",
    y: torch.Tensor | None = None,
    batch_size: int | None = None,
    **captum_kwargs: Any,
) -> dict[str, Attribution]:
    """Captum layer attributions of D's logit at several layers.

    What runs depends on the kind of ``x``, stated by its type: images (a tensor) are scored by
    D, so only D layers can be attributed; G's inputs (a :class:`~ganlens.tasks.GInputs`) run
    the whole game, the score is D(G(inputs)) and G layers may be attributed too (Captum's
    inputs, and so its ``baselines``, are then the latents or source images). The score is
    :meth:`~ganlens.GANLens.score`, one logit per example, Captum's ``target=None``. G and D run
    in eval mode with ``inplace=True`` activations out of place; modes and flags are restored and
    no hook is left, also when the call raises. One Captum call per layer and batch, so this is
    slower than :func:`~ganlens.probes.gradcam`, which does every layer in one pass.

    Args:
        lens: the players (the primary G and D).
        x: images (N, C, H, W) float in [-1, 1], or G's inputs.
        layers: hook or module names, e.g. ``["D.blocks.1", "D.blocks.2"]``.
        method: a Captum class name from :data:`METHODS`, e.g. ``"LayerIntegratedGradients"``.
        y: class labels (N,) int64 of images for a conditional D (G inputs carry their own).
        batch_size: run at most this many examples per Captum call and concatenate (``None``:
            all at once). Keywords in :data:`METHODS` with N rows (``baselines``) are sliced along.
        **captum_kwargs: keywords of the Captum class (``multiply_by_inputs``) or of its
            ``attribute`` (``relu_attributions``, ``n_steps``, ``baselines``,
            ``attribute_to_layer_input``; Captum's ``method="riemann_trapezoid"`` is spelled
            ``approximation=`` here); ``target`` and ``additional_forward_args`` are ganlens's.

    Returns:
        ``{name: attribution}``, detached, in Captum's shape for that method: the layer's output
        shape, (N, C, h, w) or (N, F), for every method except ``LayerGradCam``, which gives
        (N, 1, h, w) (channels summed; (N, C, h, w) with ``attr_dim_summation=False``). Where
        Captum returns a tuple (``attribute_to_layer_input=True`` on a layer with several
        inputs), a tuple of such tensors.

    Raises:
        ValueError: unknown method or keyword, a keyword ganlens sets, G layers given images,
        ``y`` with G's inputs, a bad ``batch_size``. KeyError: unknown layer name.
    """
    cls = _method_class(method)
    init_kw, call_kw = _split_kwargs(cls, captum_kwargs)
    game = check_layers(lens, x, layers)
    _check_batch(x, y, batch_size)
    probed = {"G": lens.G, "D": lens.D} if game else {"D": lens.D}
    score = _Score(lens, x if game else None)
    algos = {name: cls(score, lens.module(name), **init_kw) for name in layers}
    n = len(x)
    step = batch_size or n
    parts: dict[str, list[Attribution]] = {name: [] for name in layers}
    with mode(*probed.values(), train=False), out_of_place(*probed.values()):
        warn_cross_sample(probed)
        for start in range(0, n, step):
            rows = slice(start, min(start + step, n))
            kw = {
                k: _rows(v, k, rows.start, rows.stop, n) if k in METHODS[method] else v
                for k, v in call_kw.items()
            }
            for name, algo in algos.items():
                parts[name].append(_run(algo, x[rows], y[rows] if y is not None else None, kw))
    return {name: _cat(p) for name, p in parts.items()}


def _run(
    algo: Any, x: torch.Tensor | GInputs, y: torch.Tensor | None, kw: dict[str, Any]
) -> Attribution:
    """One Captum call on one batch: Captum's inputs are the images, or G's latents/sources."""
    if isinstance(x, GInputs):
        inputs, extra = x.x.detach(), (x.y, *x.extras.values())
    else:
        inputs, extra = x.detach(), (y,)
    args = extra if any(a is not None for a in extra) else None
    return algo.attribute(inputs, additional_forward_args=args, **kw)
