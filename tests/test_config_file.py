"""The Keras config file and the settings it gives: floatx, epsilon, image_data_format."""

from __future__ import annotations

import os

import numpy as np
import pytest

from multik import backend as K
from multik.errors import ConfigError


def keras_json(home, text):
    path = home / ".keras" / "keras.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_a_file():
    assert (K.floatx(), K.epsilon(), K.image_data_format()) == ("float32", 1e-7, "channels_last")


def test_values_from_the_file(_isolated):
    keras_json(
        _isolated,
        '{"floatx": "float64", "epsilon": 1e-5, "image_data_format": "channels_first"}',
    )
    assert (K.floatx(), K.epsilon(), K.image_data_format()) == ("float64", 1e-5, "channels_first")
    assert K.dtype(K.constant(1)) == "float64"


def test_invalid_json_names_file_and_line(_isolated):
    path = keras_json(_isolated, '{\n  "floatx": "float32",\n  "backend": numpy\n}')
    with pytest.raises(ConfigError) as info:
        K.floatx()
    assert f"{path}, line 3" in str(info.value) and "not valid JSON" in str(info.value)


def test_not_an_object(_isolated):
    path = keras_json(_isolated, '["numpy"]')
    with pytest.raises(ConfigError, match="must hold a JSON object") as info:
        K.backend()
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "text, bad, line",
    [
        ('{\n "backend": "numpy",\n "floatx": "float8"\n}', "'float8'", 3),
        ('{\n "epsilon": -1e-07\n}', "-1e-07", 2),
        ('{\n "epsilon": "small"\n}', "'small'", 2),
        ('{"image_data_format": "channels_middle"}', "'channels_middle'", 1),
    ],
)
def test_bad_values_name_file_line_and_value(_isolated, text, bad, line):
    path = keras_json(_isolated, text)
    with pytest.raises(ConfigError) as info:
        K.sum([1, 2])
    message = str(info.value)
    assert f"{path}, line {line}" in message and bad in message


def test_setters_reject_like_the_file():
    with pytest.raises(ConfigError, match="floatx must be one of"):
        K.set_floatx("float8")
    with pytest.raises(ConfigError, match="epsilon must be a finite number"):
        K.set_epsilon(-1.0)
    with pytest.raises(ConfigError, match="epsilon must be a finite number"):
        K.set_epsilon("1e-7")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="image_data_format must be"):
        K.set_image_data_format("nhwc")
    assert K.floatx() == "float32"


def test_setters_change_the_settings():
    K.set_floatx("float16")
    K.set_epsilon(1e-3)
    K.set_image_data_format("channels_first")
    assert (K.floatx(), K.epsilon(), K.image_data_format()) == ("float16", 1e-3, "channels_first")
    assert K.cast_to_floatx([1, 2]).dtype == np.float16


def test_read_only_config_is_honoured_and_never_written(_isolated):
    path = keras_json(_isolated, '{"floatx": "float64"}')
    os.chmod(path, 0o444)
    os.chmod(path.parent, 0o555)
    try:
        before = path.read_text()
        assert K.floatx() == "float64"
        K.set_floatx("float32")
        assert path.read_text() == before
        assert sorted(p.name for p in path.parent.iterdir()) == ["keras.json"]
    finally:
        os.chmod(path.parent, 0o755)


def test_missing_home_directory_works(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "does-not-exist"))
    assert K.backend() == "numpy"
    assert K.floatx() == "float32"
    assert not (tmp_path / "does-not-exist").exists()


def test_nothing_is_written_to_home(_isolated):
    K.sum(K.ones((2, 2)))
    K.set_floatx("float64")
    assert list(_isolated.iterdir()) == []
