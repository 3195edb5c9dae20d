"""The conformance case tables.

A case names a K function, its inputs (NumPy arrays of a given dtype, or Python values, which
are passed as they are) and keyword arguments, and EITHER the expected result with its dtype
name OR the multik error class that bad input must raise. Expected values are independent of
multik: a float64 NumPy expression computed from the same already-quantised inputs and then
rounded to the expected dtype (integers are computed exactly in int64 and wrapped to the
expected dtype), or a hand-checked literal. Expected dtypes follow API.md Decision 5.

Every case also runs compiled (``jax.jit``, ``tf.function``, ``tf.function(jit_compile=True)``,
``torch.compile``), except the cases that can never be compiled, which say why in
``eager_only`` (they return Variables, Python values or NumPy arrays, or their error depends on
the data).

bfloat16 inputs need the optional ml_dtypes package; without it no bfloat16 case is built and
``BFLOAT16_MISSING`` says so (the tests record it as a skip with that reason).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from multik.dtypes import (
    DTYPES,
    FLOATS,
    INTS,
    accumulator,
    float_compute,
    mean_dtype,
    numpy_dtype,
    result_type,
)
from multik.errors import (
    AxisError,
    BackendMismatchError,
    DTypeError,
    InvalidArgumentError,
    MultikError,
    ShapeError,
)

__all__ = ["BFLOAT16_MISSING", "CASES", "Case", "Foreign", "cases_by_function"]

EPSILON = 1e-7


def _bfloat16_missing() -> str:
    try:
        numpy_dtype("bfloat16")
    except DTypeError:
        return "ml_dtypes is not installed: bfloat16 cases are not built"
    return ""


#: Why no bfloat16 case is built here ("" when they are): bfloat16 arrays need ml_dtypes, an
#: optional dependency of the numpy backend. Tests that lose those cases skip with this reason.
BFLOAT16_MISSING = _bfloat16_missing()


def _built(names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` without bfloat16 when its cases cannot be built."""
    return tuple(n for n in names if n != "bfloat16" or not BFLOAT16_MISSING)


_DTYPES = _built(DTYPES)
_FLOATS = _built(FLOATS)


@dataclass(frozen=True)
class Foreign:
    """An input that must be a tensor of another framework than the active backend's."""

    array: np.ndarray


@dataclass(frozen=True)
class Case:
    """One call of one K function and what it must give on every backend and in every mode."""

    id: str
    function: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    expected: Any = None
    dtype: str | None = None
    error: type[MultikError] | None = None
    terms: int = 1
    call: Callable[..., Any] | None = None
    eager_only: str = ""
    floatx: str | None = None
    epsilon: float | None = None
    tags: frozenset[str] = frozenset()
    legacy: str = ""

    def invoke(self, k: Any, *args: Any) -> Any:
        """Call the case through the K module ``k`` (multik.backend or tf_keras.backend)."""
        if self.call is not None:
            return self.call(k, *args, **self.kwargs)
        return getattr(k, self.function)(*args, **self.kwargs)


_CASES: list[Case] = []


def _add(case_id: str, function: str, *args: Any, **options: Any) -> None:
    _CASES.append(Case(case_id, function, args, **options))


def _error(
    case_id: str, function: str, error: type[MultikError], *args: Any, **options: Any
) -> None:
    _CASES.append(Case(case_id, function, args, error=error, **options))


# --------------------------------------------------------------------------- helpers


def q(values: Any, dtype: str) -> np.ndarray:
    """``values`` quantised to ``dtype`` (the input every backend receives)."""
    array = np.asarray(values)
    if dtype == "bool":
        return array.astype(bool)
    return array.astype(numpy_dtype(dtype))


def f64(x: np.ndarray) -> np.ndarray:
    """The exact float64 values of an input array."""
    return np.asarray(x).astype(np.float64)


def rounded(values: Any, dtype: str) -> np.ndarray:
    """Reference values (float64 or exact ints) rounded or wrapped to ``dtype``."""
    array = np.asarray(values)
    if dtype == "bool":
        return array.astype(bool)
    if dtype in INTS and array.dtype.kind in "iub":
        return array.astype(np.int64).astype(numpy_dtype(dtype))
    return array.astype(numpy_dtype(dtype))


def _exact(x: np.ndarray) -> np.ndarray:
    """Integers and bools as int64, floats as float64: the exact reference inputs."""
    return x.astype(np.int64) if x.dtype.kind in "biu" else f64(x)


def _axis_text(axis: Any) -> str:
    if isinstance(axis, list):
        return "[" + ",".join(map(str, axis)) + "]"
    if isinstance(axis, tuple):
        return "(" + ",".join(map(str, axis)) + ")"
    return str(axis)


def _sample(shape: tuple[int, ...], dtype: str, product: bool = False) -> np.ndarray:
    """Deterministic values of ``dtype`` (small factors for products), exactly representable."""
    i = np.arange(math.prod(shape))
    if dtype == "bool":
        values: np.ndarray = i % 3 == 0
    elif dtype == "uint8":
        values = i % 2 + 1 if product else i * 7 % 11
    elif dtype in INTS:
        values = np.array([1, 2, -1])[i % 3] if product else i * 5 % 11 - 5
    else:
        values = (
            np.array([1.5, -0.5, 1.25, 0.75])[i % 4]
            if product
            else (i * 5 % 11 - 5) * 0.375 + 0.0625
        )
    return q(values.reshape(shape), dtype)


def _tuple_axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


# --------------------------------------------------------------------------- reductions

_REDUCERS = ("sum", "prod", "max", "min", "mean")


