"""Equilibrium tracking: DI, realness statistics, ADA's r_t, and the tracker callback."""

from ganlens.track.config import TrackConfig
from ganlens.track.equilibrium import DIResult, ada_rt, disequilibrium_indicator, realness_stats
from ganlens.track.scoring import evaluate_di, score_pools
from ganlens.track.smoothing import ema
from ganlens.track.tracker import RealnessTracker

__all__ = [
    "DIResult",
    "RealnessTracker",
    "TrackConfig",
    "ada_rt",
    "disequilibrium_indicator",
    "ema",
    "evaluate_di",
    "realness_stats",
    "score_pools",
]
