"""The front-end and the adapters agree: every declared K function exists on every adapter."""

from __future__ import annotations

import inspect
import threading
import traceback

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.api._forward import FORWARDS_TO, forward
from multik.backends import load_adapter
from multik.backends.adapter import Adapter
from multik.errors import InvalidArgumentError
from multik.testing import test_backends

FORWARDED = [
    n
    for n in K.__all__
    if n not in (*K.CONFIG_FUNCTIONS, *K.GRAPH_FUNCTIONS, "Variable", "SymbolicTensor")
]


@pytest.mark.parametrize("name", FORWARDED)
def test_declared_function_matches_adapter_signature(name):
    front = inspect.signature(getattr(K, name))
    method = getattr(Adapter, name, None)
    assert method is not None, f"K.{name} is declared but Adapter has no {name}()"
    shared = inspect.signature(method)
    assert list(front.parameters) == list(shared.parameters)[1:]
    for param in front.parameters.values():
        assert param.default == shared.parameters[param.name].default, param.name


@pytest.mark.parametrize("backend", test_backends())
def test_adapter_implements_every_primitive(backend):
    adapter = load_adapter(backend)  # an abstract primitive left out would make this raise
    missing = [n for n in FORWARDED if not callable(getattr(adapter, n, None))]
    assert not missing
    assert not inspect.isabstract(type(adapter))


def test_adapter_lacking_a_primitive_cannot_be_built():
    from multik.backends.numpy import NumpyAdapter

    class Incomplete(NumpyAdapter):
        pass

    del_name = "_sum"
    namespace = {k: v for k, v in vars(NumpyAdapter).items() if k != del_name}
    broken = type("Broken", (Adapter,), namespace)
    with pytest.raises(TypeError, match="_sum"):
        broken()
    assert Incomplete() is not None


def test_every_public_function_has_a_docstring():
    for name in K.__all__:
        assert getattr(K, name).__doc__, name


FORWARDING = [n for n in FORWARDED if getattr(getattr(K, n), FORWARDS_TO, None)]


def test_most_functions_forward_through_one_generated_body():
    assert len(FORWARDING) >= 90
    for name in FORWARDING:
        function = getattr(K, name)
        assert getattr(function, FORWARDS_TO) == name
        assert function.__qualname__ == name
        assert function.__code__.co_name == name
        assert function.__module__.startswith("multik.api.")


@pytest.mark.parametrize("backend", test_backends())
def test_k_calls_follow_set_backend_after_the_default_was_resolved(backend):
    assert isinstance(K.sum(np.ones(3, np.float32)), np.ndarray)  # resolves the default: numpy
    adapter = load_adapter(backend)
    multik.set_backend(backend)
    assert isinstance(K.sum(np.ones(3, np.float32)), adapter.native_types)
    with multik.use_backend("numpy"):
        assert isinstance(K.sum(np.ones(3, np.float32)), np.ndarray)
    in_thread = []
    thread = threading.Thread(target=lambda: in_thread.append(K.square(np.ones(2, np.float32))))
    thread.start()
    thread.join()
    assert isinstance(in_thread[0], adapter.native_types)  # set_backend is process-wide
    multik.set_backend(None)
    assert isinstance(K.sum(np.ones(3, np.float32)), np.ndarray)


def test_traceback_shows_the_generated_body():
    with pytest.raises(InvalidArgumentError) as caught:
        K.sum(np.ones((2, 3), np.float32), axis=5)
    frame = next(f for f in traceback.extract_tb(caught.tb) if f.filename == "<multik K.sum>")
    assert frame.name == "sum"
    assert ".sum(x, axis, keepdims)" in frame.line


def test_forward_takes_plain_parameters_only():
    def star(*tensors):
        """Not a forwarding signature."""

    with pytest.raises(TypeError, match="star"):
        forward(star)