def _reduction_expected(
    function: str, x: np.ndarray, axis: Any, keepdims: bool, floatx: str
) -> tuple[np.ndarray, str]:
    source = x.dtype.name
    axes = _tuple_axis(axis)
    if function in ("sum", "prod"):
        result = accumulator(source)[1]
        op = np.sum if function == "sum" else np.prod
        return rounded(op(_exact(x), axis=axes, keepdims=keepdims), result), result
    if function in ("max", "min"):
        op = np.max if function == "max" else np.min
        return rounded(op(_exact(x), axis=axes, keepdims=keepdims), source), source
    result = mean_dtype(source, floatx)[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.mean(f64(x), axis=axes, keepdims=keepdims)
    return rounded(values, result), result


def _terms(shape: tuple[int, ...], axis: Any) -> int:
    if axis is None:
        return max(math.prod(shape), 1)
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    return max(math.prod(shape[a] for a in axes), 1)


_SMALL = ("bool", "int8", "int16", "uint8")


def _reduction_tags(function: str, dtype: str) -> frozenset[str]:
    if function in ("sum", "prod") and dtype in _SMALL:
        return frozenset({"small-int-accumulator"})
    if function == "mean" and dtype in INTS:
        return frozenset({"int-mean"})
    return frozenset()


def _reduction(
    function: str,
    x: np.ndarray,
    axis: Any = None,
    keepdims: bool = False,
    *,
    label: str = "",
    floatx: str = "float32",
    tags: frozenset[str] = frozenset(),
) -> None:
    dtype = x.dtype.name
    expected, result = _reduction_expected(function, x, axis, keepdims, floatx)
    kwargs: dict[str, Any] = {}
    if axis is not None:
        kwargs["axis"] = axis
    if keepdims:
        kwargs["keepdims"] = True
    shape = label or "shape" + str(x.shape).replace(" ", "")
    case_id = f"{function}-{dtype}-{shape}-axis{_axis_text(axis)}"
    if keepdims:
        case_id += "-keepdims"
    _add(
        case_id,
        function,
        x,
        kwargs=kwargs,
        expected=expected,
        dtype=result,
        terms=_terms(x.shape, axis),
        tags=_reduction_tags(function, dtype) | tags,
        floatx=None if floatx == "float32" else floatx,
    )


def _reductions() -> None:
    axis_forms = [None, 1, -1, [0, 2], (0, 2), ()]
    for function in _REDUCERS:
        product = function == "prod"
        for dtype in _DTYPES:
            x = _sample((2, 3, 4), dtype, product)
            full = dtype in ("int8", "int32", "float32", "bfloat16")
            for axis in axis_forms if full else [None, (0, 2)]:
                _reduction(function, x, axis)
            _reduction(function, x, 1, True)
            _reduction(function, x, None, True)
            _reduction(function, _sample((5,), dtype, product), 0)
            _reduction(function, _sample((2, 1, 3), dtype, product), 1, label="size1")
            _reduction(function, _sample((), dtype, product), None, label="scalar")
        _reduction(function, q([[2, 4, 6], [2, 4, 6]], "int32"), 1, label="golden")
        x = _sample((2, 3, 4), "float32", product)
        _error(
            f"{function}-axis-out-of-range",
            function,
            AxisError,
            x,
            kwargs={"axis": 3},
        )
        _error(
            f"{function}-axis-negative-out-of-range", function, AxisError, x, kwargs={"axis": -4}
        )
        _error(
            f"{function}-axis-repeated",
            function,
            AxisError,
            x,
            kwargs={"axis": (0, 0)},
        )
        _error(
            f"{function}-axis-repeated-negative", function, AxisError, x, kwargs={"axis": [1, -2]}
        )
        _error(f"{function}-axis-float", function, AxisError, x, kwargs={"axis": 1.0})
        empty = q(np.zeros((2, 0)), "float32")
        if function in ("max", "min"):
            _error(
                f"{function}-float32-empty-all",
                function,
                ShapeError,
                q(np.zeros((0,)), "float32"),
                tags=frozenset({"empty-extremum"}),
            )
            _error(
                f"{function}-float32-empty-axis1",
                function,
                ShapeError,
                empty,
                kwargs={"axis": 1},
                tags=frozenset({"empty-extremum"}),
            )
            _reduction(function, empty, 0, label="empty")
            for values in ([1, np.nan, 3], [np.nan, 1, 3], [1, 3, np.nan]):
                _reduction(
                    function,
                    q(values, "float32"),
                    None,
                    label="nan" + str(values.index(np.nan) if np.nan in values else ""),
                )
            _reduction(
                function,
                q([[1, np.nan, 3], [4, 5, 6]], "float32"),
                1,
                label="nan-rows",
            )
            _reduction(function, q([1, np.inf, -np.inf, 3], "float64"), None, label="inf")
        else:
            _reduction(function, q(np.zeros((0,)), "float32"), None, label="empty")
            _reduction(function, empty, 1, label="empty")
            _reduction(function, empty, 0, label="empty")
            _reduction(function, q(np.zeros((0,)), "int32"), None, label="empty")
    # legacy dtype edge cases, SEMANTICS §1c/§1d
    _reduction("sum", q([2**31 - 1, 1, 0], "int32"), None, label="overflow-wraps")
    _reduction("sum", q([100, 100, 1], "int8"), None, label="int8-to-int32")
    _reduction("sum", q([200, 100, 1], "uint8"), None, label="uint8-to-int32")
    _reduction("sum", q([True, True, False], "bool"), None, label="bool")
    _reduction("prod", q([100, 100, 2], "int8"), None, label="int8-to-int32")
    _reduction("prod", q([65536, 65536, 3], "int32"), None, label="overflow-wraps")
    _reduction("sum", q([60000, 10000, 1], "float16"), None, label="f16-overflow-inf")
    _reduction(
        "mean",
        q([60000, 10000, 1], "float16"),
        None,
        label="f16-f32-compute",
        tags=frozenset({"half-f32-compute"}),
    )
    _reduction(
        "mean",
        q(np.ones(70000), "float16"),
        None,
        label="70000-ones",
        tags=frozenset({"half-f32-compute"}),
    )
    if "bfloat16" in _FLOATS:
        _reduction("sum", q(np.ones(1000), "bfloat16"), None, label="1000-ones")
    _reduction("mean", q([[1, 2], [3, 4]], "int32"), None, label="int-not-truncated")
    _reduction("mean", q([-1, -2], "int32"), None, label="negative-int")
    _reduction("mean", q([[1, 2], [3, 4]], "int32"), 0, label="floatx64", floatx="float64")
    _reduction("max", q([[-0.0, 0.0]], "float32"), 1, label="signed-zero")


# --------------------------------------------------------------------------- scans


def _scan_expected(function: str, x: np.ndarray, axis: Any) -> tuple[np.ndarray, str]:
    result = accumulator(x.dtype.name)[1]
    source = _exact(x)
    if axis is None:
        source = source.reshape(-1)
        axis = 0
    op = np.cumsum if function == "cumsum" else np.cumprod
    return rounded(op(source, axis=axis), result), result


def _scan(
    function: str,
    x: np.ndarray,
    *axis: Any,
    label: str = "",
    tags: frozenset[str] = frozenset(),
) -> None:
    dtype = x.dtype.name
    effective = axis[0] if axis else 0
    expected, result = _scan_expected(function, x, effective)
    terms = x.size if effective is None else (x.shape[effective] if x.ndim else 1)
    small = frozenset({"small-int-accumulator"}) if dtype in _SMALL else frozenset()
    shape = label or "shape" + str(x.shape).replace(" ", "")
    name = f"{function}-{dtype}-{shape}-axis{_axis_text(effective) if axis else 'default'}"
    _add(
        name,
        function,
        x,
        *axis,
        expected=expected,
        dtype=result,
        terms=max(terms, 1),
        tags=small | tags,
    )


def _scans() -> None:
    for function in ("cumsum", "cumprod"):
        product = function == "cumprod"
        for dtype in _DTYPES:
            x = _sample((2, 3), dtype, product)
            _scan(function, x)
            _scan(function, x, 1)
            _scan(function, x, -1)
            _scan(function, _sample((4,), dtype, product), 0)
        x = _sample((2, 3), "float32", product)
        _scan(function, x, None, tags=frozenset({"scan-axis-none"}))
        _scan(
            function,
            _sample((), "float32", product),
            None,
            label="scalar",
            tags=frozenset({"scan-axis-none"}),
        )
        _scan(function, q(np.zeros((0,)), "float32"), label="empty")
        _scan(function, q(np.zeros((2, 0)), "int32"), 1, label="empty")
        _error(f"{function}-axis-out-of-range", function, AxisError, x, 2)
        _error(f"{function}-scalar-axis0", function, AxisError, _sample((), "float32", product))
        _error(f"{function}-axis-list", function, AxisError, x, [0])
    _scan("cumsum", q([2**31 - 1, 1, 1], "int32"), label="overflow-wraps")
    _scan("cumsum", q([100, 100, 100], "int8"), label="int8-to-int32")
    _scan("cumprod", q([65536, 65536, 3], "int32"), label="overflow-wraps")
    _scan("cumprod", q([np.inf, 0, 1], "float32"), label="inf-nan")
    _scan("cumsum", q(np.linspace(-1, 1, 4096), "float16"), label="f16-4096")


# --------------------------------------------------------------------------- cast

_SATURATE = [
    -2.7,
    -1.7,
    -0.5,
    0.5,
    1.7,
    2.5,
    -129,
    128,
    200,
    255.9,
    256,
    300.7,
    -1,
    3e9,
    -3e9,
    np.nan,
    np.inf,
    -np.inf,
]


def _saturated(x: np.ndarray, target: str) -> np.ndarray:
    """Float to int: truncate toward zero, saturate at the target's range, NaN to 0 (exact ints)."""
    info = np.iinfo(numpy_dtype(target))

    def one(value: float) -> int:
        if math.isnan(value):
            return 0
        if value >= info.max:
            return int(info.max)
        if value <= info.min:
            return int(info.min)
        return math.trunc(value)

    return np.array([one(v) for v in f64(x).reshape(-1).tolist()], numpy_dtype(target)).reshape(
        x.shape
    )


def _cast_expected(x: np.ndarray, target: str) -> np.ndarray:
    source = x.dtype.name
    if target == "bool":
        return f64(x) != 0
    if target in INTS and source in FLOATS:
        return _saturated(x, target)
    if target in INTS:
        return rounded(_exact(x), target)
    return rounded(f64(x), target)


def _casts() -> None:
    values = [0, 1, 2, 3, 5, 100]
    for source in _DTYPES:
        x = q([True, False, True, True, False, True] if source == "bool" else values, source)
        for target in _DTYPES:
            _add(
                f"cast-{source}-to-{target}",
                "cast",
                x,
                target,
                expected=_cast_expected(x, target),
                dtype=target,
            )
    for source in _FLOATS:
        x = q(_SATURATE, source)
        for target in ("int8", "uint8", "int16", "int32", "int64"):
            tags = frozenset({"cast-saturate"})
            _add(
                f"cast-{source}-to-{target}-saturate-nan",
                "cast",
                x,
                target,
                expected=_saturated(x, target),
                dtype=target,
                tags=tags,
            )
        _add(
            f"cast-{source}-to-bool-nan-inf",
            "cast",
            q([0, -0.0, 0.1, np.nan, np.inf], source),
            "bool",
            expected=np.array([False, False, True, True, True]),
            dtype="bool",
        )
    _add(
        "cast-float32-to-int32-truncates",
        "cast",
        q([1.7, -1.7, 2.5], "float32"),
        "int32",
        expected=np.array([1, -1, 2], np.int32),
        dtype="int32",
    )
    _add(
        "cast-int32-to-int8-wraps",
        "cast",
        q([300, -129, 65535], "int32"),
        "int8",
        expected=np.array([44, 127, -1], np.int8),
        dtype="int8",
    )
    _add(
        "cast-int32-to-uint8-wraps",
        "cast",
        q([-1, 256, 300], "int32"),
        "uint8",
        expected=np.array([255, 0, 44], np.uint8),
        dtype="uint8",
    )
    _add(
        "cast-float32-to-float16-overflow",
        "cast",
        q([1e5, -1e5, 1e-8], "float32"),
        "float16",
        expected=np.array([np.inf, -np.inf, 0], np.float16),
        dtype="float16",
    )
    _add(
        "cast-python-list",
        "cast",
        [1.7, -1.7],
        "int32",
        expected=np.array([1, -1], np.int32),
        dtype="int32",
    )
    _add(
        "cast-numpy-dtype-argument",
        "cast",
        q([1, 2], "int32"),
        np.float64,
        expected=np.array([1, 2], np.float64),
        dtype="float64",
    )
    _add(
        "cast-leaves-input-dtype",
        "cast",
        q([1.5, 2.5], "float32"),
        call=lambda k, x: k.dtype(x) if k.dtype(k.cast(x, "int32")) == "int32" else "cast failed",
        expected="float32",
        eager_only="returns a dtype name (a Python str)",
    )
    _add(
        "cast-variable-returns-new-tensor",
        "cast",
        q([1.5, 2.5], "float32"),
        call=lambda k, x: (lambda v: (k.dtype(k.cast(v, "float16")), k.dtype(v)))(k.variable(x)),
        expected=("float16", "float32"),
        eager_only="returns dtype names (Python strs)",
    )
    _error("cast-unknown-dtype", "cast", DTypeError, q([1], "float32"), "float128x")
    _error("cast-unsupported-dtype", "cast", DTypeError, q([1], "float32"), "uint32")


# --------------------------------------------------------------------------- shapes


def _shape_ops() -> None:
    base = (2, 1, 3)
    for dtype in _DTYPES:
        x = _sample(base, dtype)
        _add(
            f"expand_dims-{dtype}-default",
            "expand_dims",
            x,
            expected=x.reshape(2, 1, 3, 1),
            dtype=dtype,
        )
        _add(
            f"squeeze-{dtype}-axis1",
            "squeeze",
            x,
            1,
            expected=x.reshape(2, 3),
            dtype=dtype,
        )
        _add(
            f"transpose-{dtype}-3d",
            "transpose",
            x,
            expected=np.transpose(x),
            dtype=dtype,
        )
        _add(
            f"reshape-{dtype}-(3,-1)",
            "reshape",
            x,
            (3, -1),
            expected=x.reshape(3, 2),
            dtype=dtype,
        )
        _add(
            f"permute_dimensions-{dtype}-(2,0,1)",
            "permute_dimensions",
            x,
            (2, 0, 1),
            expected=np.transpose(x, (2, 0, 1)),
            dtype=dtype,
        )
        y = _sample((2, 3, 4), dtype)
        _add(
            f"temporal_padding-{dtype}-(1,2)",
            "temporal_padding",
            y,
            (1, 2),
            expected=np.pad(y, ((0, 0), (1, 2), (0, 0))),
            dtype=dtype,
        )
    x = _sample(base, "float32")
    for axis in (0, 1, 3, -1, -4, 2):
        _add(
            f"expand_dims-float32-axis{axis}",
            "expand_dims",
            x,
            axis,
            expected=np.expand_dims(x, axis),
            dtype="float32",
        )
    _add(
        "expand_dims-float32-scalar",
        "expand_dims",
        q(2.5, "float32"),
        0,
        expected=q([2.5], "float32"),
        dtype="float32",
    )
    _error("expand_dims-axis-out-of-range", "expand_dims", AxisError, x, 4)
    _error("expand_dims-axis-negative-out-of-range", "expand_dims", AxisError, x, -5)
    _error("expand_dims-axis-tuple", "expand_dims", AxisError, x, (0, 2))
    _add("squeeze-float32-axis-2", "squeeze", x, -2, expected=x.reshape(2, 3), dtype="float32")
    _add(
        "squeeze-float32-to-scalar",
        "squeeze",
        q([4.5], "float32"),
        0,
        expected=q(4.5, "float32"),
        dtype="float32",
    )
    _add(
        "squeeze-float32-empty",
        "squeeze",
        q(np.zeros((0, 1)), "float32"),
        1,
        expected=q(np.zeros((0,)), "float32"),
        dtype="float32",
    )
    _error("squeeze-non-1-axis", "squeeze", ShapeError, x, 0)
    _error("squeeze-axis-out-of-range", "squeeze", AxisError, x, 3)
    _add(
        "transpose-golden",
        "transpose",
        [[1, 2, 3], [4, 5, 6]],
        expected=np.array([[1, 4], [2, 5], [3, 6]], np.int32),
        dtype="int32",
    )
    _add(
        "transpose-float32-1d",
        "transpose",
        q([1, 2, 3], "float32"),
        expected=q([1, 2, 3], "float32"),
        dtype="float32",
    )
    _add(
        "transpose-float32-scalar",
        "transpose",
        q(7, "float32"),
        expected=q(7, "float32"),
        dtype="float32",
    )
    _add(
        "transpose-float32-4d",
        "transpose",
        _sample((2, 3, 4, 5), "float32"),
        expected=np.transpose(_sample((2, 3, 4, 5), "float32")),
        dtype="float32",
    )
    z = q(np.arange(12), "int32")
    for target in ((3, -1), (-1,), 12, (2, 2, 3), [4, 3], (1, 12, 1)):
        shape = (target,) if isinstance(target, int) else tuple(target)
        _add(
            f"reshape-int32-arange12-to-{_axis_text(target)}",
            "reshape",
            z,
            target,
            expected=z.reshape(shape),
            dtype="int32",
        )
    _add(
        "reshape-float32-transposed-c-order",
        "reshape",
        np.ascontiguousarray(q(np.arange(6).reshape(2, 3), "float32").T),
        6,
        expected=q([0, 3, 1, 4, 2, 5], "float32"),
        dtype="float32",
    )
    _add(
        "reshape-float32-empty",
        "reshape",
        q(np.zeros((0, 4)), "float32"),
        (2, 0, 2),
        expected=q(np.zeros((2, 0, 2)), "float32"),
        dtype="float32",
    )
    _add(
        "reshape-float32-scalar",
        "reshape",
        q(3, "float32"),
        (1, 1),
        expected=q([[3]], "float32"),
        dtype="float32",
    )
    for target in ((-1, -1), (5, -1), (0, -1), (5, 3), (-2, 6)):
        _error(
            f"reshape-bad-{_axis_text(target)}",
            "reshape",
            ShapeError,
            z,
            target,
        )
    _error(
        "reshape-ambiguous-minus-one",
        "reshape",
        ShapeError,
        q(np.zeros((0, 4)), "float32"),
        (0, -1),
        tags=frozenset({"reshape-ambiguous"}),
    )
    _add(
        "permute_dimensions-float32-(-1,0,1)",
        "permute_dimensions",
        x,
        (-1, 0, 1),
        expected=np.transpose(x, (2, 0, 1)),
        dtype="float32",
    )
    _add(
        "permute_dimensions-float32-list",
        "permute_dimensions",
        x,
        [1, 2, 0],
        expected=np.transpose(x, (1, 2, 0)),
        dtype="float32",
    )
    _error("permute_dimensions-wrong-length", "permute_dimensions", AxisError, x, (1, 0))
    _error("permute_dimensions-repeated", "permute_dimensions", AxisError, x, (0, 0, 1))
    _error("permute_dimensions-out-of-range", "permute_dimensions", AxisError, x, (0, 1, 3))
    t = _sample((2, 3, 4), "float32")
    _add(
        "temporal_padding-float32-default",
        "temporal_padding",
        t,
        expected=np.pad(t, ((0, 0), (1, 1), (0, 0))),
        dtype="float32",
    )
    _add(
        "temporal_padding-float32-(1,2,1)",
        "temporal_padding",
        q(np.ones((1, 2, 1)), "float32"),
        expected=q(np.pad(np.ones((1, 2, 1)), ((0, 0), (1, 1), (0, 0))), "float32"),
        dtype="float32",
    )
    _add(
        "temporal_padding-float32-(0,0)", "temporal_padding", t, (0, 0), expected=t, dtype="float32"
    )
    _error(
        "temporal_padding-2d",
        "temporal_padding",
        ShapeError,
        q(np.ones((2, 3)), "float32"),
    )
    _error("temporal_padding-negative", "temporal_padding", InvalidArgumentError, t, (-1, 1))


# --------------------------------------------------------------------------- indexing


def _one_hot_expected(indices: np.ndarray, classes: int) -> np.ndarray:
    return (indices.astype(np.int64)[..., None] == np.arange(classes)).astype(np.float32)


def _indexing() -> None:
    for dtype in ("int8", "int16", "int32", "int64", "uint8"):
        indices = q([[0, 1, 3], [2, 2, 0]], dtype)
        _add(
            f"one_hot-{dtype}-2d",
            "one_hot",
            indices,
            4,
            expected=_one_hot_expected(indices, 4),
            dtype="float32",
        )
    ints = q([0, -1, 4, 7, 2], "int32")
    _add(
        "one_hot-int32-negative-out-of-range",
        "one_hot",
        ints,
        4,
        expected=_one_hot_expected(ints, 4),
        dtype="float32",
    )
    batch = q(np.arange(24).reshape(2, 3, 4) % 5, "int32")
    _add(
        "one_hot-int32-batch-d1-d2",
        "one_hot",
        batch,
        5,
        expected=_one_hot_expected(batch, 5),
        dtype="float32",
    )
    _add(
        "one_hot-int32-empty",
        "one_hot",
        q(np.zeros((0,)), "int32"),
        4,
        expected=np.zeros((0, 4), np.float32),
        dtype="float32",
    )
    _add(
        "one_hot-int32-scalar",
        "one_hot",
        q(2, "int32"),
        3,
        expected=np.array([0, 0, 1], np.float32),
        dtype="float32",
    )
    _add(
        "one_hot-python-list",
        "one_hot",
        [1, 0],
        2,
        expected=np.eye(2, dtype=np.float32)[[1, 0]],
        dtype="float32",
    )
    _add(
        "one_hot-float32-under-floatx64",
        "one_hot",
        q([1], "int32"),
        2,
        expected=np.array([[0, 1]], np.float32),
        dtype="float32",
        floatx="float64",
    )
    for dtype in ("float32", "bool"):
        _error(
            f"one_hot-{dtype}-indices",
            "one_hot",
            DTypeError,
            q([0, 1], dtype),
            3,
        )
    _error("one_hot-zero-classes", "one_hot", InvalidArgumentError, q([0], "int32"), 0)

    _add(
        "batch_gather-golden",
        "batch_gather",
        [1, 2, 3],
        [2],
        expected=np.array([3], np.int32),
        dtype="int32",
    )
    for dtype in _DTYPES:
        params = _sample((2, 4, 3), dtype)
        indices = q([[3, 0], [1, 1]], "int32")
        expected = np.stack([params[b][indices[b]] for b in range(2)])
        _add(
            f"batch_gather-{dtype}-batched",
            "batch_gather",
            params,
            indices,
            expected=expected,
            dtype=dtype,
        )
    params = _sample((5, 3), "float32")
    for dtype in ("int64", "int8", "uint8"):
        idx = q([4, 0, 2], dtype)
        _add(
            f"batch_gather-float32-{dtype}-indices-1d",
            "batch_gather",
            params,
            idx,
            expected=params[idx.astype(int)],
            dtype="float32",
        )
    deep = _sample((2, 3, 4, 2), "float32")
    idx3 = q(np.array([[[0, 3], [1, 1], [2, 0]], [[3, 3], [0, 0], [1, 2]]]), "int32")
    expected = np.stack([np.stack([deep[a, b][idx3[a, b]] for b in range(3)]) for a in range(2)])
    _add(
        "batch_gather-float32-two-batch-axes",
        "batch_gather",
        deep,
        idx3,
        expected=expected,
        dtype="float32",
    )
    _error(
        "batch_gather-out-of-range",
        "batch_gather",
        InvalidArgumentError,
        params,
        q([5], "int32"),
        eager_only="the index range is data-dependent, checked only when the indices hold values",
    )
    _error(
        "batch_gather-negative",
        "batch_gather",
        InvalidArgumentError,
        params,
        q([-1], "int32"),
        eager_only="the index range is data-dependent, checked only when the indices hold values",
    )
    _error(
        "batch_gather-float-indices",
        "batch_gather",
        DTypeError,
        params,
        q([1.0], "float32"),
    )
    _error(
        "batch_gather-batch-mismatch",
        "batch_gather",
        ShapeError,
        _sample((2, 4), "float32"),
        q([[0], [1], [2]], "int32"),
    )


# ------------------------------------------------------------------- creation & introspection

_VARIABLE_ONLY = (
    "creates a framework variable and returns a multik Variable, which a compiled function "
    "cannot return"
)
_PYTHON_RESULT = "returns a Python value computed from the static shape or dtype"
_NUMPY_RESULT = "returns a NumPy array, which needs concrete values"


def _creation() -> None:
    _add(
        "variable-golden-float64-name",
        "variable",
        [[1, 2], [3, 4]],
        kwargs={"dtype": "float64", "name": "example_var"},
        expected=np.array([[1, 2], [3, 4]], np.float64),
        dtype="float64",
        eager_only=_VARIABLE_ONLY,
    )
    _add(
        "variable-name-kept",
        "variable",
        [[1, 2], [3, 4]],
        kwargs={"dtype": "float64", "name": "example_var"},
        call=lambda k, v, **kw: k.variable(v, **kw).name,
        expected="example_var",
        eager_only=_PYTHON_RESULT,
    )
    _add(
        "variable-int-data-gives-floatx",
        "variable",
        [[1, 2], [3, 4]],
        expected=np.array([[1, 2], [3, 4]], np.float32),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
    )
    _add(
        "variable-floatx64",
        "variable",
        [1, 2],
        expected=np.array([1, 2], np.float64),
        dtype="float64",
        floatx="float64",
        eager_only=_VARIABLE_ONLY,
    )
    for dtype in _DTYPES:
        x = _sample((2, 3), dtype)
        _add(
            f"variable-{dtype}",
            "variable",
            x,
            kwargs={"dtype": dtype},
            expected=x,
            dtype=dtype,
            eager_only=_VARIABLE_ONLY,
        )
        _add(
            f"constant-{dtype}",
            "constant",
            x,
            kwargs={"dtype": dtype},
            expected=x,
            dtype=dtype,
        )
        # Each creation function given a dtype: (argument, expected values, returns a Variable).
        created = {
            "zeros": ((2, 3), np.zeros((2, 3)), True),
            "ones": ((2, 3), np.ones((2, 3)), True),
            "eye": (3, np.eye(3), True),
            "zeros_like": (x, np.zeros((2, 3)), False),
            "ones_like": (x, np.ones((2, 3)), False),
        }
        for function, (argument, values, variable) in created.items():
            _add(
                f"{function}-{dtype}",
                function,
                argument,
                kwargs={"dtype": dtype} if variable else {},
                expected=q(values, dtype),
                dtype=dtype,
                eager_only=_VARIABLE_ONLY if variable else "",
            )
        _add(
            f"shape-{dtype}",
            "shape",
            x,
            expected=np.array([2, 3], np.int32),
            dtype="int32",
        )
        _add(f"int_shape-{dtype}", "int_shape", x, expected=(2, 3), eager_only=_PYTHON_RESULT)
        _add(f"ndim-{dtype}", "ndim", x, expected=2, eager_only=_PYTHON_RESULT)
        _add(f"dtype-{dtype}", "dtype", x, expected=dtype, eager_only=_PYTHON_RESULT)
        _add(f"eval-{dtype}", "eval", x, expected=x, dtype=dtype, eager_only=_NUMPY_RESULT)
        _add(
            f"get_value-{dtype}-variable",
            "get_value",
            x,
            call=lambda k, v: k.get_value(k.variable(v, dtype=k.dtype(v))),
            expected=x,
            dtype=dtype,
            eager_only=_NUMPY_RESULT,
        )
    _add(
        "variable-of-float64-array-default-floatx",
        "variable",
        q([1.5], "float64"),
        expected=q([1.5], "float32"),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
    )
    _error(
        "variable-unknown-dtype",
        "variable",
        DTypeError,
        [1],
        kwargs={"dtype": "float128x"},
        eager_only=_VARIABLE_ONLY,
    )
    _add(
        "constant-python-int-floatx",
        "constant",
        1,
        expected=np.array(1, np.float32),
        dtype="float32",
    )
    _add(
        "constant-floatx64",
        "constant",
        1,
        expected=np.array(1, np.float64),
        dtype="float64",
        floatx="float64",
    )
    _add(
        "constant-fill-shape",
        "constant",
        5,
        kwargs={"shape": (2, 3)},
        expected=np.full((2, 3), 5, np.float32),
        dtype="float32",
    )
    _add(
        "constant-reshape",
        "constant",
        [1, 2, 3, 4, 5, 6],
        kwargs={"shape": (2, 3), "dtype": "int32"},
        expected=np.arange(1, 7, dtype=np.int32).reshape(2, 3),
        dtype="int32",
    )
    _add(
        "constant-float-to-int32-truncates",
        "constant",
        [1.7, -1.7],
        kwargs={"dtype": "int32"},
        expected=np.array([1, -1], np.int32),
        dtype="int32",
    )
    _error("constant-bad-shape", "constant", ShapeError, [1, 2, 3], kwargs={"shape": (2, 2)})
    _error("constant-unknown-dtype", "constant", DTypeError, 1, kwargs={"dtype": "float128x"})
    _add(
        "zeros-default-floatx",
        "zeros",
        (2, 0),
        expected=np.zeros((2, 0), np.float32),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
    )
    _add(
        "zeros-scalar",
        "zeros",
        (),
        expected=np.zeros((), np.float32),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
    )
    _add(
        "ones-floatx64",
        "ones",
        (3,),
        expected=np.ones(3, np.float64),
        dtype="float64",
        floatx="float64",
        eager_only=_VARIABLE_ONLY,
    )
    _add(
        "eye-rectangular",
        "eye",
        (2, 3),
        expected=np.eye(2, 3, dtype=np.float32),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
        tags=frozenset({"eye-tuple"}),
    )
    _error("zeros-negative-shape", "zeros", ShapeError, (2, -1), eager_only=_VARIABLE_ONLY)
    x = _sample((2, 3), "int32")
    _add(
        "zeros_like-int32-to-float32",
        "zeros_like",
        x,
        kwargs={"dtype": "float32"},
        expected=np.zeros((2, 3), np.float32),
        dtype="float32",
    )
    _add(
        "ones_like-int32-to-bool",
        "ones_like",
        x,
        kwargs={"dtype": "bool"},
        expected=np.ones((2, 3), bool),
        dtype="bool",
    )
    _add(
        "zeros_like-keeps-int32-under-floatx64",
        "zeros_like",
        x,
        expected=np.zeros((2, 3), np.int32),
        dtype="int32",
        floatx="float64",
    )
    _add(
        "shape-scalar", "shape", q(1.5, "float32"), expected=np.zeros((0,), np.int32), dtype="int32"
    )
    _add(
        "shape-empty",
        "shape",
        q(np.zeros((0, 4)), "float32"),
        expected=np.array([0, 4], np.int32),
        dtype="int32",
    )
    _add("int_shape-scalar", "int_shape", q(1.5, "float32"), expected=(), eager_only=_PYTHON_RESULT)
    _add(
        "int_shape-variable",
        "int_shape",
        x,
        call=lambda k, v: k.int_shape(k.variable(v)),
        expected=(2, 3),
        eager_only=_PYTHON_RESULT,
    )
    _add("ndim-scalar", "ndim", q(1.5, "float32"), expected=0, eager_only=_PYTHON_RESULT)
    _add(
        "dtype-python-float",
        "dtype",
        1.5,
        expected="float32",
        eager_only=_PYTHON_RESULT,
        legacy="tf_keras takes a tensor here, multik also a Python value",
    )
    _add(
        "dtype-python-int",
        "dtype",
        1,
        expected="int32",
        eager_only=_PYTHON_RESULT,
        legacy="tf_keras takes a tensor here, multik also a Python value",
    )
    _add(
        "dtype-variable-int-data",
        "dtype",
        [1, 2],
        call=lambda k, v: k.dtype(k.variable(v)),
        expected="float32",
        eager_only=_PYTHON_RESULT,
    )
    _add(
        "eval-python-list",
        "eval",
        [[1.5, 2]],
        expected=np.array([[1.5, 2]], np.float32),
        dtype="float32",
        eager_only=_NUMPY_RESULT,
        legacy="tf_keras takes a tensor here, multik also a Python value",
    )
    _add(
        "eval-variable",
        "eval",
        [[1, 2], [3, 4]],
        call=lambda k, v: k.eval(k.variable(v, dtype="float64")),
        expected=np.array([[1, 2], [3, 4]], np.float64),
        dtype="float64",
        eager_only=_NUMPY_RESULT,
    )
    _add(
        "cast_to_floatx-floatx64",
        "cast_to_floatx",
        q([1, 2], "int32"),
        expected=np.array([1, 2], np.float64),
        dtype="float64",
        floatx="float64",
        eager_only=_NUMPY_RESULT,
    )
    _add("floatx-set", "floatx", floatx="float64", expected="float64", eager_only=_PYTHON_RESULT)
    _add("epsilon-set", "epsilon", epsilon=1e-3, expected=1e-3, eager_only=_PYTHON_RESULT)


# --------------------------------------------------------------------------- linear algebra


def _dot_expected(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, str]:
    result = accumulator(result_type(x.dtype.name, y.dtype.name))[1]
    return rounded(np.dot(_exact(x), _exact(y)), result), result


def _dot(
    label: str,
    x: np.ndarray,
    y: np.ndarray,
    tags: frozenset[str] = frozenset(),
) -> None:
    expected, result = _dot_expected(x, y)
    terms = x.shape[-1] if x.ndim and y.ndim else 1
    _add(
        f"dot-{label}",
        "dot",
        x,
        y,
        expected=expected,
        dtype=result,
        terms=terms,
        tags=tags,
    )


def _batch_dot_expected(x: np.ndarray, y: np.ndarray, axes: Any) -> np.ndarray:
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 1 if y.ndim == 2 else y.ndim - 2)
    elif isinstance(axes, int):
        axes = (axes, axes)
    a0 = axes[0] % x.ndim
    a1 = axes[1] % y.ndim
    out = np.stack([np.tensordot(xi, yi, (a0 - 1, a1 - 1)) for xi, yi in zip(_exact(x), _exact(y))])
    return out.reshape(out.shape[0], 1) if out.ndim == 1 else out


