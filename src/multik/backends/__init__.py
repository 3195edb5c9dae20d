"""The backend registry: names, aliases, pip extras, and lazy loading of the adapters.

Nothing here imports a framework; an adapter module imports its framework when the backend
is first loaded.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import importlib.util
import json
import os
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from multik.errors import BackendNotFoundError, BackendUnavailableError
from multik.keras_home import config_path

if TYPE_CHECKING:
    from multik.backends.adapter import Adapter

__all__ = [
    "BACKENDS",
    "available_backends",
    "canonical_name",
    "load_adapter",
    "missing_framework",
]

#: The backends in their canonical order, with the Python package each one needs.
BACKENDS: dict[str, str] = {
    "numpy": "numpy",
    "tensorflow": "tensorflow",
    "torch": "torch",
    "jax": "jax",
}
_ALIASES = {"np": "numpy", "tf": "tensorflow", "pytorch": "torch"}
_LEGACY = {"theano", "cntk", "mxnet", "plaidml"}
_ADAPTER_CLASSES = {
    "numpy": "NumpyAdapter",
    "tensorflow": "TensorFlowAdapter",
    "torch": "TorchAdapter",
    "jax": "JaxAdapter",
}

_loaded: dict[str, Adapter] = {}
_load_lock = threading.Lock()


def canonical_name(name: object, source: str = "") -> str | None:
    """Return the canonical backend name for ``name``, or None when it is empty (unset).

    Case and surrounding blanks are ignored. ``source`` says where the name came from and is
    quoted in the error for an unknown or legacy name.
    """
    if name is None:
        return None
    if not isinstance(name, str):
        raise BackendNotFoundError(
            f"backend name must be a string, got {type(name).__name__} {name!r}"
            f"{_where(source)}; valid names: {', '.join(BACKENDS)}"
        )
    key = name.strip().lower()
    if not key:
        return None
    key = _ALIASES.get(key, key)
    if key in BACKENDS:
        return key
    valid = ", ".join(BACKENDS)
    if key in _LEGACY:
        raise BackendNotFoundError(
            f"{name.strip()!r}{_where(source)} is a legacy Keras backend that multik does not "
            f"support; use one of: {valid}"
        )
    close = difflib.get_close_matches(key, [*BACKENDS, *_ALIASES], n=1, cutoff=0.5)
    hint = f"; did you mean {_ALIASES.get(close[0], close[0])!r}?" if close else ""
    raise BackendNotFoundError(
        f"unknown backend {name.strip()!r}{_where(source)}; valid names: {valid} "
        f"(aliases: {', '.join(f'{a}={b}' for a, b in _ALIASES.items())}){hint}"
    )


def _where(source: str) -> str:
    return f" (from {source})" if source else ""


def is_installed(name: str) -> bool:
    """Whether the framework of backend ``name`` can be imported, without importing it."""
    return importlib.util.find_spec(BACKENDS[name]) is not None


def available_backends() -> list[str]:
    """The backends whose framework is installed, in canonical order; nothing is imported."""
    return [name for name in BACKENDS if is_installed(name)]


def missing_framework(name: str) -> str | None:
    """None when backend ``name`` can load; else what is missing and how to install it."""
    if is_installed(name):
        return None
    others = [other for other in available_backends() if other != name]
    return (
        f"needs the {BACKENDS[name]!r} package, which is not installed; install it with: "
        f'pip install "multik[{name}]", or choose an installed backend: {", ".join(others)}'
    )


def load_adapter(name: str, source: str = "") -> Adapter:
    """Return the adapter of canonical backend ``name``, importing its framework on first use.

    ``source`` says where the name came from; the error for a missing framework quotes it.
    """
    adapter = _loaded.get(name)
    if adapter is not None:
        return adapter
    with _load_lock:
        adapter = _loaded.get(name)
        if adapter is None:
            missing = missing_framework(name)
            if missing is not None:
                raise BackendUnavailableError(f"backend {name!r}{_where(source)} {missing}")
            module = _import_adapter_module(name)
            adapter = getattr(module, _ADAPTER_CLASSES[name])()
            _loaded[name] = adapter
    return adapter


def loaded_adapters() -> dict[str, Adapter]:
    """The adapters loaded so far, by canonical name (used to detect foreign tensors)."""
    return dict(_loaded)


def _import_adapter_module(name: str) -> ModuleType:
    if name != "tensorflow":
        return importlib.import_module(f"multik.backends.{name}")
    with _keras3_importable():
        return importlib.import_module("multik.backends.tensorflow")


#: The backend names Keras 3 accepts (keras/src/backend/__init__.py); it raises
#: ``ValueError: Unable to import backend : tf`` for any other, case and blanks included.
_KERAS3_BACKENDS = frozenset({"tensorflow", "jax", "torch", "numpy", "openvino"})


@contextlib.contextmanager
def _keras3_importable() -> Iterator[None]:
    """Let TensorFlow import Keras 3 whatever name multik was given for its backend.

    Importing TensorFlow imports Keras 3, which reads ``KERAS_BACKEND`` (else the config file's
    ``"backend"``), the same settings multik reads, and rejects multik's aliases (``tf``,
    ``pytorch``, ``np``, ``TensorFlow``). While multik imports TensorFlow, a name Keras 3 would
    reject is replaced by ``KERAS_BACKEND=tensorflow``; the environment is restored exactly
    afterwards (an unset variable is unset again). A name Keras 3 accepts is left alone.
    """
    if _keras3_backend_name() in _KERAS3_BACKENDS:
        yield
        return
    old = os.environ.get("KERAS_BACKEND")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("KERAS_BACKEND", None)
        else:
            os.environ["KERAS_BACKEND"] = old


def _keras3_backend_name() -> object:
    """The backend name Keras 3 reads when imported: ``KERAS_BACKEND``, else the config file's
    ``"backend"``, else its default ``tensorflow``."""
    name = os.environ.get("KERAS_BACKEND")
    if name:
        return name

    try:
        values = json.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "tensorflow"
    return values.get("backend", "tensorflow") if isinstance(values, dict) else "tensorflow"
