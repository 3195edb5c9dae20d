"""Conformance cases of families E, F and G: reductions, scans, linear algebra, element-wise."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from multik.config import use_batch_dot_rules
from multik.conformance.cases.table import (
    DTYPE_NAMES,
    FLOAT_NAMES,
    add,
    add_error,
    axis_text,
    exact,
    f64,
    q,
    rounded,
    sample,
    tuple_axis,
)
from multik.dtypes import (
    INTS,
    accumulator,
    mean_dtype,
    result_type,
)
from multik.errors import (
    AxisError,
    DTypeError,
    InvalidArgumentError,
    ShapeError,
)

# --------------------------------------------------------------------------- reductions

_REDUCERS = ("sum", "prod", "max", "min", "mean", "var", "std", "any", "all", "logsumexp")
_STATISTICS = ("mean", "var", "std")


def _extreme(function: str, x: np.ndarray, axes: Any, keepdims: bool) -> np.ndarray:
    """np.max / np.min from the reduction's identity: an empty reduction gives -inf / +inf for
    floats, the dtype's smallest / largest value for integers, False / True for bool."""
    source = exact(x)
    if x.dtype.kind == "b":
        initial: Any = function == "min"
    elif x.dtype.kind in "iu":
        info = np.iinfo(x.dtype)
        initial = int(info.min) if function == "max" else int(info.max)
    else:
        initial = -np.inf if function == "max" else np.inf
    op = np.max if function == "max" else np.min
    return op(source, axis=axes, keepdims=keepdims, initial=initial)


def _logsumexp_reference(x: np.ndarray, axes: Any, keepdims: bool) -> np.ndarray:
    """The float64 log(sum(exp(x))) by np.logaddexp, one axis at a time (its identity, -inf,
    is the value of an empty reduction)."""
    values = f64(x)
    axes = tuple(range(x.ndim)) if axes is None else axes if isinstance(axes, tuple) else (axes,)
    for axis in sorted((a % x.ndim for a in axes), reverse=True):
        values = np.logaddexp.reduce(values, axis=axis, keepdims=keepdims)
    return values


def _reduction_expected(
    function: str, x: np.ndarray, axis: Any, keepdims: bool, floatx: str
) -> tuple[np.ndarray, str]:
    source = x.dtype.name
    axes = tuple_axis(axis)
    if function in ("sum", "prod"):
        result = accumulator(source)[1]
        op = np.sum if function == "sum" else np.prod
        return rounded(op(exact(x), axis=axes, keepdims=keepdims), result), result
    if function in ("max", "min"):
        return rounded(_extreme(function, x, axes, keepdims), source), source
    if function in ("any", "all"):
        op = np.any if function == "any" else np.all
        return rounded(op(f64(x) != 0, axis=axes, keepdims=keepdims), "bool"), "bool"
    if function == "logsumexp":
        return rounded(_logsumexp_reference(x, axes, keepdims), source), source
    result = mean_dtype(source, floatx)[1]
    op = {"mean": np.mean, "var": np.var, "std": np.std}[function]
    with np.errstate(invalid="ignore", divide="ignore"):
        values = op(f64(x), axis=axes, keepdims=keepdims)
    return rounded(values, result), result


def _terms(shape: tuple[int, ...], axis: Any) -> int:
    if axis is None:
        return max(math.prod(shape), 1)
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    return max(math.prod(shape[a] for a in axes), 1)


SMALL_INTS = ("bool", "int8", "int16", "uint8")


