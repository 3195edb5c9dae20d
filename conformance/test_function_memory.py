"""What a K.function returns or keeps never shares memory with what it was fed or with a
Variable, although it may compute on fed NumPy arrays without copying them (torch, NumPy): the
caller may write to its arrays and to the results afterwards."""

from __future__ import annotations

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.testing import test_backends


@pytest.fixture(params=test_backends())
def backend(request):
    with multik.use_backend(request.param):
        K.clear_session()
        yield request.param
        K.clear_session()


def _host_memory(storage):
    """The host memory of a Variable's storage where the framework exposes it, else None."""
    if isinstance(storage, np.ndarray):
        return storage
    if type(storage).__module__.startswith("torch") and storage.device.type == "cpu":
        return storage.detach().numpy()
    return None


def test_outputs_share_no_memory_with_inputs_or_variables(backend):
    v = K.variable(np.array([1.0, 2.0, 3.0], np.float32))
    x = K.placeholder((3,))
    f = K.function([x], [x, v, K.reshape(x, (3, 1)), x * 1.0, v + x])
    fed = np.array([4.0, 5.0, 6.0], np.float32)
    outputs = f([fed])
    storage = _host_memory(v.value)
    for output in outputs:
        assert not np.shares_memory(output, fed)
        assert storage is None or not np.shares_memory(output, storage)
        output[...] = -1  # the caller owns the results
    np.testing.assert_array_equal(fed, [4.0, 5.0, 6.0])
    np.testing.assert_array_equal(K.get_value(v), [1.0, 2.0, 3.0])


def test_a_fed_array_written_after_the_call_changes_nothing_kept(backend):
    v = K.variable(np.zeros(3, np.float32))
    x = K.placeholder((3,))
    f = K.function([x], [K.sum(x)], updates=[(v, x)])
    fed = np.array([1.0, 2.0, 3.0], np.float32)
    f([fed])
    fed[...] = 100.0
    np.testing.assert_array_equal(K.get_value(v), [1.0, 2.0, 3.0])
    assert float(f([np.ones(3, np.float32)])[0]) == 3.0


def test_read_only_and_reversed_arrays_are_fed(backend):
    x = K.placeholder((4,))
    f = K.function([x], [x * 2.0])
    frozen = np.arange(4, dtype=np.float32)
    frozen.flags.writeable = False
    np.testing.assert_array_equal(f([frozen])[0], [0, 2, 4, 6])
    np.testing.assert_array_equal(f([np.arange(4, dtype=np.float32)[::-1]])[0], [6, 4, 2, 0])
