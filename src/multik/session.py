"""Process state of the legacy API: the learning phase, the uid counters, ``clear_session``.

The learning phase is, first match wins: the value of the innermost ``learning_phase_scope``
(context-local, like ``use_backend``), the value given to ``set_learning_phase``, else the
symbolic ``keras_learning_phase`` placeholder of the active backend: a bool scalar that
``K.function`` may feed and that is False (0) when it is not fed.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
from collections.abc import Iterator

from multik import config, symbolic
from multik.errors import InvalidArgumentError
from multik.symbolic import SymbolicTensor

__all__ = [
    "clear_session",
    "get_uid",
    "learning_phase",
    "learning_phase_scope",
    "reset_uids",
    "set_learning_phase",
]

_uids: dict[str, itertools.count[int]] = {}
_phase: int | None = None
_scoped_phase: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "multik_learning_phase", default=None
)
_phase_placeholders: dict[str, SymbolicTensor] = {}


def get_uid(prefix: str = "") -> int:
    """The next number for ``prefix``: 1 on the first call, then 2, 3, ..."""
    return next(_uids.setdefault(prefix, itertools.count(1)))


def reset_uids() -> None:
    """Restart every uid counter at 1."""
    _uids.clear()


def _check_phase(value: object) -> int:
    if isinstance(value, SymbolicTensor) or value not in (0, 1):
        raise InvalidArgumentError(
            f"the learning phase must be 0 (test) or 1 (train), got {value!r}"
        )
    return int(value)  # type: ignore[call-overload]


def learning_phase() -> int | SymbolicTensor:
    """The learning phase: a set value (0 or 1), else the symbolic placeholder (default 0)."""
    scoped = _scoped_phase.get()
    if scoped is not None:
        return scoped
    if _phase is not None:
        return _phase
    backend = config.active_adapter().name
    if backend not in _phase_placeholders:
        _phase_placeholders[backend] = symbolic.placeholder(
            shape=(), dtype="bool", name="keras_learning_phase", default=False
        )
    return _phase_placeholders[backend]


def set_learning_phase(value: int) -> None:
    """Fix the learning phase for the process: 0 (test) or 1 (train)."""
    global _phase
    _phase = _check_phase(value)


@contextlib.contextmanager
def learning_phase_scope(value: int) -> Iterator[None]:
    """Use learning phase ``value`` (0 or 1) inside a ``with`` block, in this thread/task."""
    token = _scoped_phase.set(_check_phase(value))
    try:
        yield
    finally:
        _scoped_phase.reset(token)


def clear_session() -> None:
    """Leave graph mode; forget the learning phase, the uid counters and the automatic names of
    symbolic tensors. Variables and graphs that already exist keep working."""
    global _phase
    _phase = None
    _phase_placeholders.clear()
    config.leave_graph_mode()
    reset_uids()
    symbolic.reset_names()
