"""``multik.testing.assert_backends_agree``: agreeing functions pass; a difference in values,
dtype, shape, output count or raised error names the two backends, the output and where."""

from __future__ import annotations

import re

import numpy as np
import pytest

from multik.errors import BackendNotFoundError, ShapeError
from multik.testing import assert_backends_agree, selection, test_backends

SECOND = next((b for b in ("jax", "torch", "tensorflow") if b in test_backends()), None)
pytestmark = pytest.mark.skipif(SECOND is None, reason="needs a second backend besides numpy")
PAIR = ["numpy", SECOND]
X = np.arange(6, dtype="float32").reshape(2, 3) / 7


def on_second(K, value, other):
    """``other`` on the second backend, ``value`` on numpy: a function that disagrees."""
    return other if K.backend() == SECOND else value


def test_agreeing_losses_pass():
    target = np.eye(3, dtype="float32")[[0, 2]]

    def losses(K, t, x):
        probs = K.softmax(K.constant(x))
        return (
            K.categorical_crossentropy(K.constant(t), probs),
            K.sum(K.square(probs), axis=-1),
            K.int_shape(probs),
            K.dtype(probs),
        )

    assert_backends_agree(losses, target, X, backends=PAIR)


def test_default_is_the_backends_of_the_test_run():
    seen = []

    def record(K, x):
        seen.append(K.backend())
        return K.mean(x, axis=0)

    previous = selection.set_run_backends([SECOND, "numpy"])  # as --multik-backends does
    try:
        assert_backends_agree(record, X)
    finally:
        selection.set_run_backends(previous)
    assert seen == [SECOND, "numpy"]


def test_values_name_the_backends_output_and_index():
    bump = np.zeros_like(X)
    bump[1, 2] = 0.5

    def shifted(K, x):
        return K.constant(x), K.constant(on_second(K, x, x + bump))

    with pytest.raises(AssertionError) as info:
        assert_backends_agree(shifted, X, backends=PAIR)
    message = str(info.value)
    assert message.startswith(f"backends numpy and {SECOND} disagree on test_values_name")
    assert "output 1: 1 of 6 values differ beyond tolerance (float32: rtol 1e-05, atol 1e-06)" in (
        message
    )
    assert re.search(r"max \|diff\| 0\.5 at index \(1, 2\) \(numpy 0\.714\d*, \w+ 1\.214", message)
    assert "max relative diff 0.7 at index (1, 2)" in message


def test_differences_within_the_tolerance_table_pass_and_rtol_tightens_it():
    def nudged(K, x):
        return K.constant(on_second(K, x, x * np.float32(1 + 2e-6)))

    assert_backends_agree(nudged, X, backends=PAIR)
    with pytest.raises(AssertionError, match="rtol 1e-07, atol 0"):
        assert_backends_agree(nudged, X, backends=PAIR, rtol=1e-7, atol=0)


def test_integers_must_match_exactly():
    def counts(K, x):
        return K.cast(K.constant(on_second(K, x, x + 0.5)), "int32")

    quarters = np.array([0.25, 1.25, 2.25], "float32")
    assert_backends_agree(counts, quarters, backends=PAIR)  # truncation hides the nudge
    with pytest.raises(AssertionError, match=r"values differ exactly \(int32\)"):
        assert_backends_agree(
            lambda K, x: K.constant(on_second(K, 1, 2), "int32"), X, backends=PAIR
        )


def test_nan_placement_is_compared():
    def nan_on_second(K, x):
        return K.constant(on_second(K, x, np.where(x > 0.5, np.nan, x).astype("float32")))

    with pytest.raises(AssertionError, match=r"2 of 6 values differ .* at index \(1, 1\)"):
        assert_backends_agree(nan_on_second, X, backends=PAIR)


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (
            lambda K, x: K.cast(x, on_second(K, "float32", "int32")),
            "dtype float32 on numpy, int32 on",
        ),
        (lambda K, x: K.reshape(x, on_second(K, (6,), (3, 2))), "shape (6,) on numpy, (3, 2) on"),
        (lambda K, x: on_second(K, (K.sum(x),), (K.sum(x), K.sum(x))), "numpy returned 1 output"),
        (lambda K, x: on_second(K, "a", "b"), "output 0: numpy gives 'a', "),
    ],
    ids=["dtype", "shape", "count", "string"],
)
def test_structure_differences(fn, expected):
    with pytest.raises(AssertionError) as info:
        assert_backends_agree(fn, X, backends=PAIR)
    assert expected in str(info.value)


def test_the_same_error_everywhere_is_raised_as_it_is():
    with pytest.raises(ShapeError, match="cannot squeeze axis 0"):
        assert_backends_agree(lambda K, x: K.squeeze(x, 0), X, backends=PAIR)


def test_an_error_on_one_backend_only_is_a_disagreement():
    def fails_on_second(K, x):
        if K.backend() == SECOND:
            raise ValueError("boom")
        return K.sum(x)

    with pytest.raises(AssertionError, match=f"numpy returned 1 output.s.; {SECOND} raised "):
        assert_backends_agree(fails_on_second, X, backends=PAIR)


def test_bad_backend_names_are_reported():
    with pytest.raises(BackendNotFoundError, match="backends=numpy,jaxx: unknown backend 'jaxx'"):
        assert_backends_agree(lambda K, x: x, X, backends=["numpy", "jaxx"])
    with pytest.raises(ValueError, match="backends is empty"):
        assert_backends_agree(lambda K, x: x, X, backends=[])
