"""The legacy Keras 2 backend API, name by name: the functions ``from keras import backend as K``
offered across Keras 2.2.4, 2.3.1 and tf_keras 2.21, which multik aims to cover.

Each entry gives its family, its signature (tf_keras 2.21's where tf_keras exports the
function, else Keras 2.3.1's; with Keras 2.3.1's parameters that tf_keras dropped, as
ctc_decode's merge_repeated) and the rule that is easy to get wrong. This is data only: what
multik implements is read from ``multik.backend`` itself (see ``multik.coverage``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FAMILIES", "LEGACY_API", "LegacyFunction", "legacy_function"]

#: Family letter -> title.
FAMILIES: dict[str, str] = {
    "A": "Config, session and global state",
    "B": "Tensor and variable creation",
    "C": "Introspection and dtype",
    "D": "Variable state, evaluation and graph",
    "E": "Linear algebra",
    "F": "Reductions and scans",
    "G": "Element-wise math and comparison",
    "H": "Shape, indexing and padding",
    "I": "NN activations",
    "J": "Losses",
    "K": "Other NN ops (dropout, normalization, bias, metrics)",
    "L": "Convolution and pooling",
    "M": "Random",
    "N": "Control flow, RNN and higher-order",
    "O": "CTC",
}


@dataclass(frozen=True)
class LegacyFunction:
    """One name of the legacy backend API."""

    name: str
    family: str
    signature: str
    rule: str
    #: False for names tf_keras 2.21 no longer exports (the signature is then Keras 2.3.1's).
    in_tf_keras: bool = True


def _f(
    name: str, family: str, signature: str, rule: str, in_tf_keras: bool = True
) -> LegacyFunction:
    return LegacyFunction(name, family, f"{name}{signature}", rule, in_tf_keras)


LEGACY_API: tuple[LegacyFunction, ...] = (
    # A. Config, session and global state
    _f("epsilon", "A", "()", "The fuzz factor the losses and sqrt-based ops add; 1e-7 by default."),
    _f("set_epsilon", "A", "(value)", "Changes the fuzz factor for the rest of the process."),
    _f("floatx", "A", "()", "The default float dtype name; 'float32' by default."),
    _f(
        "set_floatx",
        "A",
        "(value)",
        "Only 'float16', 'float32' or 'float64'; anything else is a ValueError.",
    ),
    _f("cast_to_floatx", "A", "(x)", "Returns a NumPy array in floatx, not a tensor."),
    _f("image_data_format", "A", "()", "'channels_last' unless set or configured."),
    _f("set_image_data_format", "A", "(data_format)", "'channels_last' or 'channels_first'."),
    _f(
        "normalize_data_format",
        "A",
        "(value)",
        "None becomes image_data_format(); other values are validated.",
        False,
    ),
    _f(
        "image_dim_ordering",
        "A",
        "()",
        "Keras 1 spelling: 'tf' for channels_last, 'th' for channels_first.",
        False,
    ),
    _f(
        "set_image_dim_ordering",
        "A",
        "(dim_ordering)",
        "Sets image_data_format from 'tf' or 'th'.",
        False,
    ),
    _f(
        "backend",
        "A",
        "()",
        "The name of the active backend; code comparing it with 'tensorflow' changes behaviour.",
    ),
    _f("get_uid", "A", "(prefix='')", "A counter per prefix that starts at 1."),
    _f("reset_uids", "A", "()", "Restarts every get_uid counter."),
    _f("clear_session", "A", "()", "Drops the graph state: learning phase, uids, automatic names."),
    _f(
        "manual_variable_initialization",
        "A",
        "(value)",
        "A TensorFlow 1 session switch; no meaning without sessions.",
    ),
    _f(
        "learning_phase",
        "A",
        "()",
        "0 (test) or 1 (train) when set, else a symbolic bool placeholder that defaults to 0.",
    ),
    _f("set_learning_phase", "A", "(value)", "Accepts only 0 or 1; anything else is a ValueError."),
    _f(
        "learning_phase_scope",
        "A",
        "(value)",
        "A with-block that sets the learning phase and restores it on exit.",
    ),
    _f("get_session", "A", "()", "The TensorFlow 1 session; only meaningful on TensorFlow.", False),
    _f(
        "set_session",
        "A",
        "(session)",
        "Installs a TensorFlow 1 session; only meaningful on TensorFlow.",
        False,
    ),
    _f(
        "name_scope",
        "A",
        "(name)",
        "A with-block that prefixes the names of the tensors made inside it.",
    ),
    _f("symbolic", "A", "(func)", "Keras 2.3 decorator that runs func in the Keras graph.", False),
    _f("eager", "A", "(func)", "Keras 2.3 decorator that runs func eagerly.", False),
    _f(
        "control_dependencies",
        "A",
        "(control_inputs)",
        "TensorFlow graph ordering; a no-op outside graphs.",
        False,
    ),
    # B. Tensor and variable creation
    _f(
        "variable",
        "B",
        "(value, dtype=None, name=None, constraint=None)",
        "dtype None means floatx, so integer data becomes float32 unless a dtype is given.",
    ),
    _f(
        "constant",
        "B",
        "(value, dtype=None, shape=None, name=None)",
        "dtype None means floatx; shape broadcasts a scalar value.",
    ),
    _f(
        "placeholder",
        "B",
        "(shape=None, ndim=None, dtype=None, sparse=False, name=None, ragged=False)",
        "A symbolic input fed through K.function; give shape or ndim, None for unknown sizes.",
    ),
    _f(
        "zeros",
        "B",
        "(shape, dtype=None, name=None)",
        "A variable (not a plain tensor) when the shape is fully known.",
    ),
    _f("ones", "B", "(shape, dtype=None, name=None)", "As zeros, filled with ones."),
    _f(
        "eye",
        "B",
        "(size, dtype=None, name=None)",
        "An identity variable; Keras 2.3.1 also accepts (n, m) for a rectangular one.",
    ),
    _f(
        "zeros_like",
        "B",
        "(x, dtype=None, name=None)",
        "Keeps x's dtype unless dtype is given (Keras 2.3.1 used floatx).",
    ),
    _f("ones_like", "B", "(x, dtype=None, name=None)", "As zeros_like, filled with ones."),
    _f("identity", "B", "(x, name=None)", "A tensor with the same value as x.", False),
    _f(
        "arange",
        "B",
        "(start, stop=None, step=1, dtype='int32')",
        "One argument is the stop; a negative single argument gives an empty int32 tensor.",
    ),
    # C. Introspection and dtype
    _f("is_sparse", "C", "(tensor)", "True only for sparse tensors."),
    _f(
        "to_dense",
        "C",
        "(tensor)",
        "A dense copy of a sparse tensor; dense input comes back as it is.",
    ),
    _f("is_variable", "C", "(x)", "True for variables made by K.variable and friends.", False),
    _f(
        "is_keras_tensor",
        "C",
        "(x)",
        "ValueError for non-tensors such as NumPy arrays; True only for Keras layer outputs.",
    ),
    _f("is_tensor", "C", "(x)", "True for tensors and variables of the backend.", False),
    _f("is_placeholder", "C", "(x)", "True for tensors made by K.placeholder.", False),
    _f("shape", "C", "(x)", "The dynamic shape as an int32 tensor (use int_shape for a tuple)."),
    _f("int_shape", "C", "(x)", "The static shape as a tuple, None for unknown sizes."),
    _f("ndim", "C", "(x)", "The rank as an int (None when unknown)."),
    _f("size", "C", "(x, name=None)", "The number of elements, as a tensor.", False),
    _f("dtype", "C", "(x)", "The dtype as a string such as 'float32'."),
    _f("count_params", "C", "(x)", "The number of elements of a fully known shape."),
    _f("get_variable_shape", "C", "(x)", "Old name of int_shape.", False),
    _f("cast", "C", "(x, dtype)", "Float to int truncates toward zero."),
    # D. Variable state, evaluation and graph
    _f("eval", "D", "(x)", "The value as a NumPy array."),
    _f("get_value", "D", "(x)", "The value of a variable as a NumPy array."),
    _f("batch_get_value", "D", "(tensors)", "get_value of a list, as a list."),
    _f("set_value", "D", "(x, value)", "Assigns a NumPy value to a variable in place."),
    _f("batch_set_value", "D", "(tuples)", "set_value for a list of (variable, value) pairs."),
    _f(
        "update",
        "D",
        "(x, new_x)",
        "Assigns new_x to the variable x; in a graph it happens when the graph runs.",
    ),
    _f("update_add", "D", "(x, increment)", "x += increment, as update."),
    _f("update_sub", "D", "(x, decrement)", "x -= decrement, as update."),
    _f(
        "moving_average_update",
        "D",
        "(x, value, momentum)",
        "x = x * momentum + value * (1 - momentum).",
    ),
    _f(
        "print_tensor",
        "D",
        "(x, message='', summarize=3)",
        "Returns x unchanged and prints it when evaluated.",
    ),
    _f(
        "function",
        "D",
        "(inputs, outputs, updates=None, name=None, **kwargs)",
        "A callable taking a list of NumPy inputs and returning a list of NumPy outputs, applying "
        "updates.",
    ),
    _f(
        "gradients",
        "D",
        "(loss, variables)",
        "Symbolic gradients of a scalar loss; graph code only.",
    ),
    _f(
        "stop_gradient",
        "D",
        "(variables)",
        "A tensor or a list of tensors that gradients do not flow through.",
    ),
    # E. Linear algebra
    _f(
        "dot",
        "E",
        "(x, y)",
        "np.dot for N-D: the last axis of x meets the second-to-last of y; never batched matmul.",
    ),
    _f(
        "batch_dot",
        "E",
        "(x, y, axes=None)",
        "Output rank is x.ndim + y.ndim - 2 with a rank-1 result kept as (batch, 1); axis 0 is "
        "refused.",
    ),
    _f("transpose", "E", "(x)", "Reverses all axes, not just the last two."),
    # F. Reductions and scans
    _f("max", "F", "(x, axis=None, keepdims=False)", "axis may be an int, list or tuple."),
    _f("min", "F", "(x, axis=None, keepdims=False)", "As max."),
    _f("sum", "F", "(x, axis=None, keepdims=False)", "TensorFlow refuses bool input."),
    _f("prod", "F", "(x, axis=None, keepdims=False)", "TensorFlow refuses bool input."),
    _f(
        "mean",
        "F",
        "(x, axis=None, keepdims=False)",
        "Bool input becomes floatx; integer input stays integer in TensorFlow.",
    ),
    _f(
        "var",
        "F",
        "(x, axis=None, keepdims=False)",
        "Population variance (ddof=0), unlike torch's default.",
    ),
    _f("std", "F", "(x, axis=None, keepdims=False)", "sqrt of the population variance (ddof=0)."),
    _f("any", "F", "(x, axis=None, keepdims=False)", "Logical or; returns bool."),
    _f("all", "F", "(x, axis=None, keepdims=False)", "Logical and; returns bool."),
    _f("argmax", "F", "(x, axis=-1)", "Default axis is the last one, not a flattened search."),
    _f("argmin", "F", "(x, axis=-1)", "As argmax."),
    _f(
        "logsumexp",
        "F",
        "(x, axis=None, keepdims=False)",
        "log(sum(exp(x))) computed stably; tf_keras keeps it private.",
        False,
    ),
    _f("cumsum", "F", "(x, axis=0)", "Default axis is 0, not the flattened array."),
    _f("cumprod", "F", "(x, axis=0)", "Default axis is 0."),
    # G. Element-wise math and comparison
    _f("square", "G", "(x)", "x * x in x's dtype."),
    _f("abs", "G", "(x)", "Absolute value in x's dtype."),
    _f("sqrt", "G", "(x)", "Negative inputs are clipped to 0 first, so sqrt(-1) is 0, not NaN."),
    _f("exp", "G", "(x)", "e to the x."),
    _f("log", "G", "(x)", "Natural logarithm; log(0) is -inf."),
    _f("round", "G", "(x)", "Rounds halves to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2."),
    _f("sign", "G", "(x)", "-1, 0 or 1."),
    _f("pow", "G", "(x, a)", "A negative base with a fractional exponent gives NaN."),
    _f(
        "clip",
        "G",
        "(x, min_value, max_value)",
        "With numbers and max < min, max becomes min; None means unbounded; tensor bounds allowed.",
    ),
    _f("sin", "G", "(x)", "Sine."),
    _f("cos", "G", "(x)", "Cosine."),
    _f("equal", "G", "(x, y)", "Element-wise, broadcasting; returns bool."),
    _f("not_equal", "G", "(x, y)", "As equal."),
    _f("greater", "G", "(x, y)", "As equal."),
    _f("greater_equal", "G", "(x, y)", "As equal."),
    _f("less", "G", "(x, y)", "As equal."),
    _f("less_equal", "G", "(x, y)", "As equal."),
    _f("maximum", "G", "(x, y)", "Element-wise maximum with broadcasting; NaN wins."),
    _f("minimum", "G", "(x, y)", "Element-wise minimum with broadcasting; NaN wins."),
    # H. Shape, indexing and padding
    _f("reshape", "H", "(x, shape)", "One -1 may stand for the remaining size."),
    _f("permute_dimensions", "H", "(x, pattern)", "pattern is a full permutation of the axes."),
    _f("concatenate", "H", "(tensors, axis=-1)", "Default axis is the last one."),
    _f("stack", "H", "(x, axis=0)", "Default axis is 0."),
    _f("expand_dims", "H", "(x, axis=-1)", "Default inserts the new axis last."),
    _f("squeeze", "H", "(x, axis)", "One int axis whose size must be 1."),
    _f("flatten", "H", "(x)", "To 1-D."),
    _f("batch_flatten", "H", "(x)", "To 2-D: (batch, everything else)."),
    _f(
        "repeat", "H", "(x, n)", "2-D (batch, d) to (batch, n, d) like RepeatVector; not np.repeat."
    ),
    _f(
        "repeat_elements",
        "H",
        "(x, rep, axis)",
        "np.repeat: each slice repeated in place, not tiled.",
    ),
    _f(
        "tile",
        "H",
        "(x, n)",
        "n is an int or a sequence; Keras 2.3.1 pads a short n with leading 1s.",
    ),
    _f("reverse", "H", "(x, axes)", "axes is an int or a list."),
    _f(
        "slice",
        "H",
        "(x, start, size)",
        "x[start:start + size] on every axis; lengths must match the rank.",
        False,
    ),
    _f("gather", "H", "(reference, indices)", "Picks rows along axis 0."),
    _f(
        "one_hot",
        "H",
        "(indices, num_classes)",
        "Appends a class axis; float32 whatever floatx; out-of-range indices give all-zero rows.",
    ),
    _f(
        "temporal_padding",
        "H",
        "(x, padding=(1, 1))",
        "3-D input only; zero-pads axis 1 by (left, right).",
    ),
    _f(
        "spatial_2d_padding",
        "H",
        "(x, padding=((1, 1), (1, 1)), data_format=None)",
        "4-D input; pads the two spatial axes chosen by data_format.",
    ),
    _f(
        "spatial_3d_padding",
        "H",
        "(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None)",
        "5-D input; pads the three spatial axes.",
    ),
    _f(
        "resize_images",
        "H",
        "(x, height_factor, width_factor, data_format, interpolation='nearest')",
        "Integer upsampling factors; 'nearest' or 'bilinear'.",
    ),
    _f(
        "resize_volumes",
        "H",
        "(x, depth_factor, height_factor, width_factor, data_format)",
        "Nearest-neighbour upsampling of three spatial axes.",
    ),
    _f(
        "pattern_broadcast",
        "H",
        "(x, broadcastable)",
        "Theano and CNTK only; outside multik's scope.",
        False,
    ),
    # I. NN activations
    _f(
        "relu",
        "I",
        "(x, alpha=0.0, max_value=None, threshold=0.0)",
        "Above threshold min(x, max_value), below alpha * (x - threshold), not clipped by "
        "max_value.",
    ),
    _f("elu", "I", "(x, alpha=1.0)", "x for x > 0, else alpha * (exp(x) - 1)."),
    _f("softmax", "I", "(x, axis=-1)", "Normalizes over the last axis by default."),
    _f("softplus", "I", "(x)", "log(1 + exp(x))."),
    _f("softsign", "I", "(x)", "x / (1 + |x|)."),
    _f("sigmoid", "I", "(x)", "1 / (1 + exp(-x))."),
    _f(
        "hard_sigmoid",
        "I",
        "(x)",
        "clip(0.2 * x + 0.5, 0, 1): slope 0.2, not the 1/6 of torch and JAX.",
    ),
    _f("tanh", "I", "(x)", "Hyperbolic tangent."),
    # J. Losses
    _f(
        "categorical_crossentropy",
        "J",
        "(target, output, from_logits=False, axis=-1)",
        "Target first; output is renormalized over axis and clipped to [epsilon, 1 - epsilon].",
    ),
    _f(
        "sparse_categorical_crossentropy",
        "J",
        "(target, output, from_logits=False, axis=-1, ignore_class=None)",
        "Integer targets; the result has output's shape without the class axis.",
    ),
    _f(
        "binary_crossentropy",
        "J",
        "(target, output, from_logits=False)",
        "Element-wise, no reduction; bce(1, 0) is 15.424949 with the default epsilon.",
    ),
    _f(
        "categorical_focal_crossentropy",
        "J",
        "(target, output, alpha=0.25, gamma=2.0, from_logits=False, axis=-1)",
        "Categorical crossentropy weighted by alpha * (1 - p) ** gamma.",
    ),
    _f(
        "binary_focal_crossentropy",
        "J",
        "(target, output, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False)",
        "Binary crossentropy weighted by (1 - p_t) ** gamma.",
    ),
    # K. Other NN ops
    _f(
        "dropout",
        "K",
        "(x, level, noise_shape=None, seed=None)",
        "level is the drop rate; kept values are scaled by 1 / (1 - level); not gated by the "
        "learning phase.",
    ),
    _f(
        "l2_normalize",
        "K",
        "(x, axis=None)",
        "x / sqrt(max(sum(x ** 2), 1e-12)); axis None normalizes over all axes.",
    ),
    _f(
        "in_top_k",
        "K",
        "(predictions, targets, k)",
        "Ties at the k-th score all count as in the top k; a non-finite score is never in.",
    ),
    _f(
        "bias_add",
        "K",
        "(x, bias, data_format=None)",
        "bias has rank 1 or ndim(x) - 1; data_format picks the channel axis.",
    ),
    _f(
        "batch_normalization",
        "K",
        "(x, mean, var, beta, gamma, axis=-1, epsilon=0.001)",
        "(x - mean) / sqrt(var + epsilon) * gamma + beta.",
    ),
    _f(
        "normalize_batch_in_training",
        "K",
        "(x, gamma, beta, reduction_axes, epsilon=0.001)",
        "Returns (normalized, mean, variance) of the batch.",
    ),
    # L. Convolution and pooling
    _f(
        "conv1d",
        "L",
        "(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1)",
        "Cross-correlation with a (width, in, out) kernel.",
    ),
    _f(
        "conv2d",
        "L",
        "(x, kernel, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1))",
        "Cross-correlation with a (height, width, in, out) kernel.",
    ),
    _f(
        "conv3d",
        "L",
        "(x, kernel, strides=(1, 1, 1), padding='valid', data_format=None, dilation_rate=(1, 1, "
        "1))",
        "As conv2d with three spatial axes.",
    ),
    _f(
        "conv2d_transpose",
        "L",
        "(x, kernel, output_shape, strides=(1, 1), padding='valid', data_format=None, "
        "dilation_rate=(1, 1))",
        "Kernel (height, width, out, in); output_shape includes the batch size.",
    ),
    _f(
        "conv3d_transpose",
        "L",
        "(x, kernel, output_shape, strides=(1, 1, 1), padding='valid', data_format=None)",
        "As conv2d_transpose with three spatial axes.",
        False,
    ),
    _f(
        "separable_conv1d",
        "L",
        "(x, depthwise_kernel, pointwise_kernel, strides=1, padding='valid', data_format=None, "
        "dilation_rate=1)",
        "A depthwise then a pointwise 1-D convolution.",
        False,
    ),
    _f(
        "separable_conv2d",
        "L",
        "(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding='valid', "
        "data_format=None, dilation_rate=(1, 1))",
        "Depthwise (h, w, in, multiplier) then pointwise (1, 1, in * multiplier, out).",
    ),
    _f(
        "depthwise_conv2d",
        "L",
        "(x, depthwise_kernel, strides=(1, 1), padding='valid', data_format=None, "
        "dilation_rate=(1, 1))",
        "One filter group per input channel; kernel (h, w, in, multiplier).",
    ),
    _f(
        "local_conv1d",
        "L",
        "(inputs, kernel, kernel_size, strides, data_format=None)",
        "Unshared weights: kernel (output length, size * in, filters).",
    ),
    _f(
        "local_conv2d",
        "L",
        "(inputs, kernel, kernel_size, strides, output_shape, data_format=None)",
        "Unshared weights over two spatial axes.",
    ),
    _f(
        "pool2d",
        "L",
        "(x, pool_size, strides=(1, 1), padding='valid', data_format=None, pool_mode='max')",
        "pool_mode 'max' or 'avg'; 'same' average pooling leaves the padding out of the mean.",
    ),
    _f(
        "pool3d",
        "L",
        "(x, pool_size, strides=(1, 1, 1), padding='valid', data_format=None, pool_mode='max')",
        "As pool2d with three spatial axes.",
    ),
    # M. Random
    _f(
        "random_uniform",
        "M",
        "(shape, minval=0.0, maxval=1.0, dtype=None, seed=None)",
        "Uniform in [minval, maxval); the same seed repeats on one backend only.",
    ),
    _f(
        "random_normal",
        "M",
        "(shape, mean=0.0, stddev=1.0, dtype=None, seed=None)",
        "Normal draws; numbers differ between frameworks.",
    ),
    _f(
        "truncated_normal",
        "M",
        "(shape, mean=0.0, stddev=1.0, dtype=None, seed=None)",
        "Draws beyond two standard deviations are redrawn.",
    ),
    _f(
        "random_binomial",
        "M",
        "(shape, p=0.0, dtype=None, seed=None)",
        "0/1 draws with probability p, in floatx; old name of random_bernoulli.",
    ),
    _f(
        "random_bernoulli",
        "M",
        "(shape, p=0.0, dtype=None, seed=None)",
        "0/1 draws with probability p.",
    ),
    _f(
        "random_uniform_variable",
        "M",
        "(shape, low, high, dtype=None, name=None, seed=None)",
        "A variable of uniform draws in [low, high).",
    ),
    _f(
        "random_normal_variable",
        "M",
        "(shape, mean, scale, dtype=None, name=None, seed=None)",
        "A variable of normal draws.",
    ),
    # N. Control flow, RNN and higher-order
    _f(
        "switch",
        "N",
        "(condition, then_expression, else_expression)",
        "A scalar condition picks a branch (callables allowed); a tensor condition selects "
        "element-wise.",
    ),
    _f(
        "in_train_phase",
        "N",
        "(x, alt, training=None)",
        "x in training, alt otherwise; training None means the learning phase.",
    ),
    _f("in_test_phase", "N", "(x, alt, training=None)", "in_train_phase with x and alt swapped."),
    _f(
        "rnn",
        "N",
        "(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, "
        "unroll=False, input_length=None, time_major=False, zero_output_for_mask=False, "
        "return_all_outputs=True)",
        "Returns (last output, all outputs, new states); masked steps carry the previous output "
        "and states.",
    ),
    _f(
        "map_fn",
        "N",
        "(fn, elems, name=None, dtype=None)",
        "fn applied to each slice along axis 0.",
    ),
    _f(
        "foldl",
        "N",
        "(fn, elems, initializer=None, name=None)",
        "Left fold over axis 0; the first element is the default initializer.",
    ),
    _f(
        "foldr",
        "N",
        "(fn, elems, initializer=None, name=None)",
        "Right fold over axis 0; the last element is the default initializer.",
    ),
    # O. CTC
    _f(
        "ctc_label_dense_to_sparse",
        "O",
        "(labels, label_lengths)",
        "Dense padded labels to a sparse tensor.",
    ),
    _f(
        "ctc_batch_cost",
        "O",
        "(y_true, y_pred, input_length, label_length)",
        "y_pred holds softmax probabilities (batch, time, classes); the blank is the last class; "
        "result (batch, 1).",
    ),
    _f(
        "ctc_decode",
        "O",
        "(y_pred, input_length, greedy=True, beam_width=100, top_paths=1, merge_repeated=True)",
        "Returns (decoded paths padded with -1, log probabilities); tf_keras pads to the number "
        "of time steps. merge_repeated is Keras 2.3.1's (default False there); tf_keras always "
        "merges.",
    ),
)

_BY_NAME = {f.name: f for f in LEGACY_API}


def legacy_function(name: str) -> LegacyFunction | None:
    """The entry of ``name``, or None when it is not a name of the legacy backend API."""
    return _BY_NAME.get(name)
