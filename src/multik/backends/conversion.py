"""Conversion and promotion: how any input becomes a native tensor, and the shared binary rule.

``Conversion.tensor`` turns a native tensor, Variable, NumPy array or Python value into the
active framework's tensor (symbolic inputs raise the private ``SymbolicInput`` signal that the K
front-end turns into a graph node); ``_op`` applies one binary operation with multik's promotion
rule (the JAX/Keras 3 lattice, Python numbers weak).
"""

from __future__ import annotations

import numpy as np

from multik import config, dtypes
from multik.backends import load_adapter
from multik.backends._convert import framework_of, mismatch, numpy_input, python_to_numpy
from multik.backends.primitives import Primitives, Tensor
from multik.errors import InvalidArgumentError, SymbolicInput
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
            array = np.asarray(x)
            if array.dtype.kind in "iu" and dtype != "bool":
                self._check_fits(array, dtype)
            x = array
        if isinstance(x, (np.ndarray, np.generic)):
            array = numpy_input(x)
            if dtypes.name_of(array.dtype) != dtype:
                array = load_adapter("numpy").cast(array, dtype)
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
        else:
            x, y = self.tensor(x), self.tensor(y)
            dtype = dtypes.result_type(self._dtype(x), self._dtype(y))
            x, y = self._as(x, dtype), self._as(y, dtype)
        if op == "power" and dtypes.is_int(dtype):
            self._check_integer_exponent(y)
        return self._binary(op, x, y)

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
        floatx = config.floatx()
        if not is_python_number(x):
            x = self.tensor(x)
            if not dtypes.is_float(self._dtype(x)):
                x = self._cast(x, floatx)
        if not is_python_number(y):
            y = self.tensor(y)
            if not dtypes.is_float(self._dtype(y)):
                y = self._cast(y, floatx)
        x = float(x) if is_python_number(x) else x  # type: ignore[arg-type]
        y = float(y) if is_python_number(y) else y  # type: ignore[arg-type]
        return self._op("divide", x, y)

    def _operator(self, op: str, x: object, y: object) -> Tensor:
        """A Python operator on tensors, Variables or numbers: ``op`` is a ``_binary`` op,
        'divide' (true division, integers in floatx) or 'matmul' (K.dot)."""
        if op == "divide":
            return self._divide(x, y)
        if op == "matmul":
            return self.dot(x, y)
        return self._op(op, x, y)
