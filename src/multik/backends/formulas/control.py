"""Family N, control flow: the train/test switch (``in_train_phase``)."""

from __future__ import annotations

import numpy as np

from multik import dtypes
from multik.backends.conversion import Conversion, Tensor
from multik.errors import ShapeError


class ControlFormulas(Conversion):
    """Family N, control flow: the train/test switch (``in_train_phase``)."""

    def _select_branch(self, condition: object, x: object, alt: object) -> Tensor:
        """``x`` if the scalar ``condition`` is nonzero, else ``alt`` (both are computed)."""
        condition = self.tensor(condition)
        if self._shape(condition) != ():
            raise ShapeError(
                f"the training flag must be a scalar, got shape {self._shape(condition)}"
            )
        x, alt = self.tensor(x), self.tensor(alt)
        try:
            np.broadcast_shapes(self._shape(x), self._shape(alt))
        except ValueError:
            raise ShapeError(
                f"the train branch {self._shape(x)} and the test branch {self._shape(alt)} "
                "must have the same (or broadcastable) shapes"
            ) from None
        dtype = dtypes.result_type(self._dtype(x), self._dtype(alt))
        return self._where(self.cast(condition, "bool"), self._as(x, dtype), self._as(alt, dtype))
