"""ganlens: a lens on the two-player game inside a GAN.

Flat public API (``import ganlens as gl``)::

    data = gl.data.load("mnist5k", resolution=32)
    G, D = gl.models.build("sn-dcgan", channels=1, width=16, seed=0)
    lens = gl.GANLens(G, D)
    result = gl.load_or_train(gl.get_preset("demo", "smoke"), "runs/demo-smoke")
    gl.disequilibrium_indicator(real_scores, fake_scores)
"""

from ganlens import data, methods, metrics, models, probes, study, track, train, viz
from ganlens.config import TrainConfig
from ganlens.experiment import build_lens, load_data, load_or_train
from ganlens.hooks import HookPoint, count_hooks
from ganlens.lens import GANLens
from ganlens.methods import Method
from ganlens.presets import PRESETS, get_preset
from ganlens.runs import Run, load_checkpoint
from ganlens.track import DIResult, RealnessTracker, disequilibrium_indicator, evaluate_di
from ganlens.train import fit

__version__ = "0.1.0"

__all__ = [
    "DIResult", "GANLens", "HookPoint", "Method", "PRESETS", "RealnessTracker", "Run",
    "TrainConfig", "build_lens", "count_hooks", "data", "disequilibrium_indicator", "evaluate_di",
    "fit", "get_preset", "load_checkpoint", "load_data", "load_or_train", "methods", "metrics",
    "models", "probes", "study", "track",
    "train", "viz",
]
