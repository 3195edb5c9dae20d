"""The batch_dot rules setting: Keras 2.3's rules by default, Keras 2.2.4's as an opt-in read
from keras.json, multik.set_batch_dot_rules or multik.use_batch_dot_rules."""

from __future__ import annotations

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.errors import ConfigError
from multik.testing import test_backends

X = np.array([[1, 2], [3, 4]], np.int32)
Y = np.array([[5, 6], [7, 8]], np.int32)
HEADS = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5) / 100


def keras_json(home, text):
    path = home / ".keras" / "keras.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_default_is_keras_2_3():
    assert multik.batch_dot_rules() == "2.3"
    np.testing.assert_array_equal(K.eval(K.batch_dot(X, Y)), [[17], [53]])
    assert K.int_shape(K.batch_dot(HEADS, HEADS, axes=(3, 3))) == (2, 3, 4, 3, 4)


def test_read_from_the_config_file(_isolated):
    keras_json(_isolated, '{"batch_dot_rules": "2.2.4"}')
    assert multik.batch_dot_rules() == "2.2.4"
    assert K.int_shape(K.batch_dot(HEADS, HEADS, axes=(3, 3))) == (2, 3, 4, 4)


def test_bad_value_in_the_file_names_file_line_and_value(_isolated):
    path = keras_json(_isolated, '{\n "floatx": "float32",\n "batch_dot_rules": "2.2"\n}')
    with pytest.raises(ConfigError) as info:
        K.batch_dot(X, Y)
    assert f"{path}, line 3" in str(info.value) and "'2.2'" in str(info.value)


def test_setter_validates_and_applies():
    with pytest.raises(ConfigError, match="batch_dot_rules must be"):
        multik.set_batch_dot_rules("2.2")
    multik.set_batch_dot_rules("2.2.4")
    np.testing.assert_array_equal(K.eval(K.batch_dot(X, Y)), [[19], [50]])
    multik.reload()  # forgets what was set
    assert multik.batch_dot_rules() == "2.3"


def test_context_manager_restores_on_exit_and_error():
    with multik.use_batch_dot_rules("2.2.4"):
        assert multik.batch_dot_rules() == "2.2.4"
    assert multik.batch_dot_rules() == "2.3"
    with pytest.raises(RuntimeError), multik.use_batch_dot_rules("2.2.4"):
        raise RuntimeError
    assert multik.batch_dot_rules() == "2.3"
    with pytest.raises(ConfigError):
        multik.use_batch_dot_rules("3").__enter__()
    assert multik.batch_dot_rules() == "2.3"


@pytest.mark.parametrize("backend", test_backends())
def test_symbolic_batch_dot_keeps_the_rules_it_was_built_with(backend):
    with multik.use_backend(backend):
        a, b = K.placeholder((None, 3, 4, 5)), K.placeholder((None, 3, 4, 5))
        with multik.use_batch_dot_rules("2.2.4"):
            old = K.batch_dot(a, b, axes=(3, 3))
        new = K.batch_dot(a, b, axes=(3, 3))
        assert (old.shape, new.shape) == ((None, 3, 4, 4), (None, 3, 4, 3, 4))
        f = K.function([a, b], [old, new])
        got_old, got_new = f([HEADS, HEADS])
        np.testing.assert_allclose(got_old, np.einsum("bhtd,bhsd->bhts", HEADS, HEADS), 1e-6)
        assert got_new.shape == (2, 3, 4, 3, 4)
        K.clear_session()
