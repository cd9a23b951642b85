"""Datasets: uint8 images (MNIST-5k, CIFAR-10-JPEG, CIFAR-10, image folders, .npz), 2-D toys, pairs.

``load(name, ...)`` is the entry point; images stay uint8 until :meth:`ImageDataset.draw`
converts a batch to float in [-1, 1] (``to_float`` / ``to_uint8`` are that boundary). A draw is
a :class:`Batch` with the dataset indices of its images. :class:`PairedImages` and
:class:`UnpairedImages` hold the two domains of a translation task.
"""

from ganlens.data.batch import Batch
from ganlens.data.images import ImageDataset, to_float, to_uint8
from ganlens.data.pairs import PairedImages, UnpairedImages
from ganlens.data.registry import DATASETS, load
from ganlens.data.tensors import as_dataset
from ganlens.data.toys import ToyDataset

__all__ = [
    "DATASETS",
    "Batch",
    "ImageDataset",
    "PairedImages",
    "ToyDataset",
    "UnpairedImages",
    "as_dataset",
    "load",
    "to_float",
    "to_uint8",
]
