"""Regression (issue 10): the max and min of an empty reduction are the reduction's identity, as
in tf_keras, on every backend; argmax and argmin of an empty axis still raise."""

from __future__ import annotations

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.errors import ShapeError
from multik.testing import test_backends

backends = pytest.mark.parametrize("backend", test_backends())


@backends
def test_max_of_no_rows_is_minus_inf(backend):
    with multik.use_backend(backend):
        out = K.max(K.zeros((0, 3)), axis=0)
        assert K.dtype(out) == "float32"
        np.testing.assert_array_equal(K.eval(out), np.full(3, -np.inf, np.float32))
        np.testing.assert_array_equal(K.eval(K.min(K.zeros((0, 3)), axis=0)), np.full(3, np.inf))


@backends
def test_best_iou_of_an_image_without_boxes(backend):
    # YOLOv3's loss takes, per predicted box, the best IoU over the true boxes of its image;
    # with no true boxes the maximum over the empty axis is -inf, which is below any threshold.
    iou = np.zeros((4, 0), np.float32)
    with multik.use_backend(backend):
        best = K.max(iou, axis=-1)
        ignore = K.cast(K.less(best, 0.5), K.dtype(best))
        np.testing.assert_array_equal(K.eval(ignore), np.ones(4, np.float32))


@backends
def test_integer_and_bool_identities(backend):
    with multik.use_backend(backend):
        empty = np.zeros((0, 2), np.int16)
        np.testing.assert_array_equal(K.eval(K.max(empty, axis=0)), [-32768, -32768])
        np.testing.assert_array_equal(K.eval(K.min(empty, axis=0)), [32767, 32767])
        flags = np.zeros((2, 0), bool)
        np.testing.assert_array_equal(K.eval(K.max(flags, axis=1)), [False, False])
        np.testing.assert_array_equal(K.eval(K.min(flags, axis=1)), [True, True])


@backends
def test_symbolic_graph_gives_the_identity(backend):
    with multik.use_backend(backend):
        x = K.placeholder((None, 3))
        f = K.function([x], [K.max(x, axis=0)])
        np.testing.assert_array_equal(f([np.zeros((0, 3), np.float32)])[0], np.full(3, -np.inf))
        K.clear_session()


@backends
def test_argmax_of_an_empty_axis_still_raises(backend):
    with multik.use_backend(backend), pytest.raises(ShapeError, match="empty axis"):
        K.argmax(np.zeros((3, 0), np.float32))