def _reduction_tags(function: str, dtype: str) -> frozenset[str]:
    if function in ("sum", "prod") and dtype in SMALL_INTS:
        return frozenset({"small-int-accumulator"})
    if function == "mean" and dtype in INTS:
        return frozenset({"int-mean"})
    if function in ("var", "std") and dtype in INTS:
        return frozenset({"int-variance"})
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
    case_id = f"{function}-{dtype}-{shape}-axis{axis_text(axis)}"
    if keepdims:
        case_id += "-keepdims"
    add(
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
        for dtype in DTYPE_NAMES:
            x = sample((2, 3, 4), dtype, product)
            if function == "logsumexp" and dtype not in FLOAT_NAMES:
                add_error(f"logsumexp-{dtype}-not-float", "logsumexp", DTypeError, x)
                continue
            full = dtype in ("int8", "int32", "float32", "bfloat16")
            for axis in axis_forms if full else [None, (0, 2)]:
                _reduction(function, x, axis)
            _reduction(function, x, 1, True)
            _reduction(function, x, None, True)
            _reduction(function, sample((5,), dtype, product), 0)
            _reduction(function, sample((2, 1, 3), dtype, product), 1, label="size1")
            _reduction(function, sample((), dtype, product), None, label="scalar")
        if function != "logsumexp":
            _reduction(function, q([[2, 4, 6], [2, 4, 6]], "int32"), 1, label="golden")
        x = sample((2, 3, 4), "float32", product)
        add_error(
            f"{function}-axis-out-of-range",
            function,
            AxisError,
            x,
            kwargs={"axis": 3},
        )
        add_error(
            f"{function}-axis-negative-out-of-range", function, AxisError, x, kwargs={"axis": -4}
        )
        add_error(
            f"{function}-axis-repeated",
            function,
            AxisError,
            x,
            kwargs={"axis": (0, 0)},
        )
        add_error(
            f"{function}-axis-repeated-negative", function, AxisError, x, kwargs={"axis": [1, -2]}
        )
        add_error(f"{function}-axis-float", function, AxisError, x, kwargs={"axis": 1.0})
        _empty_reductions(function)
        if function in ("max", "min", "logsumexp", *_STATISTICS):
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
    if "bfloat16" in FLOAT_NAMES:
        _reduction("sum", q(np.ones(1000), "bfloat16"), None, label="1000-ones")
    _reduction("mean", q([[1, 2], [3, 4]], "int32"), None, label="int-not-truncated")
    _reduction("mean", q([-1, -2], "int32"), None, label="negative-int")
    _reduction("mean", q([[1, 2], [3, 4]], "int32"), 0, label="floatx64", floatx="float64")
    _reduction("max", q([[-0.0, 0.0]], "float32"), 1, label="signed-zero")


def _empty_reductions(function: str) -> None:
    """Reductions over an empty axis: the identity of max, min, any, all, logsumexp (-inf),
    NaN for the statistics, 0 or 1 for sum and prod, in every dtype the function takes."""
    floats_only = function == "logsumexp"
    for dtype in FLOAT_NAMES if floats_only else DTYPE_NAMES:
        if dtype in ("float32", "int32") or function in ("max", "min", "any", "all"):
            _reduction(function, q(np.zeros((0,)), dtype), None, label="empty")
            _reduction(function, q(np.zeros((2, 0)), dtype), 1)
    empty = q(np.zeros((0, 3)), "float32")
    _reduction(function, empty, 0)
    _reduction(function, empty, 0, True)
    _reduction(function, empty, 1)  # reduces an axis of size 3 in each of no rows
    _reduction(function, empty, None, True)
    _reduction(function, q(np.zeros((2, 0, 3)), "float32"), (0, 1))


# --------------------------------------------------------------------------- argmax, argmin

_INDEX = frozenset({"index-int32"})


def _arg(
    function: str, label: str, x: np.ndarray, *axis: int, tags: frozenset[str] = _INDEX
) -> None:
    """argmax/argmin of ``x`` along ``axis`` (default -1): NumPy's index, the first maximum
    (minimum) or the first NaN, as int32."""
    op = np.argmax if function == "argmax" else np.argmin
    expected = op(exact(x), axis=axis[0] if axis else -1)
    name = f"{function}-{x.dtype.name}-{label}-axis{axis[0] if axis else 'default'}"
    add(name, function, x, *axis, expected=rounded(expected, "int32"), dtype="int32", tags=tags)


def _arg_extrema() -> None:
    nan = _INDEX | {"argmax-first-nan"}
    for function in ("argmax", "argmin"):
        for dtype in DTYPE_NAMES:
            x = sample((2, 3, 4), dtype)
            _arg(function, "shape(2,3,4)", x)
            _arg(function, "shape(2,3,4)", x, 0)
            _arg(function, "shape(2,3,4)", x, -2)
            _arg(function, "shape(5,)", sample((5,), dtype), 0)
        _arg(function, "shape(2,3,4)", sample((2, 3, 4), "float32"), 1)
        _arg(function, "ties", q([[1, 3, 3, 0], [5, 5, 5, 5], [0, 0, 0, 1]], "float32"))
        _arg(function, "ties", q([[2, 2], [7, 7]], "int8"), 0)
        _arg(function, "long-row", q(np.arange(4096) % 7, "float32"))
        _arg(function, "signed-zero", q([[-0.0, 0.0], [0.0, -0.0]], "float32"))
        _arg(function, "inf", q([[-np.inf, -np.inf, 1], [np.inf, 2, np.inf]], "float64"))
        _arg(function, "empty-rows", q(np.zeros((0, 3)), "float32"))
        _arg(function, "size1", q([[4], [2]], "int32"))
        _arg(function, "nan", q([[1, np.nan, 3, np.nan]], "float32"), tags=nan)
        _arg(function, "nan-rows", q([[np.nan, 5, np.nan], [1, 2, 2]], "float32"), tags=nan)
        _arg(function, "all-nan", q([[np.nan, np.nan], [np.nan, 0]], "float16"), 1, tags=nan)
        if "bfloat16" in FLOAT_NAMES:
            _arg(function, "nan", q([[np.nan, 1], [2, np.nan]], "bfloat16"), 0, tags=nan)
        _arg(function, "nan", q([[-np.inf, np.nan, np.inf]], "float64"), tags=nan)
        add_error(f"{function}-empty-axis", function, ShapeError, q(np.zeros((2, 0)), "float32"))
        add_error(f"{function}-empty-axis0", function, ShapeError, q(np.zeros((0, 3)), "int32"), 0)
        add_error(f"{function}-scalar", function, AxisError, q(1.5, "float32"))
        x = sample((2, 3), "float32")
        add_error(f"{function}-axis-out-of-range", function, AxisError, x, 2)
        add_error(f"{function}-axis-negative-out-of-range", function, AxisError, x, -3)
        add_error(f"{function}-axis-list", function, AxisError, x, [1])
        add_error(f"{function}-axis-float", function, AxisError, x, 1.0)
        add_error(
            f"{function}-axis-None",
            function,
            AxisError,
            x,
            None,
            tags=frozenset({"argmax-axis-none"}),
        )


# --------------------------------------------------------------------------- scans


def _scan_expected(function: str, x: np.ndarray, axis: Any) -> tuple[np.ndarray, str]:
    result = accumulator(x.dtype.name)[1]
    source = exact(x)
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
    small = frozenset({"small-int-accumulator"}) if dtype in SMALL_INTS else frozenset()
    shape = label or "shape" + str(x.shape).replace(" ", "")
    name = f"{function}-{dtype}-{shape}-axis{axis_text(effective) if axis else 'default'}"
    add(
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
        for dtype in DTYPE_NAMES:
            x = sample((2, 3), dtype, product)
            _scan(function, x)
            _scan(function, x, 1)
            _scan(function, x, -1)
            _scan(function, sample((4,), dtype, product), 0)
        x = sample((2, 3), "float32", product)
        _scan(function, x, None, tags=frozenset({"scan-axis-none"}))
        _scan(
            function,
            sample((), "float32", product),
            None,
            label="scalar",
            tags=frozenset({"scan-axis-none"}),
        )
        _scan(function, q(np.zeros((0,)), "float32"), label="empty")
        _scan(function, q(np.zeros((2, 0)), "int32"), 1, label="empty")
        add_error(f"{function}-axis-out-of-range", function, AxisError, x, 2)
        add_error(f"{function}-scalar-axis0", function, AxisError, sample((), "float32", product))
        add_error(f"{function}-axis-list", function, AxisError, x, [0])
    _scan("cumsum", q([2**31 - 1, 1, 1], "int32"), label="overflow-wraps")
    _scan("cumsum", q([100, 100, 100], "int8"), label="int8-to-int32")
    _scan("cumprod", q([65536, 65536, 3], "int32"), label="overflow-wraps")
    _scan("cumprod", q([np.inf, 0, 1], "float32"), label="inf-nan")
    _scan("cumsum", q(np.linspace(-1, 1, 4096), "float16"), label="f16-4096")


# --------------------------------------------------------------------------- linear algebra


def _dot_expected(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, str]:
    result = accumulator(result_type(x.dtype.name, y.dtype.name))[1]
    return rounded(np.dot(exact(x), exact(y)), result), result


def _dot(
    label: str,
    x: np.ndarray,
    y: np.ndarray,
    tags: frozenset[str] = frozenset(),
) -> None:
    expected, result = _dot_expected(x, y)
    terms = x.shape[-1] if x.ndim and y.ndim else 1
    add(
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
    out = np.stack([np.tensordot(xi, yi, (a0 - 1, a1 - 1)) for xi, yi in zip(exact(x), exact(y))])
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
            sample(xs, "float32"),
            sample(ys, "float32"),
            tags=tags,
        )
    for dtype in DTYPE_NAMES:
        _dot(f"{dtype}-(2,3)x(3,4)", sample((2, 3), dtype), sample((3, 4), dtype))
    _dot(
        "int8-accumulates-int32",
        q(np.full((1, 40), 100), "int8"),
        q(np.full((40, 1), 100), "int8"),
    )
    _dot(
        "int32-x-float32-promotes",
        sample((2, 3), "int32"),
        sample((3, 2), "float32"),
    )
    _dot(
        "float32-k256",
        q(np.sin(np.arange(512)).reshape(2, 256), "float32"),
        q(np.cos(np.arange(768)).reshape(256, 3), "float32"),
    )
    add(
        "dot-python-lists",
        "dot",
        [[1, 2]],
        [[3], [4]],
        expected=np.array([[11]], np.int32),
        dtype="int32",
        terms=2,
    )
    add_error(
        "dot-shape-mismatch",
        "dot",
        ShapeError,
        sample((2, 3), "float32"),
        sample((4, 5), "float32"),
    )
    add_error(
        "dot-1d-mismatch", "dot", ShapeError, sample((3,), "float32"), sample((4,), "float32")
    )

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
        x, y = sample(xs, "float32"), sample(ys, "float32")
        kwargs = {} if axes is None else {"axes": axes}
        label = f"batch_dot-float32-{xs}x{ys}-axes{axis_text(axes)}".replace(" ", "")
        depth = xs[
            (xs.__len__() - 1)
            if axes is None
            else (axes if isinstance(axes, int) else axes[0]) % len(xs)
        ]
        add(
            label,
            "batch_dot",
            x,
            y,
            kwargs=kwargs,
            expected=rounded(_batch_dot_expected(x, y, axes), "float32"),
            dtype="float32",
            terms=depth,
        )
    add(
        "batch_dot-golden",
        "batch_dot",
        [[1, 2], [3, 4]],
        [[5, 6], [7, 8]],
        kwargs={"axes": 1},
        expected=np.array([[17], [53]], np.int32),
        dtype="int32",
    )
    add(
        "batch_dot-golden-ones-shape",
        "batch_dot",
        q(np.ones((32, 20, 1)), "float32"),
        q(np.ones((32, 30, 20)), "float32"),
        kwargs={"axes": [1, 2]},
        expected=np.full((32, 1, 30), 20, np.float32),
        dtype="float32",
        terms=20,
    )
    for dtype in DTYPE_NAMES:
        x, y = sample((2, 3, 4), dtype), sample((2, 4, 5), dtype)
        expected, result = _dot_expected(x[0], y[0])
        expected = np.stack([_dot_expected(x[b], y[b])[0] for b in range(2)])
        add(
            f"batch_dot-{dtype}-(2,3,4)x(2,4,5)",
            "batch_dot",
            x,
            y,
            expected=expected,
            dtype=result,
            terms=4,
        )
    x = sample((4, 2), "float32")
    add_error("batch_dot-axis0", "batch_dot", AxisError, x, x, kwargs={"axes": 0})
    add_error(
        "batch_dot-(4,3,2)x(4,3,5)-axes-None",
        "batch_dot",
        ShapeError,
        sample((4, 3, 2), "float32"),
        sample((4, 3, 5), "float32"),
    )
    add_error("batch_dot-rank1", "batch_dot", ShapeError, sample((4,), "float32"), x)
    add_error("batch_dot-batch-mismatch", "batch_dot", ShapeError, sample((3, 2), "float32"), x)
    add_error("batch_dot-axis-out-of-range", "batch_dot", AxisError, x, x, kwargs={"axes": 2})
    add_error("batch_dot-axes-nested", "batch_dot", AxisError, x, x, kwargs={"axes": [[1], [1]]})


def _with_224_rules(k: Any, x: Any, y: Any, **kwargs: Any) -> Any:
    """K.batch_dot under the Keras 2.2.4 rules (multik's opt-in setting)."""
    with use_batch_dot_rules("2.2.4"):
        return k.batch_dot(x, y, **kwargs)


_RULES_224 = "tf_keras implements the 2.3 rules"


def _batch_dot_224(
    label: str, x: np.ndarray, y: np.ndarray, axes: Any, expected: Any, depth: int = 1
) -> None:
    """batch_dot with the Keras 2.2.4 rules; ``expected`` is an einsum over the exact values or
    a hand-checked literal."""
    result = accumulator(result_type(x.dtype.name, y.dtype.name))[1]
    add(
        f"batch_dot-2.2.4-{label}",
        "batch_dot",
        x,
        y,
        kwargs={} if axes is None else {"axes": axes},
        call=_with_224_rules,
        expected=rounded(expected, result),
        dtype=result,
        terms=depth,
        legacy=_RULES_224,
    )


def _batch_dots_224() -> None:
    """Keras 2.2.4's batch_dot: leading axes are batch axes of a matrix product; 2-D operands
    multiply element-wise; axes are compared as written."""
    x, y = q([[1, 2], [3, 4]], "int32"), q([[5, 6], [7, 8]], "int32")
    _batch_dot_224("golden-axes1", x, y, 1, [[17], [53]], 2)  # 1*5+2*6, 3*7+4*8
    _batch_dot_224("2d-axes-None", x, y, None, [[19], [50]], 2)  # 1*5+2*7, 3*6+4*8
    _batch_dot_224("2d-axes-(0,0)", x, y, (0, 0), [[26], [44]], 2)  # 1*5+3*7, 2*6+4*8
    # The axes differ as written, so x is transposed: x00*y00 + x10*y01, x01*y10 + x11*y11.
    _batch_dot_224("2d-axes-(1,-1)", x, y, (1, -1), [[23], [46]], 2)
    a, b = sample((2, 3, 4, 5), "float32"), sample((2, 3, 6, 5), "float32")
    _batch_dot_224(
        "multi-head-(3,3)", a, b, (3, 3), np.einsum("bhtd,bhsd->bhts", f64(a), f64(b)), 5
    )
    c = sample((2, 3, 5, 6), "float32")
    _batch_dot_224("multi-head-None", a, c, None, np.einsum("bhtk,bhkd->bhtd", f64(a), f64(c)), 5)
    d, v = sample((2, 3, 4, 6), "float64"), sample((2, 3, 6, 2), "float64")
    _batch_dot_224("multi-head-(3,2)", d, v, (3, 2), np.einsum("bhtk,bhkd->bhtd", d, v), 6)
    e, f = sample((4, 2, 3), "float32"), sample((4, 5, 3), "float32")
    _batch_dot_224("3d-(2,2)", e, f, (2, 2), np.einsum("bik,bjk->bij", f64(e), f64(f)), 3)
    g = sample((4, 2, 5), "float32")
    _batch_dot_224("3d-axes-0", e, g, 0, np.einsum("bki,bkj->bij", f64(e), f64(g)), 2)
    h = sample((4, 3, 3), "float32")
    _batch_dot_224("3d-axes-minus1", h, h, -1, np.einsum("bki,bkj->bij", f64(h), f64(h)), 3)
    m, n = sample((4, 3, 5), "float32"), sample((4, 5), "float32")
    _batch_dot_224("3d-x-2d-None", m, n, None, np.einsum("btd,bd->bt", f64(m), f64(n)), 5)
    o = sample((4, 5, 6), "float32")
    _batch_dot_224("2d-x-3d-None", n, o, None, np.einsum("bd,bdm->bm", f64(n), f64(o)), 5)
    r = sample((4, 6, 5), "float32")
    _batch_dot_224("2d-x-3d-(1,2)", n, r, (1, 2), np.einsum("bd,bmd->bm", f64(n), f64(r)), 5)
    ones = q(np.ones((32, 20, 1)), "float32")
    _batch_dot_224(
        "golden-ones-shape",
        ones,
        q(np.ones((32, 30, 20)), "float32"),
        [1, 2],
        np.full((32, 1, 30), 20.0),
        20,
    )
    i8 = sample((2, 2, 3, 4), "int8")
    _batch_dot_224(
        "int8-accumulates-int32", i8, i8, (3, 3), np.einsum("bhtd,bhsd->bhts", exact(i8), exact(i8))
    )
    half = sample((2, 2, 3, 4), "float16")
    _batch_dot_224(
        "float16", half, half, (3, 3), np.einsum("bhtd,bhsd->bhts", f64(half), f64(half)), 4
    )
    errors = [
        ("2d-transposed-mismatch", sample((4, 3), "float32"), sample((4, 3), "float32"), None),
        ("batch-axes-differ", sample((2, 3, 4, 5), "float32"), sample((2, 5, 6), "float32"), None),
        ("rank4-x-rank3", sample((2, 3, 4, 5), "float32"), sample((2, 3, 5), "float32"), (3, 2)),
        ("inner-mismatch", sample((4, 2, 3), "float32"), sample((4, 5, 3), "float32"), -1),
        ("rank1", sample((4,), "float32"), sample((4, 2), "float32"), None),
    ]
    for label, x, y, axes in errors:
        add_error(
            f"batch_dot-2.2.4-{label}",
            "batch_dot",
            ShapeError,
            x,
            y,
            kwargs={} if axes is None else {"axes": axes},
            call=_with_224_rules,
            legacy=_RULES_224,
        )
    add_error(
        "batch_dot-2.2.4-axis-out-of-range",
        "batch_dot",
        AxisError,
        sample((4, 2), "float32"),
        sample((4, 2), "float32"),
        kwargs={"axes": 2},
        call=_with_224_rules,
        legacy=_RULES_224,
    )


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
    source = exact(q(x, result))
    add(
        f"square-{label}",
        "square",
        x,
        expected=rounded(source * source, result),
        dtype=result,
        tags=tags,
    )


def _element_wise() -> None:
    for dtype in DTYPE_NAMES:
        tags = frozenset({"bool-square"}) if dtype == "bool" else frozenset()
        _square(dtype, sample((2, 3), dtype), tags=tags)
    _square("float32-scalar", q(-2.5, "float32"))
    _square("int32-scalar", q(-7, "int32"))
    _square("float32-empty", q(np.zeros((0, 3)), "float32"))
    _square("float64-4d", sample((2, 3, 1, 2), "float64"))
    _square("int8-overflow-wraps", q([100, -100, 12, -128], "int8"))
    _square("uint8-overflow-wraps", q([200, 16, 15], "uint8"))
    _square("int32-overflow-wraps", q([46341, -65536, 3], "int32"))
    _square("float16-overflow-inf", q([300, -300, 1e-4, 255], "float16"))
    _square("float32-nan-inf", q([np.nan, np.inf, -np.inf, -0.0, 1e-30], "float32"))
    _square("python-list", [1.5, -2.0], "float32")
    _square("python-int", 3, "int32")


#: Reference of each float function of one tensor (float64 NumPy), and which integer inputs
#: it takes: "keep" (same dtype), or None (DTypeError, as in tf_keras).
_UNARY: dict[str, tuple[Any, str | None]] = {
    "abs": (np.abs, "keep"),
    "sign": (np.sign, "keep"),
    "round": (np.round, "keep"),
    "sqrt": (lambda v: np.sqrt(np.maximum(v, 0)), None),
    "exp": (np.exp, None),
    "log": (np.log, None),
    "sin": (np.sin, None),
    "cos": (np.cos, None),
}
_SPECIAL = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-30, -1e-30, 0.5, -0.5, 1.5, 2.5, -2.5, -3.0]


def _unary(function: str, label: str, x: Any, tags: frozenset[str] = frozenset()) -> None:
    reference, _ = _UNARY[function]
    python = not isinstance(x, np.ndarray) and function == "sqrt"  # tf_keras reads x.dtype
    source = np.asarray(x)
    dtype = source.dtype.name if isinstance(x, np.ndarray) else "float32"
    with np.errstate(all="ignore"):
        expected = reference(exact(q(source, dtype)))
    add(
        f"{function}-{label}",
        function,
        x,
        expected=rounded(expected, dtype),
        dtype=dtype,
        tags=tags,
        legacy="tf_keras needs a tensor here; multik also takes Python lists" if python else "",
    )


def _element_wise_unary() -> None:
    for function, (_, ints) in _UNARY.items():
        for dtype in DTYPE_NAMES:
            x = sample((2, 3), dtype)
            if dtype == "bool" or (dtype in INTS and ints is None):
                add_error(f"{function}-{dtype}-refused", function, DTypeError, x)
                continue
            uint8 = dtype == "uint8" and function in ("abs", "sign")
            _unary(function, dtype, x, frozenset({"uint8-kernels"}) if uint8 else frozenset())
        _unary(function, "float32-special", q(_SPECIAL, "float32"))
        _unary(function, "float64-special", q(_SPECIAL, "float64"))
        _unary(function, "float16-special", q(_SPECIAL, "float16"))
        _unary(function, "float32-scalar", q(-2.5, "float32"))
        _unary(function, "float32-empty", q(np.zeros((0, 3)), "float32"))
        _unary(function, "float64-4d", sample((2, 3, 1, 2), "float64"))
        _unary(function, "python-list", [0.25, -1.5, 4.0])
    _unary("abs", "int8-overflow-wraps", q([-128, -127, 127, 0], "int8"))
    _unary("abs", "int32-extremes", q([-(2**31), 2**31 - 1, -5], "int32"))
    _unary("sign", "int16-values", q([-300, 0, 7], "int16"))
    _unary("round", "halves", q([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.49999997], "float32"))
    _unary("round", "int64-large", q([2**40 + 1, -(2**40) - 3], "int64"))
    if "bfloat16" in FLOAT_NAMES:
        _unary("round", "bfloat16-large", q([255.0, 200.5, -129.0, 0.5], "bfloat16"))
    _unary("sqrt", "negatives-clip-to-0", q([-4.0, -1e-30, 4.0, -np.inf, 2.0], "float32"))
    _unary("exp", "float16-overflow-inf", q([11.0, 12.0, -20.0], "float16"))
    _unary("exp", "float32-range", q([-100.0, 88.0, 89.0, 1e-8], "float32"))
    _unary("log", "zero-and-negative", q([0.0, -0.0, -1.0, 1.0, np.e], "float64"))
    _unary("sin", "float32-range", q(np.linspace(-10, 10, 41), "float32"))
    _unary("cos", "float32-range", q(np.linspace(-10, 10, 41), "float32"))


def _pow(
    label: str, x: Any, a: Any, dtype: str, tags: frozenset[str] = frozenset(), **options: Any
) -> None:
    """``x ** a`` in ``dtype``: exact int64 powers wrapped, float64 powers rounded."""
    base, exponent = np.asarray(x), np.asarray(a)
    with np.errstate(all="ignore"):
        if dtype in INTS:
            expected = np.power(base.astype(np.int64), exponent.astype(np.int64))
        else:
            expected = np.power(f64(base), f64(exponent))
    add(
        f"pow-{label}",
        "pow",
        x,
        a,
        expected=rounded(expected, dtype),
        dtype=dtype,
        tags=tags,
        **options,
    )


def _pows() -> None:
    for dtype in DTYPE_NAMES:
        if dtype == "bool":
            add_error("pow-bool-refused", "pow", DTypeError, sample((2, 3), dtype), 2)
            continue
        tags = frozenset({"uint8-kernels"}) if dtype == "uint8" else frozenset()
        _pow(f"{dtype}-squared", sample((2, 3), dtype), 2, dtype, tags)
        _pow(f"{dtype}-zeroth", sample((2, 3), dtype), 0, dtype, tags)
    for dtype in FLOAT_NAMES:
        _pow(f"{dtype}-half", q([0.25, 4, 9, 2], dtype), 0.5, dtype)
        _pow(f"{dtype}-inverse", q([0.25, -4, 8, 1], dtype), -1, dtype)
    _pow("negative-base-fraction-nan", q([-8.0, 8.0, -1.0], "float32"), 1 / 3, "float32")
    _pow("negative-base-whole", q([-2.0, -3.0], "float32"), 3.0, "float32")
    _pow("zero-to-negative", q([0.0, -0.0], "float32"), -1, "float32")
    _pow("zero-to-zero", q([0.0, np.nan, np.inf], "float64"), 0, "float64")
    _pow("nan-inf", q([np.nan, np.inf, -np.inf, 2], "float32"), 2, "float32")
    _pow("int32-overflow-wraps", q([3, -3], "int32"), 40, "int32")
    _pow("int8-overflow-wraps", q([6, -6, 2], "int8"), 3, "int8")
    _pow("float16-overflow-inf", q([300.0, 2.0], "float16"), 2, "float16")
    _pow("scalar", q(1.5, "float32"), 2, "float32")
    _pow("empty", q(np.zeros((0, 2)), "float32"), 2, "float32")
    _pow(
        "tensor-exponent",
        q([[1.5, 2, 3], [4, 5, 0.5]], "float32"),
        q([2, 0.5, -1], "float32"),
        "float32",
    )
    _pow("tensor-exponent-int32", q([2, 3, 4], "int32"), q([3, 0, 2], "int32"), "int32")
    _pow("scalar-tensor-base", q(2.0, "float64"), q([1, 2, 3], "float64"), "float64")
    converts = frozenset({"converts-dtype"})
    _pow("int32-float-exponent", q([2, 3, 4], "int32"), 2.0, "float32", converts)
    _pow("int32-half-exponent", q([4, 9], "int32"), 0.5, "float32", converts)
    _pow(
        "float32-int32-exponent", q([2.0, 3.0], "float32"), q([2, 3], "int32"), "float32", converts
    )
    _pow("int8-float16-exponent", q([2, 3], "int8"), q([2, 0.5], "float16"), "float16", converts)
    add_error(
        "pow-int32-negative-exponent",
        "pow",
        InvalidArgumentError,
        q([2, 3], "int32"),
        -1,
    )
    add_error(
        "pow-int32-negative-tensor-exponent",
        "pow",
        InvalidArgumentError,
        q([2, 3], "int32"),
        q([1, -2], "int32"),
        eager_only="the error depends on the exponent's values",
    )
    add_error(
        "pow-broadcast-mismatch",
        "pow",
        ShapeError,
        sample((2, 3), "float32"),
        sample((2,), "float32"),
    )
    add_error(
        "pow-bool-exponent", "pow", DTypeError, sample((2,), "float32"), q([True, False], "bool")
    )


def _clip(
    label: str,
    x: Any,
    lo: Any,
    hi: Any,
    expected: Any = None,
    tags: frozenset[str] = frozenset(),
) -> None:
    """clip(x, lo, hi) in x's dtype: max(min(x, hi), lo), as tf.clip_by_value (None: no bound)."""
    dtype = x.dtype.name
    if expected is None:
        low = -np.inf if lo is None else f64(np.asarray(lo))
        high = np.inf if hi is None else f64(np.asarray(hi))
        if dtype in INTS:  # bounds beyond the integer dtype's range saturate to it
            info = np.iinfo(dtype)
            low, high = np.clip(low, info.min, info.max), np.clip(high, info.min, info.max)
        expected = np.maximum(np.minimum(exact(x), high), low)
        if dtype in INTS:
            expected = expected.astype(np.int64)
    add(
        f"clip-{label}",
        "clip",
        x,
        lo,
        hi,
        expected=rounded(expected, dtype),
        dtype=dtype,
        tags=tags,
    )


def _clips() -> None:
    int_bounds = frozenset({"int-clip-bounds"})
    for dtype in DTYPE_NAMES:
        x = sample((2, 3, 2), dtype)
        if dtype == "bool":
            add_error("clip-bool-refused", "clip", DTypeError, x, 0, 1)
            continue
        _clip(f"{dtype}", x, 0, 3)
        _clip(
            f"{dtype}-negative-bounds",
            x,
            -2,
            -1,
            tags=int_bounds if dtype == "uint8" else frozenset(),
        )
        _clip(f"{dtype}-min-only", x, 1, None, tags=int_bounds if dtype in INTS else frozenset())
        _clip(f"{dtype}-max-only", x, None, 1, tags=int_bounds if dtype in INTS else frozenset())
    x = q([[np.nan, -np.inf, np.inf], [-0.5, 0.25, 2.0]], "float32")
    _clip("float32-nan-inf", x, -1.0, 1.0)
    _clip("float32-fractions", x, 0.1, 0.3)
    _clip("float32-no-bounds", x, None, None)
    _clip("float32-max-below-min", x, 3, 1, q([[np.nan, 3, 3], [3, 3, 3]], "float32"))
    _clip("float64-scalar", q(7.5, "float64"), 0.0, 6.0)
    _clip("float32-empty", q(np.zeros((0, 2)), "float32"), 0.0, 1.0)
    _clip("float16-bound-past-range", q([1.0, 60000.0, -60000.0], "float16"), -1e5, 1e5)
    _clip("float16-fraction", q([0.0, 0.1, 0.2], "float16"), 0.1, 0.15)
    lo = q([[0.0, -1.0, 0.5]], "float32")
    _clip("tensor-bounds-broadcast", x, lo, lo + 1)
    _clip("tensor-bounds-full", x, q(np.zeros((2, 3)), "float32"), q(np.ones((2, 3)), "float32"))
    _clip("tensor-min-number-max", x, lo, 0.75)
    _clip(
        "tensor-max-below-min",
        q([-1.0, 0.5, 9.0], "float32"),
        q([3.0, 3.0, 3.0], "float32"),
        q([1.0, 1.0, 1.0], "float32"),
        q([3.0, 3.0, 3.0], "float32"),
    )
    _clip("int8-past-range", q([-128, 0, 127], "int8"), -1000, 1000, tags=int_bounds)
    _clip("int16-whole-floats", q([-300, 5, 300], "int16"), -100.0, 100.0, tags=int_bounds)
    _clip("int32-inf-bounds", q([-3, 0, 3], "int32"), -np.inf, np.inf, tags=int_bounds)
    _clip("uint8-range", q([0, 100, 255], "uint8"), 1, 200)
    _clip("int64-large", q([-(2**40), 0, 2**40], "int64"), -5, 2**35)
    _clip(
        "int8-int32-tensor-bound-saturates",
        q([-100, 0, 100], "int8"),
        q([-1000, -1000, -1000], "int32"),
        q([5, 500, 50], "int32"),
        q([-100, 0, 50], "int8"),
        tags=frozenset({"converts-dtype"}),
    )
    _clip(
        "float32-int32-tensor-bound",
        x,
        q([[0, 0, 0]], "int32"),
        1.0,
        tags=frozenset({"converts-dtype"}),
    )
    _clip(
        "float32-float64-tensor-bound",
        x,
        q([[0, 0, 0]], "float64"),
        1.0,
        tags=frozenset({"converts-dtype"}),
    )
    add_error("clip-int-fractional-bound", "clip", DTypeError, q([1, 2], "int32"), 0.5, 3)
    add_error(
        "clip-int-float-tensor-bound",
        "clip",
        DTypeError,
        q([1, 2], "int32"),
        q([0.0, 1.0], "float32"),
        3,
    )
    add_error(
        "clip-bounds-broadcast-larger",
        "clip",
        ShapeError,
        q(np.zeros((2, 3)), "float32"),
        q(np.zeros((4, 2, 3)), "float32"),
        1.0,
    )
    add_error(
        "clip-bounds-mismatch",
        "clip",
        ShapeError,
        q(np.zeros((2, 3)), "float32"),
        q(np.zeros((2,)), "float32"),
        1.0,
    )


_COMPARISONS = {
    "equal": np.equal,
    "not_equal": np.not_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "maximum": np.maximum,
    "minimum": np.minimum,
}


def _compare(
    function: str,
    label: str,
    x: Any,
    y: Any,
    dtype: str,
    tags: frozenset[str] = frozenset(),
) -> None:
    """``function(x, y)`` by NumPy on the exact values (comparisons give bool; maximum and
    minimum the promoted ``dtype``)."""
    op = _COMPARISONS[function]
    with np.errstate(invalid="ignore"):
        expected = op(_exact_any(x), _exact_any(y))
    result = dtype if function in ("maximum", "minimum") else "bool"
    add(
        f"{function}-{label}",
        function,
        x,
        y,
        expected=rounded(expected, result),
        dtype=result,
        tags=tags,
    )


def _exact_any(x: Any) -> Any:
    return exact(x) if isinstance(x, np.ndarray) else x


def _comparisons() -> None:
    for function in _COMPARISONS:
        ordered = function not in ("equal", "not_equal")
        for dtype in DTYPE_NAMES:
            x = sample((2, 3), dtype)
            y = sample((2, 3), dtype)[:, ::-1].copy()
            tags = frozenset({"bool-order"}) if dtype == "bool" and ordered else frozenset()
            _compare(function, dtype, x, y, dtype, tags)
        x = q([[np.nan, 1.0, -0.0, np.inf], [2.0, np.nan, np.inf, -np.inf]], "float32")
        y = q([[1.0, np.nan, 0.0, np.inf], [2.0, np.nan, -np.inf, 5.0]], "float32")
        _compare(function, "float32-nan-inf-signed-zero", x, y, "float32")
        _compare(
            function,
            "broadcast",
            sample((2, 1, 3), "float32"),
            sample((4, 3), "float32"),
            "float32",
        )
        _compare(
            function, "scalar-tensor", q(0.25, "float32"), sample((2, 3), "float32"), "float32"
        )
        _compare(function, "empty", q(np.zeros((0, 3)), "int32"), q([1, 2, 3], "int32"), "int32")
        _compare(function, "python-int", sample((2, 3), "int8"), 0, "int8")
        _compare(function, "python-float", sample((2, 3), "float16"), 0.5, "float16")
        # A Python number on the left: tf_keras graph mode makes it int32 before it sees y.
        _compare(function, "python-left", 1, sample((2, 3), "int32"), "int32")
        _compare(
            function,
            "int8-uint8-promote-int16",
            q([-1, 100, 5], "int8"),
            q([200, 100, 3], "uint8"),
            "int16",
            frozenset({"converts-dtype"}),
        )
        _compare(
            function,
            "int32-float32-promote",
            q([1, 2, 3], "int32"),
            q([1.5, 2.0, 2.5], "float32"),
            "float32",
            frozenset({"converts-dtype"}),
        )
        _compare(
            function,
            "int32-python-float",
            q([1, 2, 3], "int32"),
            1.5,
            "float32",
            frozenset({"converts-dtype"}),
        )
        add_error(
            f"{function}-broadcast-mismatch",
            function,
            ShapeError,
            sample((2, 3), "float32"),
            sample((2,), "float32"),
        )


def build() -> None:
    """Add this family's cases to the table."""
    _reductions()
    _arg_extrema()
    _scans()
    _linear_algebra()
    _batch_dots_224()
    _element_wise()
    _element_wise_unary()
    _pows()
    _clips()
    _comparisons()
