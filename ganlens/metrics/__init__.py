"""FID / KID / precision-recall on the offline FID Inception network, and an FID tracker.

    ref = reference_stats("cifar10-jpeg", split="train", n=2000)   # cached real features
    feats = inception_features(fake_images)                       # (N, 2048), uint8 or [-1, 1]
    fid(ref.features, feats); kid(ref.features, feats); precision_recall(ref.features, feats)
    evaluate(lens, data, n=2000)                                  # one row: FID-2k, KID, P/R, DI

The network file is never downloaded at run time: ``ganlens fetch-inception`` puts it in the
cache once (see :mod:`ganlens.metrics.inception`). Every result records the sha256 of the file
that produced it and the sample counts.
"""

from ganlens.metrics.evaluate import evaluate
from ganlens.metrics.features import (
    RESIZES,
    FeatureExtractor,
    as_uint8,
    inception_features,
    load_extractor,
    resize_images,
)
from ganlens.metrics.fid import fid, frechet_distance, gaussian_stats, n_label
from ganlens.metrics.inception import (
    InceptionFile,
    default_inception_dir,
    fetch_inception,
    load_inception,
    locate_inception,
    verify_inception,
)
from ganlens.metrics.kid import KIDResult, kid
from ganlens.metrics.precision_recall import PrecisionRecall, precision_recall
from ganlens.metrics.reference import Reference, reference_stats
from ganlens.metrics.sampling import generate_uint8
from ganlens.metrics.tracker import FIDTracker

__all__ = [
    "RESIZES",
    "FIDTracker",
    "FeatureExtractor",
    "InceptionFile",
    "KIDResult",
    "PrecisionRecall",
    "Reference",
    "as_uint8",
    "default_inception_dir",
    "evaluate",
    "fetch_inception",
    "fid",
    "frechet_distance",
    "gaussian_stats",
    "generate_uint8",
    "inception_features",
    "kid",
    "load_extractor",
    "load_inception",
    "locate_inception",
    "n_label",
    "precision_recall",
    "reference_stats",
    "resize_images",
    "verify_inception",
]
