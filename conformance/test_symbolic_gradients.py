"""Symbolic gradients: ``K.gradients`` run by ``K.function`` on every backend with automatic
differentiation (numpy: with the autograd package), checked against central finite differences
in float64 (the same loss code run eagerly on multik's numpy backend) and, where tf_keras is
installed, against tf_keras graph-mode ``K.gradients`` (the ``symbolic_oracle`` subprocess).
Without autograd, the numpy backend must refuse and name the package."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
from symbolic_oracle import (
    GRADIENT_CASES,
    GradientCase,
    autodiff_backends,
    gradient_graph,
    gradient_values,
    legacy_results,
)

import multik
from multik import backend as K
from multik.errors import UnsupportedError
from multik.testing import test_backends

BACKENDS = test_backends()
AUTODIFF = autodiff_backends(BACKENDS)
#: The central-difference step (float64 inputs of order 1).
STEP = 1e-5
_BY_ID = {case.id: case for case in GRADIENT_CASES}

_NO_AUTODIFF = pytest.mark.skip(
    reason="no tested backend has automatic differentiation (numpy with autograd, tensorflow, "
    "torch or jax)"
)


def _params() -> list[Any]:
    """(backend, case) parameters: every gradient case on every backend with autodiff."""
    if not AUTODIFF:
        return [pytest.param(None, None, marks=_NO_AUTODIFF)]
    return [
        pytest.param(backend, case, id=f"{backend}-{case.id}")
        for backend in AUTODIFF
        for case in GRADIENT_CASES
    ]


class _FrozenStops:
    """multik.backend whose stop_gradient records what it returns and, given ``frozen``,
    returns those values call by call: finite differences then see it as a constant."""

    def __init__(self, frozen: list[Any] | None) -> None:
        self.frozen = frozen
        self.returned: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(K, name)

    def stop_gradient(self, x: Any) -> Any:
        """``x`` unchanged at the base point, else the value it had there."""
        value = K.stop_gradient(x) if self.frozen is None else self.frozen[len(self.returned)]
        self.returned.append(value)
        return value


def _loss_at(
    case: GradientCase, point: dict[str, np.ndarray], frozen: list[Any] | None
) -> tuple[float, list[Any]]:
    """The summed float64 loss at ``point`` (weights as float64 Variables), and the values
    stop_gradient returned."""
    k = _FrozenStops(frozen)
    tensors = {
        name: K.variable(value, dtype="float64", name=name) if name in case.weights else value
        for name, value in point.items()
    }
    loss = case.loss(k, tensors)
    assert K.dtype(loss) == "float64"
    return float(np.sum(K.eval(loss))), k.returned


@functools.cache
def _finite_differences(case_id: str) -> list[np.ndarray]:
    """Central differences of the case's summed loss with respect to each of ``case.wrt``."""
    case = _BY_ID[case_id]
    point = {
        name: value.astype(np.float64) if value.dtype.kind == "f" else value
        for name, value in {**case.inputs, **case.weights}.items()
    }
    grads = []
    with multik.use_backend("numpy"):
        _, frozen = _loss_at(case, point, None)
        for name in case.wrt:
            grad = np.zeros(point[name].shape)
            for index in np.ndindex(grad.shape):
                sides = []
                for step in (STEP, -STEP):
                    moved = point[name].copy()
                    moved[index] += step
                    sides.append(_loss_at(case, {**point, name: moved}, frozen)[0])
                grad[index] = (sides[0] - sides[1]) / (2 * STEP)
            grads.append(grad)
    return grads


@functools.cache
def _multik_gradients(backend: str, case_id: str) -> list[np.ndarray | None]:
    """The case's gradients from multik's K.gradients and K.function on ``backend``."""
    with multik.use_backend(backend):
        return gradient_values(_BY_ID[case_id], K)


@pytest.fixture(scope="session")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The oracle's answers: one tf_keras subprocess per test session."""
    pytest.importorskip("tf_keras", reason="the tf_keras gradient comparison needs tf_keras")
    return legacy_results(tmp_path_factory.getbasetemp() / "symbolic-oracle")


@pytest.mark.parametrize(("backend", "case"), _params())
def test_gradients_match_finite_differences(backend: str, case: GradientCase) -> None:
    ours = _multik_gradients(backend, case.id)
    for name, grad, expected in zip(case.wrt, ours, _finite_differences(case.id)):
        if grad is None:
            assert not expected.any(), f"{name}: no gradient, but the loss depends on it"
            continue
        wrt = {**case.inputs, **case.weights}[name]
        assert grad.dtype == np.float32, name
        assert grad.shape == wrt.shape, name
        np.testing.assert_allclose(grad, expected, rtol=1e-3, atol=1e-5, err_msg=name)


@pytest.mark.parametrize(("backend", "case"), _params())
def test_gradients_match_tf_keras(backend: str, case: GradientCase, legacy: dict[str, Any]) -> None:
    theirs = legacy["gradients"][case.id]
    ours = _multik_gradients(backend, case.id)
    assert [g is None for g in ours] == [g is None for g in theirs], "None gradients differ"
    for name, grad, expected in zip(case.wrt, ours, theirs):
        if grad is not None:
            np.testing.assert_allclose(
                grad, np.asarray(expected, np.float32), rtol=1e-5, atol=1e-6, err_msg=name
            )


@pytest.mark.parametrize("backend", AUTODIFF or [pytest.param(None, marks=_NO_AUTODIFF)])
def test_unconnected_variable_has_no_gradient(backend: str) -> None:
    case = _BY_ID["unconnected-variable"]
    with multik.use_backend(backend):
        _, grads = gradient_graph(case, K)
    assert [g is None for g in grads] == [False, True]


@pytest.mark.skipif(
    "numpy" not in BACKENDS or "numpy" in AUTODIFF,
    reason="autograd is installed here (or numpy is not tested); the NumPy-only CI job runs "
    "this test for real",
)
def test_numpy_backend_without_autograd_names_the_extra() -> None:
    with multik.use_backend("numpy"), pytest.raises(UnsupportedError) as caught:
        gradient_graph(GRADIENT_CASES[0], K)
    assert 'pip install "multik[autodiff]"' in str(caught.value)
