from __future__ import annotations

import numpy as np
import pytest

from ganlens.track import ema


def test_ema_bias_corrected_constant_series():
    assert np.allclose(ema([2.0] * 5, beta=0.9), 2.0)


def test_ema_exact_two_steps():
    out = ema([0.0, 1.0], beta=0.5)
    # acc: 0 -> 0.5 ; weights: 0.5 -> 0.75 ; second value 0.5 / 0.75
    assert out[0] == 0.0 and out[1] == pytest.approx(2 / 3)


def test_ema_skips_nan_and_beta_zero_is_identity():
    out = ema([1.0, np.nan, 3.0], beta=0.0)
    assert out[0] == 1.0 and np.isnan(out[1]) and out[2] == 3.0


def test_ema_bad_beta():
    with pytest.raises(ValueError, match="beta"):
        ema([1.0], beta=1.0)
