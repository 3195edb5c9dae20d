"""Conformance cases of families B and C: creation and introspection."""

from __future__ import annotations

import numpy as np

from multik.conformance.cases.shape import NUMPY_INSIDE
from multik.conformance.cases.table import (
    DTYPE_NAMES,
    add,
    add_error,
    q,
    sample,
)
from multik.errors import (
    DTypeError,
    InvalidArgumentError,
    ShapeError,
)

# ------------------------------------------------------------------- creation & introspection

_VARIABLE_ONLY = (
    "creates a framework variable and returns a multik Variable, which a compiled function "
    "cannot return"
)
_PYTHON_RESULT = "returns a Python value computed from the static shape or dtype"
_NUMPY_RESULT = "returns a NumPy array, which needs concrete values"


def _creation() -> None:
    add(
        "variable-golden-float64-name",
        "variable",
        [[1, 2], [3, 4]],
        kwargs={"dtype": "float64", "name": "example_var"},
        expected=np.array([[1, 2], [3, 4]], np.float64),
        dtype="float64",
        eager_only=_VARIABLE_ONLY,
    )
    add(
        "variable-name-kept",
        "variable",
        [[1, 2], [3, 4]],
        kwargs={"dtype": "float64", "name": "example_var"},
        call=lambda k, v, **kw: k.variable(v, **kw).name,
        expected="example_var",
        eager_only=_PYTHON_RESULT,
    )
    add(
        "variable-int-data-gives-floatx",
        "variable",
        [[1, 2], [3, 4]],
        expected=np.array([[1, 2], [3, 4]], np.float32),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
    )
    add(
        "variable-floatx64",
        "variable",
        [1, 2],
        expected=np.array([1, 2], np.float64),
        dtype="float64",
        floatx="float64",
        eager_only=_VARIABLE_ONLY,
    )
    for dtype in DTYPE_NAMES:
        x = sample((2, 3), dtype)
        add(
            f"variable-{dtype}",
            "variable",
            x,
            kwargs={"dtype": dtype},
            expected=x,
            dtype=dtype,
            eager_only=_VARIABLE_ONLY,
        )
        add(
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
            add(
                f"{function}-{dtype}",
                function,
                argument,
                kwargs={"dtype": dtype} if variable else {},
                expected=q(values, dtype),
                dtype=dtype,
                eager_only=_VARIABLE_ONLY if variable else "",
            )
        add(
            f"shape-{dtype}",
            "shape",
            x,
            expected=np.array([2, 3], np.int32),
            dtype="int32",
        )
        add(f"int_shape-{dtype}", "int_shape", x, expected=(2, 3), eager_only=_PYTHON_RESULT)
        add(f"ndim-{dtype}", "ndim", x, expected=2, eager_only=_PYTHON_RESULT)
        add(f"dtype-{dtype}", "dtype", x, expected=dtype, eager_only=_PYTHON_RESULT)
        add(f"eval-{dtype}", "eval", x, expected=x, dtype=dtype, eager_only=_NUMPY_RESULT)
        add(
            f"get_value-{dtype}-variable",
            "get_value",
            x,
            call=lambda k, v: k.get_value(k.variable(v, dtype=k.dtype(v))),
            expected=x,
            dtype=dtype,
            eager_only=_NUMPY_RESULT,
        )
    add(
        "variable-of-float64-array-default-floatx",
        "variable",
        q([1.5], "float64"),
        expected=q([1.5], "float32"),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
    )
    add_error(
        "variable-unknown-dtype",
        "variable",
        DTypeError,
        [1],
        kwargs={"dtype": "float128x"},
        eager_only=_VARIABLE_ONLY,
    )
    add(
        "constant-python-int-floatx",
        "constant",
        1,
        expected=np.array(1, np.float32),
        dtype="float32",
    )
    add(
        "constant-floatx64",
        "constant",
        1,
        expected=np.array(1, np.float64),
        dtype="float64",
        floatx="float64",
    )
    add(
        "constant-fill-shape",
        "constant",
        5,
        kwargs={"shape": (2, 3)},
        expected=np.full((2, 3), 5, np.float32),
        dtype="float32",
    )
    add(
        "constant-reshape",
        "constant",
        [1, 2, 3, 4, 5, 6],
        kwargs={"shape": (2, 3), "dtype": "int32"},
        expected=np.arange(1, 7, dtype=np.int32).reshape(2, 3),
        dtype="int32",
    )
    add(
        "constant-float-to-int32-truncates",
        "constant",
        [1.7, -1.7],
        kwargs={"dtype": "int32"},
        expected=np.array([1, -1], np.int32),
        dtype="int32",
    )
    add_error("constant-bad-shape", "constant", ShapeError, [1, 2, 3], kwargs={"shape": (2, 2)})
    add_error("constant-unknown-dtype", "constant", DTypeError, 1, kwargs={"dtype": "float128x"})
    add(
        "zeros-default-floatx",
        "zeros",
        (2, 0),
        expected=np.zeros((2, 0), np.float32),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
    )
    add(
        "zeros-scalar",
        "zeros",
        (),
        expected=np.zeros((), np.float32),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
    )
    add(
        "ones-floatx64",
        "ones",
        (3,),
        expected=np.ones(3, np.float64),
        dtype="float64",
        floatx="float64",
        eager_only=_VARIABLE_ONLY,
    )
    add(
        "eye-rectangular",
        "eye",
        (2, 3),
        expected=np.eye(2, 3, dtype=np.float32),
        dtype="float32",
        eager_only=_VARIABLE_ONLY,
        tags=frozenset({"eye-tuple"}),
    )
    add_error("zeros-negative-shape", "zeros", ShapeError, (2, -1), eager_only=_VARIABLE_ONLY)
    x = sample((2, 3), "int32")
    add(
        "zeros_like-int32-to-float32",
        "zeros_like",
        x,
        kwargs={"dtype": "float32"},
        expected=np.zeros((2, 3), np.float32),
        dtype="float32",
    )
    add(
        "ones_like-int32-to-bool",
        "ones_like",
        x,
        kwargs={"dtype": "bool"},
        expected=np.ones((2, 3), bool),
        dtype="bool",
    )
    add(
        "zeros_like-keeps-int32-under-floatx64",
        "zeros_like",
        x,
        expected=np.zeros((2, 3), np.int32),
        dtype="int32",
        floatx="float64",
    )
    add(
        "shape-scalar", "shape", q(1.5, "float32"), expected=np.zeros((0,), np.int32), dtype="int32"
    )
    add(
        "shape-empty",
        "shape",
        q(np.zeros((0, 4)), "float32"),
        expected=np.array([0, 4], np.int32),
        dtype="int32",
    )
    add("int_shape-scalar", "int_shape", q(1.5, "float32"), expected=(), eager_only=_PYTHON_RESULT)
    add(
        "int_shape-variable",
        "int_shape",
        x,
        call=lambda k, v: k.int_shape(k.variable(v)),
        expected=(2, 3),
        eager_only=_PYTHON_RESULT,
    )
    add("ndim-scalar", "ndim", q(1.5, "float32"), expected=0, eager_only=_PYTHON_RESULT)
    add(
        "dtype-python-float",
        "dtype",
        1.5,
        expected="float32",
        eager_only=_PYTHON_RESULT,
        legacy="tf_keras takes a tensor here, multik also a Python value",
    )
    add(
        "dtype-python-int",
        "dtype",
        1,
        expected="int32",
        eager_only=_PYTHON_RESULT,
        legacy="tf_keras takes a tensor here, multik also a Python value",
    )
    add(
        "dtype-variable-int-data",
        "dtype",
        [1, 2],
        call=lambda k, v: k.dtype(k.variable(v)),
        expected="float32",
        eager_only=_PYTHON_RESULT,
    )
    add(
        "eval-python-list",
        "eval",
        [[1.5, 2]],
        expected=np.array([[1.5, 2]], np.float32),
        dtype="float32",
        eager_only=_NUMPY_RESULT,
        legacy="tf_keras takes a tensor here, multik also a Python value",
    )
    add(
        "eval-variable",
        "eval",
        [[1, 2], [3, 4]],
        call=lambda k, v: k.eval(k.variable(v, dtype="float64")),
        expected=np.array([[1, 2], [3, 4]], np.float64),
        dtype="float64",
        eager_only=_NUMPY_RESULT,
    )
    add(
        "cast_to_floatx-floatx64",
        "cast_to_floatx",
        q([1, 2], "int32"),
        expected=np.array([1, 2], np.float64),
        dtype="float64",
        floatx="float64",
        eager_only=_NUMPY_RESULT,
    )
    add("floatx-set", "floatx", floatx="float64", expected="float64", eager_only=_PYTHON_RESULT)
    add("epsilon-set", "epsilon", epsilon=1e-3, expected=1e-3, eager_only=_PYTHON_RESULT)


_KERAS_231 = "tf_keras 2.21 has no {} (Keras 2.3.1 has)"
_DATA_LENGTH = "the length of the result depends on the value of a tensor bound"


def _identity_and_ranges() -> None:
    for dtype in DTYPE_NAMES:
        x = sample((2, 3), dtype)
        add(
            f"identity-{dtype}",
            "identity",
            x,
            expected=x,
            dtype=dtype,
            legacy=_KERAS_231.format("identity"),
        )
        add(
            f"arange-{dtype}-dtype",
            "arange",
            4,
            kwargs={"dtype": dtype},
            expected=np.arange(4).astype(q(0, dtype).dtype),
            dtype=dtype,
        )
        add(
            f"size-{dtype}",
            "size",
            x,
            expected=np.array(6, np.int32),
            dtype="int32",
            legacy=_KERAS_231.format("size"),
        )
        add(f"to_dense-{dtype}", "to_dense", x, expected=x, dtype=dtype)
    for shape in ((), (0, 3), (4,)):
        x = sample(shape, "float32")
        add(
            f"identity-float32-{len(shape)}d-{x.size}",
            "identity",
            x,
            expected=x,
            dtype="float32",
            legacy=_KERAS_231.format("identity"),
        )
        add(
            f"size-float32-{len(shape)}d-{x.size}",
            "size",
            x,
            expected=np.array(x.size, np.int32),
            dtype="int32",
            legacy=_KERAS_231.format("size"),
        )
        add(
            f"get_variable_shape-float32-{len(shape)}d-{x.size}",
            "get_variable_shape",
            x,
            expected=shape,
            eager_only=_PYTHON_RESULT,
            legacy=_KERAS_231.format("get_variable_shape"),
        )
        add(
            f"is_sparse-float32-{len(shape)}d-{x.size}",
            "is_sparse",
            x,
            expected=False,
            eager_only=_PYTHON_RESULT,
        )
    add(
        "get_variable_shape-variable",
        "get_variable_shape",
        [[1, 2, 3]],
        call=lambda k, v: k.get_variable_shape(k.variable(v)),
        expected=(1, 3),
        eager_only=_PYTHON_RESULT,
        legacy=_KERAS_231.format("get_variable_shape"),
    )
    add(
        "identity-python-list",
        "identity",
        [[1, 2]],
        expected=np.array([[1, 2]], np.int32),
        dtype="int32",
        legacy=_KERAS_231.format("identity"),
    )
    for args, expected in (
        ((5,), np.arange(5)),
        ((0,), np.arange(0)),
        ((-20,), np.arange(0)),
        ((2, 7, 2), np.arange(2, 7, 2)),
        ((5, 0, -1), np.arange(5, 0, -1)),
        ((-5, 5, 2), np.arange(-5, 5, 2)),
        ((0, 1, 2), np.arange(0, 1, 2)),
        ((-5, -1), np.arange(-5, -1)),
    ):
        add(
            f"arange-int32-{'-'.join(map(str, args))}",
            "arange",
            *args,
            expected=expected.astype(np.int32),
            dtype="int32",
        )
    add(
        "arange-int32-stop-none-step",
        "arange",
        5,
        None,
        2,
        expected=np.array([0, 2, 4], np.int32),
        dtype="int32",
    )
    for args, dtype, expected in (
        ((0, 1, 0.25), "float32", [0, 0.25, 0.5, 0.75]),
        ((2.5,), "float32", [0, 1, 2]),
        ((1, -1, -0.5), "float32", [1, 0.5, 0, -0.5]),
        ((0, 1, 0.1), "float32", np.arange(10) / 10),
        ((0, 2, 0.5), "float64", [0, 0.5, 1, 1.5]),
        ((0.5, 4), "int16", [0, 1, 2, 3]),
        ((-2.5, 1), "int8", [-2, -1, 0, 0]),
    ):
        add(
            f"arange-{dtype}-floats-{'-'.join(map(str, args))}",
            "arange",
            *args,
            kwargs={} if dtype == "float32" else {"dtype": dtype},
            expected=q(expected, dtype),
            dtype=dtype,
        )
    add(
        "arange-python-floats-under-floatx64",
        "arange",
        0,
        1.5,
        expected=q([0, 1], "float32"),
        dtype="float32",
        floatx="float64",
    )
    add(
        "arange-numpy-int64-bound",
        "arange",
        call=lambda k: k.arange(np.int64(3)),
        expected=np.arange(3, dtype=np.int64),
        dtype="int64",
        eager_only=NUMPY_INSIDE,
    )
    for dtype, value, expected in (
        ("int32", 3, [0, 1, 2]),
        ("int32", -3, []),
        ("int64", 2, [0, 1]),
        ("float32", 2.5, [0, 1, 2]),
    ):
        add(
            f"arange-{dtype}-tensor-bound-{value}",
            "arange",
            q(value, dtype),
            expected=q(expected, dtype),
            dtype=dtype,
            eager_only=_DATA_LENGTH,
        )
    add(
        "arange-tensor-start-python-stop",
        "arange",
        q(1, "int32"),
        4,
        expected=np.array([1, 2, 3], np.int32),
        dtype="int32",
        eager_only=_DATA_LENGTH,
    )
    add_error("arange-step-zero", "arange", InvalidArgumentError, 0, 5, 0)
    add_error("arange-backwards", "arange", InvalidArgumentError, 3, 1)
    add_error("arange-forwards-negative-step", "arange", InvalidArgumentError, 1, 3, -1)
    add_error(
        "arange-vector-bound", "arange", ShapeError, q([3, 4], "int32"), eager_only=_DATA_LENGTH
    )


def build() -> None:
    """Add this family's cases to the table."""
    _creation()
    _identity_and_ranges()