def _linear_algebra() -> None:
    one_d = frozenset({"dot-1d"})
    shapes = [
        ("(3,)x(3,)", (3,), (3,), one_d),
        ("(2,3)x(3,)", (2, 3), (3,), one_d),
        ("(3,)x(3,4)", (3,), (3, 4), one_d),
        ("(2,3,4)x(4,)", (2, 3, 4), (4,), one_d),
        ("(2,3)x(3,4)", (2, 3), (3, 4), frozenset()),
        ("(2,3,4)x(4,5)", (2, 3, 4), (4, 5), frozenset()),
        ("(2,3,4)x(7,4,5)", (2, 3, 4), (7, 4, 5), frozenset()),
        ("(2,3,4)x(2,4,5)", (2, 3, 4), (2, 4, 5), frozenset()),
        ("(2,3)x(4,3,5)", (2, 3), (4, 3, 5), frozenset()),
        ("(4,2)x(5,2,3)", (4, 2), (5, 2, 3), frozenset()),
        ("()x(3,)", (), (3,), one_d),
        ("(2,3)x()", (2, 3), (), one_d),
        ("(0,3)x(3,2)", (0, 3), (3, 2), frozenset()),
        ("(2,0)x(0,3)", (2, 0), (0, 3), frozenset()),
    ]
    for label, xs, ys, tags in shapes:
        _dot(
            f"float32-shape{label}",
            _sample(xs, "float32"),
            _sample(ys, "float32"),
            tags=tags,
        )
    for dtype in _DTYPES:
        _dot(f"{dtype}-(2,3)x(3,4)", _sample((2, 3), dtype), _sample((3, 4), dtype))
    _dot(
        "int8-accumulates-int32",
        q(np.full((1, 40), 100), "int8"),
        q(np.full((40, 1), 100), "int8"),
    )
    _dot(
        "int32-x-float32-promotes",
        _sample((2, 3), "int32"),
        _sample((3, 2), "float32"),
    )
    _dot(
        "float32-k256",
        q(np.sin(np.arange(512)).reshape(2, 256), "float32"),
        q(np.cos(np.arange(768)).reshape(256, 3), "float32"),
    )
    _add(
        "dot-python-lists",
        "dot",
        [[1, 2]],
        [[3], [4]],
        expected=np.array([[11]], np.int32),
        dtype="int32",
        terms=2,
    )
    _error(
        "dot-shape-mismatch",
        "dot",
        ShapeError,
        _sample((2, 3), "float32"),
        _sample((4, 5), "float32"),
    )
    _error("dot-1d-mismatch", "dot", ShapeError, _sample((3,), "float32"), _sample((4,), "float32"))

    batch = [
        ((32, 20), (32, 20), 1),
        ((32, 20), (32, 20), None),
        ((32, 20), (32, 30, 20), (1, 2)),
        ((32, 10, 20), (32, 20, 30), None),
        ((32, 10, 20), (32, 20, 30), (2, 1)),
        ((2, 3, 4, 5), (2, 5, 6), None),
        ((2, 3, 4), (2, 3, 5), 1),
        ((2, 3, 4), (2, 3, 4), 2),
        ((32, 20), (32, 20, 30), None),
        ((2, 3, 4), (2, 5, 4, 6), (2, 2)),
        ((3, 5), (3, 5, 2), (-1, 1)),
        ((4, 2, 3), (4, 5, 3), (2, 2)),
        ((4, 2, 3), (4, 3), (2, 1)),
        ((4, 2), (4, 2, 3), (1, 1)),
        ((7, 3, 4, 5), (7, 2, 3, 4), (2, 3)),
        ((7, 3, 4, 5), (7, 2, 4), 2),
        ((32, 20, 1), (32, 30, 20), [1, 2]),
    ]
    for xs, ys, axes in batch:
        x, y = _sample(xs, "float32"), _sample(ys, "float32")
        kwargs = {} if axes is None else {"axes": axes}
        label = f"batch_dot-float32-{xs}x{ys}-axes{_axis_text(axes)}".replace(" ", "")
        depth = xs[
            (xs.__len__() - 1)
            if axes is None
            else (axes if isinstance(axes, int) else axes[0]) % len(xs)
        ]
        _add(
            label,
            "batch_dot",
            x,
            y,
            kwargs=kwargs,
            expected=rounded(_batch_dot_expected(x, y, axes), "float32"),
            dtype="float32",
            terms=depth,
        )
    _add(
        "batch_dot-golden",
        "batch_dot",
        [[1, 2], [3, 4]],
        [[5, 6], [7, 8]],
        kwargs={"axes": 1},
        expected=np.array([[17], [53]], np.int32),
        dtype="int32",
    )
    _add(
        "batch_dot-golden-ones-shape",
        "batch_dot",
        q(np.ones((32, 20, 1)), "float32"),
        q(np.ones((32, 30, 20)), "float32"),
        kwargs={"axes": [1, 2]},
        expected=np.full((32, 1, 30), 20, np.float32),
        dtype="float32",
        terms=20,
    )
    for dtype in _DTYPES:
        x, y = _sample((2, 3, 4), dtype), _sample((2, 4, 5), dtype)
        expected, result = _dot_expected(x[0], y[0])
        expected = np.stack([_dot_expected(x[b], y[b])[0] for b in range(2)])
        _add(
            f"batch_dot-{dtype}-(2,3,4)x(2,4,5)",
            "batch_dot",
            x,
            y,
            expected=expected,
            dtype=result,
            terms=4,
        )
    x = _sample((4, 2), "float32")
    _error("batch_dot-axis0", "batch_dot", AxisError, x, x, kwargs={"axes": 0})
    _error(
        "batch_dot-(4,3,2)x(4,3,5)-axes-None",
        "batch_dot",
        ShapeError,
        _sample((4, 3, 2), "float32"),
        _sample((4, 3, 5), "float32"),
    )
    _error("batch_dot-rank1", "batch_dot", ShapeError, _sample((4,), "float32"), x)
    _error("batch_dot-batch-mismatch", "batch_dot", ShapeError, _sample((3, 2), "float32"), x)
    _error("batch_dot-axis-out-of-range", "batch_dot", AxisError, x, x, kwargs={"axes": 2})
    _error("batch_dot-axes-nested", "batch_dot", AxisError, x, x, kwargs={"axes": [[1], [1]]})


