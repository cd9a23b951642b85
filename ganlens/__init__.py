"""ganlens: a lens on the two-player game inside a GAN.

Flat public API (``import ganlens as gl``)::

    data = gl.data.load("mnist5k", resolution=32)
    G, D = gl.models.build("sn-dcgan", channels=1, width=16, seed=0)
    lens = gl.GANLens(G, D)
    result = gl.load_or_train(gl.get_preset("demo", "smoke"), "runs/demo-smoke")
    gl.disequilibrium_indicator(real_scores, fake_scores)
"""

from ganlens import data, methods, metrics, models, papers, probes, study, tasks, track, train, viz
from ganlens.config import DataConfig, ExperimentConfig
from ganlens.experiment import build, build_lens, load_data, load_lens, load_or_train
from ganlens.hooks import HookPoint, count_hooks
from ganlens.lens import GANLens
from ganlens.methods import CLRGANConfig, EqGANSAConfig, Method, MethodConfig, get_method
from ganlens.models import DCGANConfig, MLPConfig
from ganlens.presets import PRESETS, get_preset
from ganlens.runs import Run, RunLocked, load_checkpoint
from ganlens.sampling import fixed_samples, sample_fakes
from ganlens.tasks import GInputs
from ganlens.track import (
    DIResult,
    RealnessTracker,
    TrackConfig,
    disequilibrium_indicator,
    evaluate_di,
    score_pools,
)
from ganlens.train import OptimConfig, Phase, Step, fit

__version__ = "0.2.0"

__all__ = [
    "PRESETS",
    "CLRGANConfig",
    "DCGANConfig",
    "DIResult",
    "DataConfig",
    "EqGANSAConfig",
    "ExperimentConfig",
    "GANLens",
    "GInputs",
    "HookPoint",
    "MLPConfig",
    "Method",
    "MethodConfig",
    "OptimConfig",
    "Phase",
    "RealnessTracker",
    "Run",
    "RunLocked",
    "Step",
    "TrackConfig",
    "build",
    "build_lens",
    "count_hooks",
    "data",
    "disequilibrium_indicator",
    "evaluate_di",
    "fit",
    "fixed_samples",
    "get_method",
    "get_preset",
    "load_checkpoint",
    "load_data",
    "load_lens",
    "load_or_train",
    "methods",
    "metrics",
    "models",
    "papers",
    "probes",
    "sample_fakes",
    "score_pools",
    "study",
    "tasks",
    "track",
    "train",
    "viz",
]
