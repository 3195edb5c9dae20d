"""Properties over input forms: a value gives the same result whatever form it comes in (byte
order, strides, memory order, read-only, NumPy scalar, Python list, a framework tensor on either
side of a Variable's operator), Python numbers beyond float32 overflow to inf everywhere, and
shapes that do not broadcast raise one ShapeError for every operator."""

from __future__ import annotations

import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_properties import PROFILE, backends
from test_robustness import native

import multik
from multik import backend as K
from multik.errors import ShapeError

FORMS = {
    "plain": lambda a: a,
    "big-endian": lambda a: a.astype(a.dtype.newbyteorder(">")),
    "reversed": lambda a: a[::-1].copy()[::-1] if a.ndim else a,
    "fortran": np.asfortranarray,
    "read-only": lambda a: _read_only(a),
    "list": lambda a: a.tolist(),
}
UNARY = {
    "sum": K.sum,
    "mean": K.mean,
    "square": K.square,
    "relu": K.relu,
    "sigmoid": K.sigmoid,
    "cast": lambda x: K.cast(x, "float32"),
}
OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "<": operator.lt,
    ">=": operator.ge,
}


def _read_only(a: np.ndarray) -> np.ndarray:
    b = np.array(a)
    b.flags.writeable = False
    return b


def _values(dtype: str):
    elements = st.floats(-100, 100, width=32) if dtype == "float32" else st.integers(-100, 100)
    return hnp.arrays(
        dtype, hnp.array_shapes(min_dims=0, max_dims=2, max_side=4), elements=elements
    )


@backends
@PROFILE
@given(data=st.data(), dtype=st.sampled_from(["float32", "int32"]))
def test_every_form_gives_the_plain_arrays_result(backend, data, dtype):
    array = data.draw(_values(dtype))
    form = data.draw(st.sampled_from(sorted(FORMS)))
    name = data.draw(st.sampled_from(sorted(UNARY)))
    if form == "list" and dtype == "float32":
        array = array.astype("float64").astype("float32")  # a list of floats becomes floatx
    with multik.use_backend(backend):
        plain = UNARY[name](array)
        other = UNARY[name](FORMS[form](array))
        assert K.dtype(other) == K.dtype(plain)
        np.testing.assert_array_equal(K.eval(other), K.eval(plain))


@backends
@PROFILE
@given(data=st.data())
def test_operators_agree_on_both_sides(backend, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=3))
    left = data.draw(hnp.arrays("float32", shape, elements=st.floats(0.5, 4, width=32)))
    right = data.draw(hnp.arrays("int32", shape, elements=st.integers(1, 5)))
    symbol = data.draw(st.sampled_from(sorted(OPERATORS)))
    op = OPERATORS[symbol]
    with multik.use_backend(backend):
        v = K.variable(left)
        results = [op(v, native(backend, right)), op(v, right)]
        if backend == "tensorflow" and symbol in ("<", ">="):
            # TensorFlow's comparison operators never fall back to the right operand's
            # reflected method; refusing to convert a Variable makes that a clear TypeError.
            with pytest.raises(TypeError, match="cannot take multik Variable"):
                op(native(backend, left), K.variable(right, dtype="int32"))
        else:
            results.append(op(native(backend, left), K.variable(right, dtype="int32")))
        reference = op(left.astype("float64"), right.astype("float64"))
        for result in results:
            assert K.dtype(result) == ("bool" if symbol in "<>=" else "float32")
            np.testing.assert_allclose(K.eval(result).astype("float64"), reference, rtol=1e-6)


@backends
@PROFILE
@given(value=st.floats(3.5e38, 1e308), sign=st.sampled_from([1.0, -1.0]))
def test_python_numbers_beyond_float32_overflow(backend, value, sign):
    with multik.use_backend(backend):
        out = K.eval(K.variable([1.0, 2.0]) * (sign * value))
        np.testing.assert_array_equal(out, [sign * np.inf] * 2)


@backends
@PROFILE
@given(data=st.data())
def test_shapes_that_do_not_broadcast_raise_shape_error(backend, data):
    a = data.draw(st.integers(2, 4))
    b = data.draw(st.integers(2, 4).filter(lambda n: n != a))
    symbol = data.draw(st.sampled_from(sorted(OPERATORS)))
    with multik.use_backend(backend):
        v = K.variable(np.ones((3, a), "float32"))
        other = np.ones((3, b), "float32")
        for left, right in ((v, other), (other, v), (v, native(backend, other))):
            try:
                OPERATORS[symbol](left, right)
            except ShapeError as error:
                assert f"(3, {a})" in str(error) and f"(3, {b})" in str(error)
            else:
                raise AssertionError(f"(3, {a}) {symbol} (3, {b}) did not raise ShapeError")
