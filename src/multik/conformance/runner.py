"""Run one conformance case on one backend in one mode, and judge the result.

Modes: ``eager``; ``compiled`` = ``jax.jit`` / ``tf.function`` / ``torch.compile(fullgraph=True,
backend="eager")``; ``xla`` = ``tf.function(jit_compile=True)`` on tensorflow; and ``symbolic``:
every NumPy input becomes a ``K.placeholder`` of its shape and dtype, the K call builds a graph
whose static shape and dtype must be those of the result, and ``K.function`` runs it. In compiled
modes the K call runs inside the compiled function on native tensors: NumPy inputs become
native tensors passed as arguments, every other argument is a closure constant. Results are
turned into NumPy arrays with ``K.eval``. Frameworks are imported only when their backend runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from multik import backend as K
from multik import config, dtypes
from multik.backends import available_backends, load_adapter
from multik.conformance.cases import Case, Foreign
from multik.conformance.compare import mismatch
from multik.conformance.deviations import UNSUPPORTED
from multik.errors import MultikError, UnsupportedError
from multik.symbolic import SymbolicTensor
from multik.variable import Variable

__all__ = [
    "MODES",
    "NO_FOREIGN",
    "Outcome",
    "case_modes",
    "enable_jax_x64",
    "foreign_framework",
    "representatives",
    "run_case",
    "skip_reason",
]

#: Why a case with a ``Foreign`` input cannot run: only NumPy (or only the backend) is installed.
NO_FOREIGN = "no second framework is installed to build a foreign tensor"

#: The modes each backend runs, eager first.
MODES: dict[str, tuple[str, ...]] = {
    "numpy": ("eager", "symbolic"),
    "tensorflow": ("eager", "compiled", "xla", "symbolic"),
    "torch": ("eager", "compiled", "symbolic"),
    "jax": ("eager", "compiled", "symbolic"),
}


@dataclass(frozen=True)
class Outcome:
    """The verdict on one (case, backend, mode): 'pass', 'unsupported', 'skipped' or 'fail'."""

    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Whether the run is acceptable (passing, a listed UnsupportedError, or skipped)."""
        return self.status != "fail"


def case_modes(case: Case, backend: str) -> tuple[str, ...]:
    """The modes ``case`` runs in on ``backend``: every mode, unless it is eager-only; the
    symbolic mode needs a NumPy input to turn into a placeholder."""
    if case.eager_only:
        return ("eager",)
    if not any(isinstance(arg, np.ndarray) for arg in case.args):
        return tuple(mode for mode in MODES[backend] if mode != "symbolic")
    return MODES[backend]


def representatives(cases: Iterable[Case]) -> frozenset[str]:
    """The ids of the first case of each (function, dtype, expected error, tags) group, in table
    order. The test suite's default (bounded) profile runs these in the compiled and symbolic
    modes and every case eagerly; its full profile runs every case in every mode."""
    first: dict[tuple[Any, ...], str] = {}
    for case in cases:
        first.setdefault((case.function, case.dtype, case.error, case.tags), case.id)
    return frozenset(first.values())


def enable_jax_x64() -> None:
    """Turn JAX's 64-bit mode on (the suite's setting); must run before any JAX array exists."""
    import jax

    jax.config.update("jax_enable_x64", True)


@contextlib.contextmanager
def settings(floatx: str | None, epsilon: float | None) -> Iterator[None]:
    """Set floatx and epsilon for one case, restoring the previous values afterwards."""
    old_floatx, old_epsilon = config.floatx(), config.epsilon()
    try:
        if floatx is not None:
            config.set_floatx(floatx)
        if epsilon is not None:
            config.set_epsilon(epsilon)
        yield
    finally:
        config.set_floatx(old_floatx)
        config.set_epsilon(old_epsilon)


def foreign_framework(backend: str) -> str | None:
    """The installed backend whose tensors are foreign on ``backend`` (NumPy's never are)."""
    others = [name for name in available_backends() if name not in (backend, "numpy")]
    return others[0] if others else None


def skip_reason(case: Case, backend: str) -> str | None:
    """Why ``case`` cannot run on ``backend`` in this environment, or None: a case with a
    ``Foreign`` input needs a second installed framework (pytest skips it with this reason)."""
    if any(isinstance(arg, Foreign) for arg in case.args) and foreign_framework(backend) is None:
        return NO_FOREIGN
    return None


def _foreign_tensor(array: np.ndarray, backend: str) -> Any:
    other = foreign_framework(backend)
    if other is None:
        raise UnsupportedError(NO_FOREIGN)
    return load_adapter(other).tensor(array)


