"""The primitive contract: what each framework adapter implements, and the hooks it may override.

A framework adapter (numpy.py, tensorflow.py, torch.py, jax.py) implements the abstract methods
here, in the order they are declared, and nothing else unless the framework has a faster native
call for a shared formula. Primitives receive native tensors and arguments that are already
validated and normalised (axes non-negative and sorted, dtypes by Keras name); they must return
tensors of the dtype stated in their docstring and must not re-validate. The K functions
themselves are written once, over these primitives, in ``multik.backends.formulas``.
"""

from __future__ import annotations

import abc
import contextlib
import contextvars
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar

import numpy as np

from multik import config, dtypes
from multik.backends.xp import Namespace
from multik.errors import UnsupportedError

Tensor = Any

#: The enclosing K.name_scope names on backends without name scopes of their own.
_scope_name: contextvars.ContextVar[str] = contextvars.ContextVar("multik_name_scope", default="")

#: What replaces the TensorFlow 1 session on every backend (the UnsupportedError's advice).
SESSION_ADVICE = (
    "multik computes eagerly: read values with K.eval(x) or K.get_value(v), and run graphs of "
    "placeholders with K.function(inputs, outputs)"
)


class Primitives(abc.ABC):
    """What a framework adapter implements: the primitives, and hooks with defaults."""

    #: Canonical backend name.
    name: ClassVar[str]
    #: Classes of the framework's own tensors (and variables), accepted without conversion.
    native_types: ClassVar[tuple[type, ...]]
    #: Whether the framework records operations for autodiff as they run (torch): gradients
    #: are then read from the recorded forward pass (``_watched``, ``_recording``,
    #: ``_recorded_gradients``) instead of computing the loss again.
    records_gradients: ClassVar[bool] = False
    #: Whether a Variable's storage can be passed into a ``_compile``d function and be read and
    #: assigned there (tf.Variable); else its value goes in and the new value comes out.
    assigns_in_graph: ClassVar[bool] = False
    #: Whether ``_compile`` can compile a graph whose shapes depend on fed values (a slice bound
    #: fed through a placeholder): tf.function can; jax.jit cannot, so such a graph runs as it is.
    compiles_value_dependent_shapes: ClassVar[bool] = False

    def __init__(self) -> None:
        self._native_exact = frozenset(self.native_types)
        #: NumPy-named functions and operators on this adapter's tensors, for the formulas.
        self.xp = Namespace(self)

    def __repr__(self) -> str:
        return f"<multik {self.name} adapter>"

    @property
    def graph_mode(self) -> bool:
        """Whether this backend is in graph mode in the current thread or asyncio task: set by
        the first K.placeholder (until K.clear_session), K calls that read a Variable then build
        graph nodes that read it when the graph runs, as Keras 2 on TF 1 did."""
        return self.name in config.graph_mode_backends()

    # ----------------------------------------------------------------- hooks

    def _read(self, storage: Tensor) -> Tensor:
        """The current value of a Variable's storage, as a tensor a later assign leaves alone."""
        return storage

    def _probe_zeros(self, shape: tuple[int, ...], dtype: str) -> Tensor:
        """What stands for a symbolic tensor of ``shape`` and ``dtype`` while shapes are
        inferred: zeros (JAX: an abstract array)."""
        return self._full(shape, 0, dtype)

    def _infer(self, fn: Callable[..., Any], probes: list[Tensor]) -> Tensor:
        """``fn(*probes)``, run only for the shape and dtype of its result."""
        return fn(*probes)

    def _watched(self, x: Tensor) -> Tensor:
        """``x`` as a leaf whose gradients the framework records (``records_gradients``)."""
        raise UnsupportedError(f"the {self.name} backend does not record gradients")

    def _recording(self) -> Any:
        """A context in which operations on watched leaves are recorded."""
        raise UnsupportedError(f"the {self.name} backend does not record gradients")

    def _recorded_gradients(self, loss: Tensor, leaves: list[Tensor]) -> list[Tensor]:
        """The gradients of ``sum(loss)``, recorded from watched ``leaves`` (zeros where it
        does not depend on one)."""
        raise UnsupportedError(f"the {self.name} backend does not record gradients")

    def _own_variable(self, x: Tensor, name: str) -> Tensor:
        """The storage for a Variable initialised to ``x``, a tensor nothing else holds (made
        for it by the creation function): no copy is needed where ``_new_variable`` copies."""
        return self._new_variable(x, name)

    def _unshared(self, result: Tensor, source: object) -> Tensor:
        """``result`` of a K function that may return a view of its input ``source`` (the
        caller's argument): a copy if it shares memory with a NumPy array of the caller or with
        a Variable's storage, which a multik result never does (frameworks with immutable
        tensors need nothing)."""
        return result

    def _require_autodiff(self) -> None:
        """Raise UnsupportedError, saying what to install, if K.gradients cannot work here."""
        return None

    def _check_dtype_supported(self, name: str) -> None:
        """Raise DTypeError if this backend cannot hold ``name`` right now (JAX without x64)."""
        return None

    # ----------------------------------------------------------------- core primitives

    @abc.abstractmethod
    def devices(self) -> list[str]:
        """The devices the framework computes on, e.g. ['cpu'] or ['cuda:0']."""

    @abc.abstractmethod
    def _from_numpy(self, array: np.ndarray) -> Tensor:
        """A native tensor with the values and the exact dtype of a NumPy array, sharing no memory
        with it (the caller may write to the array later)."""

    @abc.abstractmethod
    def _to_numpy(self, x: Tensor) -> np.ndarray:
        """A new NumPy array (never a NumPy scalar, never sharing memory with ``x``) with the
        values and dtype of ``x``."""

    @abc.abstractmethod
    def _shape(self, x: Tensor) -> tuple[int, ...]:
        """The static shape of ``x`` as a tuple of ints."""

    @abc.abstractmethod
    def _dtype(self, x: Tensor) -> str:
        """The Keras dtype name of ``x``."""

    @abc.abstractmethod
    def _is_concrete(self, x: Tensor) -> bool:
        """Whether ``x`` holds values now (False while tracing under a compiler)."""

    @abc.abstractmethod
    def _new_variable(self, x: Tensor, name: str) -> Tensor:
        """The framework's storage for a Variable initialised to ``x`` (e.g. ``tf.Variable``)."""

    @abc.abstractmethod
    def _assign(self, storage: Tensor, x: Tensor) -> Tensor:
        """Store ``x`` (same shape and dtype) into a Variable's storage; return the new storage."""

    @abc.abstractmethod
    def _full(self, shape: tuple[int, ...], value: float, dtype: str) -> Tensor:
        """A tensor of ``shape`` filled with ``value``, of dtype ``dtype``."""

    @abc.abstractmethod
    def _eye(self, rows: int, columns: int, dtype: str) -> Tensor:
        """The ``rows`` x ``columns`` identity matrix of dtype ``dtype``."""

    @abc.abstractmethod
    def _arange(self, stop: int, dtype: str) -> Tensor:
        """``0, 1, ..., stop - 1`` as a 1-D tensor of dtype ``dtype``."""

    @abc.abstractmethod
    def _cast(self, x: Tensor, dtype: str) -> Tensor:
        """``x`` converted to ``dtype`` with the framework's plain cast (values in range)."""

    @abc.abstractmethod
    def _sum(self, x: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
        """Sum over ``axes`` (None: all); the result keeps ``x``'s dtype (int32, int64 or float)."""

    @abc.abstractmethod
    def _prod(self, x: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
        """Product over ``axes`` (None: all), non-empty; the result keeps ``x``'s dtype."""

    @abc.abstractmethod
    def _max(self, x: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
        """Maximum over ``axes`` (None: all), never empty; NaN propagates; bool allowed."""

    @abc.abstractmethod
    def _min(self, x: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
        """Minimum over ``axes`` (None: all), never empty; NaN propagates; bool allowed."""

    @abc.abstractmethod
    def _cumsum(self, x: Tensor, axis: int) -> Tensor:
        """Cumulative sum along ``axis``; the result keeps ``x``'s dtype."""

    @abc.abstractmethod
    def _cumprod(self, x: Tensor, axis: int) -> Tensor:
        """Cumulative product along ``axis``; the result keeps ``x``'s dtype."""

    @abc.abstractmethod
    def _reshape(self, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        """``x`` in C order with the concrete ``shape`` (no -1), which has the same size."""

    @abc.abstractmethod
    def _transpose(self, x: Tensor, perm: tuple[int, ...]) -> Tensor:
        """``x`` with its axes permuted by the full permutation ``perm``."""

    @abc.abstractmethod
    def _expand_dims(self, x: Tensor, axis: int) -> Tensor:
        """``x`` with a new size-1 axis at non-negative position ``axis``."""

    @abc.abstractmethod
    def _squeeze(self, x: Tensor, axis: int) -> Tensor:
        """``x`` without ``axis``, whose size is 1."""

    @abc.abstractmethod
    def _pad(self, x: Tensor, pads: tuple[tuple[int, int], ...]) -> Tensor:
        """``x`` zero-padded by ``(before, after)`` on each axis."""

    @abc.abstractmethod
    def _take(self, x: Tensor, indices: Tensor, axis: int) -> Tensor:
        """Slices of ``x`` along ``axis`` at the in-range integer ``indices`` (any shape)."""

    @abc.abstractmethod
    def _tensordot(self, x: Tensor, y: Tensor, x_axis: int, y_axis: int) -> Tensor:
        """Contract axis ``x_axis`` of ``x`` with ``y_axis`` of ``y`` (same dtype, float or int)."""

    @abc.abstractmethod
    def _matmul(self, x: Tensor, y: Tensor) -> Tensor:
        """Batched matrix product of rank-3 ``x`` (b, n, k) and ``y`` (b, k, m), same dtype."""

    @abc.abstractmethod
    def _binary(self, op: str, x: Tensor, y: Tensor) -> Tensor:
        """Element-wise ``op`` on broadcastable ``x`` and ``y`` of the same dtype.

        ``op`` is one of: add, subtract, multiply, divide (floats), power, maximum, minimum
        (NaN propagates), equal, not_equal, less, less_equal, greater, greater_equal (bool
        results), logical_and, logical_or.
        """

    @abc.abstractmethod
    def _unary(self, op: str, x: Tensor) -> Tensor:
        """Element-wise ``op`` on ``x``, same dtype (``isnan`` and ``logical_not`` give bool).

        ``op`` is one of: negative, abs, sign (NaN stays NaN), exp, expm1, log, log1p, sqrt, tanh,
        sigmoid, softplus, relu (max(x, 0), NaN propagates), square (integers wrap), isnan,
        logical_not; relu and square never get bool.
        """

    @abc.abstractmethod
    def _where(self, condition: Tensor, x: Tensor, y: Tensor) -> Tensor:
        """Element-wise ``x`` where the bool ``condition`` holds, else ``y`` (same dtype)."""

    @abc.abstractmethod
    def _stop_gradient(self, x: Tensor) -> Tensor:
        """``x``, seen by automatic differentiation as a constant."""

    @abc.abstractmethod
    def _gradients(
        self, fn: Callable[..., Tensor], values: list[Tensor], nested: bool
    ) -> list[Tensor]:
        """The gradients of ``sum(fn(*values))`` with respect to each float tensor of ``values``
        (zeros where it does not depend on one); ``nested``: inside another gradient, which
        must be able to differentiate this one again."""

    @abc.abstractmethod
    def _compile(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` (a pure function of lists of tensors) run by the framework's compiler where
        that is faster, compiled once per input shape and dtype."""

    # ----------------------------------------------------------------- defaults built on primitives

    def _scalar(self, value: float, dtype: str) -> Tensor:
        """A scalar of ``dtype``; a Python float beyond a float dtype's range is +-inf there
        (PyTorch would raise, NumPy and TensorFlow warn)."""
        if value.__class__ is float and dtypes.beyond_range(value, dtype):
            value = math.copysign(math.inf, value)
        return self._full((), value, dtype)

    def _as(self, x: Tensor, dtype: str) -> Tensor:
        return x if self._dtype(x) == dtype else self._cast(x, dtype)

    # ----------------------------------------------------------------- math primitives

    @abc.abstractmethod
    def _round(self, x: Tensor) -> Tensor:
        """float32 or float64 ``x`` rounded to the nearest integer, ties to even; same dtype."""

    @abc.abstractmethod
    def _sin(self, x: Tensor) -> Tensor:
        """The sine of float32 or float64 ``x``; same dtype."""

    @abc.abstractmethod
    def _cos(self, x: Tensor) -> Tensor:
        """The cosine of float32 or float64 ``x``; same dtype."""

    def _copy(self, x: Tensor) -> Tensor:
        """``x``, in memory that no NumPy array of the caller shares: a copy where the framework
        may wrap a NumPy input without copying it (NumPy, PyTorch) or return a view of one."""
        return self._where(self._full((), True, "bool"), x, x)

    def _identity(self, x: Tensor) -> Tensor:
        """A new tensor object with the values of ``x`` (``K.identity``): never ``x`` itself,
        so attributes legacy code sets on the result stay off ``x``."""
        return self._copy(x)

    def _argmax(self, x: Tensor, axis: int) -> Tensor:
        """The index of the first maximum along non-empty ``axis`` (int32 or int64); a NaN
        counts as larger than every number, so the first NaN wins."""
        return self._first_index(x, axis, self._max(x, (axis,), True))

    def _argmin(self, x: Tensor, axis: int) -> Tensor:
        """The index of the first minimum along non-empty ``axis`` (int32 or int64); a NaN
        counts as smaller than every number, so the first NaN wins."""
        return self._first_index(x, axis, self._min(x, (axis,), True))

    def _first_index(self, x: Tensor, axis: int, peak: Tensor) -> Tensor:
        """The first index along ``axis`` where ``x`` equals ``peak`` (the extremum, keepdims),
        or where ``x`` is NaN when ``peak`` is (NaN propagates through max and min)."""
        shape = self._shape(x)
        hits = self._binary("equal", x, peak)
        if self._dtype(x) in ("float16", "bfloat16", "float32", "float64"):
            hits = self._where(self._unary("isnan", peak), self._unary("isnan", x), hits)
        size = shape[axis]
        positions = self._reshape(
            self._arange(size, "int32"), tuple(size if a == axis else 1 for a in range(len(shape)))
        )
        candidates = self._where(hits, positions, self._scalar(size, "int32"))
        return self._min(candidates, (axis,), False)

    def _logsumexp(self, x: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
        """``log(sum(exp(x)))`` over non-empty ``axes`` (None: all) of float32 or float64 ``x``,
        shifted by the maximum where it is finite: a +inf gives +inf, only -inf gives -inf, a
        NaN gives NaN."""
        dtype = self._dtype(x)
        peak = self._max(x, axes, True)
        finite = self._binary("less", self._unary("abs", peak), self._scalar(np.inf, dtype))
        shift = self._stop_gradient(self._where(finite, peak, self._scalar(0, dtype)))
        total = self._sum(self._unary("exp", self._binary("subtract", x, shift)), axes, True)
        out = self._binary("add", self._unary("log", total), shift)
        if keepdims:
            return out
        shape = self._shape(x)
        reduced = range(len(shape)) if axes is None else axes
        return self._reshape(out, tuple(d for a, d in enumerate(shape) if a not in reduced))

    # ----------------------------------------------------------------- shape primitives

    def _concatenate(self, xs: list[Tensor], axis: int) -> Tensor:
        """The tensors ``xs`` (at least one, same rank and dtype, shapes equal but on ``axis``)
        joined along ``axis``."""
        # Each tensor zero-padded to the full length, then chosen where its slice lies.
        total = sum(self._shape(x)[axis] for x in xs)
        rank = len(self._shape(xs[0]))
        position = self._reshape(
            self._arange(total, "int32"), tuple(total if a == axis else 1 for a in range(rank))
        )
        out, start = None, 0
        for x in xs:
            size = self._shape(x)[axis]
            pads = [(0, 0)] * rank
            pads[axis] = (start, total - start - size)
            padded = self._pad(x, tuple(pads))
            inside = self._binary("greater_equal", position, self._scalar(start, "int32"))
            out = padded if out is None else self._where(inside, padded, out)
            start += size
        return out

    def _tile(self, x: Tensor, reps: tuple[int, ...]) -> Tensor:
        """``x`` repeated ``reps[i]`` >= 0 times along each axis i (one rep per axis)."""
        for axis, rep in enumerate(reps):
            if rep == 0:
                shape = self._shape(x)
                x = self._slice(x, (0,) * len(shape), (*shape[:axis], 0, *shape[axis + 1 :]))
            elif rep > 1:
                x = self._concatenate([x] * rep, axis)
        return x

    def _repeat(self, x: Tensor, rep: int, axis: int) -> Tensor:
        """Each slice of ``x`` along ``axis`` repeated ``rep`` >= 0 times in place (np.repeat)."""
        shape = self._shape(x)
        reps = tuple(rep if a == axis + 1 else 1 for a in range(len(shape) + 1))
        tiled = self._tile(self._expand_dims(x, axis + 1), reps)
        return self._reshape(tiled, (*shape[:axis], shape[axis] * rep, *shape[axis + 1 :]))

    def _flip(self, x: Tensor, axes: tuple[int, ...]) -> Tensor:
        """``x`` in reverse order along each of the distinct ``axes``."""
        for axis in axes:
            backwards = np.arange(self._shape(x)[axis] - 1, -1, -1, dtype=np.int32)
            x = self._take(x, self._from_numpy(backwards), axis)
        return x

    def _slice(self, x: Tensor, begin: tuple[int, ...], size: tuple[int, ...]) -> Tensor:
        """``x[b0:b0+s0, b1:b1+s1, ...]`` for in-range ``begin`` and ``size`` (one per axis)."""
        if not begin:
            return x
        return x[tuple(slice(b, b + s) for b, s in zip(begin, size))]

    def _static_value(self, x: Tensor) -> np.ndarray | None:
        """The values of ``x`` as a NumPy array if they are known now, else None (a tensor that
        a compiler traces; TensorFlow knows the values of traced constants)."""
        return self._to_numpy(x) if self._is_concrete(x) else None

    # --------------------------------------------------------------- control and config primitives

    @contextlib.contextmanager
    def _name_scope(self, name: str) -> Iterator[str]:
        """A context naming the operations made in it (TensorFlow's name scope); yields the full
        scope name, ``outer/name/``. Default: the names only, as TensorFlow gives them eagerly
        (a name ending in '/' is absolute, '' is the root)."""
        outer = _scope_name.get()
        full = name if not name or name.endswith("/") else f"{outer}{name}/"
        token = _scope_name.set(full)
        try:
            yield full
        finally:
            _scope_name.reset(token)

    def _control_dependencies(self, control_inputs: Sequence[Tensor] | None) -> Any:
        """A context in which operations run after ``control_inputs``. Default: nothing to do,
        as operations run (or are traced as pure functions) in program order."""
        return contextlib.nullcontext()

    def _get_session(self) -> Any:
        """The TensorFlow 1 session (tensorflow only)."""
        raise UnsupportedError(
            f"K.get_session() returns a TensorFlow 1 session, which only the tensorflow backend "
            f"has (the active backend is {self.name}); {SESSION_ADVICE}"
        )

    def _set_session(self, session: Any) -> None:
        """Make ``session`` the TensorFlow 1 session (tensorflow only)."""
        raise UnsupportedError(
            f"K.set_session() takes a TensorFlow 1 session, which only the tensorflow backend "
            f"has (the active backend is {self.name}); {SESSION_ADVICE}"
        )

    # ----------------------------------------------------------------- conv primitives

    @abc.abstractmethod
    def _conv(
        self,
        x: Tensor,
        kernel: Tensor,
        strides: tuple[int, ...],
        pads: tuple[tuple[int, int], ...],
        dilation: tuple[int, ...],
        groups: int,
        channels_last: bool,
    ) -> Tensor:
        """N-d cross-correlation (no kernel flip) of ``x`` with ``kernel``, float32 or float64.

        ``x`` is (batch, *spatial, in) if ``channels_last`` else (batch, in, *spatial);
        ``kernel`` is (*window, in // groups, out), TensorFlow's layout; output channel ``o``
        sees input channels of group ``o // (out // groups)``. ``x`` is zero-padded by
        ``pads`` ((before, after) per spatial axis, possibly asymmetric), then windows dilated
        by ``dilation`` step by ``strides``. Every output size is positive; the result has
        ``x``'s layout and dtype.
        """

    @abc.abstractmethod
    def _conv_transpose(
        self,
        x: Tensor,
        kernel: Tensor,
        sizes: tuple[int, ...],
        strides: tuple[int, ...],
        pads: tuple[tuple[int, int], ...],
        dilation: tuple[int, ...],
        channels_last: bool,
    ) -> Tensor:
        """The transpose (gradient with respect to its input) of ``_conv``: ``x`` holds the
        output of a convolution of an input with spatial ``sizes`` padded by ``pads``, which
        are all zero ('valid') or TensorFlow's 'same' split; ``kernel`` is (*window, out, in)
        with ``in`` the channels of ``x``. Returns (batch, *sizes, out) if ``channels_last``
        else (batch, out, *sizes), in ``x``'s dtype (float32 or float64)."""

    @abc.abstractmethod
    def _pool(
        self,
        x: Tensor,
        window: tuple[int, ...],
        strides: tuple[int, ...],
        pads: tuple[tuple[int, int], ...],
        mode: str,
        channels_last: bool,
    ) -> Tensor:
        """Max ('max') or average ('avg') of each window of the spatial axes of float32 or
        float64 ``x``, channels kept, in ``x``'s layout and dtype. ``pads`` are all zero
        ('valid') or TensorFlow's 'same' split; padded elements never count (an average
        divides by the number of input elements in its window); NaN propagates."""

    # ----------------------------------------------------------------- control primitives

    @abc.abstractmethod
    def _stack(self, tensors: list[Tensor]) -> Tensor:
        """The tensors (at least one, all of one shape and dtype) stacked on a new axis 0."""

    def _loop(
        self,
        step: Callable[[list[Tensor], list[Tensor]], tuple[list[Tensor], list[Tensor]]],
        carry: list[Tensor],
        xs: list[Tensor],
    ) -> tuple[list[Tensor], list[Tensor]]:
        """A loop over axis 0 of ``xs``: ``carry, y = step(carry, [x[t] for x in xs])`` for
        t = 0, 1, ..., length - 1; returns the last carry and each item of ``y`` stacked on a
        new axis 0.

        ``carry``, ``xs`` and ``y`` are lists of tensors; ``xs`` is not empty and its tensors
        share one static length >= 1 on axis 0; ``step`` returns a carry of the shapes and
        dtypes it was given and a ``y`` of the same shapes and dtypes at every step. A compiler
        must see one loop, not ``length`` copies of ``step`` (jax.lax.scan, tf.while_loop); this
        default is a Python loop (NumPy, and torch, whose compiler traces it as it runs)."""
        return self._python_loop(step, carry, xs)

    def _python_loop(
        self,
        step: Callable[[list[Tensor], list[Tensor]], tuple[list[Tensor], list[Tensor]]],
        carry: list[Tensor],
        xs: list[Tensor],
    ) -> tuple[list[Tensor], list[Tensor]]:
        """``_loop`` unrolled in Python on every backend (``K.rnn(..., unroll=True)``)."""
        ys = []
        for t in range(self._shape(xs[0])[0]):
            index = self._scalar(t, "int32")
            carry, y = step(carry, [self._take(x, index, 0) for x in xs])
            ys.append(y)
        return carry, [self._stack(list(column)) for column in zip(*ys)]

    # ----------------------------------------------------------------- random primitives

    @abc.abstractmethod
    def _random(
        self, distribution: str, shape: tuple[int, ...], dtype: str, seed: Tensor
    ) -> Tensor:
        """Random numbers of ``shape`` and float ``dtype``, a pure function of ``seed`` (an int32
        tensor of shape (2,), possibly traced): the same seed gives the same numbers.

        ``distribution`` is 'uniform' (in [0, 1), never 1 after rounding to ``dtype``),
        'normal' (standard) or 'truncated_normal' (standard, redrawn beyond 2 standard
        deviations, so in [-2, 2])."""

    # ----------------------------------------------------------------- ctc primitives

    def _host_call(
        self,
        what: str,
        fn: Callable[..., tuple[np.ndarray, ...]],
        args: list[Tensor],
        results: list[tuple[tuple[int, ...], str]],
    ) -> tuple[Tensor, ...]:
        """``fn``, a NumPy function, on the values of the tensors ``args``: it returns NumPy
        arrays of the (shape, dtype) of ``results``, given back as tensors. ``what`` names the
        K function for the error raised while a compiler traces, where the values do not exist
        (JAX calls back to the host from compiled code instead)."""
        if not all(self._is_concrete(a) for a in args):
            raise UnsupportedError(
                f"{what} runs on the host (in NumPy) and needs the values of its inputs, which "
                f"do not exist while {self.name} compiles; call it outside the compiled function"
            )
        outputs = fn(*(self._to_numpy(a) for a in args))
        return tuple(self._from_numpy(np.asarray(o)) for o in outputs)

    # ----------------------------------------------------------------- speed primitives

    def _borrow(self, array: np.ndarray) -> Tensor:
        """A native tensor with the values and dtype of a NumPy array fed to a K.function,
        which may share the array's memory: the graph run copies whatever it keeps or returns.
        The default is ``_from_numpy`` (a copy)."""
        return self._from_numpy(array)
