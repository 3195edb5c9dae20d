"""What the overhead benchmark times: the inputs, and one Python expression per variant.

Every variant of a function computes the same values from the same native tensors (the worker
checks this before timing). ``raw`` is the fastest natural call of the framework itself; the
other variants are multik's ``K``, Keras 3 ``keras.ops``, tf_keras's ``K`` (TensorFlow only),
TensorLy and EagerPy. A variant a library has no function for is absent (shown as "—").
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

BACKENDS = ("numpy", "tensorflow", "torch", "jax")
FUNCTIONS = (
    "sum",
    "square",
    "relu",
    "dot",
    "batch_dot",
    "one_hot",
    "softmax",
    "categorical_crossentropy",
)
LIBRARIES = ("keras3", "tf_keras", "tensorly", "eagerpy")
VARIANTS = ("raw", "multik", *LIBRARIES)
SIZES = ("small", "large")

#: Input shapes: ``x`` (sum, square, relu, softmax), ``a``/``b`` (dot), ``p``/``q`` (batch_dot),
#: ``labels`` indices into ``classes`` (one_hot); the target/output pair ``t``/``o`` has x's shape.
SHAPES: dict[str, dict[str, Any]] = {
    "small": {"x": (2, 4), "a": (2, 4), "b": (4, 2), "p": (2, 2, 2), "q": (2, 2, 2),
              "labels": (8,), "classes": 4},
    "large": {"x": (1000, 1000), "a": (512, 512), "b": (512, 512), "p": (32, 128, 128),
              "q": (32, 128, 128), "labels": (100_000,), "classes": 10},
    # --quick: the same code on lighter "large" inputs, so that a smoke run takes seconds.
    "large-quick": {"x": (100, 100), "a": (64, 64), "b": (64, 64), "p": (4, 32, 32),
                    "q": (4, 32, 32), "labels": (1000,), "classes": 10},
}  # fmt: skip

RAW: dict[str, dict[str, str]] = {
    "numpy": {
        "sum": "np.sum(x)",
        "square": "np.square(x)",
        "relu": "np.maximum(x, 0)",
        "dot": "np.dot(a, b)",
        "batch_dot": "np.matmul(p, q)",
        "one_hot": "(idx[:, None] == np.arange(n)).astype(np.float32)",
        "softmax": "(e := np.exp(x - np.max(x, axis=-1, keepdims=True)))"
        " / np.sum(e, axis=-1, keepdims=True)",
        "categorical_crossentropy": "-np.sum(t * np.log(np.clip("
        "o / np.sum(o, axis=-1, keepdims=True), eps, 1 - eps)), axis=-1)",
    },
    "tensorflow": {
        "sum": "tf.reduce_sum(x)",
        "square": "tf.square(x)",
        "relu": "tf.nn.relu(x)",
        "dot": "tf.matmul(a, b)",
        "batch_dot": "tf.matmul(p, q)",
        "one_hot": "tf.one_hot(idx, n)",
        "softmax": "tf.nn.softmax(x)",
        "categorical_crossentropy": "-tf.reduce_sum(t * tf.math.log(tf.clip_by_value("
        "o / tf.reduce_sum(o, axis=-1, keepdims=True), eps, 1 - eps)), axis=-1)",
    },
    "torch": {
        "sum": "torch.sum(x)",
        "square": "torch.square(x)",
        "relu": "torch.relu(x)",
        "dot": "torch.mm(a, b)",
        "batch_dot": "torch.bmm(p, q)",
        "one_hot": "F.one_hot(idx, n).float()",
        "softmax": "torch.softmax(x, -1)",
        "categorical_crossentropy": "-torch.sum(t * torch.log(torch.clamp("
        "o / torch.sum(o, -1, keepdim=True), eps, 1 - eps)), -1)",
    },
    "jax": {
        "sum": "jnp.sum(x)",
        "square": "jnp.square(x)",
        "relu": "jax.nn.relu(x)",
        "dot": "jnp.dot(a, b)",
        "batch_dot": "jnp.matmul(p, q)",
        "one_hot": "jax.nn.one_hot(idx, n)",
        "softmax": "jax.nn.softmax(x)",
        "categorical_crossentropy": "-jnp.sum(t * jnp.log(jnp.clip("
        "o / jnp.sum(o, axis=-1, keepdims=True), eps, 1 - eps)), axis=-1)",
    },
}

#: Functions whose raw call is a formula of several framework calls, so the small-tensor
#: added-cost target (meant for functions that map to one framework call) does not apply.
SEVERAL_CALLS: dict[str, frozenset[str]] = {
    "numpy": frozenset({"one_hot", "softmax", "categorical_crossentropy"}),
    "tensorflow": frozenset({"categorical_crossentropy"}),
    "torch": frozenset({"one_hot", "categorical_crossentropy"}),
    "jax": frozenset({"categorical_crossentropy"}),
}

MULTIK = {
    "sum": "K.sum(x)",
    "square": "K.square(x)",
    "relu": "K.relu(x)",
    "dot": "K.dot(a, b)",
    "batch_dot": "K.batch_dot(p, q)",
    "one_hot": "K.one_hot(idx, n)",
    "softmax": "K.softmax(x)",
    "categorical_crossentropy": "K.categorical_crossentropy(t, o)",
}

LIBRARY_CALLS: dict[str, dict[str, str]] = {
    "keras3": {
        "sum": "ops.sum(x)",
        "square": "ops.square(x)",
        "relu": "ops.relu(x)",
        "dot": "ops.dot(a, b)",
        "batch_dot": "ops.matmul(p, q)",
        "one_hot": "ops.one_hot(idx, n)",
        "softmax": "ops.softmax(x)",
        "categorical_crossentropy": "ops.categorical_crossentropy(t, o)",
    },
    "tf_keras": {name: call.replace("K.", "tfk.") for name, call in MULTIK.items()},
    "tensorly": {
        "sum": "tl.sum(x)",
        "relu": "tl.clip(x, 0)",
        "dot": "tl.dot(a, b)",
        "batch_dot": "tl.matmul(p, q)",
    },
    # EagerPy wraps native tensors: native in, native out, as multik is used.
    "eagerpy": {
        "sum": "ep.astensor(x).sum().raw",
        "square": "ep.astensor(x).square().raw",
        "relu": "ep.maximum(ep.astensor(x), 0).raw",
        "dot": "ep.astensor(a).matmul(ep.astensor(b)).raw",
        "softmax": "ep.softmax(ep.astensor(x), axis=-1).raw",
    },
}

#: The name TensorLy gives each backend.
TENSORLY_BACKENDS = {"numpy": "numpy", "tensorflow": "tensorflow", "torch": "pytorch", "jax": "jax"}


def _synced(backend: str, expression: str) -> str:
    """``expression``, made to wait for its result on JAX (asynchronous dispatch)."""
    if backend != "jax":
        return expression
    if expression.startswith("-"):
        expression = f"({expression})"
    return f"{expression}.block_until_ready()"


def statements(backend: str) -> dict[str, dict[str, str]]:
    """Per function, the expression each variant times on ``backend`` (absent variants left out)."""
    table = {}
    for function in FUNCTIONS:
        calls = {"raw": RAW[backend][function], "multik": MULTIK[function]}
        for library in LIBRARIES:
            if library == "tf_keras" and backend != "tensorflow":
                continue
            if function in LIBRARY_CALLS[library]:
                calls[library] = LIBRARY_CALLS[library][function]
        table[function] = {v: _synced(backend, call) for v, call in calls.items()}
    return table


def _native(backend: str, ns: dict[str, Any], value: np.ndarray) -> Any:
    if backend == "tensorflow":
        return ns["tf"].constant(value)
    if backend == "torch":
        return ns["torch"].from_numpy(value)
    if backend == "jax":
        return ns["jnp"].asarray(value).block_until_ready()
    return value


def inputs(backend: str, shapes: dict[str, Any], ns: dict[str, Any]) -> dict[str, Any]:
    """The named inputs of ``shapes`` as native tensors of ``backend`` (fixed seed)."""
    rng = np.random.default_rng(0)
    classes = shapes["classes"]
    rows, cols = shapes["x"]
    label_dtype = np.int64 if backend == "torch" else np.int32
    arrays = {
        name: rng.standard_normal(shapes[name], dtype=np.float32)
        for name in ("x", "a", "b", "p", "q")
    }
    arrays["idx"] = rng.integers(0, classes, shapes["labels"]).astype(label_dtype)
    arrays["t"] = np.eye(cols, dtype=np.float32)[rng.integers(0, cols, rows)]
    arrays["o"] = rng.uniform(0.01, 1.0, (rows, cols)).astype(np.float32)
    return {"n": classes, **{k: _native(backend, ns, v) for k, v in arrays.items()}}


def namespace(backend: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The modules the expressions use, and why each library that could not be loaded is absent.

    Keras 3 reads ``KERAS_BACKEND`` at import: the caller sets it to ``backend`` beforehand.
    """
    from multik import backend as K

    ns: dict[str, Any] = {"np": np, "K": K, "eps": 1e-7}
    if backend == "tensorflow":
        ns["tf"] = importlib.import_module("tensorflow")
    elif backend == "torch":
        ns["torch"] = importlib.import_module("torch")
        ns["F"] = importlib.import_module("torch.nn.functional")
    elif backend == "jax":
        ns["jax"] = importlib.import_module("jax")
        ns["jnp"] = importlib.import_module("jax.numpy")
    absent = {}
    for library in LIBRARIES:
        if library == "tf_keras" and backend != "tensorflow":
            continue
        try:
            _load_library(library, backend, ns)
        except Exception as error:  # an optional tool that is missing or broken is reported
            absent[library] = f"{type(error).__name__}: {error}".splitlines()[0]
    return ns, absent


def _load_library(library: str, backend: str, ns: dict[str, Any]) -> None:
    if library == "keras3":
        keras = importlib.import_module("keras")
        if keras.backend.backend() != backend:
            raise RuntimeError(f"Keras 3 runs on {keras.backend.backend()}, not {backend}")
        ns["ops"] = keras.ops
    elif library == "tf_keras":
        ns["tfk"] = importlib.import_module("tf_keras.backend")
    elif library == "tensorly":
        tl = importlib.import_module("tensorly")
        tl.set_backend(TENSORLY_BACKENDS[backend])
        ns["tl"] = tl
    else:
        ns["ep"] = importlib.import_module("eagerpy")
