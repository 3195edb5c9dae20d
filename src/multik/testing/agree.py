"""``assert_backends_agree``: run one function on several backends and compare what it returns
(shapes, dtype names, values under multik's tolerance table) or the errors it raises."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from multik import backend as K
from multik import dtypes
from multik.config import use_backend
from multik.conformance.compare import mismatch, tolerance
from multik.testing.selection import select_backends, test_backends

__all__ = ["assert_backends_agree"]


@dataclass(frozen=True)
class _Output:
    """One returned value as NumPy, with its Keras dtype name (None for non-numeric values such
    as strings or None, which are compared with ``==``)."""

    value: Any
    dtype: str | None


@dataclass(frozen=True)
class _Outcome:
    """What ``fn`` gave on one backend: its outputs, or the exception it raised."""

    outputs: list[_Output] | None = None
    error: BaseException | None = None

    def summary(self) -> str:
        if self.error is not None:
            return f"raised {type(self.error).__name__}: {self.error}"
        assert self.outputs is not None
        return f"returned {len(self.outputs)} output(s)"


def assert_backends_agree(
    fn: Callable[..., Any],
    *args: Any,
    backends: Sequence[str] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
) -> None:
    """Run ``fn(K, *args)`` on each backend and assert that all give the same result.

    ``K`` is ``multik.backend`` with that backend active; ``args`` should be host values (NumPy
    arrays, Python numbers) so that every backend gets the same input. ``fn`` may return one
    value or a tuple/list of values: tensors, Variables, NumPy arrays, Python numbers, strings.
    Each output must have the same shape, dtype name and values as on the first backend: exact
    for integers and bools, within multik's per-dtype tolerance table for floats (``rtol`` and
    ``atol`` replace the table's values), NaN and infinities in the same places. If ``fn``
    raises, it must raise the same exception class with the same message on every backend (the
    first backend's exception is then re-raised).

    ``backends`` defaults to the backends of the test run (``--multik-backends``, else
    ``MULTIK_TEST_BACKENDS``, else every installed backend). On a difference it raises
    AssertionError naming the two backends, the output index, the largest absolute and
    relative differences and where they are.
    """
    if backends is not None and not backends:
        raise ValueError("assert_backends_agree: backends is empty; name at least one backend")
    chosen = (
        test_backends() if backends is None else select_backends(",".join(backends), "backends")
    )
    outcomes = {name: _run(fn, args, name) for name in chosen}
    first, reference = next(iter(outcomes.items()))
    for name, outcome in list(outcomes.items())[1:]:
        problem = _disagreement((first, reference), (name, outcome), rtol, atol)
        if problem is not None:
            raise AssertionError(f"backends {first} and {name} disagree on {_name(fn)}: {problem}")
    if reference.error is not None:
        raise reference.error


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def _run(fn: Callable[..., Any], args: tuple[Any, ...], backend: str) -> _Outcome:
    with use_backend(backend):
        try:
            result = fn(K, *args)
            many = isinstance(result, (tuple, list))
            return _Outcome(outputs=[_output(v) for v in (result if many else [result])])
        except Exception as exc:
            return _Outcome(error=exc)


def _output(value: Any) -> _Output:
    """``value`` as NumPy with its dtype name; call with its backend active."""
    if value is None or isinstance(value, str) or _python_values(value):
        return _Output(value, None)
    if isinstance(value, (tuple, list)):
        raise TypeError(
            f"assert_backends_agree: fn returned a nested {type(value).__name__} of tensors; "
            "return one value or a flat tuple/list of values"
        )
    if isinstance(value, (bool, int, float, np.ndarray, np.generic)):
        array = np.asarray(value)
        return _Output(array, dtypes.canonical(array.dtype))
    return _Output(np.asarray(K.eval(value)), K.dtype(value))


def _python_values(value: Any) -> bool:
    """Whether ``value`` is a (nested) tuple/list of Python numbers, strings and None, such as
    the tuple ``K.int_shape`` returns."""
    if isinstance(value, (tuple, list)):
        return all(_python_values(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


def _disagreement(
    first: tuple[str, _Outcome],
    second: tuple[str, _Outcome],
    rtol: float | None,
    atol: float | None,
) -> str | None:
    """What differs between two backends' outcomes, or None."""
    (ref_name, reference), (name, other) = first, second
    both = f"{ref_name} {reference.summary()}; {name} {other.summary()}"
    if reference.error is not None or other.error is not None:
        same = (
            reference.error is not None
            and other.error is not None
            and type(reference.error) is type(other.error)
            and str(reference.error) == str(other.error)
        )
        return None if same else both
    assert reference.outputs is not None and other.outputs is not None
    if len(reference.outputs) != len(other.outputs):
        return both
    for index, (ref, got) in enumerate(zip(reference.outputs, other.outputs)):
        problem = _output_difference((ref_name, ref), (name, got), rtol, atol)
        if problem is not None:
            return f"output {index}: {problem}"
    return None


def _output_difference(
    first: tuple[str, _Output],
    second: tuple[str, _Output],
    rtol: float | None,
    atol: float | None,
) -> str | None:
    """What differs between one output on two backends, or None."""
    (ref_name, ref), (name, got) = first, second
    if ref.dtype is None or got.dtype is None:
        same = ref.value == got.value
        return None if same else f"{ref_name} gives {ref.value!r}, {name} gives {got.value!r}"
    for what, a, b in (
        ("dtype", ref.dtype, got.dtype),
        ("shape", ref.value.shape, got.value.shape),
    ):
        if a != b:
            return f"{what} {a} on {ref_name}, {b} on {name}"
    if mismatch(got.value, got.dtype, ref.value, ref.dtype, rtol=rtol, atol=atol) is None:
        return None
    return _value_report(first, second, rtol, atol)


def _value_report(
    first: tuple[str, _Output],
    second: tuple[str, _Output],
    rtol: float | None,
    atol: float | None,
) -> str:
    """How many elements differ, the largest absolute and relative differences and where."""
    (ref_name, output), (name, other) = first, second
    ref, got, dtype = output.value, other.value, output.dtype
    assert dtype is not None
    a, b = ref.astype(np.float64), got.astype(np.float64)
    if dtypes.is_float(dtype):
        rtol, atol = tolerance(dtype, rtol, atol)
        rule = f"beyond tolerance ({dtype}: rtol {rtol:g}, atol {atol:g})"
        placed = (np.isnan(a) != np.isnan(b)) | ((np.isinf(a) | np.isinf(b)) & (a != b))
        with np.errstate(invalid="ignore"):
            close = np.abs(a - b) <= atol + rtol * np.abs(a)
        differs = placed | ~(close | np.isnan(a) & np.isnan(b) | (a == b))
    else:
        rule = f"exactly ({dtype})"
        differs = a != b
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.where(differs, np.abs(a - b), 0.0)
        relative = np.where(differs & (a != 0), error / np.abs(a), 0.0)
    error = np.nan_to_num(error, nan=np.inf)
    worst = _where(np.argmax(error), ref.shape)
    worst_rel = _where(np.argmax(np.nan_to_num(relative, nan=np.inf)), ref.shape)
    return (
        f"{int(differs.sum())} of {ref.size} values differ {rule}; "
        f"max |diff| {error.max():.6g} at index {worst} ({ref_name} {ref[worst]!s}, {name} "
        f"{got[worst]!s}); max relative diff {np.nan_to_num(relative, nan=np.inf).max():.6g} "
        f"at index {worst_rel}"
    )


def _where(flat: np.intp, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(int(flat), shape))