# --------------------------------------------------------------------------- element-wise math


def _square(
    label: str,
    x: Any,
    dtype: str = "",
    tags: frozenset[str] = frozenset(),
) -> None:
    """``x * x`` in ``x``'s dtype (``dtype`` for Python input): exact int64 products wrapped,
    float64 squares rounded."""
    result = dtype or x.dtype.name
    source = _exact(q(x, result))
    _add(
        f"square-{label}",
        "square",
        x,
        expected=rounded(source * source, result),
        dtype=result,
        tags=tags,
    )


def _element_wise() -> None:
    for dtype in _DTYPES:
        tags = frozenset({"bool-square"}) if dtype == "bool" else frozenset()
        _square(dtype, _sample((2, 3), dtype), tags=tags)
    _square("float32-scalar", q(-2.5, "float32"))
    _square("int32-scalar", q(-7, "int32"))
    _square("float32-empty", q(np.zeros((0, 3)), "float32"))
    _square("float64-4d", _sample((2, 3, 1, 2), "float64"))
    _square("int8-overflow-wraps", q([100, -100, 12, -128], "int8"))
    _square("uint8-overflow-wraps", q([200, 16, 15], "uint8"))
    _square("int32-overflow-wraps", q([46341, -65536, 3], "int32"))
    _square("float16-overflow-inf", q([300, -300, 1e-4, 255], "float16"))
    _square("float32-nan-inf", q([np.nan, np.inf, -np.inf, -0.0, 1e-30], "float32"))
    _square("python-list", [1.5, -2.0], "float32")
    _square("python-int", 3, "int32")


