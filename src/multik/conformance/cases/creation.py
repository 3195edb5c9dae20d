"""Conformance cases of families B and C: creation and introspection."""

from __future__ import annotations

import numpy as np

from multik.conformance.cases.table import (
    DTYPE_NAMES,
    add,
    add_error,
    q,
    sample,
)
from multik.errors import (
    DTypeError,
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


def build() -> None:
    """Add this family's cases to the table."""
    _creation()
