"""The legacy configuration and session functions: data format names, Keras 1's dim ordering,
name scopes, control dependencies, the symbolic/eager decorators and TensorFlow 1 sessions."""

from __future__ import annotations

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.conformance.deviations import UNSUPPORTED
from multik.errors import ConfigError, InvalidArgumentError, UnsupportedError
from multik.testing import test_backends

backends = pytest.mark.parametrize("backend", test_backends())


@pytest.fixture
def on(backend):
    with multik.use_backend(backend):
        yield backend


# --------------------------------------------------------------------------- data format names


@backends
def test_normalize_data_format(on):
    assert K.normalize_data_format(None) == "channels_last"
    assert K.normalize_data_format("Channels_First") == "channels_first"
    K.set_image_data_format("channels_first")
    assert K.normalize_data_format(None) == "channels_first"
    for bad in ("channels_middle", "", 3):
        with pytest.raises(InvalidArgumentError, match="channels_last") as info:
            K.normalize_data_format(bad)
        assert isinstance(info.value, ValueError)


@backends
def test_image_dim_ordering_maps_to_the_data_format(on):
    assert K.image_dim_ordering() == "tf"
    K.set_image_dim_ordering("th")
    assert (K.image_data_format(), K.image_dim_ordering()) == ("channels_first", "th")
    K.set_image_data_format("channels_last")
    assert K.image_dim_ordering() == "tf"
    with pytest.raises(ConfigError, match="'tf'") as info:
        K.set_image_dim_ordering("channels_last")
    assert isinstance(info.value, ValueError)
    assert K.image_data_format() == "channels_last"


# --------------------------------------------------------------------------- scopes


@backends
def test_name_scope_yields_the_full_scope_name(on):
    with K.name_scope("block") as outer:
        with K.name_scope("conv") as inner:
            y = K.sum(K.constant([1.0, 2.0]))
        with K.name_scope("top/") as absolute:
            pass
    assert (outer, inner, absolute) == ("block/", "block/conv/", "top/")
    assert K.eval(y) == np.float32(3)
    with pytest.raises(InvalidArgumentError, match="str name"):
        K.name_scope(None)


@backends
def test_control_dependencies(on):
    v = K.variable([1.0])
    with K.control_dependencies([K.update_add(v, [1.0])]):
        out = K.eval(v * 2)
    np.testing.assert_array_equal(out, np.float32([4]))
    with K.control_dependencies(None):
        pass
    with pytest.raises(InvalidArgumentError, match="list or tuple"):
        K.control_dependencies(K.constant(1.0))
    x = K.placeholder((2,))
    with pytest.raises(UnsupportedError, match="updates"):
        K.control_dependencies([x])


@pytest.mark.skipif("tensorflow" not in test_backends(), reason="tensorflow is not under test")
def test_control_dependencies_order_a_compiled_tensorflow_function():
    import tensorflow as tf

    with multik.use_backend("tensorflow"):
        v = K.variable([1.0])

        @tf.function
        def step():
            with K.control_dependencies([v.value.assign_add([1.0])]):
                return K.sum(v.value)  # read after the assignment

        assert K.eval(step()) == np.float32(2)


@backends
def test_manual_variable_initialization_is_accepted_and_changes_nothing(on):
    K.manual_variable_initialization(True)
    v = K.variable([1.0, 2.0])
    np.testing.assert_array_equal(K.get_value(v), np.float32([1, 2]))
    K.manual_variable_initialization(False)
    with pytest.raises(InvalidArgumentError, match="bool"):
        K.manual_variable_initialization("yes")


# --------------------------------------------------------------------------- decorators


@backends
def test_symbolic_and_eager_decorators(on):
    def total(v):
        """Sum of v."""
        return K.sum(v)

    assert K.symbolic(total) is total
    eager_total = K.eager(total)
    assert (eager_total.__name__, eager_total.__doc__) == ("total", "Sum of v.")
    v = K.variable([1.0, 2.0])
    K.placeholder((2,))  # graph mode: a K call on a Variable now builds a graph node
    assert isinstance(total(v), K.SymbolicTensor)
    value = eager_total(v)
    assert not isinstance(value, K.SymbolicTensor)
    assert K.eval(value) == np.float32(3)
    assert isinstance(total(v), K.SymbolicTensor)  # graph mode is back after the call


# --------------------------------------------------------------------------- sessions


@backends
def test_sessions(on):
    if on != "tensorflow":
        for call, args in ((K.get_session, ()), (K.set_session, (None,))):
            with pytest.raises(UnsupportedError, match=r"K\.function"):
                call(*args)
        assert (on, "get_session") in UNSUPPORTED and (on, "set_session") in UNSUPPORTED
        return
    import tensorflow as tf

    assert ("tensorflow", "get_session") not in UNSUPPORTED
    session = K.get_session()
    assert isinstance(session, tf.compat.v1.Session)
    assert K.get_session() is session
    mine = tf.compat.v1.Session()
    K.set_session(mine)
    assert K.get_session() is mine
    other = tf.compat.v1.Session()
    with other.as_default():
        assert K.get_session() is other
    K.set_session(None)
    assert K.get_session() not in (mine, None)
    with pytest.raises(InvalidArgumentError, match=r"tf\.compat\.v1\.Session"):
        K.set_session("session")
    with pytest.raises(UnsupportedError, match=r"tf\.function"):
        tf.function(lambda: K.get_session())()
