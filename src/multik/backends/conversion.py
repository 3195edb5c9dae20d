"""Conversion and promotion: how any input becomes a native tensor, and the shared binary rule.

``Conversion.tensor`` turns a native tensor, Variable, NumPy array or Python value into the
active framework's tensor (symbolic inputs raise the private ``SymbolicInput`` signal that the K
front-end turns into a graph node); ``_op`` applies one binary operation with multik's promotion
rule (the JAX/Keras 3 lattice, Python numbers weak).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from multik import config, dtypes
from multik.backends import _checks as checks
from multik.backends import load_adapter
from multik.backends._convert import (
    framework_of,
    mismatch,
    numpy_input,
    python_array,
    python_to_numpy,
)
from multik.backends.primitives import Primitives, Tensor
from multik.errors import DTypeError, InvalidArgumentError, SymbolicInput
from multik.operators import Deferred
from multik.variable import Variable

__all__ = ["Conversion", "Tensor", "is_python_number"]


def is_python_number(value: object) -> bool:
    """Whether ``value`` is a Python int or float (a weak scalar), not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def refuse_deferred(x: Deferred) -> SymbolicInput:
    """The signal for a symbolic tensor where only a value will do (the front-end catches it)."""
    return SymbolicInput(
        f"{x!r} is symbolic and has no value yet: this call needs a value. Evaluate the "
        "tensor first with K.eval(x), or run the computation with K.function(inputs, outputs)"
    )


