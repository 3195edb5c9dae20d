"""Fast paths give the shared formula's results: the same dtype, values and errors.

An adapter (or its fast-path mixin, such as ``backends/_tf_fast.py``) overrides a K function
(or ``_operator``, Python's operators on Variables and symbolic tensors) with a fast path: one
guard for the common case, then the framework call. Every conformance case of such a function
runs with its NumPy inputs turned into native tensors of the backend, once through the adapter
(the fast path where its guard holds) and once through the shared formula the fast path
overrides (``super()`` of the last class before ``Adapter``: the slow path, forced). Both must
raise the same error class with the same message, or return the same dtype and shape and the
same values bit for bit (NaN where NaN). Each fast path must serve at least one case, so a
guard that never holds is caught too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import numpy as np
import pytest

from multik import config
from multik.api import CONFIG_FUNCTIONS, GRAPH_FUNCTIONS
from multik.backend import __all__ as K_NAMES
from multik.backends import load_adapter
from multik.backends.adapter import Adapter
from multik.conformance.cases import CASES, Case
from multik.conformance.runner import settings
from multik.testing import test_backends

BACKENDS = test_backends()

#: The operators ``_operator`` takes (the names Variables and symbolic tensors pass it).
OPERATORS = ("add", "subtract", "multiply", "divide", "maximum", "less", "matmul", "power")


def _fast_classes(adapter_class: type) -> list[type]:
    """The adapter class and its fast-path mixins: the classes before ``Adapter`` in its MRO."""
    mro = adapter_class.__mro__
    return list(mro[: mro.index(Adapter)])


def fast_paths(backend: str) -> list[str]:
    """The K functions (and ``_operator``) the adapter class of ``backend`` or its fast-path
    mixin overrides."""
    k_functions = set(K_NAMES) - set(CONFIG_FUNCTIONS) - set(GRAPH_FUNCTIONS)
    return sorted(
        name
        for cls in _fast_classes(type(load_adapter(backend)))
        for name in vars(cls)
        if (name in k_functions or name == "_operator") and hasattr(Adapter, name)
    )


def _native(adapter: Any, value: Any) -> Any:
    return adapter.tensor(value) if isinstance(value, np.ndarray) else value


def _outcome(call: Callable[[], Any], adapter: Any) -> tuple[Any, ...]:
    """('error', class, message) or ('value', dtype, shape, NumPy values) of ``call()``."""
    try:
        result = call()
    except Exception as error:  # the errors themselves are compared
        return ("error", type(error), str(error))
    tensor = adapter.tensor(result)
    return ("value", adapter._dtype(tensor), adapter._shape(tensor), adapter._to_numpy(tensor))


def _same(fast: tuple[Any, ...], slow: tuple[Any, ...]) -> str | None:
    """Why the fast outcome differs from the slow one, or None."""
    differ = f"fast path {fast[:3]}, shared formula {slow[:3]}"
    if fast[0] == "error" or slow[0] == "error":
        return None if fast == slow else differ
    if fast[1:3] != slow[1:3]:
        return differ
    a, b = fast[3], slow[3]
    if a.dtype.kind == "f":
        a, b = a.astype(np.float64), b.astype(np.float64)  # exact for bfloat16 too
    if not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
        return f"fast path gave {fast[3]!r}, shared formula {slow[3]!r}"
    return None


@contextlib.contextmanager
def _counting(adapter_class: type, name: str) -> Iterator[mock.MagicMock]:
    """Count the calls of the shared formula that the fast path ``name`` overrides."""
    mro = adapter_class.__mro__
    shared = next(c for c in mro[mro.index(Adapter) :] if name in vars(c))
    with mock.patch.object(shared, name, autospec=True, side_effect=vars(shared)[name]) as spy:
        yield spy


def _compare(
    backend: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[str | None, bool]:
    """The difference between fast and slow path on native ``args``, and whether the fast path
    served the call (the shared formula was not called)."""
    adapter = load_adapter(backend)
    adapter_class = type(adapter)
    native = [_native(adapter, a) for a in args]
    with _counting(adapter_class, name) as spy:
        fast = _outcome(lambda: getattr(adapter, name)(*native, **kwargs), adapter)
    served = not spy.called
    last_fast = _fast_classes(adapter_class)[-1]
    slow = _outcome(lambda: getattr(super(last_fast, adapter), name)(*native, **kwargs), adapter)
    return _same(fast, slow), served


def _plain(case: Case) -> bool:
    """Whether ``case`` calls its function directly on NumPy arrays and plain values."""
    return case.call is None and all(
        isinstance(a, (np.ndarray, bool, int, float, list, tuple, type(None))) for a in case.args
    )


def _params() -> list[Any]:
    """(backend, function) for every fast path of every tested backend."""
    return [
        pytest.param(backend, name, id=f"{backend}-{name}")
        for backend in BACKENDS
        for name in fast_paths(backend)
        if name != "_operator"
    ]


@pytest.mark.parametrize(("backend", "name"), _params())
def test_fast_path_gives_the_shared_result(backend: str, name: str) -> None:
    cases = [case for case in CASES if case.function == name and _plain(case)]
    problems, served = [], 0
    with config.use_backend(backend):
        for case in cases:
            with settings(case.floatx, case.epsilon):
                problem, fast = _compare(backend, name, case.args, dict(case.kwargs))
            served += fast
            if problem:
                problems.append(f"{case.id}: {problem}")
    assert not problems, "\n".join(problems)
    assert served, f"the {backend} fast path of {name} served none of its {len(cases)} cases"


def _operands() -> Iterator[tuple[Any, Any]]:
    """Operand pairs for the operators: same and mixed dtypes, broadcasting, shapes that do not
    broadcast, empty and 0-d arrays, NaN and inf, Python numbers."""
    x = np.array([[1.5, -2.0, np.nan], [np.inf, 0.0, -0.5]], np.float32)
    for dtype in ("float32", "float64", "float16", "int32"):
        a = x.astype(dtype) if dtype != "int32" else np.array([[1, -2, 3], [4, 0, 5]], dtype)
        yield a, a[::-1]
        yield a, a[0]
        yield a, a[:, :2]
        yield a[:0], a[:0]
        yield a[0, 0], a
        yield a, 2.5
        yield 0.1, a
        yield a, 1e40
        yield -1e40, a
    yield x, x.astype(np.float64)
    yield x, x.T


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("op", OPERATORS)
def test_operator_fast_path_gives_the_shared_result(backend: str, op: str) -> None:
    if "_operator" not in fast_paths(backend):
        pytest.skip(f"the {backend} adapter has no operator fast path")
    served = 0
    with config.use_backend(backend):
        for x, y in _operands():
            problem, fast = _compare(backend, "_operator", (op, x, y), {})
            assert problem is None, f"{op} of {x!r} and {y!r}: {problem}"
            served += fast
    if op in ("add", "subtract", "multiply", "divide"):
        assert served, f"the {backend} operator fast path served no {op}"


def test_fast_paths_exist() -> None:
    """Each adapter has fast paths for the functions that map to one framework call."""
    for backend in BACKENDS:
        assert {"sum", "square", "relu", "dot", "batch_dot", "softmax"} <= set(
            fast_paths(backend)
        ), backend
