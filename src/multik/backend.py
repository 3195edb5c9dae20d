"""The K front-end: the legacy Keras backend API, forwarded to the active backend's adapter.

``from multik import backend as K`` replaces ``from keras import backend as K``. Each function
is declared here once, with its Keras signature; its body asks for the active adapter (one
context-variable read) and calls the method of the same name. Inputs may be the active
backend's tensors, multik Variables, NumPy arrays, or Python numbers and lists; results are the
active backend's tensors (``eval``/``get_value`` give NumPy arrays).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from multik import config, graph, session, symbolic
from multik.config import active_adapter as _adapter
from multik.errors import InvalidArgumentError, ShapeError, SymbolicInput
from multik.symbolic import SymbolicTensor
from multik.symbolic import call as _symbolic
from multik.variable import Variable

Tensor = Any

#: Functions answered by multik's configuration rather than by a backend adapter.
CONFIG_FUNCTIONS = (
    "backend",
    "epsilon",
    "set_epsilon",
    "floatx",
    "set_floatx",
    "image_data_format",
    "set_image_data_format",
    "cast_to_floatx",
)

#: Functions answered by multik's graph layer and session state, the same on every backend.
GRAPH_FUNCTIONS = (
    "placeholder",
    "function",
    "gradients",
    "learning_phase",
    "set_learning_phase",
    "learning_phase_scope",
    "in_train_phase",
    "in_test_phase",
    "set_value",
    "batch_get_value",
    "batch_set_value",
    "update",
    "update_add",
    "update_sub",
    "moving_average_update",
    "count_params",
    "is_variable",
    "is_tensor",
    "is_placeholder",
    "is_keras_tensor",
    "get_uid",
    "reset_uids",
    "clear_session",
)

__all__ = [
    *CONFIG_FUNCTIONS,
    *GRAPH_FUNCTIONS,
    "SymbolicTensor",
    "Variable",
    "batch_dot",
    "batch_gather",
    "binary_crossentropy",
    "cast",
    "categorical_crossentropy",
    "constant",
    "cumprod",
    "cumsum",
    "dot",
    "dtype",
    "elu",
    "eval",
    "expand_dims",
    "eye",
    "get_value",
    "hard_sigmoid",
    "int_shape",
    "max",
    "mean",
    "min",
    "ndim",
    "one_hot",
    "ones",
    "ones_like",
    "permute_dimensions",
    "print_tensor",
    "prod",
    "relu",
    "reshape",
    "shape",
    "sigmoid",
    "softmax",
    "softplus",
    "softsign",
    "sparse_categorical_crossentropy",
    "square",
    "squeeze",
    "stop_gradient",
    "sum",
    "tanh",
    "temporal_padding",
    "transpose",
    "variable",
    "zeros",
    "zeros_like",
]


# --------------------------------------------------------------------------- configuration


def backend() -> str:
    """The name of the active backend: 'numpy', 'tensorflow', 'torch' or 'jax'."""
    return _adapter().name


def epsilon() -> float:
    """The fuzz factor the losses clip with (1e-7 unless configured)."""
    return config.epsilon()


def set_epsilon(value: float) -> None:
    """Set the fuzz factor; it must be a finite number >= 0 (ConfigError otherwise)."""
    config.set_epsilon(value)


def floatx() -> str:
    """The default float dtype, 'float32' unless configured."""
    return config.floatx()


def set_floatx(value: str) -> None:
    """Set the default float dtype: 'float16', 'float32' or 'float64' (ConfigError otherwise)."""
    config.set_floatx(value)


def image_data_format() -> str:
    """The default image data format, 'channels_last' unless configured."""
    return config.image_data_format()


def set_image_data_format(data_format: str) -> None:
    """Set the default image data format: 'channels_last' or 'channels_first'."""
    config.set_image_data_format(data_format)


def cast_to_floatx(x: Any) -> Any:
    """``x`` in floatx: a NumPy array for NumPy or Python input, a tensor for a tensor input."""
    if isinstance(x, (np.ndarray, np.generic, int, float, bool, list, tuple)):
        from multik.dtypes import numpy_dtype

        return np.asarray(x).astype(numpy_dtype(config.floatx()))
    try:
        return _adapter().cast(x, config.floatx())
    except SymbolicInput:
        return _symbolic(cast, x, config.floatx())


# --------------------------------------------------------------------------- creation


def variable(
    value: Any, dtype: Any = None, name: str | None = None, constraint: Any = None
) -> Variable:
    """A multik Variable holding ``value``; ``dtype=None`` means floatx (integers become floats)."""
    return _adapter().variable(value, dtype, name, constraint)


def constant(
    value: Any, dtype: Any = None, shape: Sequence[int] | None = None, name: Any = None
) -> Tensor:
    """A tensor of ``value`` in ``dtype`` (default floatx); a single value fills ``shape``."""
    try:
        return _adapter().constant(value, dtype, shape, name)
    except SymbolicInput:
        return _symbolic(constant, value, dtype, shape, name)


def zeros(shape: Sequence[int], dtype: Any = None, name: str | None = None) -> Variable:
    """A Variable of zeros of ``shape`` (dtype default floatx)."""
    return _adapter().zeros(shape, dtype, name)


def ones(shape: Sequence[int], dtype: Any = None, name: str | None = None) -> Variable:
    """A Variable of ones of ``shape`` (dtype default floatx)."""
    return _adapter().ones(shape, dtype, name)


def eye(size: int | Sequence[int], dtype: Any = None, name: str | None = None) -> Variable:
    """An identity-matrix Variable: ``size`` is n (n x n) or ``(n, m)`` (Keras 2.3.1)."""
    return _adapter().eye(size, dtype, name)


def zeros_like(x: Any, dtype: Any = None, name: Any = None) -> Tensor:
    """Zeros with the shape of ``x``, in ``x``'s dtype unless ``dtype`` is given."""
    try:
        return _adapter().zeros_like(x, dtype, name)
    except SymbolicInput:
        return _symbolic(zeros_like, x, dtype, name)


