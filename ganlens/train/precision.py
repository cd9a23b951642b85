"""Which forward-pass precision a run really uses: ``optim.precision`` resolved on its device.

bf16 autocast is only fast where the hardware has bf16 arithmetic. Measured with
``benchmarks/precision_throughput.py`` (1 thread, DCGAN step at width 16): on an Intel Xeon with
AVX-512 BF16 bf16 + channels-last is 2.2x faster than fp32; on an AMD EPYC with AVX2 only (no
bf16 instructions, so bf16 is emulated) it is about 10x *slower* (0.10x, benchmarks/RESULTS.md). ``"auto"`` therefore picks bf16
only where it is native:

- CPU: AVX-512 BF16 or AMX tiles (``torch.cpu._is_avx512_bf16_supported`` /
  ``_is_amx_tile_supported``; private helpers, treated as absent when torch lacks them);
- CUDA: ``torch.cuda.is_bf16_supported()``;
- anything else: fp32.

``channels_last="auto"`` follows the resolved precision (on with bf16, where it adds 1.2x; off
with fp32, where it gave 0.9x-1.1x in two measurements on the AVX2 machine). A run's summary records what it resolved to
(``precision``, ``channels_last``), because one config gives different arithmetic on different
machines; the numbers of such runs agree up to the bf16 parity of ``results/regime_pilot``.
"""

from __future__ import annotations

import torch

PRECISIONS = ("fp32", "bf16", "auto")


def native_bf16(device: torch.device) -> bool:
    """Whether ``device`` computes in bf16 natively (so bf16 autocast is faster, not emulated)."""
    if device.type == "cpu":
        probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
        return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in probes)
    if device.type == "cuda":
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    return False


def resolve_precision(
    precision: str, channels_last: bool | str, device: torch.device
) -> tuple[str, bool]:
    """The ``(precision, channels_last)`` a run on ``device`` uses: ``"auto"`` values resolved.

    Args:
        precision: ``"fp32"``, ``"bf16"`` or ``"auto"`` (bf16 where :func:`native_bf16`).
        channels_last: ``True``, ``False`` or ``"auto"`` (on when the precision is bf16).
        device: the training device.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"optim.precision must be one of {PRECISIONS}, got {precision!r}")
    if precision == "auto":
        precision = "bf16" if native_bf16(device) else "fp32"
    if channels_last == "auto":
        channels_last = precision == "bf16"
    return precision, bool(channels_last)