# --------------------------------------------------------------------------- activations


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0, x)


_ELEMENTWISE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0),
}
_ACT_VALUES = [-20.0, -3.0, -2.5, -1.0, -0.25, -1e-8, 0.0, 0.3, 1.0, 2.5, 3.0, 20.0]


def _activation(
    function: str,
    x: Any,
    expected: np.ndarray,
    dtype: str,
    label: str,
    tags: frozenset[str] = frozenset(),
    **kwargs: Any,
) -> None:
    _add(
        f"{function}-{label}",
        function,
        x,
        kwargs=kwargs,
        expected=rounded(expected, dtype),
        dtype=dtype,
        tags=tags,
    )


def _activations() -> None:
    with np.errstate(all="ignore"):
        for function, formula in _ELEMENTWISE.items():
            for dtype in _FLOATS:
                x = q(_ACT_VALUES, dtype)
                _activation(
                    function,
                    x,
                    formula(f64(x)),
                    dtype,
                    dtype,
                )
            x = q([-3, -1, 0, 2, 5], "int32")
            result = "int32" if function == "relu" else "float32"
            tags = frozenset() if function == "relu" else frozenset({"int-activation"})
            _activation(function, x, formula(f64(x)), result, "int32", tags=tags)
            special = q([np.nan, np.inf, -np.inf, -0.0], "float32")
            _activation(
                function,
                special,
                formula(f64(special)),
                "float32",
                "float32-nan-inf",
            )
            _activation(
                function,
                q(np.zeros((0, 3)), "float32"),
                np.zeros((0, 3)),
                "float32",
                "float32-empty",
            )
            _activation(
                function, q(2.0, "float64"), formula(np.float64(2.0)), "float64", "float64-scalar"
            )
        relu = np.array([-3, -1, 0, 0.5, 1, 2, 7])
        _activation(
            "relu",
            q(relu, "float32"),
            np.array([-0.38, -0.18, -0.08, -0.03, 1, 2, 5]),
            "float32",
            "golden-alpha-max-threshold",
            alpha=0.1,
            max_value=5,
            threshold=0.8,
        )
        for dtype in _built(("float16", "bfloat16", "float64")):
            _activation(
                "relu",
                q(relu, dtype),
                np.where(relu > 0.8, np.minimum(relu, 5), 0.1 * (relu - 0.8)),
                dtype,
                f"{dtype}-alpha-max-threshold",
                alpha=0.1,
                max_value=5,
                threshold=0.8,
            )
        _activation(
            "relu",
            q(relu, "float32"),
            np.where(relu > 0, relu, 0.1 * relu),
            "float32",
            "leaky",
            alpha=0.1,
        )
        _activation(
            "relu",
            q(relu, "float32"),
            np.clip(relu, 0, 6),
            "float32",
            "relu6",
            max_value=6,
        )
        _activation(
            "relu",
            q(relu, "float32"),
            np.where(relu > 1, relu, 0),
            "float32",
            "threshold-strict",
            threshold=1.0,
        )
        _activation(
            "relu",
            q([1.0, 0.5, 2.0], "float32"),
            np.array([0.0, -0.05, 2.0]),
            "float32",
            "threshold-at-1",
            alpha=0.1,
            max_value=6,
            threshold=1.0,
        )
        _activation(
            "relu",
            q(relu, "float32"),
            np.where(relu > 0, 0, 0.1 * relu),
            "float32",
            "max-value-0",
            alpha=0.1,
            max_value=0.0,
        )
        _activation(
            "relu",
            q(-0.25, "float16"),
            np.float64(0),
            "float16",
            "float16-threshold-below-0-max-value-0",
            alpha=0.0,
            max_value=0,
            threshold=-0.5,
        )
        nan = q([np.nan, -1, 0.25, 1, 3, 8], "float32")
        _activation(
            "relu",
            nan,
            np.array([np.nan, 0, 0, 1, 3, 8]),
            "float32",
            "float32-nan-threshold",
            threshold=0.5,
        )
        _activation(
            "relu",
            nan,
            np.array([np.nan, -0.15, -0.025, 1, 3, 6]),
            "float32",
            "float32-nan-alpha-max-threshold",
            alpha=0.1,
            max_value=6.0,
            threshold=0.5,
        )
        _activation(
            "relu",
            q([-3, 4, 9], "int32"),
            np.array([0, 4, 6]),
            "int32",
            "int32-max-value",
            max_value=6,
        )
        infinities = q([-np.inf, np.inf, -1, 2], "float32")
        _activation(
            "relu",
            infinities,
            np.array([0, np.inf, 0, 2]),
            "float32",
            "float32-inf-threshold",
            tags=frozenset({"relu-inf-threshold"}),
            threshold=0.5,
        )
        _activation(
            "relu",
            infinities,
            np.array([-np.inf, 6, -0.15, 2]),
            "float32",
            "float32-inf-alpha-max-threshold",
            tags=frozenset({"relu-inf-threshold"}),
            alpha=0.1,
            max_value=6.0,
            threshold=0.5,
        )
        _activation(
            "hard_sigmoid",
            q([2.5, -2.5, 3.0, -3.0, 0.0], "float32"),
            np.array([1, 0, 1, 0, 0.5]),
            "float32",
            "golden-saturates",
        )
        x = q([-1.0, -1e-8, 2.0], "float32")
        _activation(
            "elu",
            x,
            np.where(f64(x) > 0, f64(x), 0.5 * np.expm1(f64(x))),
            "float32",
            "alpha0.5",
            alpha=0.5,
        )
        _activation(
            "softplus",
            q([-100.0, 100.0, 1e4], "float32"),
            np.array([np.exp(-100.0), 100.0, 1e4]),
            "float32",
            "large",
        )

    def softmax(x: np.ndarray, axis: Any = -1) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            shifted = x - np.max(x, axis=axis, keepdims=True)
            e = np.exp(shifted)
            return e / np.sum(e, axis=axis, keepdims=True)

    for dtype in _FLOATS:
        x = q([[1, 2, 3], [-1, 0, 5.5]], dtype)
        _add(
            f"softmax-{dtype}",
            "softmax",
            x,
            expected=rounded(softmax(f64(x)), dtype),
            dtype=dtype,
            terms=3,
        )
    x = q(np.sin(np.arange(24)).reshape(2, 3, 4) * 4, "float32")
    _add(
        "softmax-float32-axis1",
        "softmax",
        x,
        kwargs={"axis": 1},
        expected=rounded(softmax(f64(x), 1), "float32"),
        dtype="float32",
        terms=3,
    )
    _add(
        "softmax-float32-axis0",
        "softmax",
        x,
        0,
        expected=rounded(softmax(f64(x), 0), "float32"),
        dtype="float32",
        terms=2,
    )
    _add(
        "softmax-float32-1d",
        "softmax",
        q([1, 2, 3], "float32"),
        expected=rounded(softmax(np.array([1.0, 2, 3])), "float32"),
        dtype="float32",
        terms=3,
        tags=frozenset({"softmax-1d"}),
    )
    _add(
        "softmax-float32-large",
        "softmax",
        q([[1e4, 0, -1e4]], "float32"),
        expected=np.array([[1, 0, 0]], np.float32),
        dtype="float32",
        terms=3,
    )
    _add(
        "softmax-float32-inf-row",
        "softmax",
        q([[np.inf, 0, 1], [1, 2, 3]], "float32"),
        expected=rounded(np.array([[np.nan] * 3, softmax(np.array([1.0, 2, 3]))]), "float32"),
        dtype="float32",
        terms=3,
        tags=frozenset({"softmax-nonfinite"}),
    )
    _add(
        "softmax-float32-nan-row",
        "softmax",
        q([[np.nan, 0, 1]], "float32"),
        expected=np.full((1, 3), np.nan, np.float32),
        dtype="float32",
        terms=3,
        tags=frozenset({"softmax-nonfinite"}),
    )
    _add(
        "softmax-float32-all-minus-inf",
        "softmax",
        q([[-np.inf, -np.inf]], "float32"),
        expected=np.full((1, 2), np.nan, np.float32),
        dtype="float32",
        terms=2,
    )
    _add(
        "softmax-int32-gives-floatx",
        "softmax",
        q([[1, 2, 3]], "int32"),
        expected=rounded(softmax(np.array([[1.0, 2, 3]])), "float32"),
        dtype="float32",
        terms=3,
        tags=frozenset({"int-activation"}),
    )
    _error("softmax-axis-out-of-range", "softmax", AxisError, q([[1, 2]], "float32"), 2)


