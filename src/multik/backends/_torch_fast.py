"""The torch adapter's fast paths: the common case of a K function in one guard and the call
the shared formula makes.

A fast path takes torch tensors (not Parameters or Variables) of float32 or float64 and default
or already-normal arguments; anything else, and any call whose shapes do not fit, takes the
shared formula (``super()``); ``conformance/test_fast_path.py`` checks both give the same
results. Shapes are checked in the guards rather than by catching torch's error: torch.compile
reports an error raised while tracing as its own.
"""

from __future__ import annotations

from typing import Any

import torch

from multik import config

__all__ = ["TorchFastPaths"]

_Tensor = torch.Tensor
#: The dtypes the fast paths take: float math that needs no promotion and no accumulator.
#: Compared by identity: torch dtypes are singletons, and reading ``x.dtype`` costs more than
#: any comparison, so each guard reads it once.
_F32 = torch.float32
_F64 = torch.float64
_FAST_OPERATORS = {
    "add": torch.add,
    "subtract": torch.subtract,
    "multiply": torch.multiply,
    "divide": torch.true_divide,
}
_COMMUTATIVE = frozenset({"add", "multiply"})


class TorchFastPaths:
    """Overrides of K functions whose common case is one torch call; a mixin placed before the
    shared formulas, which ``super()`` reaches."""

    def sum(self, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        if (
            x.__class__ is _Tensor
            and axis is None
            and not keepdims
            and ((d := x.dtype) is _F32 or d is _F64)
        ):
            return torch.sum(x)
        return super().sum(x, axis, keepdims)

    def mean(self, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        if (
            x.__class__ is _Tensor
            and axis is None
            and not keepdims
            and ((d := x.dtype) is _F32 or d is _F64)
        ):
            return torch.true_divide(torch.sum(x), torch.full((), x.numel(), dtype=d))
        return super().mean(x, axis, keepdims)

    def max(self, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        if (
            x.__class__ is _Tensor
            and axis is None
            and not keepdims
            and ((d := x.dtype) is _F32 or d is _F64)
            and x.numel()
        ):
            return torch.amax(x, dim=())
        return super().max(x, axis, keepdims)

    def min(self, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        if (
            x.__class__ is _Tensor
            and axis is None
            and not keepdims
            and ((d := x.dtype) is _F32 or d is _F64)
            and x.numel()
        ):
            return torch.amin(x, dim=())
        return super().min(x, axis, keepdims)

    def square(self, x: Any) -> Any:
        if x.__class__ is _Tensor and ((d := x.dtype) is _F32 or d is _F64):
            return torch.square(x)
        return super().square(x)

    def relu(
        self, x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
    ) -> Any:
        if (
            x.__class__ is _Tensor
            and ((d := x.dtype) is _F32 or d is _F64)
            and alpha == 0
            and max_value is None
            and threshold == 0
        ):
            return torch.relu(x)
        return super().relu(x, alpha, max_value, threshold)

    def sigmoid(self, x: Any) -> Any:
        if x.__class__ is _Tensor and ((d := x.dtype) is _F32 or d is _F64):
            return torch.sigmoid(x)
        return super().sigmoid(x)

    def tanh(self, x: Any) -> Any:
        if x.__class__ is _Tensor and ((d := x.dtype) is _F32 or d is _F64):
            return torch.tanh(x)
        return super().tanh(x)

    def softmax(self, x: Any, axis: int = -1) -> Any:
        if (
            x.__class__ is _Tensor
            and axis == -1
            and ((d := x.dtype) is _F32 or d is _F64)
            and x.ndim
        ):
            return torch.softmax(x, -1)
        return super().softmax(x, axis)

    def dot(self, x: Any, y: Any) -> Any:
        if (
            x.__class__ is _Tensor
            and y.__class__ is _Tensor
            and ((d := x.dtype) is _F32 or d is _F64)
            and y.dtype is d
            and len(xs := x.shape) == 2
            and len(ys := y.shape) == 2
            and xs[1] == ys[0]
        ):
            return torch.mm(x, y)
        return super().dot(x, y)

    def batch_dot(self, x: Any, y: Any, axes: Any = None) -> Any:
        if (
            x.__class__ is _Tensor
            and y.__class__ is _Tensor
            and axes is None
            and ((d := x.dtype) is _F32 or d is _F64)
            and y.dtype is d
            and len(xs := x.shape) == 3
            and len(ys := y.shape) == 3
            and xs[0] == ys[0]
            and xs[2] == ys[1]
            and config.batch_dot_rules() == "2.3"
        ):
            return torch.bmm(x, y)
        return super().batch_dot(x, y, axes)

    def one_hot(self, indices: Any, num_classes: int) -> Any:
        if (
            indices.__class__ is _Tensor
            and indices.dtype is torch.int64
            and num_classes.__class__ is int
            and num_classes > 0
        ):
            return self._one_hot(indices, num_classes)
        return super().one_hot(indices, num_classes)

    def _operator(self, op: str, x: Any, y: Any) -> Any:
        fn = _FAST_OPERATORS.get(op)
        if fn is not None and x.__class__ is _Tensor and ((d := x.dtype) is _F32 or d is _F64):
            if y.__class__ is float:
                return fn(x, y)  # a weak Python float: computed in x's dtype
            if (
                y.__class__ is _Tensor
                and y.dtype is d
                and (
                    (xs := x.shape) == (ys := y.shape) or (len(ys) == 1 and xs and xs[-1] == ys[0])
                )
            ):
                return fn(x, y)  # equal shapes, or a vector along the last axis (a bias)
        elif (
            x.__class__ is float
            and op in _COMMUTATIVE
            and y.__class__ is _Tensor
            and ((d := y.dtype) is _F32 or d is _F64)
        ):
            return fn(y, x)
        return super()._operator(op, x, y)
