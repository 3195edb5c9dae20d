"""Which backend is active: the resolution order the README gives, names, aliases, and the
errors."""

from __future__ import annotations

import json

import pytest

import multik
from multik import backend as K
from multik import config
from multik.backends import BACKENDS
from multik.errors import BackendNotFoundError, BackendUnavailableError, ConfigError
from multik.testing import test_backends

BACKEND_NAMES = test_backends()
OTHER = [name for name in BACKEND_NAMES if name != "numpy"] or ["numpy"]


def write_config(home, **values):
    path = home / ".keras" / "keras.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(values, indent=4))
    return path


def test_default_is_numpy():
    assert K.backend() == "numpy"
    assert multik.backend_info()["source"] == "default (no backend was set)"


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_keras_backend_env(monkeypatch, name):
    monkeypatch.setenv("KERAS_BACKEND", name)
    assert K.backend() == name
    assert multik.backend_info()["source"] == f"environment variable KERAS_BACKEND={name!r}"


@pytest.mark.parametrize("name", OTHER)
def test_multik_backend_env_wins_over_keras_backend(monkeypatch, name):
    monkeypatch.setenv("KERAS_BACKEND", "numpy")
    monkeypatch.setenv("MULTIK_BACKEND", name)
    assert K.backend() == name


@pytest.mark.parametrize("name", BACKEND_NAMES)
def test_config_file_backend(_isolated, name):
    path = write_config(_isolated, backend=name)
    assert K.backend() == name
    assert multik.backend_info()["source"] == f"config file {path}"


def test_keras_home_wins_over_home(_isolated, tmp_path, monkeypatch):
    write_config(_isolated, backend="numpy", floatx="float16")
    keras_home = tmp_path / "kh"
    keras_home.mkdir()
    (keras_home / "keras.json").write_text('{"floatx": "float64"}')
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    assert K.floatx() == "float64"


def test_env_wins_over_config_file(_isolated, monkeypatch):
    write_config(_isolated, backend="not-a-backend")
    monkeypatch.setenv("KERAS_BACKEND", "numpy")
    assert K.backend() == "numpy"


@pytest.mark.parametrize("name", OTHER)
def test_set_backend_wins_over_env_and_clears(monkeypatch, name):
    monkeypatch.setenv("KERAS_BACKEND", "numpy")
    multik.set_backend(name)
    assert K.backend() == name
    assert multik.backend_info()["source"] == "multik.set_backend()"
    multik.set_backend(None)
    assert K.backend() == "numpy"


@pytest.mark.parametrize("name", OTHER)
def test_use_backend_wins_over_set_backend_and_nests(name):
    multik.set_backend("numpy")
    with multik.use_backend(name) as active:
        assert active == name
        assert K.backend() == name
        with multik.use_backend("numpy"):
            assert K.backend() == "numpy"
        assert K.backend() == name
        assert multik.backend_info()["source"] == "multik.use_backend() context"
    assert K.backend() == "numpy"


def test_use_backend_restores_on_exception():
    target = OTHER[0]
    with pytest.raises(RuntimeError, match="boom"):
        with multik.use_backend(target):
            with multik.use_backend("numpy"):
                raise RuntimeError("boom")
    assert K.backend() == "numpy"


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("np", "numpy"),
        ("  NumPy ", "numpy"),
        ("tf", "tensorflow"),
        ("PyTorch", "torch"),
        ("JAX", "jax"),
    ],
)
def test_aliases_case_and_blanks(monkeypatch, spelling, expected):
    if expected not in BACKEND_NAMES:
        pytest.skip(f"{expected} is not among the backends under test ({BACKEND_NAMES})")
    monkeypatch.setenv("KERAS_BACKEND", spelling)
    assert K.backend() == expected


def test_empty_env_counts_as_unset(_isolated, monkeypatch):
    write_config(_isolated, backend="numpy")
    monkeypatch.setenv("MULTIK_BACKEND", "  ")
    monkeypatch.setenv("KERAS_BACKEND", "")
    assert multik.backend_info()["source"].startswith("config file")


@pytest.mark.parametrize("legacy", ["theano", "cntk", "Theano"])
def test_legacy_backend_names(monkeypatch, legacy):
    monkeypatch.setenv("KERAS_BACKEND", legacy)
    with pytest.raises(BackendNotFoundError) as info:
        K.backend()
    message = str(info.value)
    assert "legacy" in message and "KERAS_BACKEND" in message
    assert all(name in message for name in BACKENDS)


def test_typo_suggests_closest(monkeypatch):
    monkeypatch.setenv("MULTIK_BACKEND", "tensorflw")
    with pytest.raises(BackendNotFoundError, match="did you mean 'tensorflow'"):
        K.backend()


def test_unknown_backend_in_config_file_names_file_and_line(_isolated):
    path = write_config(_isolated, floatx="float32", backend="theano")
    with pytest.raises(BackendNotFoundError) as info:
        K.backend()
    assert f"{path}, line 3" in str(info.value)


def test_set_backend_rejects_unknown_and_non_string():
    with pytest.raises(BackendNotFoundError, match="valid names"):
        multik.set_backend("caffe")
    with pytest.raises(BackendNotFoundError, match="must be a string"):
        multik.set_backend(3)  # type: ignore[arg-type]


def test_use_backend_needs_a_name():
    with pytest.raises(ConfigError, match="needs a backend name"):
        with multik.use_backend(""):
            pass


MISSING = [name for name in BACKENDS if name not in multik.available_backends()]


@pytest.mark.parametrize("name", MISSING or ["(none missing)"])
def test_missing_framework_names_the_extra(name):
    if not MISSING:
        pytest.skip(
            "every framework is installed here; the numpy-only CI job runs this test for real"
        )
    with pytest.raises(BackendUnavailableError, match=rf'pip install "multik\[{name}\]"'):
        multik.set_backend(name)


def test_resolution_is_read_once_until_reload(monkeypatch):
    assert K.backend() == "numpy"
    target = OTHER[0]
    monkeypatch.setenv("KERAS_BACKEND", target)
    assert K.backend() == "numpy", "env vars are read at the first call, not on every call"
    config.reload()
    assert K.backend() == target
