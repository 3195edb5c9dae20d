"""The dtype names and the result-dtype rules of multik.dtypes."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

import multik
from multik import backend as K
from multik import dtypes
from multik.errors import DTypeError
from multik.testing import test_backends


@pytest.mark.parametrize("name", dtypes.DTYPES)
def test_names_round_trip(name):
    assert dtypes.canonical(name) == name


@pytest.mark.parametrize(
    "given, name",
    [(np.float32, "float32"), (np.dtype("int8"), "int8"), (np.bool_, "bool"), (" int32 ", "int32")],
)
def test_numpy_dtypes_and_blanks(given, name):
    assert dtypes.canonical(given) == name


@pytest.mark.parametrize("bad", ["float128x", "", "int", None, 3.5])
def test_unknown_names_raise_dtype_error(bad):
    with pytest.raises(DTypeError, match="valid names: bool, int8"):
        dtypes.canonical(bad)


@pytest.mark.parametrize("bad", ["uint16", "uint32", "complex64", "float8_e4m3fn"])
def test_known_but_unsupported(bad):
    with pytest.raises(DTypeError, match="not supported by multik"):
        dtypes.canonical(bad)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("int32", "float32", "float32"),
        ("float16", "int32", "float16"),
        ("bfloat16", "float16", "float32"),
        ("int8", "uint8", "int16"),
        ("uint8", "uint8", "uint8"),
        ("bool", "int8", "int8"),
        ("bool", "bool", "bool"),
        ("int32", "int64", "int64"),
        ("int64", "float32", "float32"),
        ("float32", "float64", "float64"),
    ],
)
def test_promotion_lattice(a, b, expected):
    assert dtypes.result_type(a, b) == dtypes.result_type(b, a) == expected


@pytest.mark.parametrize(
    "tensor, scalar, expected",
    [
        ("int8", 3, "int8"),
        ("int8", 1.5, "float32"),
        ("bool", 1, "int32"),
        ("float16", 2, "float16"),
    ],
)
def test_python_scalars_are_weak(tensor, scalar, expected):
    assert dtypes.result_type(tensor, None, scalar) == expected


@pytest.mark.parametrize(
    "name, rule",
    [
        ("bool", ("int32", "int32")),
        ("int8", ("int32", "int32")),
        ("uint8", ("int32", "int32")),
        ("int16", ("int32", "int32")),
        ("int32", ("int32", "int32")),
        ("int64", ("int64", "int64")),
        ("float16", ("float32", "float16")),
        ("bfloat16", ("float32", "bfloat16")),
        ("float64", ("float64", "float64")),
    ],
)
def test_accumulator_rule(name, rule):
    assert dtypes.accumulator(name) == rule


def test_mean_of_integers_gives_floatx():
    assert dtypes.mean_dtype("int32", "float64") == ("float64", "float64")
    assert dtypes.mean_dtype("float16", "float32") == ("float32", "float16")


@pytest.mark.parametrize(
    "source, target, bounds",
    [
        ("float32", "int32", (-2147483648.0, 2147483520.0)),
        ("float16", "int32", (-65504.0, 65504.0)),
        ("float32", "uint8", (0.0, 255.0)),
        ("float64", "int8", (-128.0, 127.0)),
    ],
)
def test_saturation_bounds_are_representable(source, target, bounds):
    assert dtypes.saturation_bounds(source, target) == bounds


@pytest.mark.skipif(
    importlib.util.find_spec("ml_dtypes") is not None,
    reason="ml_dtypes is installed here; the NumPy-only CI job runs this test for real",
)
def test_bfloat16_on_numpy_without_ml_dtypes_names_the_package():
    with pytest.raises(DTypeError, match="pip install ml_dtypes"):
        K.cast([1.0, 2.0], "bfloat16")


@pytest.mark.parametrize("backend", test_backends())
def test_variable_dtype_reads_like_a_tf_dtype_and_a_string(backend):
    # Legacy code reads ``var.dtype.name`` (a tf.DType attribute) and compares it to strings.
    with multik.use_backend(backend):
        v = K.variable([[1, 2], [3, 4]], dtype="int32")
        assert v.dtype.name == "int32" and type(v.dtype.name) is str
        assert v.dtype == "int32" and isinstance(v.dtype, str) and hash(v.dtype) == hash("int32")
        assert {v.dtype: 1}["int32"] == 1 and f"{v.dtype}" == "int32"
        assert repr(v.dtype) == "'int32'" and json.dumps(K.dtype(v)) == '"int32"'
        assert K.dtype(v) == "int32" and K.dtype(K.variable([1], dtype=v.dtype)) == "int32"
