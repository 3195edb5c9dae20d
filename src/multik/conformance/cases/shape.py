"""Conformance cases of family H: shapes, indexing and padding."""

from __future__ import annotations

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


def build() -> None:
    """Add this family's cases to the table."""
    _shape_ops()
    _indexing()
