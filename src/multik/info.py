"""``multik.backend_info()``: what is active, why, and what is installed."""

from __future__ import annotations

import importlib.metadata
import os
import sys
from typing import Any

from multik import config
from multik.backends import BACKENDS, is_installed

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
    if "jax" in sys.modules:
        return "on" if sys.modules["jax"].config.jax_enable_x64 else "off"
    value = os.environ.get("JAX_ENABLE_X64", "")
    state = "on" if value.strip().lower() in ("1", "true", "yes", "on") else "off"
    return f"{state} (from JAX_ENABLE_X64; jax not imported yet)"


def backend_info() -> dict[str, Any]:
    """The active backend, where that choice came from, the settings, and the frameworks."""
    adapter = config.active_adapter()
    file = config.keras_config()
    return {
        "backend": adapter.name,
        "source": config.active_source(),
        "floatx": config.floatx(),
        "epsilon": config.epsilon(),
        "image_data_format": config.image_data_format(),
        "config_file": f"{file.path} ({'read' if file.exists else 'not present'})",
        "frameworks": {name: framework_version(name) for name in BACKENDS},
        "jax_x64": jax_x64_state(),
        "devices": adapter.devices(),
    }
