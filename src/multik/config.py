"""Which backend is active, and the Keras settings floatx / epsilon / image_data_format, plus
multik's ``batch_dot_rules`` (which Keras version's ``batch_dot`` axes rules to follow).

The backend is chosen, first match wins, by: ``use_backend`` (context-local), ``set_backend``
(process default), ``MULTIK_BACKEND``, ``KERAS_BACKEND``, the ``"backend"`` of the Keras
config file (``$KERAS_HOME/keras.json``, else ``~/.keras/keras.json``), else ``numpy``.
Environment variables and the config file are read once, at the first call that needs them
(never at import); :func:`reload` reads them again. The config file is never written.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import math
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from multik.backends import canonical_name, load_adapter
from multik.errors import ConfigError
from multik.keras_home import config_path

if TYPE_CHECKING:
    from multik.backends.adapter import Adapter

__all__ = [
    "active_adapter",
    "active_choice",
    "batch_dot_rules",
    "config_path",
    "enter_graph_mode",
    "epsilon",
    "floatx",
    "get_backend",
    "graph_mode_backends",
    "image_data_format",
    "leave_graph_mode",
    "outside_graph_mode",
    "reload",
    "set_backend",
    "set_batch_dot_rules",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "use_backend",
    "use_batch_dot_rules",
]

FLOATX_CHOICES = ("float16", "float32", "float64")
DATA_FORMATS = ("channels_last", "channels_first")
#: The batch_dot rules of Keras 2.3 and later (the default), or of Keras 2.2.4 and earlier.
BATCH_DOT_RULES = ("2.3", "2.2.4")
ENV_VARS = ("MULTIK_BACKEND", "KERAS_BACKEND")
DEFAULT_BACKEND = "numpy"


@dataclass
class KerasConfig:
    """The parsed Keras config file: its path, whether it exists, its values and their lines."""

    path: Path
    exists: bool = False
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, key: str) -> str:
        line = self.lines.get(key)
        return f"{self.path}, line {line}" if line else str(self.path)


@dataclass
class _Settings:
    floatx: str
    epsilon: float
    image_data_format: str
    batch_dot_rules: str
    file: KerasConfig


_settings: _Settings | None = None
_default_choice: tuple[str, str] | None = None
_default: tuple[Adapter, str] | None = None
_process: tuple[Adapter, str] | None = None
#: The adapter where no ``use_backend`` context is active: ``set_backend``'s, else the resolved
#: default; None until a K call resolves it (``resolve_default_adapter``). K calls read it
#: directly, so every assignment to ``_process`` or ``_default`` updates it.
default_adapter: Adapter | None = None
_context: contextvars.ContextVar[Adapter | None] = contextvars.ContextVar(
    "multik_backend", default=None
)
_lock = threading.RLock()
#: The context variable's read, as one object: K calls hold it (and torch.compile replaces it).
context_adapter = _context.get


#: The backends in graph mode in this thread or asyncio task (see ``enter_graph_mode``).
_graph_mode: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "multik_graph_mode", default=frozenset()
)


def graph_mode_backends() -> frozenset[str]:
    """The backends in graph mode in the current thread or asyncio task."""
    return _graph_mode.get()


def enter_graph_mode(backend: str) -> None:
    """Turn ``backend``'s graph mode on for the current thread or asyncio task (the first
    K.placeholder does): K calls that read a Variable then build graph nodes."""
    _graph_mode.set(_graph_mode.get() | {backend})


def leave_graph_mode() -> None:
    """Turn graph mode off for every backend in the current thread or asyncio task."""
    _graph_mode.set(frozenset())


@contextlib.contextmanager
def outside_graph_mode() -> Iterator[None]:
    """Graph mode off inside a ``with`` block (``K.eager``); the mode before is restored."""
    token = _graph_mode.set(frozenset())
    try:
        yield
    finally:
        _graph_mode.reset(token)


def read_keras_config(path: Path) -> KerasConfig:
    """Parse and validate the Keras config file at ``path``; a missing file gives defaults."""
    config = KerasConfig(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return config
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the Keras config file {path}: {exc}") from exc
    config.exists = True
    try:
        values = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"the Keras config file {path}, line {exc.lineno}, column {exc.colno}, is not valid "
            f"JSON ({exc.msg}); fix or delete the file"
        ) from exc
    if not isinstance(values, dict):
        raise ConfigError(
            f"the Keras config file {path} must hold a JSON object such as "
            f'{{"backend": "numpy", "floatx": "float32"}}, got a JSON {type(values).__name__}'
        )
    config.values = values
    for key in values:
        match = re.search(rf'"{re.escape(key)}"\s*:', text)
        if match:
            config.lines[key] = text.count("\n", 0, match.start()) + 1
    for key, check in (
        ("floatx", check_floatx),
        ("epsilon", check_epsilon),
        ("image_data_format", check_image_data_format),
        ("batch_dot_rules", check_batch_dot_rules),
    ):
        if key in values:
            check(values[key], f"{key!r} in {config.where(key)}")
    return config


def check_floatx(value: object, source: str = "set_floatx()") -> str:
    """Validate a floatx value; raise ConfigError naming ``source`` and the valid choices."""
    if not isinstance(value, str) or value not in FLOATX_CHOICES:
        raise ConfigError(
            f"floatx must be one of {', '.join(map(repr, FLOATX_CHOICES))}, got {value!r} "
            f"({source})"
        )
    return value


def check_epsilon(value: object, source: str = "set_epsilon()") -> float:
    """Validate an epsilon value: a finite number, zero or greater."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise ConfigError(
            f"epsilon must be a finite number >= 0 (Keras uses 1e-07), got {value!r} ({source})"
        )
    return float(value)


