"""CIFAR-10 "python version": ``cifar-10-batches-py/{data_batch_1..5,test_batch,batches.meta}``.

Each batch is a pickle of a dict with ``b"data"`` (10000, 3072) uint8 (R, G, B planes of 32x32)
and ``b"labels"``. Pickles can run arbitrary code when loaded, so they are read with
:class:`RestrictedUnpickler`, which builds numpy arrays and basic containers and refuses any other
global (``os.system``, ``builtins.eval``, ...) with :class:`pickle.UnpicklingError`.
"""

from __future__ import annotations

import importlib
import io
import pickle
import tarfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from ganlens.data.cifar import CIFAR10_CLASSES
from ganlens.data.images import ImageDataset, build

FOLDER = "cifar-10-batches-py"
ARCHIVE = "cifar-10-python.tar.gz"
BATCHES = {"train": tuple(f"data_batch_{i}" for i in range(1, 6)), "test": ("test_batch",)}
_META = "batches.meta"
# What numpy arrays and scalars need to unpickle (protocols 2-5), under numpy.(_)core.<module>.
_NUMPY_GLOBALS = (
    ("multiarray", "_reconstruct"),
    ("multiarray", "scalar"),
    ("numeric", "_frombuffer"),
)


class RefusedGlobal(pickle.UnpicklingError):
    """A pickle asked for a global outside the allow-list."""


def _numpy_attr(module: str, name: str) -> object:
    # numpy 2 moved numpy.core to numpy._core (numpy.core still imports, with a warning);
    # pickles name either, so both spellings map to whichever this numpy has.
    for prefix in ("numpy._core.", "numpy.core."):
        try:
            return getattr(importlib.import_module(prefix + module), name)
        except (ImportError, AttributeError):
            continue
    raise ImportError(
        f"numpy has neither numpy._core.{module}.{name} nor numpy.core.{module}.{name}"
    )


def _latin1_encode(text: str, encoding: str = "latin1") -> bytes:
    # Python 3 writes bytes into protocol-2 pickles as _codecs.encode(text, "latin1").
    if encoding not in ("latin1", "latin-1"):
        raise RefusedGlobal(f"refused _codecs.encode with encoding {encoding!r}; only latin1")
    return text.encode("latin1")


