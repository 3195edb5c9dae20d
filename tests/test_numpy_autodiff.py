"""K.gradients on the numpy backend (autograd): every primitive the numpy adapter implements has
a differentiable counterpart in the tracer, and the gradients of the ops the losses of
conformance/test_symbolic_gradients.py do not reach match central finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import multik
from multik import backend as K

pytest.importorskip("autograd", reason="the numpy backend differentiates with autograd")

#: Primitives that make constants or read metadata: no gradient flows through them.
VALUES_ONLY = {
    "devices",
    "_from_numpy",
    "_shape",
    "_dtype",
    "_is_concrete",
    "_new_variable",
    "_assign",
    "_full",
    "_eye",
    "_arange",
    "_compile",
    "_require_autodiff",
    "_own_variable",
    "_argmax",
    "_argmin",
    "_round",
    "_random",
    "_grouped",
    "tensor",  # reorders exact np.ndarray inputs only; boxes pass through to the shared rule
}

#: The numpy adapter's fast paths (K functions and ``_operator``): their guards take exact
#: ``np.ndarray`` arguments only, so autograd's boxes always reach the shared formulas and the
#: tracer's primitives; the "fast-path-*" gradients below go through them.
FAST_PATHS = {"sum", "square", "relu", "softmax", "dot", "batch_dot", "one_hot", "_operator"}


def test_tracer_covers_every_numpy_primitive():
    from multik.backends.numpy import NumpyAdapter
    from multik.backends.numpy_autodiff import AutogradTracer

    numpy_methods = {n for n, v in vars(NumpyAdapter).items() if callable(v) and n[0] != "_" * 2}
    missing = numpy_methods - set(vars(AutogradTracer)) - VALUES_ONLY - FAST_PATHS
    assert not missing, (
        f"the numpy adapter implements {sorted(missing)} with NumPy calls autograd cannot "
        "trace: add their autograd.numpy versions to AutogradTracer (or list them in "
        "VALUES_ONLY if no gradient flows through them)"
    )


X = np.array([[0.5, -1.25, 2.0], [1.5, 0.0, -0.75]])
OPS = {
    "cumprod-with-a-zero": lambda x: K.cumprod(x, axis=1),
    "cumsum": lambda x: K.cumsum(x, axis=0),
    "prod": lambda x: K.prod(x * 0.5 + 1, axis=1),
    "min": lambda x: K.min(x, axis=0),
    "temporal-padding": lambda x: K.temporal_padding(K.expand_dims(x, -1), (1, 2)) * 3.0,
    "batch-gather": lambda x: K.batch_gather(x, np.array([[2, 0], [1, 1]], dtype=np.int32)),
    "hard-sigmoid": lambda x: K.hard_sigmoid(x * 1.5),
    "softsign": K.softsign,
    "power-and-division": lambda x: (x * x + 1) ** 1.5 / (x * x + 2),
    "indexing": lambda x: x[:, 1:] * x[0, 0],
    "relu-threshold": lambda x: K.relu(x, alpha=0.3, max_value=1.0, threshold=0.25),
    "fast-path-elementwise": lambda x: K.softmax(K.relu(K.square(x) * x + x - x / (x * x + 1))),
    "fast-path-products": lambda x: (
        K.dot(x, K.transpose(x))
        + K.batch_dot(K.expand_dims(x, 0), K.expand_dims(K.transpose(x), 0))[0]
    ),
}


@pytest.mark.parametrize("name", OPS)
def test_gradients_match_finite_differences(name):
    op = OPS[name]
    with multik.use_backend("numpy"):
        x = K.placeholder(X.shape, dtype="float64")
        (grad,) = K.gradients(K.sum(op(x)), [x])
        got = K.function([x], [grad])([X])[0]
        K.clear_session()
        step = 1e-6
        expected = np.zeros_like(X)
        for index in np.ndindex(X.shape):
            up, down = X.copy(), X.copy()
            up[index] += step
            down[index] -= step
            total = [float(np.sum(K.eval(op(v)))) for v in (up, down)]
            expected[index] = (total[0] - total[1]) / (2 * step)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
