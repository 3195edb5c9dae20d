"""Conformance-suite setup: the same isolation as tests/conftest.py, and JAX in 64-bit mode.

JAX's x64 flag is process-wide and must be set before any JAX array exists, so it is turned on
here, at collection time; the check that 64-bit requests fail with it off runs in a subprocess.
"""

from __future__ import annotations

import os

import pytest

from multik.testing import isolated_config, test_backends

if "jax" in test_backends():
    from multik.conformance.runner import enable_jax_x64

    enable_jax_x64()

# MULTIK_TEST_DEVICE=cuda runs the torch cases on the GPU (torch creates new tensors on its
# default device); JAX uses a GPU whenever its CUDA plugin is installed.
if os.environ.get("MULTIK_TEST_DEVICE") and "torch" in test_backends():
    import torch

    torch.set_default_device(os.environ["MULTIK_TEST_DEVICE"])


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    with isolated_config(tmp_path, monkeypatch) as home:
        yield home