def check_image_data_format(value: object, source: str = "set_image_data_format()") -> str:
    """Validate an image data format: 'channels_last' or 'channels_first'."""
    if not isinstance(value, str) or value not in DATA_FORMATS:
        raise ConfigError(
            f"image_data_format must be 'channels_last' or 'channels_first', got {value!r} "
            f"({source})"
        )
    return value


def check_batch_dot_rules(value: object, source: str = "set_batch_dot_rules()") -> str:
    """Validate a batch_dot rule set: '2.3' (Keras 2.3 and tf_keras) or '2.2.4' (Keras <= 2.2.4)."""
    if not isinstance(value, str) or value not in BATCH_DOT_RULES:
        raise ConfigError(
            f"batch_dot_rules must be '2.3' (Keras 2.3 and later, the default) or '2.2.4' "
            f"(Keras 2.2.4 and earlier), got {value!r} ({source})"
        )
    return value


def _load_settings() -> _Settings:
    global _settings
    with _lock:
        if _settings is None:
            file = read_keras_config(config_path())
            _settings = _Settings(
                floatx=file.values.get("floatx", "float32"),
                epsilon=float(file.values.get("epsilon", 1e-7)),
                image_data_format=file.values.get("image_data_format", "channels_last"),
                batch_dot_rules=file.values.get("batch_dot_rules", "2.3"),
                file=file,
            )
        return _settings


def _resolve_default() -> tuple[Adapter, str]:
    global _default
    with _lock:
        if _default is None:
            name, source = _choose_default()
            _default = load_adapter(name, source), source
        return _default


def resolve_default_adapter() -> Adapter:
    """The adapter where no ``use_backend`` context is active, resolving the default (env vars,
    config file) on first use; later calls read ``default_adapter``."""
    global default_adapter
    with _lock:
        default_adapter = (_process or _resolve_default())[0]
        return default_adapter


def _choose_default() -> tuple[str, str]:
    """The backend name that the environment and the config file choose, and which one did."""
    global _default_choice
    with _lock:
        if _default_choice is None:
            _default_choice = _read_default_choice()
        return _default_choice


def _read_default_choice() -> tuple[str, str]:
    for var in ENV_VARS:
        name = canonical_name(os.environ.get(var), f"environment variable {var}")
        if name is not None:
            return name, f"environment variable {var}={os.environ[var]!r}"
    file = _load_settings().file
    if "backend" in file.values:
        name = canonical_name(file.values["backend"], f"'backend' in {file.where('backend')}")
        if name is not None:
            return name, f"config file {file.path}"
    return DEFAULT_BACKEND, "default (no backend was set)"


def active_adapter() -> Adapter:
    """The adapter of the active backend (the hot path of every K call)."""
    return context_adapter() or default_adapter or resolve_default_adapter()


def active_choice() -> tuple[str, str]:
    """The active backend's name and where that choice came from, in words.

    Imports no framework, so it also answers when the chosen framework is not installed.
    """
    adapter = _context.get()
    if adapter is not None:
        return adapter.name, "multik.use_backend() context"
    if _process is not None:
        return _process[0].name, _process[1]
    return _choose_default()