def _compiler(
    backend: str, mode: str, expect_error: bool
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if backend == "jax":
        import jax

        return jax.jit
    if backend == "tensorflow":
        import tensorflow as tf

        return lambda fn: tf.function(fn, jit_compile=mode == "xla")
    if backend == "torch":
        import torch

        def compile_fresh(fn: Callable[..., Any]) -> Callable[..., Any]:
            # A fresh cache per case, so dynamo's recompile limit never turns tracing off.
            torch._dynamo.reset()
            # With fullgraph=True dynamo reports any exception raised while tracing as its own
            # Unsupported error (the multik error is its __cause__); bad-input cases therefore
            # compile with fullgraph=False, torch.compile's default, which raises the multik error.
            return torch.compile(fn, fullgraph=not expect_error, backend="eager")

        return compile_fresh
    raise ValueError(f"backend {backend!r} has no compiled mode")


def _call(case: Case, backend: str, mode: str) -> Any:
    adapter = config.active_adapter()
    args: list[Any] = []
    tensor_slots: list[int] = []
    for index, arg in enumerate(case.args):
        if isinstance(arg, Foreign):
            args.append(_foreign_tensor(arg.array, backend))
        elif isinstance(arg, np.ndarray):
            args.append(adapter.tensor(arg))
            tensor_slots.append(index)
        else:
            args.append(arg)
    if mode == "eager":
        return case.invoke(K, *args)
    if mode == "symbolic":
        return _call_symbolic(case, args, tensor_slots)
    constants = list(args)

    def traced(*tensors: Any) -> Any:
        full = list(constants)
        for slot, tensor in zip(tensor_slots, tensors):
            full[slot] = tensor
        result = case.invoke(K, *full)
        return result.value if isinstance(result, Variable) else result

    compiled = _compiler(backend, mode, case.error is not None)(traced)
    return compiled(*[args[i] for i in tensor_slots])


def _call_symbolic(case: Case, args: list[Any], tensor_slots: list[int]) -> Any:
    """Build the case's graph on placeholders, check its static shape and dtype against the
    value ``K.function`` computes, and return that value."""
    values = [args[i] for i in tensor_slots]
    try:
        placeholders = [K.placeholder(K.int_shape(v), dtype=K.dtype(v)) for v in values]
        symbolic_args = list(args)
        for slot, tensor in zip(tensor_slots, placeholders):
            symbolic_args[slot] = tensor
        result = case.invoke(K, *symbolic_args)
        if not isinstance(result, SymbolicTensor):
            raise AssertionError(f"a K call on placeholders returned {result!r}, not symbolic")
        value = K.function(placeholders, [result])(values)[0]
    finally:
        K.clear_session()  # leave graph mode: the next case may run eagerly
    if (result.shape, result.dtype) != (value.shape, dtypes.canonical(value.dtype)):
        raise AssertionError(
            f"static shape/dtype {result.shape} {result.dtype} differ from the computed "
            f"{value.shape} {value.dtype}"
        )
    return value


def _judge(case: Case, result: Any) -> str | None:
    if not isinstance(case.expected, np.ndarray):
        if type(result) is not type(case.expected) or result != case.expected:
            return f"got {result!r} ({type(result).__name__}), expected {case.expected!r}"
        return None
    if isinstance(result, np.ndarray):
        value, dtype = result, dtypes.canonical(result.dtype)
    else:
        value, dtype = K.eval(result), K.dtype(result)
        if not isinstance(value, np.ndarray):
            return f"K.eval gave a {type(value).__name__}, not a NumPy array"
    return mismatch(value, dtype, case.expected, case.dtype or "", case.terms)


def run_case(case: Case, backend: str, mode: str) -> Outcome:
    """Run ``case`` on ``backend`` in ``mode`` and compare with its expectation; never raises."""
    skip = skip_reason(case, backend)
    if skip is not None:
        return Outcome("skipped", skip)
    reason = UNSUPPORTED.get((backend, case.function))
    try:
        with config.use_backend(backend), settings(case.floatx, case.epsilon):
            try:
                result = _call(case, backend, mode)
            except MultikError as exc:
                if reason is not None and isinstance(exc, UnsupportedError):
                    return Outcome("unsupported", reason)
                if case.error is not None and type(exc) is case.error:
                    return Outcome("pass")
                want = case.error.__name__ if case.error else "a result"
                return Outcome("fail", f"raised {type(exc).__name__}: {exc} (expected {want})")
            if case.error is not None:
                return Outcome("fail", f"returned {result!r}, expected {case.error.__name__}")
            problem = _judge(case, result)
    except Exception as exc:  # a framework error escaping multik is a conformance failure
        return Outcome("fail", f"{type(exc).__module__}.{type(exc).__name__}: {str(exc)[:600]}")
    if reason is not None:
        return Outcome("fail", f"listed unsupported ({reason}) but it ran")
    return Outcome("fail", problem) if problem else Outcome("pass")
