"""Automatic differentiation on the numpy backend, with the autograd package.

autograd differentiates NumPy code by calling it with boxed arrays (``ArrayBox``) and recording
the ``autograd.numpy`` functions applied to them. ``gradients`` runs the loss with
``AutogradTracer`` as the active adapter: the numpy adapter's primitives written with
``autograd.numpy`` (on unboxed arrays they are the numpy adapter's own, so constants compute
exactly as they do eagerly). The numpy adapter itself never sees a box, so its eager calls pay
nothing for this. autograd is optional (``pip install "multik[autodiff]"``); this module is
imported only when a gradient is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import autograd
import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.numpy.numpy_boxes import ArrayBox
from autograd.tracer import getval

from multik import config, dtypes
from multik.backends.formulas.nn import NNFormulas
from multik.backends.numpy import NumpyAdapter
from multik.errors import UnsupportedError

__all__ = ["AutogradTracer", "gradients"]

_BINARY = {
    "add": anp.add,
    "subtract": anp.subtract,
    "multiply": anp.multiply,
    "divide": anp.true_divide,
    "power": anp.power,
    "maximum": anp.maximum,
    "minimum": anp.minimum,
}


@primitive
def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


@primitive
def _sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))  # exp of a negative argument only, so it never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


@primitive
def _cumprod(x: np.ndarray, axis: int) -> np.ndarray:
    return np.cumprod(x, axis=axis)


def _cumprod_vjp(ans: Any, x: Any, axis: int) -> Callable[[Any], Any]:
    """d/dx_i of sum_j g_j prod_{k <= j} x_k, exact where x holds zeros:
    prod_{k < i} x_k * r_i, with r_i = g_i + x_{i+1} r_{i+1} (a scan backwards)."""

    def vjp(g: Any) -> Any:
        n = x.shape[axis]
        before = [anp.ones_like(anp.take(x, 0, axis=axis))]
        for i in range(1, n):
            before.append(before[-1] * anp.take(x, i - 1, axis=axis))
        after = [anp.take(g, n - 1, axis=axis)]
        for i in range(n - 2, -1, -1):
            after.append(anp.take(g, i, axis=axis) + anp.take(x, i + 1, axis=axis) * after[-1])
        after.reverse()
        return anp.stack([b * a for b, a in zip(before, after)], axis=axis)

    return vjp


# The gradient of relu at 0 is 0, as on every other backend (autograd's maximum splits it).
defvjp(_relu, lambda ans, x: lambda g: g * (getval(x) > 0))
defvjp(_sigmoid, lambda ans, x: lambda g: g * ans * (1 - ans))
defvjp(_cumprod, _cumprod_vjp)

_UNARY = {
    "negative": anp.negative,
    "abs": anp.abs,
    "exp": anp.exp,
    "expm1": anp.expm1,
    "log": anp.log,
    "log1p": anp.log1p,
    "sqrt": anp.sqrt,
    "tanh": anp.tanh,
    "sigmoid": _sigmoid,
    "softplus": lambda x: anp.logaddexp(np.zeros((), x.dtype), x),
    "relu": _relu,
    "square": anp.square,
}


def _boxed(*values: Any) -> bool:
    return any(isinstance(v, ArrayBox) for v in values)


class AutogradTracer(NumpyAdapter):
    """The numpy backend while autograd traces a loss: a primitive given a box records itself
    with ``autograd.numpy``; given plain arrays it is the numpy adapter's. Integer and bool
    results (casts, comparisons) carry no gradient and are plain arrays."""

    native_types = (np.ndarray, ArrayBox)

    def _to_numpy(self, x):
        return np.array(getval(x))

    def _cast(self, x, dtype):
        if not _boxed(x) or not dtypes.is_float(dtype):
            return super()._cast(getval(x), dtype)
        if x.dtype == np.float64 and dtype in ("float16", "bfloat16"):
            x = x.astype(np.float32)  # round through float32, as the numpy adapter does
        return x.astype(dtypes.numpy_dtype(dtype))

    def _sum(self, x, axes, keepdims):
        if not _boxed(x):
            return super()._sum(x, axes, keepdims)
        return anp.sum(x, axis=axes, keepdims=keepdims)

    def _prod(self, x, axes, keepdims):
        if not _boxed(x):
            return super()._prod(x, axes, keepdims)
        return anp.prod(x, axis=axes, keepdims=keepdims)

    def _max(self, x, axes, keepdims):
        if not _boxed(x):
            return super()._max(x, axes, keepdims)
        return anp.max(x, axis=axes, keepdims=keepdims)

    def _min(self, x, axes, keepdims):
        if not _boxed(x):
            return super()._min(x, axes, keepdims)
        return anp.min(x, axis=axes, keepdims=keepdims)

    def _cumsum(self, x, axis):
        if not _boxed(x):
            return super()._cumsum(x, axis)
        return anp.cumsum(x, axis=axis)

    def _cumprod(self, x, axis):
        if not _boxed(x):
            return super()._cumprod(x, axis)
        return _cumprod(x, axis)

    def _reshape(self, x, shape):
        return anp.reshape(x, shape) if _boxed(x) else super()._reshape(x, shape)

    def _transpose(self, x, perm):
        return anp.transpose(x, perm) if _boxed(x) else super()._transpose(x, perm)

    def _expand_dims(self, x, axis):
        return anp.expand_dims(x, axis) if _boxed(x) else super()._expand_dims(x, axis)

    def _squeeze(self, x, axis):
        return anp.squeeze(x, axis) if _boxed(x) else super()._squeeze(x, axis)

    def _pad(self, x, pads):
        return anp.pad(x, pads, mode="constant") if _boxed(x) else super()._pad(x, pads)

    def _take(self, x, indices, axis):
        if not _boxed(x):
            return super()._take(x, getval(indices), axis)
        return x[(slice(None),) * axis + (getval(indices),)]

    def _tensordot(self, x, y, x_axis, y_axis):
        if not _boxed(x, y):
            return super()._tensordot(x, y, x_axis, y_axis)
        return anp.tensordot(x, y, axes=([x_axis], [y_axis]))

    def _matmul(self, x, y):
        return anp.matmul(x, y) if _boxed(x, y) else super()._matmul(x, y)

    def _binary(self, op, x, y):
        if op in _BINARY and _boxed(x, y):
            return _BINARY[op](x, y)
        return super()._binary(op, getval(x), getval(y))

    def _unary(self, op, x):
        if op in _UNARY and _boxed(x):
            return _UNARY[op](x)
        return super()._unary(op, getval(x))

    def _where(self, condition, x, y):
        condition = getval(condition)
        return anp.where(condition, x, y) if _boxed(x, y) else super()._where(condition, x, y)

    def _unshared(self, result, source):
        return result if _boxed(result) else super()._unshared(result, source)

    def _stop_gradient(self, x):
        return getval(x)

    def _sin(self, x):
        return anp.sin(x) if _boxed(x) else super()._sin(x)

    def _cos(self, x):
        return anp.cos(x) if _boxed(x) else super()._cos(x)

    def _copy(self, x):
        return x if _boxed(x) else super()._copy(x)  # a box is a new value already

    def _concatenate(self, xs, axis):
        if not any(_boxed(x) for x in xs):
            return super()._concatenate(xs, axis)
        return anp.concatenate(xs, axis)

    def _stack(self, tensors):
        if not any(_boxed(x) for x in tensors):
            return super()._stack(tensors)
        return anp.stack(tensors)

    def _tile(self, x, reps):
        return anp.tile(x, reps) if _boxed(x) else super()._tile(x, reps)

    def _repeat(self, x, rep, axis):
        return anp.repeat(x, rep, axis) if _boxed(x) else super()._repeat(x, rep, axis)

    def _flip(self, x, axes):
        return anp.flip(x, axes) if _boxed(x) else super()._flip(x, axes)

    def _conv(self, *args, **kwargs):
        _refuse_boxes("convolution", args)
        return super()._conv(*args, **kwargs)

    def _conv_transpose(self, *args, **kwargs):
        _refuse_boxes("transposed convolution", args)
        return super()._conv_transpose(*args, **kwargs)

    def _pool(self, *args, **kwargs):
        _refuse_boxes("pooling", args)
        return super()._pool(*args, **kwargs)

    def _gradients(self, fn, values, nested):
        return gradients(fn, values, nested)

    def _clip_scalars(self, x, lo, hi):
        return anp.clip(x, lo, hi) if _boxed(x) else super()._clip_scalars(x, lo, hi)

    def _softmax(self, x, axes):
        if not _boxed(x):
            return super()._softmax(x, axes)
        return NNFormulas._softmax(self, x, axes)  # the shared formula (the numpy one is in place)


_TRACER = AutogradTracer()


def gradients(fn: Callable[..., Any], values: list[Any], nested: bool) -> list[Any]:
    """The gradients of ``sum(fn(*values))`` with respect to each of ``values`` (zeros where it
    does not depend on one), in their dtypes; ``fn`` runs with the tracer active. Nested inside
    another gradient, the values are boxes and so are the gradients: they differentiate again."""

    def total(args: list[Any]) -> Any:
        return anp.sum(fn(*args))

    with config.use_adapter(_TRACER):
        return list(autograd.grad(total)(list(values)))


def _refuse_boxes(what: str, args: tuple[Any, ...]) -> None:
    """Gradients through the numpy backend's convolutions are not traced yet: say so clearly."""
    if any(_boxed(a) for a in args):
        raise UnsupportedError(
            f"K.gradients through {what} is not supported on the numpy backend yet (its "
            "vectorised kernels are not autograd primitives); use the tensorflow, torch or jax "
            "backend for gradients of convolutional models"
        )
