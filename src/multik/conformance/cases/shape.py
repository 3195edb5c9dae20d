"""Conformance cases of family H: shapes, indexing, padding and resizing."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from multik.conformance.cases.table import (
    DTYPE_NAMES,
    add,
    add_error,
    axis_text,
    q,
    sample,
)
from multik.errors import (
    AxisError,
    DTypeError,
    InvalidArgumentError,
    ShapeError,
)

# --------------------------------------------------------------------------- shapes


def _shape_ops() -> None:
    base = (2, 1, 3)
    for dtype in DTYPE_NAMES:
        x = sample(base, dtype)
        add(
            f"expand_dims-{dtype}-default",
            "expand_dims",
            x,
            expected=x.reshape(2, 1, 3, 1),
            dtype=dtype,
        )
        add(
            f"squeeze-{dtype}-axis1",
            "squeeze",
            x,
            1,
            expected=x.reshape(2, 3),
            dtype=dtype,
        )
        add(
            f"transpose-{dtype}-3d",
            "transpose",
            x,
            expected=np.transpose(x),
            dtype=dtype,
        )
        add(
            f"reshape-{dtype}-(3,-1)",
            "reshape",
            x,
            (3, -1),
            expected=x.reshape(3, 2),
            dtype=dtype,
        )
        add(
            f"permute_dimensions-{dtype}-(2,0,1)",
            "permute_dimensions",
            x,
            (2, 0, 1),
            expected=np.transpose(x, (2, 0, 1)),
            dtype=dtype,
        )
        y = sample((2, 3, 4), dtype)
        add(
            f"temporal_padding-{dtype}-(1,2)",
            "temporal_padding",
            y,
            (1, 2),
            expected=np.pad(y, ((0, 0), (1, 2), (0, 0))),
            dtype=dtype,
        )
    x = sample(base, "float32")
    for axis in (0, 1, 3, -1, -4, 2):
        add(
            f"expand_dims-float32-axis{axis}",
            "expand_dims",
            x,
            axis,
            expected=np.expand_dims(x, axis),
            dtype="float32",
        )
    add(
        "expand_dims-float32-scalar",
        "expand_dims",
        q(2.5, "float32"),
        0,
        expected=q([2.5], "float32"),
        dtype="float32",
    )
    add_error("expand_dims-axis-out-of-range", "expand_dims", AxisError, x, 4)
    add_error("expand_dims-axis-negative-out-of-range", "expand_dims", AxisError, x, -5)
    add_error("expand_dims-axis-tuple", "expand_dims", AxisError, x, (0, 2))
    add("squeeze-float32-axis-2", "squeeze", x, -2, expected=x.reshape(2, 3), dtype="float32")
    add(
        "squeeze-float32-to-scalar",
        "squeeze",
        q([4.5], "float32"),
        0,
        expected=q(4.5, "float32"),
        dtype="float32",
    )
    add(
        "squeeze-float32-empty",
        "squeeze",
        q(np.zeros((0, 1)), "float32"),
        1,
        expected=q(np.zeros((0,)), "float32"),
        dtype="float32",
    )
    add_error("squeeze-non-1-axis", "squeeze", ShapeError, x, 0)
    add_error("squeeze-axis-out-of-range", "squeeze", AxisError, x, 3)
    add(
        "transpose-golden",
        "transpose",
        [[1, 2, 3], [4, 5, 6]],
        expected=np.array([[1, 4], [2, 5], [3, 6]], np.int32),
        dtype="int32",
    )
    add(
        "transpose-float32-1d",
        "transpose",
        q([1, 2, 3], "float32"),
        expected=q([1, 2, 3], "float32"),
        dtype="float32",
    )
    add(
        "transpose-float32-scalar",
        "transpose",
        q(7, "float32"),
        expected=q(7, "float32"),
        dtype="float32",
    )
    add(
        "transpose-float32-4d",
        "transpose",
        sample((2, 3, 4, 5), "float32"),
        expected=np.transpose(sample((2, 3, 4, 5), "float32")),
        dtype="float32",
    )
    z = q(np.arange(12), "int32")
    for target in ((3, -1), (-1,), 12, (2, 2, 3), [4, 3], (1, 12, 1)):
        shape = (target,) if isinstance(target, int) else tuple(target)
        add(
            f"reshape-int32-arange12-to-{axis_text(target)}",
            "reshape",
            z,
            target,
            expected=z.reshape(shape),
            dtype="int32",
        )
    add(
        "reshape-float32-transposed-c-order",
        "reshape",
        np.ascontiguousarray(q(np.arange(6).reshape(2, 3), "float32").T),
        6,
        expected=q([0, 3, 1, 4, 2, 5], "float32"),
        dtype="float32",
    )
    add(
        "reshape-float32-empty",
        "reshape",
        q(np.zeros((0, 4)), "float32"),
        (2, 0, 2),
        expected=q(np.zeros((2, 0, 2)), "float32"),
        dtype="float32",
    )
    add(
        "reshape-float32-scalar",
        "reshape",
        q(3, "float32"),
        (1, 1),
        expected=q([[3]], "float32"),
        dtype="float32",
    )
    for target in ((-1, -1), (5, -1), (0, -1), (5, 3), (-2, 6)):
        add_error(
            f"reshape-bad-{axis_text(target)}",
            "reshape",
            ShapeError,
            z,
            target,
        )
    add_error(
        "reshape-ambiguous-minus-one",
        "reshape",
        ShapeError,
        q(np.zeros((0, 4)), "float32"),
        (0, -1),
        tags=frozenset({"reshape-ambiguous"}),
    )
    add(
        "permute_dimensions-float32-(-1,0,1)",
        "permute_dimensions",
        x,
        (-1, 0, 1),
        expected=np.transpose(x, (2, 0, 1)),
        dtype="float32",
    )
    add(
        "permute_dimensions-float32-list",
        "permute_dimensions",
        x,
        [1, 2, 0],
        expected=np.transpose(x, (1, 2, 0)),
        dtype="float32",
    )
    add_error("permute_dimensions-wrong-length", "permute_dimensions", AxisError, x, (1, 0))
    add_error("permute_dimensions-repeated", "permute_dimensions", AxisError, x, (0, 0, 1))
    add_error("permute_dimensions-out-of-range", "permute_dimensions", AxisError, x, (0, 1, 3))
    t = sample((2, 3, 4), "float32")
    add(
        "temporal_padding-float32-default",
        "temporal_padding",
        t,
        expected=np.pad(t, ((0, 0), (1, 1), (0, 0))),
        dtype="float32",
    )
    add(
        "temporal_padding-float32-(1,2,1)",
        "temporal_padding",
        q(np.ones((1, 2, 1)), "float32"),
        expected=q(np.pad(np.ones((1, 2, 1)), ((0, 0), (1, 1), (0, 0))), "float32"),
        dtype="float32",
    )
    add(
        "temporal_padding-float32-(0,0)", "temporal_padding", t, (0, 0), expected=t, dtype="float32"
    )
    add_error(
        "temporal_padding-2d",
        "temporal_padding",
        ShapeError,
        q(np.ones((2, 3)), "float32"),
    )
    add_error("temporal_padding-negative", "temporal_padding", InvalidArgumentError, t, (-1, 1))


# --------------------------------------------------------------------------- indexing


def _one_hot_expected(indices: np.ndarray, classes: int) -> np.ndarray:
    return (indices.astype(np.int64)[..., None] == np.arange(classes)).astype(np.float32)


def _indexing() -> None:
    for dtype in ("int8", "int16", "int32", "int64", "uint8"):
        indices = q([[0, 1, 3], [2, 2, 0]], dtype)
        add(
            f"one_hot-{dtype}-2d",
            "one_hot",
            indices,
            4,
            expected=_one_hot_expected(indices, 4),
            dtype="float32",
        )
    ints = q([0, -1, 4, 7, 2], "int32")
    add(
        "one_hot-int32-negative-out-of-range",
        "one_hot",
        ints,
        4,
        expected=_one_hot_expected(ints, 4),
        dtype="float32",
    )
    batch = q(np.arange(24).reshape(2, 3, 4) % 5, "int32")
    add(
        "one_hot-int32-batch-d1-d2",
        "one_hot",
        batch,
        5,
        expected=_one_hot_expected(batch, 5),
        dtype="float32",
    )
    add(
        "one_hot-int32-empty",
        "one_hot",
        q(np.zeros((0,)), "int32"),
        4,
        expected=np.zeros((0, 4), np.float32),
        dtype="float32",
    )
    add(
        "one_hot-int32-scalar",
        "one_hot",
        q(2, "int32"),
        3,
        expected=np.array([0, 0, 1], np.float32),
        dtype="float32",
    )
    add(
        "one_hot-python-list",
        "one_hot",
        [1, 0],
        2,
        expected=np.eye(2, dtype=np.float32)[[1, 0]],
        dtype="float32",
    )
    add(
        "one_hot-float32-under-floatx64",
        "one_hot",
        q([1], "int32"),
        2,
        expected=np.array([[0, 1]], np.float32),
        dtype="float32",
        floatx="float64",
    )
    for dtype in ("float32", "bool"):
        add_error(
            f"one_hot-{dtype}-indices",
            "one_hot",
            DTypeError,
            q([0, 1], dtype),
            3,
        )
    add_error("one_hot-zero-classes", "one_hot", InvalidArgumentError, q([0], "int32"), 0)

    add(
        "batch_gather-golden",
        "batch_gather",
        [1, 2, 3],
        [2],
        expected=np.array([3], np.int32),
        dtype="int32",
    )
    for dtype in DTYPE_NAMES:
        params = sample((2, 4, 3), dtype)
        indices = q([[3, 0], [1, 1]], "int32")
        expected = np.stack([params[b][indices[b]] for b in range(2)])
        add(
            f"batch_gather-{dtype}-batched",
            "batch_gather",
            params,
            indices,
            expected=expected,
            dtype=dtype,
        )
    params = sample((5, 3), "float32")
    for dtype in ("int64", "int8", "uint8"):
        idx = q([4, 0, 2], dtype)
        add(
            f"batch_gather-float32-{dtype}-indices-1d",
            "batch_gather",
            params,
            idx,
            expected=params[idx.astype(int)],
            dtype="float32",
        )
    deep = sample((2, 3, 4, 2), "float32")
    idx3 = q(np.array([[[0, 3], [1, 1], [2, 0]], [[3, 3], [0, 0], [1, 2]]]), "int32")
    expected = np.stack([np.stack([deep[a, b][idx3[a, b]] for b in range(3)]) for a in range(2)])
    add(
        "batch_gather-float32-two-batch-axes",
        "batch_gather",
        deep,
        idx3,
        expected=expected,
        dtype="float32",
    )
    add_error(
        "batch_gather-out-of-range",
        "batch_gather",
        InvalidArgumentError,
        params,
        q([5], "int32"),
        eager_only="the index range is data-dependent, checked only when the indices hold values",
    )
    add_error(
        "batch_gather-negative",
        "batch_gather",
        InvalidArgumentError,
        params,
        q([-1], "int32"),
        eager_only="the index range is data-dependent, checked only when the indices hold values",
    )
    add_error(
        "batch_gather-float-indices",
        "batch_gather",
        DTypeError,
        params,
        q([1.0], "float32"),
    )
    add_error(
        "batch_gather-batch-mismatch",
        "batch_gather",
        ShapeError,
        sample((2, 4), "float32"),
        q([[0], [1], [2]], "int32"),
    )


# --------------------------------------------------------------------------- joining


def _joined(function: str) -> Callable[..., Any]:
    """A call taking the tensors to join as separate arguments (placeholders in symbolic mode)."""
    return lambda k, *xs, **kwargs: getattr(k, function)(list(xs), **kwargs)


_NO_LIST = "tf_keras needs tensors here; multik also takes Python lists"
#: Why a case whose call makes a NumPy value runs eagerly only.
NUMPY_INSIDE = (
    "the call makes a NumPy value, which torch.compile traces as a tensor whose values a "
    "count or an index cannot be read from"
)


def _joins() -> None:
    concat, stack = _joined("concatenate"), _joined("stack")
    for dtype in DTYPE_NAMES:
        a, b = sample((2, 3), dtype), sample((2, 2), dtype)[:, ::-1].copy()
        add(
            f"concatenate-{dtype}-default-axis",
            "concatenate",
            a,
            b,
            call=concat,
            expected=np.concatenate([a, b], -1),
            dtype=dtype,
        )
        add(
            f"stack-{dtype}-default-axis",
            "stack",
            a,
            a[::-1].copy(),
            call=stack,
            expected=np.stack([a, a[::-1]]),
            dtype=dtype,
        )
    x, y, z = (sample((2, 3, 4), "float32") + i for i in range(3))
    for axis in (0, 1, 2, -1, -2, -3):
        add(
            f"concatenate-float32-three-axis{axis}",
            "concatenate",
            x,
            y,
            z,
            call=concat,
            kwargs={"axis": axis},
            expected=np.concatenate([x, y, z], axis),
            dtype="float32",
        )
    for axis in (0, 1, 2, 3, -1, -4):
        add(
            f"stack-float32-axis{axis}",
            "stack",
            x,
            y,
            call=stack,
            kwargs={"axis": axis},
            expected=np.stack([x, y], axis),
            dtype="float32",
        )
    add("concatenate-float32-one", "concatenate", x, call=concat, expected=x, dtype="float32")
    add(
        "concatenate-float32-1d",
        "concatenate",
        q([1, 2], "float32"),
        q([3], "float32"),
        call=concat,
        expected=q([1, 2, 3], "float32"),
        dtype="float32",
    )
    empty, full = q(np.zeros((0, 3)), "float32"), sample((2, 3), "float32")
    add(
        "concatenate-float32-empty-axis0",
        "concatenate",
        empty,
        full,
        call=concat,
        kwargs={"axis": 0},
        expected=full,
        dtype="float32",
    )
    add(
        "concatenate-float32-empty-axis1",
        "concatenate",
        q(np.zeros((2, 0)), "float32"),
        full,
        call=concat,
        expected=full,
        dtype="float32",
    )
    add(
        "stack-float32-scalars",
        "stack",
        q(1.5, "float32"),
        q(-2, "float32"),
        call=stack,
        expected=q([1.5, -2], "float32"),
        dtype="float32",
    )
    add(
        "stack-float32-empty",
        "stack",
        empty,
        empty,
        call=stack,
        kwargs={"axis": 1},
        expected=q(np.zeros((0, 2, 3)), "float32"),
        dtype="float32",
    )
    for function, call, expected in (
        ("concatenate", concat, np.array([[1, 2, 0.5]], np.float32)),
        ("stack", stack, np.array([[1, 2], [0.5, 0.25]], np.float32)),
    ):
        other = q([[0.5]], "float32") if function == "concatenate" else q([0.5, 0.25], "float32")
        add(
            f"{function}-int32-float32-promotes",
            function,
            q([[1, 2]] if function == "concatenate" else [1, 2], "int32"),
            other,
            call=call,
            expected=expected,
            dtype="float32",
            tags=frozenset({"converts-dtype"}),
        )
        add(
            f"{function}-bool-int8-promotes",
            function,
            q([True, False], "bool"),
            q([-3, 4], "int8"),
            call=call,
            expected=(
                np.array([1, 0, -3, 4])
                if function == "concatenate"
                else np.array([[1, 0], [-3, 4]])
            ).astype(np.int8),
            dtype="int8",
            tags=frozenset({"converts-dtype"}),
        )
        add(
            f"{function}-python-lists",
            function,
            [[1, 2], [3, 4]],
            expected=np.array(
                [1, 2, 3, 4] if function == "concatenate" else [[1, 2], [3, 4]], np.int32
            ),
            dtype="int32",
            legacy=_NO_LIST,
        )
        add_error(
            f"{function}-empty-list",
            function,
            InvalidArgumentError,
            [],
            tags=frozenset({"stack-empty"}) if function == "stack" else frozenset(),
        )
        add_error(
            f"{function}-not-a-list",
            function,
            InvalidArgumentError,
            full,
            legacy="tf_keras reads a tensor as the list of its rows",
        )
    add_error(
        "concatenate-mixed-ranks",
        "concatenate",
        ShapeError,
        full,
        q([1, 2, 3], "float32"),
        call=concat,
    )
    add_error(
        "concatenate-scalars",
        "concatenate",
        ShapeError,
        q(1, "float32"),
        q(2, "float32"),
        call=concat,
    )
    add_error(
        "concatenate-shape-mismatch",
        "concatenate",
        ShapeError,
        full,
        q(np.zeros((3, 3)), "float32"),
        call=concat,
        kwargs={"axis": 1},
    )
    add_error(
        "concatenate-axis-out-of-range",
        "concatenate",
        AxisError,
        full,
        full,
        call=concat,
        kwargs={"axis": 2},
    )
    add_error(
        "concatenate-negative-axis-out-of-range",
        "concatenate",
        AxisError,
        full,
        full,
        call=concat,
        kwargs={"axis": -3},
        tags=frozenset({"concatenate-axis"}),
    )
    add_error(
        "stack-shape-mismatch",
        "stack",
        ShapeError,
        full,
        q(np.zeros((3, 2)), "float32"),
        call=stack,
    )
    add_error(
        "stack-axis-out-of-range", "stack", AxisError, full, full, call=stack, kwargs={"axis": 3}
    )


# --------------------------------------------------------------------------- flattening, repetition


def _flattening() -> None:
    for dtype in DTYPE_NAMES:
        x = sample((2, 3, 2), dtype)
        add(f"flatten-{dtype}-3d", "flatten", x, expected=x.reshape(-1), dtype=dtype)
        add(f"batch_flatten-{dtype}-3d", "batch_flatten", x, expected=x.reshape(2, 6), dtype=dtype)
    x4 = sample((2, 1, 3, 2), "float32")
    for function, shape, expected in (
        ("flatten", (), (1,)),
        ("flatten", (4,), (4,)),
        ("flatten", (0, 3), (0,)),
        ("batch_flatten", (), (1, 1)),
        ("batch_flatten", (4,), (4, 1)),
        ("batch_flatten", (0, 3, 2), (0, 6)),
        ("batch_flatten", (2, 3), (2, 3)),
    ):
        x = sample(shape, "float32")
        add(
            f"{function}-float32-{axis_text(shape)}",
            function,
            x,
            expected=x.reshape(expected),
            dtype="float32",
        )
    add("batch_flatten-float32-4d", "batch_flatten", x4, expected=x4.reshape(2, 6), dtype="float32")
    add(
        "batch_flatten-float32-empty-feature-axis",
        "batch_flatten",
        q(np.zeros((2, 0, 3)), "float32"),
        expected=q(np.zeros((2, 0)), "float32"),
        dtype="float32",
        tags=frozenset({"batch-flatten-empty"}),
    )


def _repetition() -> None:
    for dtype in DTYPE_NAMES:
        x = sample((2, 3), dtype)
        add(
            f"repeat-{dtype}-n3",
            "repeat",
            x,
            3,
            expected=np.stack([x, x, x], axis=1),
            dtype=dtype,
        )
        add(
            f"repeat_elements-{dtype}-axis1",
            "repeat_elements",
            x,
            2,
            1,
            expected=np.repeat(x, 2, 1),
            dtype=dtype,
        )
        add(f"tile-{dtype}-(2,1)", "tile", x, (2, 1), expected=np.tile(x, (2, 1)), dtype=dtype)
    add(
        "repeat_elements-golden",
        "repeat_elements",
        q([[1, 2], [3, 4]], "int32"),
        2,
        1,
        expected=np.array([[1, 1, 2, 2], [3, 3, 4, 4]], np.int32),
        dtype="int32",
    )
    x = sample((2, 3), "float32")
    add("repeat-float32-n1", "repeat", x, 1, expected=x[:, None], dtype="float32")
    add(
        "repeat-float32-n0",
        "repeat",
        x,
        0,
        expected=q(np.zeros((2, 0, 3)), "float32"),
        dtype="float32",
    )
    add(
        "repeat-float32-empty-batch",
        "repeat",
        q(np.zeros((0, 3)), "float32"),
        2,
        expected=q(np.zeros((0, 2, 3)), "float32"),
        dtype="float32",
    )
    for shape in ((3,), (2, 3, 1), ()):
        add_error(f"repeat-rank{len(shape)}", "repeat", ShapeError, sample(shape, "float32"), 2)
    add_error("repeat-negative-n", "repeat", InvalidArgumentError, x, -1)
    y = sample((2, 3, 4), "float32")
    for axis in (0, 1, 2, -1, -3):
        add(
            f"repeat_elements-float32-3d-axis{axis}",
            "repeat_elements",
            y,
            3,
            axis,
            expected=np.repeat(y, 3, axis),
            dtype="float32",
        )
    add(
        "repeat_elements-float32-rep1",
        "repeat_elements",
        y,
        1,
        1,
        expected=y,
        dtype="float32",
    )
    add(
        "repeat_elements-float32-1d",
        "repeat_elements",
        q([1.5, -2], "float32"),
        3,
        0,
        expected=q([1.5, 1.5, 1.5, -2, -2, -2], "float32"),
        dtype="float32",
    )
    empty = frozenset({"empty-repeat"})
    add(
        "repeat_elements-float32-rep0",
        "repeat_elements",
        y,
        0,
        2,
        expected=np.repeat(y, 0, 2),
        dtype="float32",
        tags=empty,
    )
    add(
        "repeat_elements-float32-empty-axis",
        "repeat_elements",
        q(np.zeros((0, 3)), "float32"),
        2,
        0,
        expected=q(np.zeros((0, 3)), "float32"),
        dtype="float32",
        tags=empty,
    )
    add(
        "repeat_elements-float32-empty-other-axis",
        "repeat_elements",
        q(np.zeros((0, 3)), "float32"),
        2,
        1,
        expected=q(np.zeros((0, 6)), "float32"),
        dtype="float32",
    )
    add_error("repeat_elements-axis-out-of-range", "repeat_elements", AxisError, x, 2, 2)
    add_error("repeat_elements-scalar", "repeat_elements", AxisError, q(1, "float32"), 2, 0)
    add_error("repeat_elements-negative-rep", "repeat_elements", InvalidArgumentError, x, -1, 0)
    short = frozenset({"tile-short-n"})
    for shape, n, tags in (
        ((3,), 3, frozenset()),
        ((3, 4), 2, short),
        ((3, 4), [2, 1], frozenset()),
        ((3, 4, 5), 2, short),
        ((3, 4, 5), (1, 2), short),
        ((3, 4, 5), (3, 1, 2), frozenset()),
        ((2, 3), (0, 2), frozenset()),
        ((2, 3), (1, 1), frozenset()),
        ((0, 3), (2, 2), frozenset()),
        ((), (), frozenset()),
    ):
        x = sample(shape, "float32")
        add(
            f"tile-float32-{axis_text(shape)}-n{axis_text(n)}",
            "tile",
            x,
            n,
            expected=np.tile(x, n),
            dtype="float32",
            tags=tags,
        )
    add(
        "tile-float32-numpy-n",
        "tile",
        sample((2, 3), "float32"),
        call=lambda k, x: k.tile(x, np.array([2, 1])),
        expected=np.tile(sample((2, 3), "float32"), (2, 1)),
        dtype="float32",
        eager_only=NUMPY_INSIDE,
    )
    add_error("tile-n-too-long", "tile", ShapeError, sample((2, 3), "float32"), (1, 2, 3))
    add_error("tile-negative-n", "tile", ShapeError, sample((2, 3), "float32"), (-1, 1))
    add_error("tile-float-n", "tile", InvalidArgumentError, sample((2, 3), "float32"), (1.5, 1))


# --------------------------------------------------------------------------- reversing, slicing


_SLICE_LEGACY = "tf_keras 2.21 has no slice (Keras 2.3.1 has)"


def _reversing_and_slicing() -> None:
    for dtype in DTYPE_NAMES:
        x = sample((2, 3), dtype)
        add(f"reverse-{dtype}-axis1", "reverse", x, 1, expected=x[:, ::-1], dtype=dtype)
        add(
            f"slice-{dtype}-(1,1)-(1,2)",
            "slice",
            x,
            (1, 1),
            (1, 2),
            expected=x[1:2, 1:3],
            dtype=dtype,
            legacy=_SLICE_LEGACY,
        )
    y = sample((2, 3, 4), "float32")
    for axes in (0, -1, [0, 2], (1, -1), [2, 0, 1], []):
        add(
            f"reverse-float32-3d-axes{axis_text(axes)}",
            "reverse",
            y,
            axes,
            expected=np.flip(y, axes if isinstance(axes, int) else tuple(axes)),
            dtype="float32",
        )
    add(
        "reverse-float32-scalar",
        "reverse",
        q(2.5, "float32"),
        [],
        expected=q(2.5, "float32"),
        dtype="float32",
    )
    add(
        "reverse-float32-empty",
        "reverse",
        q(np.zeros((0, 3)), "float32"),
        0,
        expected=q(np.zeros((0, 3)), "float32"),
        dtype="float32",
    )
    add_error("reverse-repeated-axis", "reverse", AxisError, y, [0, 0])
    add_error("reverse-axis-out-of-range", "reverse", AxisError, y, 3)
    add_error("reverse-axes-none", "reverse", AxisError, y, None)
    for shape, start, size in (
        ((2, 5), (0, 1), (2, 3)),
        ((2, 5), (1, 0), (1, 4)),
        ((3, 2, 3), (1, 1, 0), (1, 1, 3)),
        ((3, 2, 3), (1, 0, 0), (1, 2, 3)),
        ((3, 2, 3), (1, 0, 0), (2, 1, 3)),
        ((3, 2, 3), [0, 1, 1], [-1, -1, 2]),
        ((3, 4), (1, 2), (0, 2)),
        ((0, 4), (0, 1), (0, 2)),
        ((), (), ()),
    ):
        x = sample(shape, "float32")
        index = tuple(
            np.s_[b : shape[i] if z == -1 else b + z] for i, (b, z) in enumerate(zip(start, size))
        )
        add(
            f"slice-float32-{axis_text(shape)}-{axis_text(start)}-{axis_text(size)}",
            "slice",
            x,
            start,
            size,
            expected=np.asarray(x[index]),
            dtype="float32",
            legacy=_SLICE_LEGACY,
        )
    x = sample((3, 2, 3), "float32")
    for name, start, size, error in (
        ("start-too-long", (1, 0, 0, 0), (1, 1, 3), ShapeError),
        ("size-too-short", (1, 0, 0), (1, 1), ShapeError),
        ("past-the-end", (2, 0, 0), (2, 1, 3), InvalidArgumentError),
        ("negative-start", (-1, 0, 0), (1, 1, 3), InvalidArgumentError),
        ("size-below-minus-one", (0, 0, 0), (1, -2, 3), InvalidArgumentError),
    ):
        add_error(f"slice-{name}", "slice", error, x, start, size, legacy=_SLICE_LEGACY)


# --------------------------------------------------------------------------- gathering


_DATA_RANGE = "the index range is data-dependent, checked only when the indices hold values"


def _gathering() -> None:
    indices = q([2, 0, 2], "int32")
    for dtype in DTYPE_NAMES:
        reference = sample((3, 2), dtype)
        add(
            f"gather-{dtype}-rows",
            "gather",
            reference,
            indices,
            expected=reference[[2, 0, 2]],
            dtype=dtype,
        )
    reference = sample((4, 2, 3), "float32")
    for dtype in ("int8", "int16", "int64", "uint8"):
        idx = q([3, 1], dtype)
        add(
            f"gather-float32-{dtype}-indices",
            "gather",
            reference,
            idx,
            expected=reference[[3, 1]],
            dtype="float32",
            tags=frozenset({"index-dtypes"}) if dtype in ("int8", "uint8") else frozenset(),
        )
    matrix = q([[3, 0], [1, 1], [2, 3]], "int32")
    add(
        "gather-float32-2d-indices",
        "gather",
        reference,
        matrix,
        expected=reference[matrix],
        dtype="float32",
    )
    add(
        "gather-float32-scalar-index",
        "gather",
        reference,
        q(2, "int32"),
        expected=reference[2],
        dtype="float32",
    )
    add(
        "gather-float32-empty-indices",
        "gather",
        reference,
        q(np.zeros((0,)), "int32"),
        expected=reference[:0],
        dtype="float32",
    )
    add(
        "gather-float32-empty-reference-2d-indices",
        "gather",
        q(np.zeros((0, 3)), "float32"),
        q(np.zeros((2, 0)), "int32"),
        expected=np.zeros((2, 0, 3), np.float32),
        dtype="float32",
    )
    add(
        "gather-float32-1d-reference",
        "gather",
        q([1.5, 2.5, -1], "float32"),
        q([2, 2, 0], "int32"),
        expected=q([-1, -1, 1.5], "float32"),
        dtype="float32",
    )
    add(
        "gather-python-lists",
        "gather",
        [[1, 2], [3, 4], [5, 6]],
        [2, 0],
        expected=np.array([[5, 6], [1, 2]], np.int32),
        dtype="int32",
    )
    add(
        "gather-numpy-int64-indices",
        "gather",
        reference,
        call=lambda k, r: k.gather(r, np.array([3, 0], np.int64)),
        expected=reference[[3, 0]],
        dtype="float32",
        eager_only=NUMPY_INSIDE,
    )
    for name, idx in (("past-the-end", [4]), ("negative", [-1])):
        add_error(
            f"gather-{name}",
            "gather",
            InvalidArgumentError,
            reference,
            q(idx, "int32"),
            eager_only=_DATA_RANGE,
        )
    add_error(
        "gather-numpy-past-the-end",
        "gather",
        InvalidArgumentError,
        reference,
        call=lambda k, r: k.gather(r, np.array([0, 9], np.int64)),
    )
    add_error("gather-float-indices", "gather", DTypeError, reference, q([1.0], "float32"))
    add_error("gather-bool-indices", "gather", DTypeError, reference, q([True], "bool"))
    add_error("gather-scalar-reference", "gather", ShapeError, q(1.5, "float32"), q([0], "int32"))


# --------------------------------------------------------------------------- padding and resizing


def _spatial_pads(padding: Any, rank: int, data_format: str) -> tuple[tuple[int, int], ...]:
    """np.pad's widths for ``padding`` on the spatial axes of a rank-``rank`` tensor."""
    spatial = [tuple(pair) for pair in padding]
    none = [(0, 0)]
    if data_format == "channels_first":
        return tuple(none * 2 + spatial)
    return tuple(none + spatial + none)