# --------------------------------------------------------------------------- losses


def _bounds(output: np.ndarray, eps: float = EPSILON) -> tuple[float, float, float]:
    """eps, the clip bounds [eps, 1 - eps] and eps again, as the loss's compute dtype holds them."""
    compute = numpy_dtype(float_compute(output.dtype.name)).type
    return float(compute(eps)), float(compute(1) - compute(eps)), float(compute(eps))


def _cce(
    target: np.ndarray,
    output: np.ndarray,
    axis: int = -1,
    from_logits: bool = False,
    eps: float = EPSILON,
) -> np.ndarray:
    lo, hi, _ = _bounds(output, eps)
    t, o = f64(target), f64(output)
    if from_logits:
        shifted = o - np.max(o, axis=axis, keepdims=True)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    else:
        p = o / np.sum(o, axis=axis, keepdims=True)
        log_p = np.log(np.clip(p, lo, hi))
    return -np.sum(t * log_p, axis=axis)


def _sparse_cce(labels: np.ndarray, output: np.ndarray, from_logits: bool = False) -> np.ndarray:
    lo, hi, _ = _bounds(output)
    o = f64(output)
    if not from_logits:
        o = np.log(np.clip(o, lo, hi))
    shifted = o - np.max(o, axis=-1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, labels.astype(np.int64).reshape(*o.shape[:-1], 1), axis=-1)
    return -picked[..., 0]