def _allowed_globals() -> dict[tuple[str, str], object]:
    table: dict[tuple[str, str], object] = {
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("_codecs", "encode"): _latin1_encode,
    }
    for module, name in _NUMPY_GLOBALS:
        obj = _numpy_attr(module, name)
        table[(f"numpy._core.{module}", name)] = obj
        table[(f"numpy.core.{module}", name)] = obj
    for container in (set, frozenset, bytearray, list, dict, tuple):
        table[("builtins", container.__name__)] = container
        table[("__builtin__", container.__name__)] = container  # Python 2 spelling
    return table


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that only builds numpy arrays, numpy dtypes/scalars and basic containers.

    Any other global a pickle names raises :class:`pickle.UnpicklingError` before it is imported,
    so loading a pickle never runs its code.
    """

    _ALLOWED = _allowed_globals()

    def find_class(self, module: str, name: str) -> object:
        """Return an allow-listed global, or raise :class:`pickle.UnpicklingError`."""
        obj = self._ALLOWED.get((module, name))
        if obj is None:
            raise RefusedGlobal(
                f"refused to load the global {module}.{name} from a pickle: only numpy arrays, "
                "dtypes and basic containers are allowed (ganlens never runs code from data files)"
            )
        return obj


def restricted_loads(data: bytes, where: str) -> object:
    """Unpickle ``data`` with :class:`RestrictedUnpickler` (``encoding="bytes"``, as CIFAR needs).

    Args:
        data: the pickle's bytes.
        where: the file it came from, for error messages.

    Returns:
        The unpickled object.
    """
    try:
        return RestrictedUnpickler(io.BytesIO(data), encoding="bytes").load()
    except RefusedGlobal as e:
        raise pickle.UnpicklingError(f"{where}: {e}") from None
    except Exception as e:  # pickle reports corruption with many exception types
        raise ValueError(f"{where} is corrupt or not a pickle ({type(e).__name__}: {e})") from e


def load_cifar10_pickles(
    source: Path,
    split: str,
    classes: Sequence[str | int] | None,
    resolution: int | None,
) -> ImageDataset:
    """Load a split of the original CIFAR-10 python pickles.

    Args:
        source: the ``cifar-10-batches-py`` folder, its parent, or ``cifar-10-python.tar.gz``.
        split: ``"train"`` (data_batch_1..5) or ``"test"`` (test_batch).
        classes: optional class names or indices (labels keep the CIFAR-10 indices).
        resolution: optional square output size (native 32).

    Returns:
        The dataset, images (N, 3, R, R) uint8, in file order.
    """
    src = locate(source)
    names = (*BATCHES[split], _META)
    blobs = _read_tar(src, names) if src.is_file() else _read_folder(src, names)
    missing = [n for n in BATCHES[split] if n not in blobs]
    if missing:
        raise FileNotFoundError(f"{src} lacks {missing}; a complete {FOLDER} has {_expected()}")
    parts = [_parse_batch(blobs[n], f"{src}/{n}") for n in BATCHES[split]]
    images = torch.from_numpy(np.concatenate([p[0] for p in parts]))
    labels = torch.from_numpy(np.concatenate([p[1] for p in parts]))
    class_names = _label_names(blobs.get(_META), f"{src}/{_META}")
    return build(images, labels, class_names, "cifar10", str(src), classes, resolution)


def _expected() -> str:
    return ", ".join((*BATCHES["train"], *BATCHES["test"], _META))


def locate(source: Path) -> Path:
    """The batches folder or archive that ``source`` names (itself, or inside it)."""
    if not source.exists():
        raise FileNotFoundError(f"no such file or folder: {source}")
    if source.is_file() or (source / "data_batch_1").is_file() or (source / "test_batch").is_file():
        return source
    for inner in (source / FOLDER, source / ARCHIVE):
        if inner.exists():
            return inner
    raise ValueError(
        f"not a CIFAR-10 python dataset: {source} holds none of {FOLDER}/, {ARCHIVE} or the batch "
        f"files ({_expected()}); for the CIFAR-10-JPEG tarball use name='cifar10-jpeg'"
    )


def _read_folder(folder: Path, names: Sequence[str]) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in names if (folder / n).is_file()}


def _read_tar(path: Path, names: Sequence[str]) -> dict[str, bytes]:
    blobs: dict[str, bytes] = {}
    try:
        with tarfile.open(path, mode="r|*") as tar:
            for member in tar:
                base = member.name.rsplit("/", 1)[-1]
                if member.isfile() and base in names:
                    blobs[base] = tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as e:
        raise ValueError(
            f"{path} is corrupt or not a CIFAR-10 python archive ({type(e).__name__}: {e}); "
            f"expected {ARCHIVE} holding {FOLDER}/"
        ) from e
    return blobs


def _get(d: dict, key: str) -> object:
    # Pickles written by Python 2 (the official ones) have bytes keys; Python 3 ones may use str.
    return d.get(key.encode(), d.get(key))


def _parse_batch(blob: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    """One batch pickle -> x (n, 3, 32, 32) uint8, y (n,) int64."""
    d = restricted_loads(blob, where)
    data = _get(d, "data") if isinstance(d, dict) else None
    labels = _get(d, "labels") if isinstance(d, dict) else None
    if not _is_pixels(data) or labels is None:
        raise ValueError(
            f"{where} is not a CIFAR-10 batch: expected a dict with b'data' (n, 3072) uint8 and "
            "b'labels'"
        )
    y = np.asarray(labels)
    if y.shape != (len(data),) or y.dtype.kind not in "iu":
        raise ValueError(f"{where}: {len(data)} images but labels of shape {y.shape} ({y.dtype})")
    return data.reshape(-1, 3, 32, 32), y.astype(np.int64)


def _is_pixels(data: object) -> bool:
    shape_ok = isinstance(data, np.ndarray) and data.ndim == 2 and data.shape[1] == 3 * 32 * 32
    return shape_ok and data.dtype == np.uint8


def _label_names(blob: bytes | None, where: str) -> tuple[str, ...]:
    if blob is None:
        return CIFAR10_CLASSES
    meta = restricted_loads(blob, where)
    names = _get(meta, "label_names") if isinstance(meta, dict) else None
    if not isinstance(names, list) or not names:
        raise ValueError(f"{where} is not CIFAR-10 metadata: expected a dict with b'label_names'")
    return tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names)
