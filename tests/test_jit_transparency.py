"""Functions built from K calls compile with each framework's compiler, with no graph break,
and give the eager result: jax.jit, tf.function (with and without XLA), torch.compile."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.testing import test_backends

RNG = np.random.default_rng(7)
INPUTS = {
    "x": RNG.normal(size=(4, 5)).astype(np.float32),
    "w": RNG.normal(size=(5, 3)).astype(np.float32),
    "target": np.eye(3, dtype=np.float32)[[0, 2, 1, 1]],
    "labels": np.array([0, 2, 1, 1], dtype=np.int32),
    "seq": RNG.normal(size=(4, 6, 5)).astype(np.float32),
}


def model(x, w, target, labels, seq):
    """A small legacy-style forward pass and loss touching most seed functions."""
    hidden = K.relu(K.dot(x, w), alpha=0.1, max_value=2.0)
    probs = K.softmax(hidden)
    loss = K.mean(K.categorical_crossentropy(target, probs))
    sparse = K.sum(K.sparse_categorical_crossentropy(labels, hidden, from_logits=True))
    scores = K.batch_dot(seq, K.expand_dims(x, -1), axes=(2, 1))
    padded = K.temporal_padding(K.tanh(scores), (1, 2))
    counts = K.one_hot(labels, 3) * K.cast(K.cumsum(K.ones_like(labels), 0), "float32")[:, None]
    return (
        loss,
        sparse,
        K.max(padded, axis=1),
        K.prod(K.sigmoid(hidden), axis=-1),
        K.permute_dimensions(K.reshape(padded, (4, -1, 3)), (2, 0, 1)),
        counts,
        K.binary_crossentropy(K.hard_sigmoid(hidden), K.sigmoid(hidden)),
    )


def compiled_variants(backend):
    if backend == "jax":
        import jax

        return {"jax.jit": jax.jit}
    if backend == "tensorflow":
        import tensorflow as tf

        return {
            "tf.function": tf.function,
            "tf.function(jit_compile=True)": lambda fn: tf.function(fn, jit_compile=True),
        }
    if backend == "torch":
        import torch

        return {"torch.compile(fullgraph=True)": lambda fn: torch.compile(fn, fullgraph=True)}
    return {}


CASES = [
    pytest.param(backend, name, id=f"{backend}-{name}")
    for backend in test_backends()
    for name in compiled_variants(backend)
    if backend != "numpy"
]


@pytest.mark.parametrize(("backend", "variant"), CASES)
def test_compiled_model_matches_eager(backend, variant):
    with multik.use_backend(backend):
        args = [K.constant(v, dtype=str(v.dtype)) for v in INPUTS.values()]
        eager = [K.eval(out) for out in model(*args)]
        compiled = compiled_variants(backend)[variant](model)
        for got, want in zip(compiled(*args), eager):
            got = K.eval(got)
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(
    "torch" not in test_backends(), reason="torch is not among the backends under test"
)
def test_torch_compile_has_no_graph_break():
    import torch

    with multik.use_backend("torch"):
        args = [K.constant(v, dtype=str(v.dtype)) for v in INPUTS.values()]
        torch._dynamo.reset()
        explanation = torch._dynamo.explain(model)(*args)
    assert explanation.graph_break_count == 0, explanation.break_reasons
    assert explanation.graph_count == 1


_FIRST_LOADED_WHILE_TRACING = {
    "tensorflow": """
import tensorflow as tf
from multik import backend as K
traced = tf.function(lambda x: K.relu(K.dot(x, x) + 1.0))(tf.ones((2, 2)))
from multik.backends import _tf_fast
assert _tf_fast.EagerTensor is type(tf.constant(0.0)), _tf_fast.EagerTensor
assert traced.numpy().tolist() == [[3.0, 3.0], [3.0, 3.0]]
""",
    "jax": """
import jax, jax.numpy as jnp
from multik import backend as K
traced = jax.jit(lambda x: K.relu(K.dot(x, x) + 1.0))(jnp.ones((2, 2)))
from multik.backends import jax as adapter_module
assert adapter_module._ArrayImpl is type(jnp.zeros(())), adapter_module._ArrayImpl
assert traced.tolist() == [[3.0, 3.0], [3.0, 3.0]]
""",
}


@pytest.mark.parametrize("backend", [b for b in test_backends() if b in ("tensorflow", "jax")])
def test_adapter_first_loaded_while_tracing_knows_eager_tensors(backend, monkeypatch):
    """The adapter's fast paths recognise the framework's eager tensor class, also when the
    first K call (which loads the adapter) happens while a function is being traced."""
    monkeypatch.setenv("MULTIK_BACKEND", backend)
    script = _FIRST_LOADED_WHILE_TRACING[backend]
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