def _bce(target: Any, output: np.ndarray, from_logits: bool = False) -> np.ndarray:
    lo, hi, eps = _bounds(output)
    t, o = f64(np.asarray(target)), f64(output)
    if from_logits:
        return np.maximum(o, 0) - o * t + np.log1p(np.exp(-np.abs(o)))
    p = np.clip(o, lo, hi)
    return -(t * np.log(p + eps) + (1 - t) * np.log(1 - p + eps))


def _softmax64(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _losses() -> None:
    cce = "categorical_crossentropy"
    target = q([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], "float32")
    probs = [[0, 1, 0], [0.5, 0.3, 0], [1, 0, 0], [0.2, 0.2, 0.6]]
    for dtype in _FLOATS:
        t, p = q(target, dtype), q(probs, dtype)
        _add(
            f"{cce}-{dtype}-exact-0-1-unnormalised",
            cce,
            t,
            p,
            expected=rounded(_cce(t, p), dtype),
            dtype=dtype,
            terms=3,
        )
    logits = q([[1e4, 0, -1e4], [1, 2, 3], [0, 0, 0]], "float32")
    t3 = target[:3]
    _add(
        f"{cce}-float32-logits-1e4",
        cce,
        t3,
        logits,
        kwargs={"from_logits": True},
        expected=rounded(_cce(t3, logits, from_logits=True), "float32"),
        dtype="float32",
        terms=3,
    )
    _add(
        f"{cce}-float64-logits",
        cce,
        q(t3, "float64"),
        q(logits, "float64"),
        kwargs={"from_logits": True},
        expected=_cce(t3, logits, from_logits=True),
        dtype="float64",
        terms=3,
    )
    tt = q(target.T, "float32")
    pt = q(np.array(probs, np.float32).T, "float32")
    _add(
        f"{cce}-float32-axis0",
        cce,
        tt,
        pt,
        kwargs={"axis": 0},
        expected=rounded(_cce(tt, pt, axis=0), "float32"),
        dtype="float32",
        terms=3,
    )
    t3d = q(np.eye(3)[[0, 2, 1, 1]].reshape(2, 2, 3), "float32")
    p3d = q(np.abs(np.sin(np.arange(12))).reshape(2, 2, 3) + 0.1, "float32")
    _add(
        f"{cce}-float32-3d",
        cce,
        t3d,
        p3d,
        expected=rounded(_cce(t3d, p3d), "float32"),
        dtype="float32",
        terms=3,
    )
    z = q([[1e4, 0, -1e4]], "float32")
    e2 = q([[0, 0, 1]], "float32")
    _add(
        f"{cce}-of-K.softmax-no-cached-logits",
        cce,
        e2,
        z,
        call=lambda k, t, logits: k.categorical_crossentropy(t, k.softmax(logits)),
        expected=rounded(_cce(e2, rounded(_softmax64(f64(z)), "float32")), "float32"),
        dtype="float32",
        terms=3,
        tags=frozenset({"no-cached-logits"}),
    )
    _add(
        f"{cce}-epsilon-1e-3",
        cce,
        e2,
        q([[1, 0, 0]], "float32"),
        expected=rounded(_cce(e2, q([[1, 0, 0]], "float32"), eps=1e-3), "float32"),
        dtype="float32",
        terms=3,
        epsilon=1e-3,
    )
    _error(f"{cce}-shape-mismatch", cce, ShapeError, target, q(probs, "float32")[:, :2])
    _error(
        f"{cce}-axis-out-of-range", cce, AxisError, target, q(probs, "float32"), kwargs={"axis": 2}
    )

    scce = "sparse_categorical_crossentropy"
    p = q([[0, 0.3, 0.3], [0.5, 0.3, 0], [0.1, 0.8, 0.1]], "float32")
    for label_dtype in ("int32", "int64", "uint8"):
        labels = q([0, 0, 1], label_dtype)
        _add(
            f"{scce}-float32-{label_dtype}-labels",
            scce,
            labels,
            p,
            expected=rounded(_sparse_cce(labels, p), "float32"),
            dtype="float32",
            terms=3,
        )
    for dtype in _built(("float16", "bfloat16", "float64")):
        labels = q([0, 0, 1], "int32")
        _add(
            f"{scce}-{dtype}",
            scce,
            labels,
            q(p, dtype),
            expected=rounded(_sparse_cce(labels, q(p, dtype)), dtype),
            dtype=dtype,
            terms=3,
        )
    labels = q([2, 0, 1], "int64")
    _add(
        f"{scce}-float32-logits-1e4",
        scce,
        labels,
        logits,
        kwargs={"from_logits": True},
        expected=rounded(_sparse_cce(labels, logits, from_logits=True), "float32"),
        dtype="float32",
        terms=3,
    )
    deep = q(np.abs(np.cos(np.arange(24))).reshape(2, 4, 3) + 0.05, "float32")
    deep_labels = q(np.arange(8).reshape(2, 4) % 3, "int32")
    _add(
        f"{scce}-float32-rank3",
        scce,
        deep_labels,
        deep,
        expected=rounded(_sparse_cce(deep_labels, deep), "float32"),
        dtype="float32",
        terms=3,
    )
    _add(
        f"{scce}-float32-labels-with-trailing-1",
        scce,
        deep_labels.reshape(2, 4, 1),
        deep,
        expected=rounded(_sparse_cce(deep_labels, deep), "float32"),
        dtype="float32",
        terms=3,
    )
    _error(
        f"{scce}-label-out-of-range",
        scce,
        InvalidArgumentError,
        q([3, 0, 1], "int32"),
        p,
        eager_only="the label range is data-dependent, checked only when the labels hold values",
    )
    _error(
        f"{scce}-label-negative",
        scce,
        InvalidArgumentError,
        q([-1, 0, 1], "int32"),
        p,
        eager_only="the label range is data-dependent, checked only when the labels hold values",
    )
    _error(f"{scce}-label-count", scce, ShapeError, q([0, 1], "int32"), p)

    bce = "binary_crossentropy"
    pairs_t = [1, 0, 1, 0, 1, 0.3]
    pairs_p = [0, 1, 1, 0, 0.5, 0.9]
    for dtype in _FLOATS:
        t, o = q(pairs_t, dtype), q(pairs_p, dtype)
        _add(
            f"{bce}-{dtype}-exact-0-1",
            bce,
            t,
            o,
            expected=rounded(_bce(t, o), dtype),
            dtype=dtype,
        )
    _add(
        f"{bce}-golden-(1,0)",
        bce,
        q([1.0], "float32"),
        q([0.0], "float32"),
        expected=np.array([15.424949], np.float32),
        dtype="float32",
    )
    zl = q([[1e4, -1e4, 30, 0]], "float32")
    tl = q([[0, 0, 0.3, 1]], "float32")
    _add(
        f"{bce}-float32-logits",
        bce,
        tl,
        zl,
        kwargs={"from_logits": True},
        expected=rounded(_bce(tl, zl, True), "float32"),
        dtype="float32",
    )
    zs = q([[-100.0, 30.0]], "float32")
    ts = q([[1.0, 0.3]], "float32")
    _add(
        f"{bce}-of-K.sigmoid-no-cached-logits",
        bce,
        ts,
        zs,
        call=lambda k, t, logits: k.binary_crossentropy(t, k.sigmoid(logits)),
        expected=rounded(_bce(ts, rounded(_sigmoid(f64(zs)), "float32")), "float32"),
        dtype="float32",
        tags=frozenset({"no-cached-logits"}),
    )
    _add(
        f"{bce}-int-target",
        bce,
        q([1, 0], "int32"),
        q([0.25, 0.75], "float32"),
        expected=rounded(_bce(np.array([1, 0]), q([0.25, 0.75], "float32")), "float32"),
        dtype="float32",
    )


# --------------------------------------------------------------------------- foreign tensors


def _foreign() -> None:
    x = Foreign(q([[1, 2], [3, 4]], "float32"))
    reason = "the input is a tensor of another framework"
    for function, extra in (
        ("sum", ()),
        ("dot", (q([[1], [1]], "float32"),)),
        ("cast", ("int32",)),
        ("softmax", ()),
        ("square", ()),
    ):
        _error(
            f"{function}-foreign-tensor", function, BackendMismatchError, x, *extra, legacy=reason
        )


with np.errstate(all="ignore"), warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    _reductions()
    _scans()
    _casts()
    _shape_ops()
    _indexing()
    _creation()
    _linear_algebra()
    _element_wise()
    _activations()
    _losses()
    _foreign()


_PYTHON_LISTS = "tf_keras needs tensors here; multik also takes Python lists"
#: Case id -> the tf_keras deviation tag (deviations.py) that covers it, beyond the builders' tags.
_LEGACY_TAGS = {
    "cast-unsupported-dtype": "dtype-universe",
    "one_hot-int16-2d": "index-dtypes",
    "one_hot-zero-classes": "index-dtypes",
    "batch_gather-float32-int8-indices-1d": "index-dtypes",
    "batch_gather-float32-uint8-indices-1d": "index-dtypes",
    "variable-name-kept": "variable-name",
    "variable-of-float64-array-default-floatx": "converts-dtype",
    "int_shape-variable": "converts-dtype",
    "constant-float-to-int32-truncates": "converts-dtype",
    "dot-int32-x-float32-promotes": "converts-dtype",
    "binary_crossentropy-int-target": "converts-dtype",
    "cumsum-float16-f16-4096-axisdefault": "half-f32-compute",
    "binary_crossentropy-bfloat16-exact-0-1": "half-f32-compute",
}
_LEGACY_SKIP = {"dot-python-lists": _PYTHON_LISTS, "batch_dot-golden": _PYTHON_LISTS}
_LOSSES = ("categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy")


def _legacy_tags(case: Case) -> Case:
    tags = set(case.tags)
    if case.id in _LEGACY_TAGS:
        tags.add(_LEGACY_TAGS[case.id])
    if case.function in ("max", "min") and case.id.startswith(f"{case.function}-bool-"):
        tags.add("bool-extremum")
    if case.function in ("dot", "batch_dot") and any(f"-{d}-" in case.id for d in _SMALL):
        tags.add("small-int-accumulator")
    if case.function in _LOSSES and "-float16" in case.id:
        tags.add("half-f32-compute")
    return replace(case, tags=frozenset(tags), legacy=_LEGACY_SKIP.get(case.id, case.legacy))


#: Every case, in a stable order; ids are unique.
CASES: tuple[Case, ...] = tuple(_legacy_tags(c) for c in _CASES)
if len({c.id for c in CASES}) != len(CASES):  # pragma: no cover - a table bug, caught at import
    raise AssertionError("duplicate conformance case ids")


def cases_by_function() -> dict[str, list[Case]]:
    """The cases grouped by K function name, in table order."""
    out: dict[str, list[Case]] = {}
    for case in CASES:
        out.setdefault(case.function, []).append(case)
    return out
