"""Datasets: uint8 images (MNIST-5k, CIFAR-10-JPEG, CIFAR-10, image folders, .npz) and 2-D toys.

``load(name, ...)`` is the entry point; images stay uint8 until :meth:`ImageDataset.sample`
converts a batch to float in [-1, 1] (``to_float`` / ``to_uint8`` are that boundary).
"""

from ganlens.data.images import ImageDataset, to_float, to_uint8
from ganlens.data.registry import DATASETS, load
from ganlens.data.toys import ToyDataset

__all__ = ["DATASETS", "ImageDataset", "ToyDataset", "load", "to_float", "to_uint8"]