def ones_like(x: Any, dtype: Any = None, name: Any = None) -> Tensor:
    """Ones with the shape of ``x``, in ``x``'s dtype unless ``dtype`` is given."""
    try:
        return _adapter().ones_like(x, dtype, name)
    except SymbolicInput:
        return _symbolic(ones_like, x, dtype, name)


# --------------------------------------------------------------------------- introspection


def shape(x: Any) -> Tensor:
    """The shape of ``x`` as an int32 tensor of the active backend."""
    try:
        return _adapter().shape(x)
    except SymbolicInput:
        return symbolic.shape_of(x)


def int_shape(x: Any) -> tuple[int | None, ...]:
    """The shape of ``x`` as a tuple of ints."""
    try:
        return _adapter().int_shape(x)
    except SymbolicInput:
        return x.shape


def ndim(x: Any) -> int:
    """The rank (number of axes) of ``x``."""
    try:
        return _adapter().ndim(x)
    except SymbolicInput:
        return x.ndim


def dtype(x: Any) -> str:
    """The Keras dtype name of ``x``, e.g. 'float32'."""
    try:
        return _adapter().dtype(x)
    except SymbolicInput:
        return x.dtype


def eval(x: Any) -> np.ndarray:
    """The value of ``x`` as a NumPy array."""
    try:
        return _adapter().eval(x)
    except SymbolicInput:
        return graph.evaluate(x)


def get_value(x: Any) -> np.ndarray:
    """The value of a Variable (or tensor) as a NumPy array."""
    try:
        return _adapter().get_value(x)
    except SymbolicInput:
        return graph.evaluate(x)


def cast(x: Any, dtype: Any) -> Tensor:
    """A new tensor with the values of ``x`` in ``dtype``; ``x`` is left unchanged.

    Float to integer truncates toward zero and saturates at the target's range; NaN gives 0.
    """
    try:
        return _adapter().cast(x, dtype)
    except SymbolicInput:
        return _symbolic(cast, x, dtype)