def get_backend() -> str:
    """The canonical name of the active backend."""
    return active_adapter().name


def set_backend(name: str | None) -> None:
    """Set the process-wide backend; ``None`` or ``""`` clears it (env vars and file apply again).

    The framework is imported now, so a missing framework fails here, not at a later K call.
    """
    global _process, default_adapter
    canonical = canonical_name(name, "multik.set_backend()")
    source = "multik.set_backend()"
    adapter = None if canonical is None else load_adapter(canonical, source)
    with _lock:
        _process = None if adapter is None else (adapter, source)
        default_adapter = adapter or (_default[0] if _default else None)


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[str]:
    """Use backend ``name`` inside a ``with`` block, in this thread or asyncio task only.

    Blocks nest; leaving one (also by an exception) restores the backend that was active before.
    """
    canonical = canonical_name(name, "multik.use_backend()")
    if canonical is None:
        raise ConfigError("multik.use_backend() needs a backend name, got an empty value")
    token = _context.set(load_adapter(canonical, "multik.use_backend()"))
    try:
        yield canonical
    finally:
        _context.reset(token)


@contextlib.contextmanager
def use_adapter(adapter: Adapter) -> Iterator[None]:
    """Make ``adapter`` the active one inside a ``with`` block, in this thread or asyncio task
    only (the numpy backend runs a loss on its autograd tracer to differentiate it)."""
    token = _context.set(adapter)
    try:
        yield
    finally:
        _context.reset(token)


def reload() -> None:
    """Forget what was read from the environment and the config file, and what was set.

    The next call reads ``MULTIK_BACKEND``, ``KERAS_BACKEND`` and the config file again.
    """
    global _settings, _default_choice, _default, _process, default_adapter
    with _lock:
        _settings = _default_choice = _default = _process = default_adapter = None


def floatx() -> str:
    """The default float dtype name ('float32' unless set or configured)."""
    return (_settings or _load_settings()).floatx


def set_floatx(value: str) -> None:
    """Set the default float dtype: 'float16', 'float32' or 'float64'."""
    (_settings or _load_settings()).floatx = check_floatx(value)


def epsilon() -> float:
    """The fuzz factor used by the losses (1e-7 unless set or configured)."""
    return (_settings or _load_settings()).epsilon


def set_epsilon(value: float) -> None:
    """Set the fuzz factor; a finite number >= 0."""
    (_settings or _load_settings()).epsilon = check_epsilon(value)


def image_data_format() -> str:
    """The default image data format: 'channels_last' or 'channels_first'."""
    return (_settings or _load_settings()).image_data_format


def set_image_data_format(data_format: str) -> None:
    """Set the default image data format: 'channels_last' or 'channels_first'."""
    (_settings or _load_settings()).image_data_format = check_image_data_format(data_format)


def batch_dot_rules() -> str:
    """Which Keras version's batch_dot rules K.batch_dot follows: '2.3' (the default: Keras 2.3,
    tf_keras and Keras 3) or '2.2.4' (Keras 2.2.4 and earlier)."""
    return (_settings or _load_settings()).batch_dot_rules


def set_batch_dot_rules(rules: str) -> None:
    """Make K.batch_dot follow the rules of Keras '2.3' (the default) or '2.2.4', process-wide.

    Code already compiled (``jax.jit``, ``tf.function``, ``torch.compile``) keeps the rules it
    was traced with, and a symbolic batch_dot (on placeholders) the rules in force when it was
    built.
    """
    (_settings or _load_settings()).batch_dot_rules = check_batch_dot_rules(rules)


@contextlib.contextmanager
def use_batch_dot_rules(rules: str) -> Iterator[str]:
    """Use the batch_dot rules of Keras ``rules`` ('2.3' or '2.2.4') inside a ``with`` block.

    Unlike ``use_backend``, the setting is process-wide while the block runs (every thread sees
    it, as with ``set_batch_dot_rules``), so that compilers can trace it; leaving the block, also
    by an exception, restores the rules in force before.
    """
    settings = _settings or _load_settings()
    previous = settings.batch_dot_rules
    settings.batch_dot_rules = check_batch_dot_rules(rules)
    try:
        yield rules
    finally:
        settings.batch_dot_rules = previous


def keras_config() -> KerasConfig:
    """The config file as read (path, whether it exists, its values)."""
    return (_settings or _load_settings()).file
