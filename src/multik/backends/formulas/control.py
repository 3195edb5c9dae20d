"""Family N, control flow: the element-wise selection behind ``switch`` and
``in_train_phase``, and the loops (``rnn``, ``map_fn``, ``foldl``, ``foldr``) run by the
adapter's ``_loop``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from multik import nest
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor, is_python_number
from multik.errors import DTypeError, InvalidArgumentError, ShapeError


class ControlFormulas(Conversion):
    """Family N, control flow: the element-wise selection behind ``switch`` and
    ``in_train_phase`` (the front-end picks a branch itself when the condition has a value), and
    the loops."""

    def _condition_value(self, condition: object) -> bool | None:
        """The truth of a scalar condition that holds a value now (nonzero and NaN are true);
        None for a condition of rank 1 or more, or a scalar being traced by a compiler."""
        condition = self.tensor(condition)
        if self._shape(condition) != () or not self._is_concrete(condition):
            return None
        return bool(self._to_numpy(condition))

    def _switch(self, condition: object, then: object, alt: object) -> Tensor:
        """``then`` where ``condition`` holds, else ``alt``, in their common dtype (Python
        numbers are weak).

        A non-bool condition is true where nonzero. Its rank may not exceed ``then``'s; size-1
        axes are appended to it up to that rank (so it lines up with the leading axes), and the
        three then broadcast together.
        """
        condition = self.tensor(condition)
        then, alt = (b if is_python_number(b) else self.tensor(b) for b in (then, alt))
        c_shape, t_shape, e_shape = (self._shape_of(v) for v in (condition, then, alt))
        if len(c_shape) > len(t_shape):
            raise ShapeError(
                f"the condition of rank {len(c_shape)} (shape {c_shape}) has a higher rank than "
                f"then_expression (shape {t_shape}); its rank must be at most the branches'"
            )
        if self._dtype(condition) != "bool":
            zero = self._scalar(0, self._dtype(condition))
            condition = self._binary("not_equal", condition, zero)
        aligned = (*c_shape, *[1] * (len(t_shape) - len(c_shape)))
        if checks.broadcast_or_none(aligned, t_shape, e_shape) is None:
            raise ShapeError(
                f"the condition {c_shape} (aligned with the leading axes as {aligned}) and the "
                f"branches {t_shape} and {e_shape} do not broadcast together"
            )
        if aligned != c_shape:
            condition = self._reshape(condition, aligned)
        return self.xp.where(condition, then, alt).value  # Python numbers are weak

    def _shape_of(self, x: object) -> tuple[int, ...]:
        return () if is_python_number(x) else self._shape(x)

    def _select_branch(self, condition: object, x: object, alt: object) -> Tensor:
        """``x`` if the scalar ``condition`` is nonzero, else ``alt`` (both are computed)."""
        condition = self.tensor(condition)
        if self._shape(condition) != ():
            raise ShapeError(
                f"the training flag must be a scalar, got shape {self._shape(condition)}"
            )
        return self._switch(condition, x, alt)

    # ----------------------------------------------------------------- loops: rnn, map_fn, folds

    def rnn(
        self,
        step_function: Callable[..., Any],
        inputs: Any,
        initial_states: Any,
        go_backwards: bool = False,
        mask: object = None,
        constants: Any = None,
        unroll: bool = False,
        input_length: object = None,
        time_major: bool = False,
        zero_output_for_mask: bool = False,
        return_all_outputs: bool = True,
    ) -> tuple[Any, Any, list[Any]]:
        flat_inputs = [self.tensor(x) for x in nest.flatten(inputs)]
        steps, batch = self._time_and_batch([self._shape(x) for x in flat_inputs], time_major)
        if not time_major:
            flat_inputs = [self._swap_leading(x) for x in flat_inputs]
        states = list(initial_states) if nest.is_nested(initial_states) else [initial_states]
        flat_states = [self._fresh(self.tensor(s)) for s in nest.flatten(states)]
        extra = (
            tuple(constants)
            if nest.is_nested(constants)
            else (() if constants is None else (constants,))
        )
        keep = self._keep_mask(mask, input_length, steps, batch, time_major, go_backwards)
        if go_backwards:
            flat_inputs = [self._reversed(x) for x in flat_inputs]
            if mask is not None:
                keep = self._reversed(keep)
        loop = self._python_loop if unroll else self._loop

        def call_step(x_t: list[Tensor], states_t: list[Tensor]) -> tuple[Any, list, list]:
            output, new_states = step_function(
                nest.pack_as(inputs, x_t), tuple(nest.pack_as(states, states_t)) + extra
            )
            new_flat = self._carried(nest.flatten(new_states), states_t, "state", "rnn")
            return output, [self.tensor(o) for o in nest.flatten(output)], new_flat

        carries_output = keep is not None or not return_all_outputs
        structure: list[Any] = []
        first_outputs: list[Tensor] = []
        if carries_output:
            # The outputs of a step that never ran (masked steps repeat them): zeros.
            x_0 = [self._take(x, self._scalar(0, "int32"), 0) for x in flat_inputs]
            shapes = self._infer(
                lambda *v: call_step(list(v[: len(x_0)]), list(v[len(x_0) :]))[1],
                [*x_0, *flat_states],
            )
            first_outputs = [self._full(self._shape(o), 0, self._dtype(o)) for o in shapes]
        outputs_count = len(first_outputs)

        def body(carry: list[Tensor], xs: list[Tensor]) -> tuple[list[Tensor], list[Tensor]]:
            previous, states_t = carry[:outputs_count], carry[outputs_count:]
            output, flat_output, new_states = call_step(xs[: len(flat_inputs)], states_t)
            if not structure:
                structure.append(output)
            if keep is not None:
                keep_t = xs[-1]
                fill = (
                    [self._full(self._shape(o), 0, self._dtype(o)) for o in flat_output]
                    if zero_output_for_mask
                    else previous
                )
                flat_output = [
                    self._kept(keep_t, o, f)
                    for o, f in zip(self._carried(flat_output, fill, "output", "rnn"), fill)
                ]
                new_states = [self._kept(keep_t, s, old) for s, old in zip(new_states, states_t)]
            elif carries_output:
                flat_output = self._carried(flat_output, previous, "output", "rnn")
            kept_output = flat_output if carries_output else []
            return kept_output + new_states, flat_output if return_all_outputs else []

        xs = flat_inputs if keep is None else [*flat_inputs, keep]
        final, ys = loop(body, [*first_outputs, *flat_states], xs)
        if return_all_outputs:
            last = [self._take(y, self._scalar(steps - 1, "int32"), 0) for y in ys]
            outputs = ys
        else:
            last = final[:outputs_count]
            outputs = [self._expand_dims(o, 0) for o in last]
        if not time_major:
            outputs = [self._swap_leading(o) for o in outputs]
        new_states = nest.pack_as(states, final[outputs_count:])
        return (
            nest.pack_as(structure[0], last),
            nest.pack_as(structure[0], outputs),
            list(new_states),
        )

    def map_fn(
        self, fn: Callable[..., Any], elems: Any, name: Any = None, dtype: object = None
    ) -> Any:
        flat = [self.tensor(e) for e in nest.flatten(elems)]
        length = self._leading_length(flat, "map_fn")
        structure: list[Any] = []

        def apply(x: list[Tensor]) -> list[Tensor]:
            result = fn(nest.pack_as(elems, x))
            if not structure:
                structure.append(result)
            values = [self.tensor(r) for r in nest.flatten(result)]
            return values if dtype is None else [self.cast(v, dtype) for v in values]

        if length == 0:
            probes = [self._probe_zeros(self._shape(e)[1:], self._dtype(e)) for e in flat]
            shapes = self._infer(lambda *x: apply(list(x)), probes)
            ys = [self._full((0, *self._shape(s)), 0, self._dtype(s)) for s in shapes]
        else:
            _, ys = self._loop(lambda carry, x: ([], apply(x)), [], flat)
        return nest.pack_as(structure[0], ys)

    def foldl(
        self, fn: Callable[..., Any], elems: Any, initializer: Any = None, name: Any = None
    ) -> Any:
        return self._fold(fn, elems, initializer, "foldl")

    def foldr(
        self, fn: Callable[..., Any], elems: Any, initializer: Any = None, name: Any = None
    ) -> Any:
        return self._fold(fn, elems, initializer, "foldr")

    def _fold(self, fn: Callable[..., Any], elems: Any, initializer: Any, what: str) -> Any:
        """``fn(acc, x)`` over the items of ``elems`` along axis 0, from the left or right."""
        flat = [self.tensor(e) for e in nest.flatten(elems)]
        length = self._leading_length(flat, what)
        order = list(range(length)) if what == "foldl" else list(range(length - 1, -1, -1))
        if initializer is None:
            if not order:
                raise ShapeError(f"{what} of an empty tensor needs an initializer")
            structure = elems
            first = self._scalar(order.pop(0), "int32")
            acc = [self._take(x, first, 0) for x in flat]
        else:
            structure = initializer
            acc = [self._fresh(self.tensor(i)) for i in nest.flatten(initializer)]
        if not order:
            return nest.pack_as(structure, acc)
        indices = self._from_numpy(np.asarray(order, dtype=np.int32))

        def step(carry: list[Tensor], x: list[Tensor]) -> tuple[list[Tensor], list[Tensor]]:
            new = fn(nest.pack_as(structure, carry), nest.pack_as(elems, x))
            return self._carried(nest.flatten(new), carry, "accumulator", what), []

        final, _ = self._loop(step, acc, [self._take(x, indices, 0) for x in flat])
        return nest.pack_as(structure, final)

    # ----------------------------------------------------------------- loop helpers

    def _carried(
        self, values: list[Any], previous: list[Tensor], what: str, where: str
    ) -> list[Tensor]:
        """The ``values`` a step returns for the ``previous`` carried tensors, which they must
        match in number, shape and dtype (a loop carries fixed shapes and dtypes)."""
        if len(values) != len(previous):
            raise InvalidArgumentError(
                f"{where}: the step function returned {len(values)} {what} tensor(s) where "
                f"{len(previous)} are carried from step to step"
            )
        tensors = [self.tensor(v) for v in values]
        for index, (new, old) in enumerate(zip(tensors, previous)):
            if self._shape(new) != self._shape(old):
                raise ShapeError(
                    f"{where}: {what} {index} has shape {self._shape(old)} but the step function "
                    f"returned shape {self._shape(new)}; it must keep its shape from step to step"
                )
            if self._dtype(new) != self._dtype(old):
                raise DTypeError(
                    f"{where}: {what} {index} has dtype {self._dtype(old)} but the step function "
                    f"returned dtype {self._dtype(new)}; give initial values of the dtype the "
                    "step computes"
                )
        return tensors

    @staticmethod
    def _time_and_batch(
        shapes: list[tuple[int | None, ...]], time_major: bool
    ) -> tuple[int | None, int | None]:
        """The number of time steps and the batch size of ``rnn`` inputs of static ``shapes``
        (None where unknown)."""
        if not shapes:
            raise InvalidArgumentError("rnn needs at least one input tensor")
        if any(len(s) < 3 for s in shapes):
            raise ShapeError(
                f"rnn inputs need rank 3 or more, (batch, time, features...), got shapes {shapes}"
            )
        time, batch = (0, 1) if time_major else (1, 0)
        if len({(s[time], s[batch]) for s in shapes}) != 1:
            raise ShapeError(f"rnn inputs must share their batch and time sizes, got {shapes}")
        if shapes[0][time] == 0:
            raise ShapeError(f"rnn needs at least one time step, got inputs of shape {shapes[0]}")
        return shapes[0][time], shapes[0][batch]

    def _keep_mask(
        self,
        mask: object,
        input_length: object,
        steps: int,
        batch: int,
        time_major: bool,
        go_backwards: bool,
    ) -> Tensor | None:
        """Which steps of each sample count, as a bool (time, batch) tensor in input order (a
        mask) or in processing order (lengths); None when every step counts."""
        if mask is not None:
            keep = self.tensor(mask)
            shape = self._shape(keep)
            expected = (steps, batch) if time_major else (batch, steps)
            if shape[:2] != expected or any(d != 1 for d in shape[2:]):
                raise ShapeError(
                    f"the rnn mask must have shape {expected} (or with trailing 1s), got {shape}"
                )
            keep = self._reshape(self.cast(keep, "bool"), expected)
            return keep if time_major else self._transpose(keep, (1, 0))
        if input_length is None or isinstance(input_length, (int, np.integer)):
            return None
        lengths = self._reshape(self.cast(input_length, "int32"), (1, batch))
        time = self._reshape(self._arange(steps, "int32"), (steps, 1))
        if go_backwards:
            # tf_keras's rule: processing step t counts when t > max(lengths) - 1 - length.
            last = self._binary(
                "subtract", self._max(lengths, None, False), self._scalar(1, "int32")
            )
            return self._binary("less", self._binary("subtract", last, lengths), time)
        return self._binary("less", time, lengths)

    def _kept(self, keep_t: Tensor, new: Tensor, old: Tensor) -> Tensor:
        """``new`` for the samples whose step counts (``keep_t``, shape (batch,)), else ``old``."""
        rank = len(self._shape(new))
        return self._where(
            self._reshape(keep_t, (self._shape(keep_t)[0],) + (1,) * (rank - 1)), new, old
        )

    def _leading_length(self, flat: list[Tensor], what: str) -> int:
        """The common length of axis 0 of the tensors ``what`` loops over."""
        if not flat or any(len(self._shape(x)) == 0 for x in flat):
            raise ShapeError(f"{what} loops over axis 0: it needs tensors of rank 1 or more")
        lengths = {self._shape(x)[0] for x in flat}
        if len(lengths) != 1:
            raise ShapeError(
                f"{what}: the tensors must share the length of axis 0, got {sorted(lengths)}"
            )
        return lengths.pop()

    def _swap_leading(self, x: Tensor) -> Tensor:
        """``x`` with axes 0 and 1 swapped (batch-major to time-major and back)."""
        rank = len(self._shape(x))
        return self._transpose(x, (1, 0, *range(2, rank)))

    def _reversed(self, x: Tensor) -> Tensor:
        """``x`` in reverse order along axis 0."""
        length = self._shape(x)[0]
        return self._take(x, self._from_numpy(np.arange(length - 1, -1, -1, dtype=np.int32)), 0)

    def _fresh(self, x: Tensor) -> Tensor:
        """A tensor with ``x``'s values in new memory, so that a loop that passes a value
        through unchanged never returns the caller's array."""
        return self._where(self._scalar(True, "bool"), x, x)
