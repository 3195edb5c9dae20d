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
    #: Whether tf_keras's side depends on the machine (TensorFlow's CPU kernels differ between
    #: processors): then the parity tests accept tf_keras agreeing with multik too.
    varies: bool = False


_CONV_FUNCTIONS = (
    "conv1d",
    "conv2d",
    "conv3d",
    "conv2d_transpose",
    "conv3d_transpose",
    "depthwise_conv2d",
    "separable_conv1d",
    "separable_conv2d",
    "local_conv1d",
    "local_conv2d",
)

DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        "small-int-accumulator",
        ("sum", "prod", "cumsum", "cumprod", "dot", "batch_dot"),
        "bool, int8, int16 and uint8 inputs accumulate and return int32 (tf_keras keeps the input "
        "dtype and wraps, or raises for bool)",
        "one result dtype on every backend; NumPy and PyTorch would widen to int64, TensorFlow "
        "wraps in 8 bits",
    ),
    Deviation(
        "int-mean",
        ("mean",),
        "the mean of integers is floatx (tf_keras returns the input's integer dtype, truncated)",
        "an integer mean that truncates toward zero is a TensorFlow accident "
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
            "categorical_focal_crossentropy",
            "binary_focal_crossentropy",
            "l2_normalize",
        ),
        "float16/bfloat16 reductions, scans and losses compute in float32 and round once "
        "(tf_keras works in 16 bits: the mean of 70000 float16 ones is NaN, losses clip at a "
        "16-bit epsilon)",
        "low-precision accumulation overflows or drifts differently on each framework",
    ),
    Deviation(
        "scan-axis-none",
        ("cumsum", "cumprod"),
        "axis=None flattens first, as Keras 3 and NumPy do (tf_keras raises)",
        "Keras 3's rule; tf_keras has no meaning for axis=None",
    ),
    Deviation(
        "cast-saturate",
        ("cast",),
        "float to int casts saturate at the target's range and map NaN to 0 (TensorFlow eager "
        "gives the x86 INT_MIN pattern or wraps)",
        "the result must not depend on the CPU's conversion instruction, and "
        "XLA, JAX, ARM64 and CUDA already saturate",
    ),
    Deviation(
        "dot-1d",
        ("dot",),
        "dot accepts 0-D and 1-D operands with np.dot semantics (tf_keras raises)",
        "legacy code calls dot on vectors; np.dot, the NumPy reference of Keras 2, accepts them",
    ),
    Deviation(
        "softmax-1d",
        ("softmax",),
        "softmax accepts 1-D input (tf_keras raises)",
        "Keras 2.3.1 accepted it, and legacy code relies on it",
    ),
    Deviation(
        "softmax-nonfinite",
        ("softmax",),
        "a row holding inf or NaN is NaN everywhere (TensorFlow eager gives [nan, 0, 0] on some "
        "processors, the all-NaN row on others)",
        "TensorFlow under XLA, PyTorch, JAX and NumPy give the all-NaN row; one answer on every "
        "machine",
        varies=True,
    ),
    Deviation(
        "no-cached-logits",
        ("categorical_crossentropy", "binary_crossentropy", "binary_focal_crossentropy"),
        "an output produced by K.softmax / K.sigmoid is treated as probabilities (tf_keras "
        "silently switches to the logits it cached on the tensor)",
        "NumPy and JAX arrays cannot carry the cache, so no backend uses it: the same loss "
        "everywhere",
    ),
    Deviation(
        "int-activation",
        ("elu", "softplus", "softsign", "sigmoid", "hard_sigmoid", "tanh", "softmax"),
        "integer inputs to float activations are computed in floatx (tf_keras raises)",
        "the floatx rule for integer inputs, as for mean; legacy code that feeds "
        "integer arrays keeps working",
    ),
    Deviation(
        "bool-extremum",
        ("max", "min"),
        "max/min accept bool tensors (any/all); tf_keras raises",
        "NumPy, PyTorch and JAX accept them, and the result dtype (bool) is unambiguous",
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
        "PyTorch has no arithmetic for the wider unsigned types",
    ),
    Deviation(
        "index-dtypes",
        ("one_hot", "batch_gather", "gather"),
        "indices of every integer dtype are accepted and num_classes must be >= 1 (TensorFlow "
        "refuses int8/int16/uint8 indices in some ops and allows depth 0)",
        "one rule on every backend: any integer dtype",
    ),
    Deviation(
        "variable-name",
        ("variable",),
        "Variable.name is the name given (tf_keras appends ':0')",
        "the ':0' suffix is a TensorFlow graph detail that no other framework has",
    ),
    Deviation(
        "converts-dtype",
        (
            "variable",
            "int_shape",
            "constant",
            "dot",
            "binary_crossentropy",
            "pow",
            "clip",
            "equal",
            "not_equal",
            "greater",
            "greater_equal",
            "less",
            "less_equal",
            "maximum",
            "minimum",
            "concatenate",
            "stack",
            "bias_add",
            "switch",
            "binary_focal_crossentropy",
        ),
        "K.variable/K.constant convert a tensor or float values to the requested dtype (float to "
        "int with K.cast rules), and mixed-dtype operands are promoted by the one promotion table "
        "(tf_keras raises)",
        "one promotion rule and the K.cast rules on every backend (TensorFlow refuses mixed "
        "dtypes)",
    ),
    Deviation(
        "eye-tuple",
        ("eye",),
        "eye((n, m)) gives a rectangular identity (tf_keras accepts only an int)",
        "Keras 2.3.1 accepted it (its own tests call eye((3, 2)))",
    ),
    Deviation(
        "reshape-ambiguous",
        ("reshape",),
        "a -1 next to a zero-size dimension raises ShapeError (TensorFlow picks a size)",
        "the size is ambiguous; NumPy, PyTorch and JAX raise",
    ),
    Deviation(
        "int-variance",
        ("var", "std"),
        "the variance and standard deviation of integers are floatx (tf_keras raises)",
        "the rule of mean: a statistic of integers is a float; NumPy, PyTorch and JAX compute it",
    ),
    Deviation(
        "index-int32",
        ("argmax", "argmin"),
        "argmax/argmin return int32 (tf_keras returns int64)",
        "one index dtype on every backend: JAX has no int64 without its 64-bit mode, and K.shape "
        "is int32 too",
    ),
    Deviation(
        "argmax-first-nan",
        ("argmax", "argmin"),
        "a NaN counts as the maximum (for argmin the minimum), so the index of the first NaN is "
        "returned (TensorFlow ignores NaN, and under XLA returns the last one)",
        "NaN propagates through max and min, and NumPy, PyTorch and JAX all return the first NaN",
    ),
    Deviation(
        "argmax-axis-none",
        ("argmax", "argmin"),
        "axis=None raises AxisError (tf_keras reads it as axis 0)",
        "None means every axis in the other reductions and NumPy flattens: reading it as axis 0 "
        "would silently answer another question",
    ),
    Deviation(
        "bool-order",
        ("greater", "greater_equal", "less", "less_equal", "maximum", "minimum"),
        "ordering comparisons, maximum and minimum accept bool tensors, with False < True "
        "(tf_keras raises)",
        "NumPy, PyTorch and JAX accept them, multik's < and > operators do too, and the results "
        "are unambiguous",
    ),
    Deviation(
        "uint8-kernels",
        ("abs", "sign", "pow"),
        "abs, sign and pow accept uint8 tensors (TensorFlow has no uint8 kernel for them)",
        "the results are well defined (abs is the identity, sign is 0 or 1, powers wrap like "
        "every integer product) and NumPy, PyTorch and JAX compute them",
    ),
    Deviation(
        "int-clip-bounds",
        ("clip",),
        "clip of an integer tensor accepts None, ±inf and whole-number float bounds, and bounds "
        "beyond its dtype's range saturate to it (tf_keras raises converting them to the "
        "integer dtype)",
        "None means no bound for every dtype, and the result keeps x's dtype either way",
    ),
    Deviation(
        "tile-short-n",
        ("tile",),
        "an n with fewer entries than x has axes is padded with 1s on the left: tile of a (3, 4) "
        "tensor with n=2 is (3, 8) (tf_keras raises)",
        "Keras 2.3.1 behaviour, as np.tile; code written for Keras 2.3.1 relies on it",
    ),
    Deviation(
        "stack-empty",
        ("stack",),
        "stack of an empty list raises InvalidArgumentError (tf_keras returns an empty float32 "
        "vector)",
        "an empty list gives no shape and no dtype for the result; NumPy, PyTorch and JAX raise",
    ),
    Deviation(
        "concatenate-axis",
        ("concatenate",),
        "a negative axis below -rank raises AxisError (tf_keras takes it modulo the rank: axis -3 "
        "of a 2-D tensor is axis 1)",
        "the same axis rule as every other multik function and NumPy; the modulo is an accident "
        "of tf_keras's code",
    ),
    Deviation(
        "batch-flatten-empty",
        ("batch_flatten",),
        "batch_flatten of a (b, 0, ...) tensor is (b, 0) (tf_keras reshapes it to (-1, 0) and "
        "TensorFlow picks another batch size)",
        "the batch axis is kept, as batch_flatten promises; a -1 next to a zero size is ambiguous",
    ),
    Deviation(
        "empty-repeat",
        ("repeat_elements", "resize_images"),
        "repeat_elements with rep=0, and repeat_elements or resize_images along an empty axis, "
        "give an empty axis (tf_keras raises)",
        "np.repeat semantics, as documented: repeating nothing, or zero times, gives nothing; "
        "tf_keras fails inside tf.split and tf.image.resize",
    ),
    Deviation(
        "data-format-none",
        ("resize_images", "resize_volumes"),
        "data_format=None means K.image_data_format() (tf_keras raises)",
        "every other function with a data_format argument reads None so, in tf_keras too",
    ),
    Deviation(
        "resize-checks",
        ("resize_images", "resize_volumes"),
        "a tensor of another rank (resize_images: 4-D; resize_volumes: 5-D), a factor that is not "
        "an int >= 1 or an interpolation other than 'nearest' and 'bilinear' raise (tf_keras "
        "resizes a 3-D image along the wrong axes, truncates float factors, accepts "
        "tf.image.resize's other methods, and repeats a 4-D tensor along its channels)",
        "Keras 2.3.1's rules: these calls are mistakes whose tf_keras results are wrong, and the "
        "other methods have no kernel that gives TensorFlow's numbers on every backend",
    ),
    Deviation(
        "switch-rank1",
        ("switch",),
        "a rank-1 condition lines up with the leading axis of higher-rank branches, as "
        "conditions of every other rank do (tf_keras hands it to tf.where, which lines it up "
        "with the trailing axis: it raises when only the first axes match, and selects along the "
        "last axis when that one matches)",
        "Keras 2.2 (TensorFlow 1's tf.where) and the Keras NumPy reference select whole samples "
        "with a (batch,) condition; one alignment rule for every condition rank",
    ),
    Deviation(
        "switch-host-condition",
        ("switch",),
        "the condition may be a Python bool or int (tf_keras needs a tensor)",
        "K.learning_phase() is a Python int once it is set, and legacy code passes it straight to "
        "K.switch",
    ),
    Deviation(
        "batchnorm-axis",
        ("batch_normalization",),
        "`axis` is checked, and a rank-1 mean/var/beta/gamma lies along it, for input of every "
        "rank; statistics shaped to broadcast work with any axis (tf_keras uses `axis` for 4-D "
        "input only, where it lets an out-of-range axis pass, and raises for axis=1 with "
        "(1, C, 1, 1) statistics)",
        "one rule for every rank; the Keras BatchNormalization layer passes (1, C, 1, 1) "
        "statistics for channels_first, which Keras 2.3.1 accepted",
    ),
    Deviation(
        "normalize-batch-fused",
        ("normalize_batch_in_training",),
        "the variance returned is the batch (biased) variance for every axis pattern, and "
        "negative reduction axes count from the end (tf_keras's fused kernel for 4-D input over "
        "[0, 1, 2] returns the unbiased variance, n/(n-1) times larger, raises epsilon to "
        "1.001e-5 and needs 1-D gamma and beta; tf_keras raises for negative axes)",
        "tf_keras's variance would depend on the axis pattern, and for [0, 2, 3] on whether a GPU "
        "is present; the Keras BatchNormalization layer applies the n/(n-1) correction itself",
    ),
    Deviation(
        "int-normalize",
        ("l2_normalize", "batch_normalization", "normalize_batch_in_training"),
        "integer inputs are normalised in floatx (tf_keras raises)",
        "the floatx rule of mean and the activations for integer inputs",
    ),
    Deviation(
        "in-top-k-dtypes",
        ("in_top_k",),
        "predictions of every float and integer dtype, and targets of every integer dtype, are "
        "accepted (tf_keras takes float32 predictions and int32/int64 targets only)",
        "a TensorFlow kernel restriction; the comparisons are exact in every dtype",
    ),
    Deviation(
        "data-format-case",
        (
            "bias_add",
            "spatial_2d_padding",
            "spatial_3d_padding",
            "resize_images",
            "resize_volumes",
            "normalize_data_format",
            "conv1d",
            "conv2d",
            "conv3d",
            "conv2d_transpose",
            "conv3d_transpose",
            "separable_conv1d",
            "separable_conv2d",
            "depthwise_conv2d",
            "local_conv1d",
            "local_conv2d",
            "pool2d",
            "pool3d",
        ),
        "data_format is accepted in any case ('Channels_Last'), as Keras 2.2 did (tf_keras "
        "accepts lower case only)",
        "K.normalize_data_format lower-cases it (Keras 2.2), and every data_format argument "
        "follows the same rule",
    ),
    Deviation(
        "conv-float-only",
        (*_CONV_FUNCTIONS, "pool2d", "pool3d"),
        "convolution and pooling of integer or bool tensors raise DTypeError (TensorFlow "
        "convolves int32 tensors and max-pools integers on CPU)",
        "PyTorch has no integer convolution, TensorFlow none on GPU: one rule on every backend; "
        "a float and an integer operand compute in the float",
    ),
    Deviation(
        "conv-promotes",
        _CONV_FUNCTIONS,
        "an input and kernel of different float dtypes are promoted by the one promotion table "
        "(tf_keras raises)",
        "every binary operation in multik promotes with one table, the same on every backend",
    ),
    Deviation(
        "conv-strided-dilation",
        ("depthwise_conv2d", "separable_conv1d", "separable_conv2d"),
        "strides > 1 with dilation_rate > 1 raise InvalidArgumentError, as in conv1d/2d/3d "
        "(tf_keras warns and returns a subsampling that is not a strided dilated convolution)",
        "TensorFlow documents the combination as unsupported for depthwise and separable "
        "convolutions; a wrong result is worse than an error",
    ),
    Deviation(
        "causal-channels-first",
        ("conv1d",),
        "padding='causal' with channels_first pads the steps axis (tf_keras pads axis 1, the "
        "channels, then fails on the kernel's channels)",
        "tf_keras pads before it converts the layout: a bug",
    ),
    Deviation(
        "pool-nan",
        ("pool2d", "pool3d"),
        "NaN propagates through max pooling, and a window of -inf gives -inf (TensorFlow's "
        "2-D max pooling skips NaN, and gives the lowest float for a window of -inf)",
        "NaN propagates through every maximum in multik (max, maximum, argmax); PyTorch, JAX "
        "and NumPy pooling propagate it too",
    ),
    Deviation(
        "pool-half-f32",
        ("pool2d", "pool3d"),
        "float16/bfloat16 average pooling sums in float32 and rounds once (TensorFlow sums in 16 "
        "bits: the average of 512 bfloat16 values near 0.5 comes out as 0.98)",
        "every float16/bfloat16 reduction in multik computes in float32, as on most frameworks",
    ),
    Deviation(
        "seed-repeats",
        (
            "random_uniform",
            "random_normal",
            "truncated_normal",
            "random_bernoulli",
            "random_binomial",
            "dropout",
        ),
        "an int seed gives the same numbers on every eager call (tf_keras draws new numbers on "
        "each call: TensorFlow's eager ops keep a counter per seed)",
        "a seed that reproduces a draw is what legacy code asks for, and the one rule all four "
        "frameworks can follow (JAX and stateless TensorFlow generators have no hidden counter); "
        "in a graph, a seeded node still draws anew on each K.function call",
    ),
    Deviation(
        "loop-fixed-dtypes",
        ("rnn", "foldl", "foldr"),
        "a step function must return its states or accumulator with the dtypes and shapes they "
        "came in with, else DTypeError/ShapeError (tf_keras's eager loop, plain Python, lets "
        "them change; inside tf.function it raises too)",
        "a compiled loop (jax.lax.scan, tf.while_loop in a graph) carries fixed dtypes and "
        "shapes; one rule in every mode on every backend",
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
    "batch_gather": "tensorflow.compat.v1.batch_gather (legacy code calls K.tf.batch_gather)",
    "logsumexp": "tf_keras.src.backend.logsumexp (Keras 2.3.1's function, no longer exported)",
    "conv3d_transpose": "tf_keras.src.backend.conv3d_transpose (defined, not exported)",
}

_NO_SESSION = (
    "TensorFlow 1 sessions exist only on TensorFlow; K.eval, K.get_value and K.function do what "
    "a session did"
)

#: (backend, function) -> why the backend raises UnsupportedError for it. Empty: none.
UNSUPPORTED: dict[tuple[str, str], str] = {
    (backend, function): _NO_SESSION
    for function in ("get_session", "set_session")
    for backend in ("numpy", "torch", "jax")
}

_BY_TAG = {d.tag: d for d in DEVIATIONS}


def deviation_for(function: str, tags: frozenset[str]) -> Deviation | None:
    """The deviation covering a case of ``function`` with ``tags``, if any."""
    for tag in tags:
        deviation = _BY_TAG.get(tag)
        if deviation is not None and function in deviation.functions:
            return deviation
    return None
