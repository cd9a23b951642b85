"""``load``: one entry point for every dataset ganlens knows, and where their files are looked for.

Nothing is downloaded: a missing file gives an error that says where ganlens looked and how to
point it at the data (``root=`` or the ``GANLENS_DATA`` environment variable).
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ganlens.data.cache import default_cache_dir
from ganlens.data.cifar import TARBALL, load_cifar10_jpeg
from ganlens.data.cifar_pickles import ARCHIVE, FOLDER, load_cifar10_pickles
from ganlens.data.folder import load_imagefolder
from ganlens.data.images import ImageDataset
from ganlens.data.npz import load_npz, sha256_of
from ganlens.data.toys import TOYS, ToyDataset

DATASETS = ("mnist5k", "cifar10-jpeg", "cifar10", "imagefolder", "npz", "ring8", "grid25")
SPLITS = ("train", "test")
MNIST5K_SHA256 = "f814240cf7e0d3cbaacc1a898905819a40ab46fb317a600d2a4b91a5c184c810"
PathLike = str | os.PathLike
Classes = Sequence[str | int] | None


def repo_root() -> Path:
    """The folder holding the ``ganlens`` package (the repository root in a checkout)."""
    return Path(__file__).resolve().parents[2]


def package_dir() -> Path:
    """The ``ganlens`` package folder (in site-packages for a wheel, in the checkout otherwise)."""
    return Path(__file__).resolve().parents[1]


def shipped_candidates(*parts: str) -> list[Path]:
    """Where a file that ships with ganlens (``"data", "mnist5k.npz"``, ``"notebooks"``) may be.

    A wheel carries the repository's ``data/`` and ``notebooks/`` as ``ganlens/_bundled/data``
    and ``ganlens/_bundled/notebooks`` (setup.py maps them); a checkout or an editable install
    has them at the repository root. The installed copy is looked at first.
    """
    return [package_dir() / "_bundled" / Path(*parts), repo_root() / Path(*parts)]


def shipped_path(*parts: str) -> Path | None:
    """The first of :func:`shipped_candidates` that exists, or ``None``."""
    return next((p for p in shipped_candidates(*parts) if p.exists()), None)


def load(
    name: str,
    root: PathLike | None = None,
    split: str = "train",
    classes: Sequence[str | int] | None = None,
    resolution: int | None = None,
    cache_dir: PathLike | None = None,
    partial: bool = False,
) -> ImageDataset | ToyDataset:
    """Load a dataset by name.

    Image datasets are held in memory as uint8 (N, C, H, W); sample float batches in [-1, 1] with
    :meth:`ImageDataset.sample`. Labels keep the dataset's ORIGINAL class indices and
    ``class_names`` stays the full list when ``classes=`` picks a subset (CIFAR-10's cat is label 3
    of 10), so conditional models see the same ``n_classes`` on any subset.

    Args:
        name: one of :data:`DATASETS`: ``"mnist5k"`` (embedded, train only), ``"cifar10-jpeg"``,
            ``"cifar10"`` (original python pickles), ``"imagefolder"``, ``"npz"`` (a user file),
            ``"ring8"``, ``"grid25"`` (2-D toys).
        root: where the data is. mnist5k: another copy of mnist5k.npz (or its folder);
            cifar10-jpeg: the tarball, the extracted ``cifar10jpg`` folder, or a folder with
            either; cifar10: ``cifar-10-batches-py``, its parent, or ``cifar-10-python.tar.gz``;
            imagefolder: the folder (required); npz: the .npz file (required). When ``None``,
            the CIFAR sets are looked for in ``$GANLENS_DATA``, then ``../shared/data``.
            Ignored by toys.
        split: ``"train"`` or ``"test"``.
        classes: names or indices of the classes to keep (image datasets only).
        resolution: square output size in pixels; images are resized (bilinear, antialiased) when
            it differs from theirs. Required for image folders of mixed or non-square sizes.
        cache_dir: where decoded CIFAR-10-JPEG arrays are cached; default ``$GANLENS_CACHE``, else
            ``~/.cache/ganlens``.
        partial: accept a CIFAR-10-JPEG copy whose classes have fewer images than CIFAR-10
            (by default a wrong count is refused as a truncated archive or a partial copy).

    Returns:
        An :class:`ImageDataset` (images (N, C, R, R) uint8, labels (N,) int64) or, for toys, a
        :class:`ToyDataset`.
    """
    _check_args(name, split, resolution)
    if name in TOYS:
        return _load_toy(name, classes, resolution)
    if name == "cifar10-jpeg":
        return _load_cifar10_jpeg(root, split, classes, resolution, cache_dir, partial)
    loaders: dict[str, Callable[..., ImageDataset]] = {
        "mnist5k": _load_mnist5k,
        "cifar10": _load_cifar10,
        "imagefolder": _load_imagefolder,
        "npz": _load_npz,
    }
    return loaders[name](root, split, classes, resolution, cache_dir)


def _check_args(name: str, split: str, resolution: int | None) -> None:
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; valid splits: {', '.join(SPLITS)}")
    if resolution is None:
        return
    if isinstance(resolution, bool) or not isinstance(resolution, numbers.Integral):
        raise TypeError(f"resolution must be a positive int (e.g. 32), got {resolution!r}")
    if resolution <= 0:
        raise ValueError(f"resolution must be a positive int (e.g. 32), got {resolution}")


def _load_toy(name: str, classes: object, resolution: object) -> ToyDataset:
    toy = TOYS[name]()
    for arg, value in (("classes", classes), ("resolution", resolution)):
        if value is not None:
            raise ValueError(
                f"{arg}= does not apply to the 2-D toy {name!r} (points, not images; it has "
                f"{toy.n_modes} modes); drop {arg}="
            )
    return toy


def _load_mnist5k(
    root: PathLike | None,
    split: str,
    classes: Classes,
    resolution: int | None,
    cache_dir: PathLike | None,
) -> ImageDataset:
    if split != "train":
        raise ValueError(
            "mnist5k has only a train split (5000 images, 500 per class); use split='train' and "
            "hold out images yourself, or load CIFAR-10-JPEG for a test split"
        )
    path = _mnist5k_path(root)
    digest = sha256_of(path)
    if digest != MNIST5K_SHA256:
        raise ValueError(
            f"{path} is corrupt or not the mnist5k file: sha256 {digest}, expected "
            f"{MNIST5K_SHA256}. Copy it again from ../shared/data/mnist5k.npz (see "
            "data/README.md); load other .npz files with name='npz'"
        )
    return load_npz(path, "train", classes, _int(resolution), "mnist5k")


def _mnist5k_path(root: PathLike | None) -> Path:
    if root is None:
        looked = shipped_candidates("data", "mnist5k.npz")
        found = shipped_path("data", "mnist5k.npz")
        if found is not None:
            return found
        raise FileNotFoundError(
            f"mnist5k not found at {' or '.join(str(p) for p in looked)}. It ships inside the "
            "ganlens wheel (ganlens/_bundled/data) and in the repository as data/mnist5k.npz; "
            "reinstall ganlens, copy ../shared/data/mnist5k.npz to data/ of the checkout "
            "(provenance in data/README.md), or pass root= pointing at a copy"
        )
    path = Path(root).expanduser()
    if path.is_dir():
        path = path / "mnist5k.npz"
    if not path.is_file():
        raise FileNotFoundError(
            f"mnist5k not found at {path}. It ships with ganlens (data/mnist5k.npz in the "
            "repository, ganlens/_bundled/data in the wheel); copy ../shared/data/mnist5k.npz "
            "there (provenance in data/README.md) or pass root= pointing at a copy"
        )
    return path


def _load_cifar10_jpeg(
    root: PathLike | None,
    split: str,
    classes: Classes,
    resolution: int | None,
    cache_dir: PathLike | None,
    partial: bool = False,
) -> ImageDataset:
    source = _find_source(root, [TARBALL], "CIFAR-10-JPEG", _JPEG_HELP)
    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    return load_cifar10_jpeg(source, split, classes, _int(resolution), cache, partial)


def _load_cifar10(
    root: PathLike | None,
    split: str,
    classes: Classes,
    resolution: int | None,
    cache_dir: PathLike | None,
) -> ImageDataset:
    source = _find_source(root, [FOLDER, ARCHIVE], "CIFAR-10 (python)", _PICKLE_HELP)
    return load_cifar10_pickles(source, split, classes, _int(resolution))


def _load_imagefolder(
    root: PathLike | None,
    split: str,
    classes: Classes,
    resolution: int | None,
    cache_dir: PathLike | None,
) -> ImageDataset:
    if root is None:
        raise ValueError("name='imagefolder' needs root=<folder with one subfolder per class>")
    return load_imagefolder(Path(root).expanduser(), split, classes, _int(resolution))


def _load_npz(
    root: PathLike | None,
    split: str,
    classes: Classes,
    resolution: int | None,
    cache_dir: PathLike | None,
) -> ImageDataset:
    if root is None:
        raise ValueError("name='npz' needs root=<path to a .npz file with a uint8 array 'x'>")
    return load_npz(Path(root).expanduser(), split, classes, _int(resolution))


def _int(resolution: int | None) -> int | None:
    return None if resolution is None else int(resolution)


_JPEG_HELP = (
    "Set GANLENS_DATA or pass root= pointing at cifar10-jpeg.tar.gz, the extracted cifar10jpg "
    "folder, or a folder containing either; or use name='cifar10' with the original CIFAR-10 "
    "python pickles (cifar-10-batches-py)."
)
_PICKLE_HELP = (
    "Set GANLENS_DATA or pass root= pointing at the cifar-10-batches-py folder, its parent, or "
    "cifar-10-python.tar.gz; or use name='cifar10-jpeg' with cifar10-jpeg.tar.gz."
)


def _find_source(root: PathLike | None, names: list[str], what: str, help_text: str) -> Path:
    """``root`` if given, else ``$GANLENS_DATA``, else the first of ``names`` in ../shared/data."""
    if root is not None:
        return _existing(Path(root).expanduser(), f"root={str(root)!r}", what, help_text)
    env = os.environ.get("GANLENS_DATA")
    if env:
        return _existing(Path(env).expanduser(), f"GANLENS_DATA={env!r}", what, help_text)
    folders = [repo_root().parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    candidates = [folder / n for folder in folders for n in names]
    for path in candidates:
        if path.exists():
            return path
    looked = "\n  ".join(str(p) for p in candidates)
    raise FileNotFoundError(
        f"{what} not found: root= was not given, GANLENS_DATA is not set, and none of these "
        f"exist:\n  {looked}\n{help_text}"
    )


def _existing(path: Path, origin: str, what: str, help_text: str) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{what} not found: {origin} does not exist ({path}). {help_text}")
    return path
