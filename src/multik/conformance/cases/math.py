"""Conformance cases of families E, F and G: reductions, scans, linear algebra, element-wise."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

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
    ShapeError,
)

# --------------------------------------------------------------------------- reductions

_REDUCERS = ("sum", "prod", "max", "min", "mean")


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
        op = np.max if function == "max" else np.min
        return rounded(op(exact(x), axis=axes, keepdims=keepdims), source), source
    result = mean_dtype(source, floatx)[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.mean(f64(x), axis=axes, keepdims=keepdims)
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
            full = dtype in ("int8", "int32", "float32", "bfloat16")
            for axis in axis_forms if full else [None, (0, 2)]:
                _reduction(function, x, axis)
            _reduction(function, x, 1, True)
            _reduction(function, x, None, True)
            _reduction(function, sample((5,), dtype, product), 0)
            _reduction(function, sample((2, 1, 3), dtype, product), 1, label="size1")
            _reduction(function, sample((), dtype, product), None, label="scalar")
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
        empty = q(np.zeros((2, 0)), "float32")
        if function in ("max", "min"):
            add_error(
                f"{function}-float32-empty-all",
                function,
                ShapeError,
                q(np.zeros((0,)), "float32"),
                tags=frozenset({"empty-extremum"}),
            )
            add_error(
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
    if "bfloat16" in FLOAT_NAMES:
        _reduction("sum", q(np.ones(1000), "bfloat16"), None, label="1000-ones")
    _reduction("mean", q([[1, 2], [3, 4]], "int32"), None, label="int-not-truncated")
    _reduction("mean", q([-1, -2], "int32"), None, label="negative-int")
    _reduction("mean", q([[1, 2], [3, 4]], "int32"), 0, label="floatx64", floatx="float64")
    _reduction("max", q([[-0.0, 0.0]], "float32"), 1, label="signed-zero")


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


def build() -> None:
    """Add this family's cases to the table."""
    _reductions()
    _scans()
    _linear_algebra()
    _element_wise()
