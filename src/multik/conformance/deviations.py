"""Where multik deliberately differs from tf_keras 2.21, and (backend, function) cells it cannot do.

Each deviation names the case tag it covers: the legacy-parity layer runs every case through
``tf_keras.backend`` and requires a difference exactly on the cases carrying a listed tag, so
the table stays true in both directions. ``docs/deviations.md`` is generated from this file.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEVIATIONS", "LEGACY_NAMES", "UNSUPPORTED", "Deviation", "deviation_for"]


@dataclass(frozen=True)
class Deviation:
    """One documented difference from tf_keras 2.21."""

    tag: str
    functions: tuple[str, ...]
    what: str
    why: str


DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        "small-int-accumulator",
        ("sum", "prod", "cumsum", "cumprod", "dot", "batch_dot"),
        "bool, int8, int16 and uint8 inputs accumulate and return int32 (tf_keras keeps the input "
        "dtype and wraps, or raises for bool)",
        "API.md Decision 5: one result dtype on every backend; NumPy and PyTorch would widen to "
        "int64, TensorFlow wraps in 8 bits",
    ),
    Deviation(
        "int-mean",
        ("mean",),
        "the mean of integers is floatx (tf_keras returns the input's integer dtype, truncated)",
        "API.md Decision 5: an integer mean that truncates toward zero is a TensorFlow accident "
        "(PyTorch refuses it, NumPy and JAX give floats)",
    ),
    Deviation(
        "half-f32-compute",
        (
            "mean",
            "cumsum",
            "categorical_crossentropy",
            "sparse_categorical_crossentropy",
            "binary_crossentropy",
        ),
        "float16/bfloat16 reductions, scans and losses compute in float32 and round once "
        "(tf_keras works in 16 bits: the mean of 70000 float16 ones is NaN, losses clip at a "
        "16-bit epsilon)",
        "API.md Decision 5: low-precision accumulation overflows or drifts differently on each "
        "framework",
    ),
    Deviation(
        "scan-axis-none",
        ("cumsum", "cumprod"),
        "axis=None flattens first, as Keras 3 and NumPy do (tf_keras raises)",
        "SEMANTICS.md §2: Keras 3's rule; tf_keras has no meaning for axis=None",
    ),
    Deviation(
        "cast-saturate",
        ("cast",),
        "float to int casts saturate at the target's range and map NaN to 0 (TensorFlow eager "
        "gives the x86 INT_MIN pattern or wraps)",
        "API.md Decision 7: the result must not depend on the CPU's conversion instruction, and "
        "XLA, JAX, ARM64 and CUDA already saturate",
    ),
    Deviation(
        "empty-extremum",
        ("max", "min"),
        "max/min of an empty reduction raise ShapeError (tf_keras returns -inf/+inf)",
        "API.md Decision 8: an empty maximum has no value; NumPy, PyTorch and JAX raise",
    ),
    Deviation(
        "dot-1d",
        ("dot",),
        "dot accepts 0-D and 1-D operands with np.dot semantics (tf_keras raises)",
        "API.md Decision 2",
    ),
    Deviation(
        "softmax-1d",
        ("softmax",),
        "softmax accepts 1-D input (tf_keras raises)",
        "API.md Decision 10 (Keras 2.3.1 behaviour)",
    ),
    Deviation(
        "softmax-nonfinite",
        ("softmax",),
        "a row holding inf or NaN is NaN everywhere (TensorFlow eager gives [nan, 0, 0])",
        "SEMANTICS.md §7a: TensorFlow under XLA, PyTorch, JAX and NumPy give the all-NaN row",
    ),
    Deviation(
        "no-cached-logits",
        ("categorical_crossentropy", "binary_crossentropy"),
        "an output produced by K.softmax / K.sigmoid is treated as probabilities (tf_keras "
        "silently switches to the logits it cached on the tensor)",
        "API.md Decision 9: NumPy and JAX arrays cannot carry the cache, so no backend uses it",
    ),
    Deviation(
        "int-activation",
        ("elu", "softplus", "softsign", "sigmoid", "hard_sigmoid", "tanh", "softmax"),
        "integer inputs to float activations are computed in floatx (tf_keras raises)",
        "API.md Decision 5's floatx rule for integer inputs, as for mean; legacy code that feeds "
        "integer arrays keeps working",
    ),
    Deviation(
        "bool-extremum",
        ("max", "min"),
        "max/min accept bool tensors (any/all); tf_keras raises",
        "SEMANTICS.md §1c: NumPy, PyTorch and JAX accept them, and the result dtype (bool) is "
        "unambiguous",
    ),
    Deviation(
        "bool-square",
        ("square",),
        "square accepts bool tensors and keeps bool (x * x is x AND x); tf_keras raises",
        "square is x * x in x's dtype; NumPy, PyTorch and JAX multiply bools as logical and, so "
        "the result (bool) is unambiguous",
    ),
    Deviation(
        "relu-inf-threshold",
        ("relu",),
        "with a threshold, relu(-inf) is 0 (alpha * (x - threshold), -inf, with alpha); tf_keras "
        "gives NaN",
        "tf_keras computes x * (x > threshold), and -inf * 0 is NaN; without a threshold every "
        "framework gives relu(-inf) = 0, and multik keeps that meaning",
    ),
    Deviation(
        "dtype-universe",
        ("cast",),
        "dtypes outside bool, int8/16/32/64, uint8, float16, bfloat16, float32, float64 raise "
        "DTypeError (tf_keras accepts uint16/32/64)",
        "SEMANTICS.md §13.9: PyTorch has no arithmetic for the wider unsigned types",
    ),
    Deviation(
        "index-dtypes",
        ("one_hot", "batch_gather"),
        "indices of every integer dtype are accepted and num_classes must be >= 1 (TensorFlow "
        "refuses int8/int16/uint8 indices in some ops and allows depth 0)",
        "one rule on every backend (SEMANTICS.md §6: accept any int dtype)",
    ),
    Deviation(
        "variable-name",
        ("variable",),
        "Variable.name is the name given (tf_keras appends ':0')",
        "the ':0' suffix is a TensorFlow graph detail that no other framework has",
    ),
    Deviation(
        "converts-dtype",
        ("variable", "int_shape", "constant", "dot", "binary_crossentropy"),
        "K.variable/K.constant convert a tensor or float values to the requested dtype (float to "
        "int with K.cast rules), and mixed-dtype operands are promoted by the one promotion table "
        "(tf_keras raises)",
        "API.md Decisions 5 and 7; SEMANTICS.md §8b (TensorFlow refuses mixed dtypes)",
    ),
    Deviation(
        "eye-tuple",
        ("eye",),
        "eye((n, m)) gives a rectangular identity (tf_keras accepts only an int)",
        "API.md Decision 4 (Keras 2.3.1 behaviour)",
    ),
    Deviation(
        "reshape-ambiguous",
        ("reshape",),
        "a -1 next to a zero-size dimension raises ShapeError (TensorFlow picks a size)",
        "SEMANTICS.md §4: the size is ambiguous; NumPy, PyTorch and JAX raise",
    ),
    Deviation(
        "ctc-lengths",
        ("ctc_batch_cost",),
        "every length from 0 has a loss: +inf for a label longer than its input (no alignment "
        "exists), the all-blank path's loss for an empty label, a result for no time steps or "
        "an empty batch (tf_keras raises InvalidArgumentError for each)",
        "the loss is defined there and must not depend on whether the call is compiled (jax.jit "
        "and torch.compile cannot raise an error that depends on values); TensorFlow itself "
        "gives +inf where repeated labels make a label too long, and PyTorch's ctc_loss gives "
        "these values",
    ),
    Deviation(
        "ctc-labels",
        ("ctc_batch_cost",),
        "a label outside [0, blank) within label_length raises InvalidArgumentError (tf_keras "
        "raises only when another label follows it, and otherwise computes a meaningless loss)",
        "such a label has no meaning wherever it is; TensorFlow's check looks only at a label "
        "that follows a blank one",
    ),
    Deviation(
        "ctc-float64",
        ("ctc_batch_cost", "ctc_decode"),
        "float64 losses and beam-search scores are computed in float64 throughout (TensorFlow's "
        "CTC kernels keep some intermediate values in float32: a relative difference near 1e-8)",
        "float64 results are checked to 1e-12; NumPy, PyTorch and JAX compute them in float64",
    ),
    Deviation(
        "ctc-half",
        ("ctc_decode",),
        "float16 and bfloat16 predictions are decoded in float32 and the scores rounded once "
        "(tf_keras's decoders refuse them)",
        "16-bit inputs are computed in float32, as the losses are; TensorFlow's CTC decoders "
        "have float32 and float64 kernels only",
    ),
    Deviation(
        "ctc-sparse-labels",
        ("ctc_label_dense_to_sparse",),
        "returns a SparseLabels named tuple (indices, values, dense_shape) of dense tensors, "
        "the attributes of a tf.SparseTensor (tf_keras returns a tf.SparseTensor)",
        "multik has no sparse tensors on any backend; the same attribute names keep code that "
        "reads them working",
    ),
)

#: K functions that tf_keras 2.21 does not export, and the callable the parity layer compares with.
LEGACY_NAMES: dict[str, str] = {
    "batch_gather": "tensorflow.compat.v1.batch_gather (API.md Decision 1)",
}

#: (backend, function) -> why the backend raises UnsupportedError for it. Empty: none.
UNSUPPORTED: dict[tuple[str, str], str] = {}

_BY_TAG = {d.tag: d for d in DEVIATIONS}


def deviation_for(function: str, tags: frozenset[str]) -> Deviation | None:
    """The deviation covering a case of ``function`` with ``tags``, if any."""
    for tag in tags:
        deviation = _BY_TAG.get(tag)
        if deviation is not None and function in deviation.functions:
            return deviation
    return None
