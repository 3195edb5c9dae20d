"""The tf_keras graph-mode oracle for multik's symbolic layer, and the tables it shares with the
symbolic tests: the cases inferred on placeholders, the placeholder variants, the gradient cases.

Run as a script it reads a JSON request ``{"inference": [case ids], "gradients": [ids]}`` on
stdin, turns TensorFlow's eager mode off (process-wide and irreversible, hence a subprocess) and
writes JSON to the file its argument names: for each case and variant, the ``int_shape`` and
dtype tf_keras infers on ``tf_keras.backend`` placeholders (or the class name of what it
raises), and for each gradient case the values of tf_keras's ``K.gradients`` (None where it
gives None). ``legacy_results`` runs it once for every case and caches the answer.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from legacy import Legacy, legacy_settings

import multik
from multik.conformance.cases import CASES, Case

#: The placeholder variants: the array's exact shape, or its first dimension unknown.
VARIANTS = ("exact", "batch-none")


def inferred_cases() -> list[Case]:
    """The cases whose graph is built on placeholders: non-error, compilable, with a tf_keras
    counterpart, and at least one NumPy input."""
    return [
        case
        for case in CASES
        if case.error is None
        and not case.eager_only
        and not case.legacy
        and any(isinstance(arg, np.ndarray) for arg in case.args)
    ]


def placeholder_shape(array: np.ndarray, variant: str) -> tuple[int | None, ...]:
    """The placeholder shape for ``array`` in ``variant`` (rank-0 arrays stay exact)."""
    if variant == "batch-none" and array.ndim >= 1:
        return (None, *array.shape[1:])
    return array.shape


def symbolic_args(case: Case, variant: str, k: Any) -> list[Any]:
    """The case's arguments with each NumPy array replaced by a ``k.placeholder`` of its dtype
    and the ``variant`` shape."""
    return [
        k.placeholder(shape=placeholder_shape(arg, variant), dtype=arg.dtype.name)
        if isinstance(arg, np.ndarray)
        else arg
        for arg in case.args
    ]


# --------------------------------------------------------------------------- gradient cases


def autodiff_backends(backends: list[str]) -> list[str]:
    """The backends of ``backends`` where K.gradients works here: the numpy backend needs the
    optional autograd package (absent from the NumPy-only CI job)."""
    return [b for b in backends if b != "numpy" or importlib.util.find_spec("autograd")]


@dataclass(frozen=True)
class GradientCase:
    """A loss of placeholders (first dimension unknown) and float32 Variables; its gradients
    with respect to ``wrt`` (names of weights or inputs) are checked."""

    id: str
    inputs: Mapping[str, np.ndarray]
    weights: Mapping[str, np.ndarray]
    wrt: tuple[str, ...]
    loss: Callable[[Any, Mapping[str, Any]], Any]


def _normal(seed: int, *shape: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def _distinct(seed: int, *shape: int) -> np.ndarray:
    """Values at least 0.05 apart in a shuffled order (no ties for K.max)."""
    size = int(np.prod(shape))
    values = (np.arange(size) - size / 2) * 0.1 + 0.05
    return np.random.default_rng(seed).permutation(values).reshape(shape).astype(np.float32)


def _one_hot(seed: int, rows: int, classes: int) -> np.ndarray:
    labels = np.random.default_rng(seed).integers(0, classes, rows)
    return np.eye(classes, dtype=np.float32)[labels]


def _away_from(values: np.ndarray, kinks: tuple[float, ...]) -> np.ndarray:
    """``values`` with every entry moved at least 0.1 away from each kink."""
    out = values.copy()
    for kink in kinks:
        near = np.abs(out - kink) < 0.1
        out[near] = kink + np.where(out[near] >= kink, 0.1, -0.1)
    return out


#: Column scales near 1 for the relu case; its inputs are chosen so that x * w is at least 0.1
#: away from the kinks at 0 and max_value.
_RELU_W = _normal(19, 4) * 0.05 + 1.0

GRADIENT_CASES: tuple[GradientCase, ...] = (
    GradientCase(
        "sum-of-squares",
        {"x": _normal(1, 4, 3)},
        {"w": _normal(2, 3)},
        ("w",),
        lambda k, t: k.sum(k.square(t["x"] * t["w"])),
    ),
    GradientCase(
        "linear-mean-squared-error",
        {"x": _normal(3, 5, 3), "y": _normal(4, 5, 2)},
        {"w": _normal(5, 3, 2), "b": _normal(6, 2)},
        ("w", "b"),
        lambda k, t: k.mean(k.square(k.dot(t["x"], t["w"]) + t["b"] - t["y"])),
    ),
    GradientCase(
        "categorical-crossentropy-of-softmax",
        {"x": _normal(7, 5, 3), "y": _one_hot(8, 5, 4)},
        {"w": _normal(9, 3, 4) * 0.5},
        ("w",),
        lambda k, t: k.categorical_crossentropy(t["y"], k.softmax(k.dot(t["x"], t["w"]))),
    ),
    GradientCase(
        "binary-crossentropy-of-sigmoid",
        {"x": _normal(10, 6, 3), "y": (_normal(11, 6, 2) > 0).astype(np.float32)},
        {"w": _normal(12, 3, 2) * 0.5, "b": _normal(13, 2) * 0.5},
        ("w", "b"),
        lambda k, t: k.binary_crossentropy(t["y"], k.sigmoid(k.dot(t["x"], t["w"]) + t["b"])),
    ),
    GradientCase(
        "sparse-categorical-crossentropy-from-logits",
        {"x": _normal(14, 5, 3), "labels": np.array([0, 3, 1, 2, 3], dtype=np.int32)},
        {"w": _normal(15, 3, 4)},
        ("w",),
        lambda k, t: k.sparse_categorical_crossentropy(
            t["labels"], k.dot(t["x"], t["w"]), from_logits=True
        ),
    ),
    GradientCase(
        "tanh-elu-softplus",
        {"x": _normal(16, 4, 3)},
        {"w": _normal(17, 3, 3)},
        ("w",),
        lambda k, t: k.sum(
            k.tanh(k.dot(t["x"], t["w"])) * k.elu(k.dot(t["x"], t["w"]), alpha=0.5)
            + k.softplus(k.dot(t["x"], t["w"]))
        ),
    ),
    GradientCase(
        "relu-with-alpha-and-max-value",
        {"x": _away_from(_normal(18, 5, 4) * 2, (0.0, 1.5)) / _RELU_W},
        {"w": _RELU_W},
        ("w",),
        lambda k, t: k.sum(k.square(k.relu(t["x"] * t["w"], alpha=0.1, max_value=1.5))),
    ),
    GradientCase(
        "batch-dot",
        {"a": _normal(20, 3, 2, 4), "c": _normal(21, 3, 4, 5)},
        {"w": _normal(22, 4)},
        ("w", "c"),
        lambda k, t: k.sum(k.square(k.batch_dot(t["a"] * t["w"], t["c"], axes=(2, 1)))),
    ),
    GradientCase(
        "max-without-ties",
        {"x": _distinct(23, 4, 6)},
        {"w": _distinct(24, 6) + 2.0},
        ("w",),
        lambda k, t: k.sum(k.max(t["x"] * t["w"], axis=1)),
    ),
    GradientCase(
        "reshape-permute-dimensions",
        {"x": _normal(25, 4, 3)},
        {"w": _normal(26, 3, 6), "scale": _normal(27, 3, 2)},
        ("w", "scale"),
        lambda k, t: k.sum(
            k.square(
                k.permute_dimensions(k.reshape(k.dot(t["x"], t["w"]), (-1, 2, 3)), (0, 2, 1))
                * t["scale"]
            )
        ),
    ),
    GradientCase(
        "stop-gradient",
        {"x": _normal(28, 4, 3)},
        {"w": _normal(29, 3)},
        ("w",),
        lambda k, t: k.sum(k.stop_gradient(k.square(t["x"] * t["w"])) * t["x"] * t["w"]),
    ),
    GradientCase(
        "with-respect-to-a-placeholder",
        {"x": _normal(30, 4, 3)},
        {"w": _normal(31, 3, 2)},
        ("x", "w"),
        lambda k, t: k.sum(k.softplus(k.dot(t["x"], t["w"])) * k.sigmoid(t["x"][:, :2])),
    ),
    GradientCase(
        "unconnected-variable",
        {"x": _normal(32, 4, 3)},
        {"w": _normal(33, 3), "unused": _normal(34, 3)},
        ("w", "unused"),
        lambda k, t: k.sum(k.square(t["x"] * t["w"])),
    ),
    GradientCase(
        "ctc-batch-cost-of-softmax",
        {
            "x": _normal(38, 3, 5, 3),
            "labels": np.array([[0, 1], [2, 2], [1, -1]], dtype=np.int32),
            "input_length": np.array([[5], [4], [3]], dtype=np.int32),
            "label_length": np.array([[2], [2], [1]], dtype=np.int32),
        },
        {"w": _normal(39, 3, 4)},
        ("w",),
        lambda k, t: k.ctc_batch_cost(
            t["labels"], k.softmax(k.dot(t["x"], t["w"])), t["input_length"], t["label_length"]
        ),
    ),
    GradientCase(
        "stop-gradient-only-path",
        {"x": _normal(35, 4, 3)},
        {"w": _normal(36, 3), "v": _normal(37, 3)},
        ("w", "v"),
        lambda k, t: k.sum(k.stop_gradient(t["x"] * t["w"]) + k.square(t["x"] * t["v"])),
    ),
    GradientCase(
        "logsumexp-var-std",
        {"x": _normal(38, 5, 4)},
        {"w": _normal(39, 4)},
        ("w",),
        lambda k, t: (
            k.sum(k.logsumexp(t["x"] * t["w"], axis=1))
            + k.sum(k.var(t["x"] * t["w"], axis=0))
            + k.sum(k.std(t["x"] * t["w"], axis=[0, 1]))
        ),
    ),
    GradientCase(
        "element-wise-math",
        {"x": _normal(40, 4, 3)},
        {"w": _normal(41, 3) * 0.5},
        ("w",),
        lambda k, t: k.sum(
            k.sqrt(k.square(t["x"] * t["w"]) + 1.0)
            + k.exp(t["x"] * t["w"] * 0.25)
            + k.log(k.abs(t["x"] * t["w"]) + 1.0)
            + k.pow(k.abs(t["x"] * t["w"]) + 1.0, 1.5)
            + k.sin(t["x"] * t["w"]) * k.cos(t["x"] * t["w"])
        ),
    ),
    GradientCase(
        "clip-maximum-minimum",
        {"x": _away_from(_normal(42, 5, 4), (-0.5, 0.3, 0.5))},
        {"w": np.ones(4, np.float32)},
        ("w",),
        lambda k, t: k.sum(
            k.square(k.clip(t["x"] * t["w"], -0.5, 0.5))
            + k.maximum(t["x"] * t["w"], 0.3)
            + k.minimum(t["x"] * t["w"], -0.5)
        ),
    ),
)


def gradient_graph(case: GradientCase, k: Any) -> tuple[list[Any], list[Any]]:
    """The case's graph in the K module ``k``: its input placeholders (first dimension
    unknown, in ``case.inputs`` order) and ``k.gradients`` of its loss."""
    tensors: dict[str, Any] = {
        name: k.placeholder(shape=(None, *value.shape[1:]), dtype=value.dtype.name, name=name)
        for name, value in case.inputs.items()
    }
    placeholders = list(tensors.values())
    tensors.update({name: k.variable(value, name=name) for name, value in case.weights.items()})
    loss = case.loss(k, tensors)
    return placeholders, k.gradients(loss, [tensors[name] for name in case.wrt])


def gradient_values(case: GradientCase, k: Any) -> list[np.ndarray | None]:
    """The case's gradients computed by ``k.function`` on its inputs (None where ``k``'s
    ``gradients`` gives None; every case has at least one connected gradient)."""
    placeholders, grads = gradient_graph(case, k)
    present = [g for g in grads if g is not None]
    values = iter(k.function(placeholders, present)(list(case.inputs.values())))
    return [None if g is None else np.asarray(next(values)) for g in grads]


# --------------------------------------------------------------------------- the oracle


def _infer(case: Case, variant: str, k: Any) -> dict[str, Any]:
    """What tf_keras infers for the case's graph: int_shape and dtype, or the error class."""
    try:
        with legacy_settings(k, case.floatx, case.epsilon):
            result = case.invoke(k, *symbolic_args(case, variant, k))
            return {"shape": list(k.int_shape(result)), "dtype": k.dtype(result)}
    except Exception as exc:
        return {"error": type(exc).__name__}


