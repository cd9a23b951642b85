"""ExperimentConfig: one frozen, typed config per run, in sections, written to ``config.json``.

Sections: ``data`` (:class:`DataConfig`), ``model`` (the family's config, e.g.
:class:`~ganlens.models.DCGANConfig`), ``optim`` (:class:`~ganlens.train.OptimConfig`),
``track`` (:class:`~ganlens.track.TrackConfig`) and ``method`` (the method's config, e.g.
:class:`~ganlens.methods.EqGANSAConfig`), plus the run's ``seed`` and ``device``.

Changes name a field by its dotted path (``"optim.lr_d"``, ``"model.width"``,
``"method.align"``) or, when unique across sections, by its bare name (``steps``, ``lr_d``)::

    cfg.replace(steps=3000, **{"model.width": 32})
    cfg.override(["optim.lr_d=1e-4", "method=eqgan-sa"])     # the CLI's --set
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from ganlens.data.registry import DATASETS, SPLITS
from ganlens.fieldtypes import check_fields
from ganlens.methods import registry as method_registry
from ganlens.models import registry as model_registry
from ganlens.models.config import ModelConfig
from ganlens.models.dcgan import DCGANConfig
from ganlens.naming import unknown
from ganlens.track.config import TrackConfig
from ganlens.train.config import LOSS_NAMES, OptimConfig
from ganlens.train.method import MethodConfig

SCALES = ("smoke", "cpu", "gpu")
FORMAT = "ganlens-config-v2"
SECTIONS = ("data", "model", "optim", "track", "method")
TOP = ("seed", "device")
_GONE = {"data_kw": "data.<field>", "model_kw": "model.<field>", "method_kw": "method.<field>"}

__all__ = ["FORMAT", "LOSS_NAMES", "SCALES", "DataConfig", "ExperimentConfig", "parse_override"]


@dataclass(frozen=True)
class DataConfig:
    """Which data a run trains on (the arguments of :func:`ganlens.data.load`).

    Attributes:
        name: one of :data:`ganlens.data.DATASETS`.
        root: where the data is (``None``: the dataset's default places).
        split: ``"train"`` or ``"test"``.
        classes: names or indices of the classes to keep (``None``: all).
        resolution: resize to this side in pixels (``None``: the data's own).
        partial: accept a CIFAR-10-JPEG copy with fewer images per class than CIFAR-10.
        per_class: keep at most this many images of each class (a seeded choice, the same in
            every run; ``None``: all), e.g. 500 for ADA-style limited data.
    """

    name: str = "mnist5k"
    root: str | None = None
    split: str = "train"
    classes: tuple[str | int, ...] | None = None
    resolution: int | None = None
    partial: bool = False
    per_class: int | None = None

    def __post_init__(self) -> None:
        if self.name not in DATASETS:
            raise unknown("dataset", self.name, DATASETS)
        if self.split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {self.split!r}")
        if self.classes is not None:
            classes = (
                (self.classes,) if isinstance(self.classes, (str, int)) else tuple(self.classes)
            )
            object.__setattr__(self, "classes", classes)
        if isinstance(self.root, os.PathLike):
            object.__setattr__(self, "root", os.fspath(self.root))
        check_fields(self, "data")
        if self.per_class is not None and self.per_class < 1:
            raise ValueError(
                f"data.per_class must be a positive integer or None, got {self.per_class}"
            )

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`ganlens.data.load` (unset ones left out)."""
        out = {
            "root": self.root,
            "split": self.split,
            "resolution": self.resolution,
            "classes": list(self.classes) if self.classes is not None else None,
            "partial": self.partial or None,
        }
        return {k: v for k, v in out.items() if v is not None}


def _field_defaults(section: Any) -> dict[str, Any]:
    """``{field: default}`` (JSON-normalised) of a config section's fields that have one."""
    out = {}
    for f in dataclasses.fields(section):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return json.loads(json.dumps(out))


def _fields(section: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(section)]


@dataclass(frozen=True)
class ExperimentConfig:
    """Everything that defines a run; ``config.json`` in the run directory.

    Attributes:
        data: the dataset.
        model: the model family's config (channels/resolution ``None``: from the data).
        optim: loss, schedule, Adam, EMA, penalties.
        track: tracker rows, checkpoints, samples, FID.
        method: the training method's config (``MethodConfig()``: the plain game).
        seed: seed of the model init, the data order, the latents and the measurements.
        device: ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"auto"``.
    """

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=DCGANConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    track: TrackConfig = field(default_factory=TrackConfig)
    method: MethodConfig = field(default_factory=MethodConfig)
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        kinds = {
            "data": DataConfig,
            "model": ModelConfig,
            "optim": OptimConfig,
            "track": TrackConfig,
            "method": MethodConfig,
        }
        for name, kind in kinds.items():
            if not isinstance(getattr(self, name), kind):
                raise ValueError(
                    f"ExperimentConfig.{name} must be a {kind.__name__}, got "
                    f"{type(getattr(self, name)).__name__}"
                )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed must be an integer, got {self.seed!r}")
        if self.device not in ("cpu", "cuda", "auto") and not str(self.device).startswith("cuda:"):
            raise ValueError(
                f"device must be 'cpu', 'cuda', 'cuda:N' or 'auto', got {self.device!r}"
            )

    # ----- reading fields ---------------------------------------------------------------------
    def paths(self) -> list[str]:
        """Every settable dotted path (``"optim.lr_d"``), plus ``seed`` and ``device``."""
        out = list(TOP)
        for section in SECTIONS:
            out += [f"{section}.{f}" for f in _fields(getattr(self, section))]
        return out

    def resolve(self, key: str) -> str:
        """The dotted path ``key`` names (a path, a section, or a field name unique to one section)."""
        if key in TOP or key in SECTIONS or key in self.paths():
            return key
        if key in _GONE:
            raise ValueError(
                f"{key!r} is gone: sections are typed now; set {_GONE[key]} "
                f"(e.g. model.width=32) or pass a whole section"
            )
        matches = [p for p in self.paths() if p.split(".")[-1] == key]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError(f"{key!r} is ambiguous: say which, one of {matches}")
        close = difflib.get_close_matches(
            key, self.paths() + [p.split(".")[-1] for p in self.paths()], n=3
        )
        hint = f" (did you mean {close}?)" if close else ""
        raise ValueError(f"unknown config key {key!r}{hint}; valid keys: {', '.join(self.paths())}")

    def get(self, key: str) -> Any:
        """The value at ``key`` (dotted path or unique field name)."""
        path = self.resolve(key)
        value: Any = self
        for part in path.split("."):
            value = getattr(value, part)
        return value

    # ----- changing fields --------------------------------------------------------------------
    def replace(self, **changes: Any) -> ExperimentConfig:
        """A copy with ``changes`` applied; keys are dotted paths, sections or unique field names.

        A section may be given whole (``model=DCGANConfig(width=32)``), as a dict of field
        changes (``optim={"lr_d": 1e-4}``), or, for ``model`` and ``method``, as a name
        (``method="eqgan-sa"``: that method with default options; ``model="dcgan"``: the same
        settings in another member of the family). Unknown keys raise ``ValueError``.
        """
        whole = {k: v for k, v in changes.items() if k in SECTIONS}
        if whole and len(whole) < len(changes):  # sections first: their fields may be new
            rest = {k: v for k, v in changes.items() if k not in SECTIONS}
            return self.replace(**whole).replace(**rest)
        grouped: dict[str, Any] = {}
        for key, value in changes.items():
            path = self.resolve(key)
            if "." in path:
                section, name = path.split(".", 1)
                grouped.setdefault(section, {})
                if not isinstance(grouped[section], dict):
                    raise ValueError(f"{section} is set whole and by field in one call; do one")
                grouped[section][name] = value
            else:
                grouped[path] = value
        updates = {k: self._section(k, v) for k, v in grouped.items()}
        return dataclasses.replace(self, **updates)

    def _section(self, name: str, value: Any) -> Any:
        if name in TOP:
            return value
        current = getattr(self, name)
        if name == "model":
            return _model_section(current, value)
        if name == "method":
            return _method_section(current, value)
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(_fields(current)))
            if unknown:
                raise ValueError(
                    f"{name} has no field {', '.join(unknown)}; its fields are "
                    f"{', '.join(_fields(current))}"
                )
            return dataclasses.replace(current, **value)
        return value

    def override(self, texts: list[str] | tuple[str, ...]) -> ExperimentConfig:
        """A copy with command-line ``key=value`` overrides applied in order (see
        :func:`parse_override`), so ``method=eqgan-sa`` then ``method.align=false`` works."""
        config = self
        for text in texts:
            config = config.replace(**dict([parse_override(text, config)]))
        return config

    def digest(self) -> str:
        """Ten hex digits naming these settings (run directories, :func:`ganlens.study.run_name`).

        A SHA-1 of :meth:`to_dict` without the section fields left at their defaults, so a
        field that a later ganlens adds with a default leaves every existing run's name as it
        was. (A changed default would keep the name too; resuming compares the whole stored
        config, so such a run is refused, not silently reused.)
        """
        values = self.to_dict()
        for name in SECTIONS:
            defaults = _field_defaults(getattr(self, name))
            values[name] = {
                k: v for k, v in values[name].items() if k not in defaults or defaults[k] != v
            }
        return hashlib.sha1(json.dumps(values, sort_keys=True).encode()).hexdigest()[:10]

    # ----- JSON -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dictionary (``format`` first)."""
        out = {
            "format": FORMAT,
            "seed": self.seed,
            "device": self.device,
            "data": dataclasses.asdict(self.data),
            "model": self.model.to_dict(),
            "optim": dataclasses.asdict(self.optim),
            "track": dataclasses.asdict(self.track),
            "method": self.method.to_dict(),
        }
        return json.loads(json.dumps(out))

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ExperimentConfig:
        """Inverse of :meth:`to_dict`; old (flat) or unknown formats raise ``ValueError``."""
        found = values.get("format")
        if found != FORMAT:
            old = (
                "a flat TrainConfig of ganlens 0.1" if "model_kw" in values else f"format {found!r}"
            )
            raise ValueError(
                f"this config was written as {old}; this ganlens reads {FORMAT!r} (typed sections "
                "data/model/optim/track/method). Retrain the run in a new directory with a preset "
                "or an ExperimentConfig; the old file shows the settings to carry over"
            )
        extra = sorted(set(values) - {"format", *TOP, *SECTIONS})
        if extra:
            raise ValueError(f"unknown config sections {extra}; valid: {', '.join(TOP + SECTIONS)}")
        sections = {
            "data": DataConfig(**values.get("data", {})),
            "model": model_registry.config_from_dict(values["model"]),
            "optim": OptimConfig(**values.get("optim", {})),
            "track": TrackConfig(**values.get("track", {})),
            "method": method_registry.config_from_dict(values.get("method", {"name": "none"})),
        }
        return cls(**sections, **{k: values[k] for k in TOP if k in values})

    def describe(self) -> str:
        """One line: model, data, method, loss and schedule."""
        method = "" if self.method.name == "none" else f" + {self.method.name}"
        return (
            f"{self.model.name}{method} on {self.data.name}, {self.optim.loss} loss, "
            f"{self.optim.steps} steps of batch {self.optim.batch_size}, seed {self.seed}"
        )


def _model_section(current: ModelConfig, value: Any) -> ModelConfig:
    if isinstance(value, ModelConfig):
        return value
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        raise ValueError(f"model takes a model config, a name or a dict of fields; got {value!r}")
    name = value.get("name", current.name)
    same_family = type(model_registry.model_config(name)) is type(current)
    base = {**current.to_dict(), "name": name} if same_family else {"name": name}
    return model_registry.config_from_dict({**base, **value})


def _method_section(current: MethodConfig, value: Any) -> MethodConfig:
    if isinstance(value, MethodConfig):
        return value
    if isinstance(value, str):
        return method_registry.method_config(value)
    if not isinstance(value, dict):
        raise ValueError(
            f"method takes a method config, a name or a dict of options; got {value!r}"
        )
    if "name" in value and value["name"] != current.name:
        return method_registry.config_from_dict(value)
    return current.replace(**{k: v for k, v in value.items() if k != "name"})


def parse_override(text: str, base: ExperimentConfig) -> tuple[str, Any]:
    """Parse ``key=value`` from the command line, typed by the current value of ``key``.

    Values are read as JSON first (``3``, ``1e-4``, ``null``, ``["cat"]``, ``[0.0, 0.99]``),
    else taken as a plain string. Keys are dotted paths or unique field names.
    """
    if "=" not in text:
        raise ValueError(f"override {text!r} must look like key=value, e.g. steps=200")
    key, raw = text.split("=", 1)
    path = base.resolve(key)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    current = base.get(path) if path not in SECTIONS else None
    if isinstance(current, float) and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    return path, value