# --------------------------------------------------------------------------- reductions


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` (None: all; int, list or tuple; empty: none).

    bool and integers narrower than 32 bits sum in int32; int32 wraps; float16/bfloat16 sum in
    float32 and round once.
    """
    try:
        return _adapter().sum(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(sum, x, axis, keepdims)


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Product over ``axis``, with the accumulator dtypes of ``sum``."""
    try:
        return _adapter().prod(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(prod, x, axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum over ``axis``; NaN propagates; an empty reduction raises ShapeError."""
    try:
        return _adapter().max(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(max, x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Minimum over ``axis``; NaN propagates; an empty reduction raises ShapeError."""
    try:
        return _adapter().min(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(min, x, axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``; integer and bool inputs give floatx (Keras would truncate)."""
    try:
        return _adapter().mean(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(mean, x, axis, keepdims)


def cumsum(x: Any, axis: int | None = 0) -> Tensor:
    """Cumulative sum along ``axis`` (default 0; None flattens first), dtypes as ``sum``."""
    try:
        return _adapter().cumsum(x, axis)
    except SymbolicInput:
        return _symbolic(cumsum, x, axis)


def cumprod(x: Any, axis: int | None = 0) -> Tensor:
    """Cumulative product along ``axis`` (default 0; None flattens first), dtypes as ``sum``."""
    try:
        return _adapter().cumprod(x, axis)
    except SymbolicInput:
        return _symbolic(cumprod, x, axis)


# --------------------------------------------------------------------------- linear algebra


def dot(x: Any, y: Any) -> Tensor:
    """``np.dot``: contracts the last axis of ``x`` with the next-to-last of ``y``; 1-D is fine."""
    try:
        return _adapter().dot(x, y)
    except SymbolicInput:
        return _symbolic(dot, x, y)


def batch_dot(x: Any, y: Any, axes: Any = None) -> Tensor:
    """Batch-wise dot product (the tf_keras algorithm); a rank-1 result comes back as (batch, 1)."""
    try:
        return _adapter().batch_dot(x, y, axes)
    except SymbolicInput:
        return _symbolic(batch_dot, x, y, axes)


def transpose(x: Any) -> Tensor:
    """``x`` with all its axes reversed."""
    try:
        return _adapter().transpose(x)
    except SymbolicInput:
        return _symbolic(transpose, x)


# --------------------------------------------------------------------------- shapes & indexing


def reshape(x: Any, shape: Any) -> Tensor:
    """``x`` in C order with ``shape``; one ``-1`` is inferred."""
    try:
        return _adapter().reshape(x, shape)
    except SymbolicInput:
        return symbolic.reshape(x, shape, reshape)


def permute_dimensions(x: Any, pattern: Sequence[int]) -> Tensor:
    """``x`` with its axes in the order ``pattern`` (a full permutation)."""
    try:
        return _adapter().permute_dimensions(x, pattern)
    except SymbolicInput:
        return _symbolic(permute_dimensions, x, pattern)


def expand_dims(x: Any, axis: int = -1) -> Tensor:
    """``x`` with a new size-1 axis at ``axis`` (default: last)."""
    try:
        return _adapter().expand_dims(x, axis)
    except SymbolicInput:
        return _symbolic(expand_dims, x, axis)


def squeeze(x: Any, axis: int) -> Tensor:
    """``x`` without ``axis``, which must have size 1 (ShapeError otherwise, on every backend)."""
    try:
        return _adapter().squeeze(x, axis)
    except SymbolicInput:
        return _symbolic(squeeze, x, axis)


def temporal_padding(x: Any, padding: Sequence[int] = (1, 1)) -> Tensor:
    """A 3-D tensor zero-padded on axis 1 by ``(left, right)``."""
    try:
        return _adapter().temporal_padding(x, padding)
    except SymbolicInput:
        return _symbolic(temporal_padding, x, padding)


def one_hot(indices: Any, num_classes: int) -> Tensor:
    """float32 one-hot encoding with a new last axis; out-of-range indices give all-zero rows."""
    try:
        return _adapter().one_hot(indices, num_classes)
    except SymbolicInput:
        return _symbolic(one_hot, indices, num_classes)


def batch_gather(reference: Any, indices: Any) -> Tensor:
    """TensorFlow's ``batch_gather``: the leading ``rank(indices) - 1`` axes are batch axes.

    With 1-D indices it is a plain gather along axis 0: ``batch_gather([1, 2, 3], [2])`` is [3].
    """
    try:
        return _adapter().batch_gather(reference, indices)
    except SymbolicInput:
        return _symbolic(batch_gather, reference, indices)


# --------------------------------------------------------------------------- element-wise math


def square(x: Any) -> Tensor:
    """``x * x``, element-wise, in ``x``'s dtype (integers wrap like any product)."""
    try:
        return _adapter().square(x)
    except SymbolicInput:
        return _symbolic(square, x)


# --------------------------------------------------------------------------- activations


def relu(
    x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Tensor:
    """``x`` above ``threshold`` (at most ``max_value``), else ``alpha*(x-threshold)``."""
    try:
        return _adapter().relu(x, alpha, max_value, threshold)
    except SymbolicInput:
        return _symbolic(relu, x, alpha, max_value, threshold)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)`` (computed with expm1)."""
    try:
        return _adapter().elu(x, alpha)
    except SymbolicInput:
        return _symbolic(elu, x, alpha)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """Softmax over ``axis`` (1-D allowed); an inf or NaN in a row makes the row NaN."""
    try:
        return _adapter().softmax(x, axis)
    except SymbolicInput:
        return _symbolic(softmax, x, axis)


def softplus(x: Any) -> Tensor:
    """``log(1 + exp(x))``, computed without overflow."""
    try:
        return _adapter().softplus(x)
    except SymbolicInput:
        return _symbolic(softplus, x)


def softsign(x: Any) -> Tensor:
    """``x / (1 + |x|)``."""
    try:
        return _adapter().softsign(x)
    except SymbolicInput:
        return _symbolic(softsign, x)


def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    try:
        return _adapter().sigmoid(x)
    except SymbolicInput:
        return _symbolic(sigmoid, x)


def hard_sigmoid(x: Any) -> Tensor:
    """Keras 2's ``clip(0.2 * x + 0.5, 0, 1)`` (not the x/6 + 0.5 of PyTorch and JAX)."""
    try:
        return _adapter().hard_sigmoid(x)
    except SymbolicInput:
        return _symbolic(hard_sigmoid, x)


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent."""
    try:
        return _adapter().tanh(x)
    except SymbolicInput:
        return _symbolic(tanh, x)


# --------------------------------------------------------------------------- losses


def categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Cross-entropy over ``axis``: ``output`` is renormalised and clipped to [eps, 1 - eps].

    No hidden logits shortcut: an ``output`` from ``K.softmax`` is treated as probabilities.
    """
    try:
        return _adapter().categorical_crossentropy(target, output, from_logits, axis)
    except SymbolicInput:
        return _symbolic(categorical_crossentropy, target, output, from_logits, axis)


def sparse_categorical_crossentropy(
    target: Any,
    output: Any,
    from_logits: bool = False,
    axis: int = -1,
    ignore_class: int | None = None,
) -> Tensor:
    """Cross-entropy with integer labels ``target``; labels equal to ``ignore_class`` give 0."""
    try:
        return _adapter().sparse_categorical_crossentropy(
            target, output, from_logits, axis, ignore_class
        )
    except SymbolicInput:
        return _symbolic(
            sparse_categorical_crossentropy, target, output, from_logits, axis, ignore_class
        )


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """Element-wise binary cross-entropy (tf_keras 2.21's formula: ``bce(1, 0) = 15.424949``)."""
    try:
        return _adapter().binary_crossentropy(target, output, from_logits)
    except SymbolicInput:
        return _symbolic(binary_crossentropy, target, output, from_logits)


# --------------------------------------------------------------------------- placeholders & graphs


def placeholder(
    shape: Sequence[int | None] | None = None,
    ndim: int | None = None,
    dtype: Any = None,
    sparse: bool = False,
    name: str | None = None,
    ragged: bool = False,
) -> SymbolicTensor:
    """A symbolic input of ``shape`` (None for unknown dimensions) or rank ``ndim``.

    K calls on it give symbolic tensors with inferred shapes; ``K.function`` feeds and runs them.
    The first placeholder turns the backend's graph mode on (until ``K.clear_session``): K calls
    that read a Variable are then symbolic too, and read it when the graph runs.
    """
    tensor = symbolic.placeholder(shape, ndim, dtype, sparse, name, ragged)
    _adapter().graph_mode = True
    return tensor


def function(
    inputs: Sequence[SymbolicTensor],
    outputs: Any,
    updates: Sequence[Any] | None = None,
    name: str | None = None,
    **kwargs: Any,
) -> graph.Function:
    """A callable that takes one array per input placeholder and returns the outputs as NumPy
    arrays, applying ``updates`` (pairs or K.update results) after computing them."""
    if kwargs:
        raise InvalidArgumentError(
            f"K.function got unexpected arguments {sorted(kwargs)}; it takes inputs, outputs, "
            "updates and name"
        )
    return graph.Function(inputs, outputs, updates, name)


def gradients(loss: SymbolicTensor, variables: Any) -> list[SymbolicTensor | None]:
    """Symbolic gradients of (the sum of) ``loss`` with respect to each Variable or symbolic
    tensor of ``variables``; None for one the loss does not depend on."""
    return graph.gradients(loss, variables)


def stop_gradient(variables: Any) -> Any:
    """``variables`` (a tensor, or a list of tensors) as constants for K.gradients."""
    if isinstance(variables, (list, tuple)):
        return [stop_gradient(v) for v in variables]
    try:
        return _adapter().stop_gradient(variables)
    except SymbolicInput:
        return symbolic.node("stop_gradient", stop_gradient, (variables,))


def print_tensor(x: Any, message: str = "", summarize: int = 3) -> Tensor:
    """``x``, printed with ``message`` now (eager) or whenever the graph runs (symbolic)."""
    try:
        return _adapter().print_tensor(x, message, summarize)
    except SymbolicInput:
        return graph.print_node(x, message, summarize)


# --------------------------------------------------------------------------- learning phase


def learning_phase() -> int | SymbolicTensor:
    """0 or 1 when set, else the symbolic bool placeholder K.function may feed (default 0)."""
    return session.learning_phase()


def set_learning_phase(value: int) -> None:
    """Fix the learning phase for the process: 0 (test) or 1 (train)."""
    session.set_learning_phase(value)


def learning_phase_scope(value: int) -> Any:
    """A ``with`` block in which the learning phase is ``value`` (0 or 1)."""
    return session.learning_phase_scope(value)


def _select_branch(training: Any, x: Any, alt: Any) -> Tensor:
    try:
        return _adapter()._select_branch(training, x, alt)
    except SymbolicInput:
        return _symbolic(_select_branch, training, x, alt)


def in_train_phase(x: Any, alt: Any, training: Any = None) -> Any:
    """``x`` in the training phase, else ``alt``; either may be a callable that makes it.

    ``training=None`` uses ``K.learning_phase()``: unless it is set, the result is symbolic.
    """
    if training is None:
        training = session.learning_phase()
    if not isinstance(training, SymbolicTensor) and isinstance(training, (bool, int, np.integer)):
        if training not in (0, 1):
            raise InvalidArgumentError(f"training must be 0, 1 or a tensor, got {training!r}")
        chosen = x if training else alt
        return chosen() if callable(chosen) else chosen
    x = x() if callable(x) else x
    alt = alt() if callable(alt) else alt
    return _select_branch(training, x, alt)


def in_test_phase(x: Any, alt: Any, training: Any = None) -> Any:
    """``x`` in the test phase, else ``alt`` (``in_train_phase`` with the branches swapped)."""
    return in_train_phase(alt, x, training)


# --------------------------------------------------------------------------- variable state


def _variable_arg(x: Any, what: str) -> Variable:
    if not isinstance(x, Variable):
        raise InvalidArgumentError(f"{what} needs a multik Variable (K.variable), got {x!r}")
    return x


def set_value(x: Variable, value: Any) -> None:
    """Assign ``value`` (same shape; converted to ``x``'s dtype) to the Variable ``x``."""
    _variable_arg(x, "K.set_value").assign(value)


def batch_get_value(tensors: Sequence[Any]) -> list[np.ndarray]:
    """``K.get_value`` of each tensor."""
    return [get_value(x) for x in tensors]


def batch_set_value(tuples: Sequence[tuple[Variable, Any]]) -> None:
    """``K.set_value`` of each ``(variable, value)`` pair."""
    for x, value in tuples:
        set_value(x, value)


def update(x: Variable, new_x: Any) -> Any:
    """Assign ``new_x`` to the Variable ``x``: at once (returns ``x``), or, in graph mode or
    when ``new_x`` is symbolic, when K.function or K.eval runs the returned pending update."""
    _variable_arg(x, "K.update")
    if _adapter().graph_mode or symbolic.symbolic_inputs(new_x):
        return graph.update_node(x, new_x)
    return x.assign(new_x)


def update_add(x: Variable, increment: Any) -> Any:
    """``K.update(x, x + increment)``."""
    return update(x, _variable_arg(x, "K.update_add") + increment)


def update_sub(x: Variable, decrement: Any) -> Any:
    """``K.update(x, x - decrement)``."""
    return update(x, _variable_arg(x, "K.update_sub") - decrement)


def moving_average_update(x: Variable, value: Any, momentum: float) -> Any:
    """``K.update(x, x * momentum + value * (1 - momentum))`` (written as x - (x - value) *
    (1 - momentum), as tf_keras), with ``value`` in ``x``'s dtype."""
    value = cast(value, _variable_arg(x, "K.moving_average_update").dtype)
    return update(x, x - (x - value) * (1 - momentum))


def count_params(x: Any) -> int:
    """The number of elements of ``x``; its shape must be fully known."""
    shape = int_shape(x)
    if None in shape:
        raise ShapeError(f"count_params needs a fully known shape, got {shape}")
    return int(np.prod(shape, dtype=np.int64))


# --------------------------------------------------------------------------- introspection


def is_variable(x: Any) -> bool:
    """Whether ``x`` is a multik Variable."""
    return isinstance(x, Variable)


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a tensor of the active backend, a Variable or a symbolic tensor."""
    return isinstance(x, (Variable, SymbolicTensor, *_adapter().native_types))


def is_placeholder(x: Any) -> bool:
    """Whether ``x`` was made by ``K.placeholder``."""
    return isinstance(x, SymbolicTensor) and x.kind == "placeholder" and x.default is None


def is_keras_tensor(x: Any) -> bool:
    """False for every tensor (Keras tensors are outputs of Keras layers, which multik does not
    have; tf_keras graph mode says False for placeholders too); InvalidArgumentError (a
    ValueError) for anything that is not a tensor."""
    if not is_tensor(x):
        raise InvalidArgumentError(
            f"is_keras_tensor expects a tensor, got a {type(x).__name__}; wrap values with "
            "K.constant or K.variable first"
        )
    return False


def get_uid(prefix: str = "") -> int:
    """A per-``prefix`` counter: 1 on the first call, then 2, 3, ..."""
    return session.get_uid(prefix)


def reset_uids() -> None:
    """Restart every ``get_uid`` counter."""
    session.reset_uids()


def clear_session() -> None:
    """Leave graph mode; reset the learning phase, the uid counters and the automatic names."""
    session.clear_session()