def main() -> None:
    """Answer the JSON request on stdin with tf_keras graph-mode results, written as JSON to
    the file named by the first argument."""
    request = json.load(sys.stdin)
    import tensorflow as tf

    tf.compat.v1.disable_eager_execution()
    k = Legacy()
    by_id = {case.id: case for case in CASES}
    inference = {
        case_id: {variant: _infer(by_id[case_id], variant, k) for variant in VARIANTS}
        for case_id in request["inference"]
    }
    cases = {case.id: case for case in GRADIENT_CASES}
    gradients = {}
    for case_id in request["gradients"]:
        k.clear_session()  # a fresh graph, without the inference graphs' int kernels
        values = gradient_values(cases[case_id], k)
        gradients[case_id] = [None if v is None else v.tolist() for v in values]
    answer = {"inference": inference, "gradients": gradients}
    Path(sys.argv[1]).write_text(json.dumps(answer))


def legacy_results(folder: Path) -> dict[str, Any]:
    """The oracle's answer for every inferred case and every gradient case, computed by one
    subprocess (with its own HOME under ``folder``) and cached in ``folder``."""
    cached = folder / "answers.json"
    if cached.exists():
        return json.loads(cached.read_text())
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KERAS_HOME", "KERAS_BACKEND", "MULTIK_BACKEND")
    }
    source = str(Path(multik.__file__).resolve().parent.parent)
    env.update(
        HOME=str(home),
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONPATH=os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p),
    )
    request = {
        "inference": [case.id for case in inferred_cases()],
        "gradients": [case.id for case in GRADIENT_CASES],
    }
    done = subprocess.run(
        [sys.executable, __file__, str(cached)],
        input=json.dumps(request),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the tf_keras oracle failed:\n{done.stderr[-3000:]}")
    return json.loads(cached.read_text())


if __name__ == "__main__":
    main()
