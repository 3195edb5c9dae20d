"""Family N, control flow: the element-wise selection behind ``switch`` and ``in_train_phase``."""

from __future__ import annotations

from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor, is_python_number
from multik.errors import ShapeError


class ControlFormulas(Conversion):
    """Family N, control flow: the element-wise selection behind ``switch`` and
    ``in_train_phase`` (the front-end picks a branch itself when the condition has a value)."""

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