class Conversion(Primitives):
    """Inputs to native tensors, dtype arguments, and the shared promotion of binary ops."""

    def tensor(self, x: object) -> Tensor:
        """The native tensor for ``x``: a native tensor, Variable, NumPy array or Python value."""
        if x.__class__ in self._native_exact:
            return x
        if isinstance(x, Variable):
            if self.graph_mode:
                raise SymbolicInput(
                    f"in graph mode (a K.placeholder exists) Variable {x.name!r} is read when the "
                    "graph runs: evaluate this with K.eval or K.function, or read the value with "
                    "K.get_value"
                )
            return self.read_variable(x)
        if isinstance(x, self.native_types):
            return x
        if isinstance(x, (np.ndarray, np.generic)):
            return self._from_numpy(numpy_input(x))
        if isinstance(x, (bool, int, float, list, tuple)):
            return self._from_python(x)
        if isinstance(x, Deferred):
            raise refuse_deferred(x)  # the K front-end catches it and builds a graph node
        if framework_of(x) is not None:
            raise mismatch(x, self.name)
        raise InvalidArgumentError(
            f"cannot use a {type(x).__name__} as a tensor; pass a {self.name} tensor, a multik "
            "Variable, a NumPy array, or a Python number or list"
        )

    def index_tensor(self, x: object) -> Tensor:
        """Labels or indices as a native tensor. A 64-bit NumPy integer array on a backend that
        cannot hold 64-bit integers now (JAX without x64) becomes int32 on the host when its
        values fit, since the result does not depend on the indices' width; a value that does
        not fit raises DTypeError naming it."""
        if (
            isinstance(x, (np.ndarray, np.generic))
            and x.dtype.kind in "iu"
            and x.dtype.itemsize == 8
            and (reason := self._cannot_hold(dtypes.name_of(x.dtype)))
        ):
            array = numpy_input(x)
            info = np.iinfo(np.int32)
            outside = array[(array < info.min) | (array > info.max)] if array.size else array
            if outside.size:
                raise DTypeError(
                    f"index value {outside.flat[0]} of a {array.dtype} array does not fit int32 "
                    f"and the {self.name} backend cannot hold {array.dtype} now: {reason}"
                )
            return self._from_numpy(array.astype(np.int32))
        return self.tensor(x)

    def _cannot_hold(self, dtype: str) -> str:
        """Why this backend cannot hold ``dtype`` now ("" when it can)."""
        try:
            self._check_dtype_supported(dtype)
        except DTypeError as error:
            return str(error)
        return ""

    def read_variable(self, x: Variable) -> Tensor:
        """The current value of Variable ``x`` of this backend, in graph mode too."""
        if x.backend != self.name:
            raise mismatch(x, self.name, x.backend)
        return self._read(x.value)

    def typed_tensor(self, x: object, dtype: str) -> Tensor:
        """The native tensor for ``x`` in ``dtype``, converted with K.cast rules.

        Python values and NumPy arrays are converted on the host, so a float64 NumPy array asked
        for in float32 never exists as a 64-bit tensor (JAX without x64 accepts it). Python
        integers must fit ``dtype``.
        """
        array = self.host_array(x, dtype)
        if array is not None:
            return self._from_numpy(array)
        return self.cast(self.tensor(x), dtype)

    def host_array(self, x: object, dtype: str) -> np.ndarray | None:
        """A Python value or NumPy array as a NumPy array in ``dtype`` (K.cast rules; Python
        integers must fit); None for anything else."""
        if isinstance(x, (bool, int, float, list, tuple)):
            array = python_array(x)
            if array.dtype.kind in "iu" and dtype != "bool":
                self._check_fits(array, dtype)
            x = array
        if isinstance(x, (np.ndarray, np.generic)):
            array = numpy_input(x)
            if dtypes.name_of(array.dtype) != dtype:
                array = load_adapter("numpy").cast_tensor(array, dtype)
            return array
        return None

    @staticmethod
    def _check_fits(array: np.ndarray, dtype: str) -> None:
        if dtypes.is_float(dtype) or not array.size:
            return
        info = np.iinfo(dtype)
        if array.min() < info.min or array.max() > info.max:
            raise InvalidArgumentError(
                f"integer values from {array.min()} to {array.max()} do not fit {dtype} "
                f"({info.min} to {info.max})"
            )

    def dtype_arg(self, dtype: object, default: str | None = None) -> str:
        """A dtype argument as a Keras name (``None`` gives ``default``, else floatx)."""
        if dtype is None:
            return default or config.floatx()
        name = dtypes.canonical(dtype)
        self._check_dtype_supported(name)
        return name

    def _from_python(self, value: object) -> Tensor:
        """A Python number or nested list as a tensor: ints int32, floats floatx, bools bool."""
        return self._from_numpy(python_to_numpy(value, config.floatx()))

    # ----------------------------------------------------------------- promotion

    def _op(self, op: str, x: object, y: object) -> Tensor:
        """Binary ``op`` of tensors or Python scalars (weak), promoted by the shared rule."""
        if is_python_number(y):
            x = self.tensor(x)
            dtype = dtypes.result_type(self._dtype(x), None, y, config.floatx())
            x, y = self._as(x, dtype), self._weak_scalar(y, dtype)
        elif is_python_number(x):
            y = self.tensor(y)
            dtype = dtypes.result_type(None, self._dtype(y), x, config.floatx())
            x, y = self._weak_scalar(x, dtype), self._as(y, dtype)
        elif (x_host := self._is_host(x, y)) != self._is_host(y, x):
            x, y, dtype = self._host_operands(x, y, x_host)
        else:
            x, y = self.tensor(x), self.tensor(y)
            dtype = dtypes.result_type(self._dtype(x), self._dtype(y))
            x, y = self._as(x, dtype), self._as(y, dtype)
        if (xs := self._shape(x)) != (ys := self._shape(y)):
            checks.broadcast_shapes(xs, ys)
        if op == "power" and dtype == "bool":
            raise DTypeError("bool ** bool is not defined; cast to an int or float dtype first")
        if op == "power" and dtypes.is_int(dtype):
            self._check_integer_exponent(y)
        return self._binary(op, x, y)

    def _is_host(self, value: object, other: object) -> bool:
        """Whether ``value`` is a caller's value rather than a tensor: a NumPy array or scalar or
        a Python list. On the numpy backend a NumPy array is also the backend's tensor, so
        there it counts as the caller's value only next to a Variable."""
        if value.__class__ in self._native_exact:
            return isinstance(other, Variable)
        return isinstance(value, (np.ndarray, np.generic, list, tuple))

    def _host_operands(self, x: object, y: object, host_first: bool) -> tuple[Tensor, Tensor, str]:
        """A caller's value next to a tensor or Variable is weak, like a Python number, as in
        tf_keras, which converts it to the tensor's dtype: ``float32 / np.array([2.0])`` is
        float32. A float value next to an integer tensor gives floatx (where tf_keras raises).
        ``host_first``: ``x`` is the caller's value."""
        host, tensor = (x, y) if host_first else (y, x)
        tensor = self.tensor(tensor)
        kind = np.asarray(host).dtype.kind
        if kind == "b":
            dtype = self._dtype(tensor)
        else:
            example = 0.0 if kind in "fc" else 0
            dtype = dtypes.result_type(self._dtype(tensor), None, example, config.floatx())
        tensor, host = self._as(tensor, dtype), self.typed_tensor(host, dtype)
        return (host, tensor, dtype) if host_first else (tensor, host, dtype)

    def unary_operator(self, op: str, x: object) -> Tensor:
        """``-x`` (op 'negative') or ``abs(x)`` of a tensor or Variable, the same on every
        backend: unsigned negation wraps (``-uint8(2)`` is 254), the absolute value of bool and
        unsigned integers is the value itself, and bool cannot be negated."""
        original, x = x, self.tensor(x)
        dtype = self._dtype(x)
        if op == "negative" and dtype == "bool":
            raise DTypeError("cannot negate a bool tensor; use K.cast or logical operations")
        if dtype == "bool" or dtype.startswith("uint"):
            if op == "abs":
                return self._unshared(x, original)
            return self._binary("subtract", self._scalar(0, dtype), x)
        return self._unary(op, x)

    def getitem(self, x: object, key: Any) -> Tensor:
        """``x[key]`` (Python indexing of a Variable): integer indices are checked against the
        shape (IndexRangeError: JAX would clamp them), and the result is a tensor that shares
        no memory with the Variable (a 0-d array on numpy, not a NumPy scalar)."""
        tensor = self.tensor(x)
        checks.check_basic_index(key, self._shape(tensor))
        return self._unshared(self.tensor(tensor[key]), x)

    def _weak_scalar(self, value: float, dtype: str) -> Tensor:
        """A Python number as a scalar of ``dtype``; an int that does not fit is an error."""
        if isinstance(value, int) and dtypes.is_int(dtype):
            info = np.iinfo(dtype)  # Python ints, not arrays: torch.compile traces NumPy arrays
            if not info.min <= value <= info.max:
                raise InvalidArgumentError(
                    f"the Python int {value} does not fit {dtype} ({info.min} to {info.max})"
                )
        return self._scalar(value, dtype)

    def _check_integer_exponent(self, exponent: Tensor) -> None:
        """Integers to negative integer powers have no integer value: refuse them where visible."""
        if self._is_concrete(exponent) and (self._to_numpy(exponent) < 0).any():
            raise InvalidArgumentError(
                "integers to negative integer powers are not allowed; cast the base to a float "
                "dtype first (K.cast(x, K.floatx()))"
            )

    def _divide(self, x: object, y: object) -> Tensor:
        """True division; integer and bool operands divide in floatx."""
        x_host, y_host = self._is_host(x, y), self._is_host(y, x)
        x = self._dividend(x) if not x_host else x
        y = self._dividend(y) if not y_host else y
        if x_host != y_host:  # a caller's NumPy array or list: weak, like a number
            return self._op("divide", *self._host_operands(x, y, x_host)[:2])
        return self._op("divide", x, y)

    def _dividend(self, x: object) -> object:
        """An operand of true division: a Python number as a float, else a float tensor."""
        if is_python_number(x):
            return float(x)  # type: ignore[arg-type]
        x = self.tensor(x)
        return x if dtypes.is_float(self._dtype(x)) else self._cast(x, config.floatx())

    def _operator(self, op: str, x: object, y: object) -> Tensor:
        """A Python operator on tensors, Variables or numbers: ``op`` is a ``_binary`` op,
        'divide' (true division, integers in floatx) or 'matmul' (K.dot)."""
        if op == "divide":
            return self._divide(x, y)
        if op == "matmul":
            return self.dot(x, y)
        return self._op(op, x, y)
