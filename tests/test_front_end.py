"""The front-end and the adapters agree: every declared K function exists on every adapter."""

from __future__ import annotations

import inspect

import pytest

from multik import backend as K
from multik.backends import load_adapter
from multik.backends.adapter import Adapter
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
