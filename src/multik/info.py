"""``multik.backend_info()``: what is active, why, and what is installed."""

from __future__ import annotations

import importlib.metadata
import os
import sys
from typing import Any

from multik import config
from multik.backends import BACKENDS, is_installed, missing_framework

_DISTRIBUTIONS = {
    "numpy": ("numpy",),
    "tensorflow": ("tensorflow", "tensorflow-cpu"),
    "torch": ("torch",),
    "jax": ("jax",),
}


def framework_version(backend: str) -> str:
    """The installed version of a backend's framework, or 'not installed'; nothing is imported."""
    if not is_installed(backend):
        return "not installed"
    for dist in _DISTRIBUTIONS[backend]:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "installed (version unknown)"


def jax_x64_state() -> str:
    """Whether JAX runs with 64-bit types, read without importing JAX when it is not loaded."""
    jax = sys.modules.get("jax")  # None when an import of jax was blocked
    if jax is not None:
        return "on" if jax.config.jax_enable_x64 else "off"
    value = os.environ.get("JAX_ENABLE_X64", "")
    state = "on" if value.strip().lower() in ("1", "true", "yes", "on") else "off"
    return f"{state} (from JAX_ENABLE_X64; jax not imported yet)"


def backend_info(devices: bool = False) -> dict[str, Any]:
    """The active backend, where that choice came from, whether its framework is installed, the
    settings, and the installed frameworks' versions.

    No framework is imported (importing TensorFlow writes ``~/.keras/keras.json``, which would
    then choose the backend), unless ``devices`` is true: then the active backend's framework is
    imported to list its devices (none when it is not installed).
    """
    name, source = config.active_choice()
    missing = missing_framework(name)
    file = config.keras_config()
    info = {
        "backend": name,
        "source": source,
        "status": "framework installed" if missing is None else f"framework missing: {missing}",
        "floatx": config.floatx(),
        "epsilon": config.epsilon(),
        "image_data_format": config.image_data_format(),
        "config_file": f"{file.path} ({'read' if file.exists else 'not present'})",
        "frameworks": {backend: framework_version(backend) for backend in BACKENDS},
        "jax_x64": jax_x64_state(),
    }
    if devices:
        info["devices"] = config.active_adapter().devices() if missing is None else []
    return info