def _padding() -> None:
    for function, rank, padding in (
        ("spatial_2d_padding", 4, ((1, 2), (2, 1))),
        ("spatial_3d_padding", 5, ((1, 2), (2, 1), (0, 1))),
    ):
        spatial = rank - 2
        for dtype in DTYPE_NAMES:
            x = sample((1, *range(2, 2 + spatial), 3), dtype)
            add(
                f"{function}-{dtype}-channels-last",
                function,
                x,
                padding,
                "channels_last",
                expected=np.pad(x, _spatial_pads(padding, rank, "channels_last")),
                dtype=dtype,
            )
        x = sample((2, 3, *range(2, 2 + spatial)), "float32")
        add(
            f"{function}-float32-channels-first",
            function,
            x,
            padding,
            "channels_first",
            expected=np.pad(x, _spatial_pads(padding, rank, "channels_first")),
            dtype="float32",
        )
        add(
            f"{function}-float32-defaults",
            function,
            x,
            expected=np.pad(x, _spatial_pads(((1, 1),) * spatial, rank, "channels_last")),
            dtype="float32",
        )
        lists = [list(pair) for pair in padding]
        add(
            f"{function}-float32-list-padding",
            function,
            x,
            kwargs={"padding": lists, "data_format": "channels_first"},
            expected=np.pad(x, _spatial_pads(padding, rank, "channels_first")),
            dtype="float32",
        )
        zeros = ((0, 0),) * spatial
        add(
            f"{function}-float32-zero-padding",
            function,
            x,
            zeros,
            expected=x,
            dtype="float32",
        )
        add(
            f"{function}-float32-empty-batch",
            function,
            q(np.zeros((0, *x.shape[1:])), "float32"),
            padding,
            expected=np.pad(
                np.zeros((0, *x.shape[1:]), np.float32),
                _spatial_pads(padding, rank, "channels_last"),
            ),
            dtype="float32",
        )
        add_error(
            f"{function}-bad-data-format",
            function,
            InvalidArgumentError,
            x,
            padding,
            "channels_middle",
        )
        add_error(
            f"{function}-wrong-rank", function, ShapeError, sample((2, 3, 4), "float32"), padding
        )
        add_error(
            f"{function}-negative-padding",
            function,
            InvalidArgumentError,
            x,
            ((-1, 0), *padding[1:]),
        )
        add_error(f"{function}-too-few-pairs", function, InvalidArgumentError, x, padding[1:])


def bilinear_reference(x: np.ndarray, factors: tuple[int, ...], axes: tuple[int, ...]) -> Any:
    """TensorFlow's bilinear upsampling (half-pixel centres), rounded to float32: along the
    last axis of ``axes`` first, output o reads source position s = (o + 0.5) / factor - 0.5
    (computed in float32, as TensorFlow does) and is a + (b - a) * (s - floor(s)) in float64,
    with a and b the inputs at floor(s) and ceil(s), clamped to the axis."""
    out = x.astype(np.float64)
    for axis, factor in reversed(tuple(zip(axes, factors))):
        size = out.shape[axis]
        scale = np.float32(size) / np.float32(size * factor) if size else np.float32(0)
        rows = []
        for o in range(size * factor):
            source = (np.float32(o) + np.float32(0.5)) * scale - np.float32(0.5)
            low = math.floor(source)
            a = np.take(out, max(low, 0), axis)
            b = np.take(out, min(math.ceil(source), size - 1), axis)
            with np.errstate(invalid="ignore"):
                rows.append(a + (b - a) * float(source - np.float32(low)))
        out = np.stack(rows, axis) if rows else np.take(out, [], axis)
    return out.astype(np.float32)


def _resizing() -> None:
    for dtype in DTYPE_NAMES:
        x = sample((2, 2, 3, 2), dtype)
        for data_format, axes in (("channels_last", (1, 2)), ("channels_first", (2, 3))):
            if dtype == "bool":
                continue
            add(
                f"resize_images-{dtype}-nearest-{data_format}",
                "resize_images",
                x,
                2,
                3,
                data_format,
                expected=np.repeat(np.repeat(x, 2, axes[0]), 3, axes[1]),
                dtype=dtype,
            )
        if dtype != "bool":
            add(
                f"resize_images-{dtype}-bilinear",
                "resize_images",
                x,
                2,
                3,
                "channels_last",
                "bilinear",
                expected=bilinear_reference(x.astype(np.float32), (2, 3), (1, 2)),
                dtype="float32",
            )
        v = sample((1, 2, 1, 2, 2), dtype)
        add(
            f"resize_volumes-{dtype}-channels-last",
            "resize_volumes",
            v,
            2,
            3,
            1,
            "channels_last",
            expected=np.repeat(np.repeat(v, 2, 1), 3, 2),
            dtype=dtype,
        )
    add(
        "resize_images-golden-bilinear",
        "resize_images",
        q([[[[1], [2]]]], "float32"),
        1,
        2,
        "channels_last",
        "bilinear",
        expected=q([[[[1], [1.25], [1.75], [2]]]], "float32"),
        dtype="float32",
    )
    rng = np.random.default_rng(7)
    for shape, factors, data_format in (
        ((2, 5, 7, 3), (3, 2), "channels_last"),
        ((1, 3, 4, 5), (2, 2), "channels_first"),
        ((1, 1, 1, 2), (4, 5), "channels_last"),
        ((2, 9, 3, 1), (7, 1), "channels_last"),
        ((1, 4, 6, 1), (1, 1), "channels_last"),
    ):
        x = q(rng.normal(size=shape), "float32")
        axes = (2, 3) if data_format == "channels_first" else (1, 2)
        add(
            f"resize_images-float32-bilinear-{axis_text(shape)}-x{factors[0]}x{factors[1]}",
            "resize_images",
            x,
            *factors,
            data_format,
            "bilinear",
            expected=bilinear_reference(x, factors, axes),
            dtype="float32",
        )
    special = q([[[[1], [np.nan], [3], [np.inf]], [[-np.inf], [2], [0], [5]]]], "float32")
    add(
        "resize_images-float32-bilinear-nan-inf",
        "resize_images",
        special,
        2,
        2,
        "channels_last",
        "bilinear",
        expected=bilinear_reference(special, (2, 2), (1, 2)),
        dtype="float32",
    )
    x = sample((2, 3, 4, 2), "float32")
    add(
        "resize_images-float32-default-nearest",
        "resize_images",
        x,
        2,
        2,
        "channels_last",
        expected=np.repeat(np.repeat(x, 2, 1), 2, 2),
        dtype="float32",
    )
    add(
        "resize_images-float32-factor1",
        "resize_images",
        x,
        1,
        1,
        "channels_first",
        expected=x,
        dtype="float32",
    )
    add(
        "resize_images-float32-empty-batch",
        "resize_images",
        q(np.zeros((0, 3, 4, 2)), "float32"),
        2,
        2,
        "channels_last",
        "bilinear",
        expected=q(np.zeros((0, 6, 8, 2)), "float32"),
        dtype="float32",
    )
    add(
        "resize_images-float32-empty-image",
        "resize_images",
        q(np.zeros((1, 0, 4, 2)), "float32"),
        2,
        2,
        "channels_last",
        expected=q(np.zeros((1, 0, 8, 2)), "float32"),
        dtype="float32",
        tags=frozenset({"empty-repeat"}),
    )
    for data_format in ("channels_first", "channels_last"):
        v = sample((2, 2, 2, 3, 2), "float32")
        axes = (2, 3, 4) if data_format == "channels_first" else (1, 2, 3)
        expected = v
        for axis in axes:
            expected = np.repeat(expected, 2, axis)
        add(
            f"resize_volumes-float32-{data_format}",
            "resize_volumes",
            v,
            2,
            2,
            2,
            data_format,
            expected=expected,
            dtype="float32",
        )
    none = frozenset({"data-format-none"})
    add(
        "resize_images-float32-data-format-none",
        "resize_images",
        x,
        2,
        1,
        None,
        expected=np.repeat(x, 2, 1),
        dtype="float32",
        tags=none,
    )
    add(
        "resize_volumes-float32-data-format-none",
        "resize_volumes",
        v,
        1,
        1,
        2,
        None,
        expected=np.repeat(v, 2, 3),
        dtype="float32",
        tags=none,
    )
    strict = frozenset({"resize-checks"})
    for name, args, error, tags in (
        ("bad-data-format", (x, 2, 2, "channels_middle"), InvalidArgumentError, frozenset()),
        (
            "bool",
            (q(np.ones((1, 2, 2, 1)), "bool"), 2, 2, "channels_last"),
            DTypeError,
            frozenset(),
        ),
        ("factor-0", (x, 0, 2, "channels_last"), InvalidArgumentError, frozenset()),
        ("rank-5", (x[None], 2, 2, "channels_last"), ShapeError, frozenset()),
        ("rank-3", (x[0], 2, 2, "channels_last"), ShapeError, strict),
        ("float-factor", (x, 1.5, 2, "channels_last"), InvalidArgumentError, strict),
        ("bicubic", (x, 2, 2, "channels_last", "bicubic"), InvalidArgumentError, strict),
    ):
        add_error(f"resize_images-{name}", "resize_images", error, *args, tags=tags)
    add_error(
        "resize_volumes-bad-data-format",
        "resize_volumes",
        InvalidArgumentError,
        v,
        2,
        2,
        2,
        "channels_middle",
    )
    add_error(
        "resize_volumes-factor-0",
        "resize_volumes",
        InvalidArgumentError,
        v,
        0,
        1,
        1,
        "channels_last",
    )
    add_error(
        "resize_volumes-rank-4",
        "resize_volumes",
        ShapeError,
        x,
        2,
        2,
        2,
        "channels_last",
        tags=strict,
    )


def build() -> None:
    """Add this family's cases to the table."""
    _shape_ops()
    _indexing()
    _joins()
    _flattening()
    _repetition()
    _reversing_and_slicing()
    _gathering()
    _padding()
    _resizing()
