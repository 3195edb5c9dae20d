"""Family M, random numbers and dropout.

Every draw is a pure function of a seed pair (an int32 vector of two) given to the adapter's
stateless generator (``_random``): an int ``seed`` gives the pair ``(seed mod 2**32, 0)``, so
the same seed gives the same numbers; ``seed=None`` draws a pair from NumPy's global generator,
as tf_keras draws its seeds, so ``np.random.seed`` makes a program's draws repeat. In graph
mode (a placeholder exists) a draw raises ``SymbolicInput``: the front-end then builds a graph
node that draws when the graph runs (``multik.rng``), with a pair that advances on each run.
"""

from __future__ import annotations

import numbers

import numpy as np

from multik import dtypes
from multik.backends.conversion import Conversion, Tensor
from multik.errors import DTypeError, InvalidArgumentError, ShapeError, SymbolicInput
from multik.variable import Variable

#: Seed pairs drawn for ``seed=None`` take each half from [0, 2**31 - 1).
_SEED_RANGE = 2**31 - 1


class RandomFormulas(Conversion):
    """Family M, random numbers and dropout."""

    # ----------------------------------------------------------------- distributions

    def random_uniform(
        self,
        shape: object,
        minval: float = 0.0,
        maxval: float = 1.0,
        dtype: object = None,
        seed: object = None,
    ) -> Tensor:
        dtype = self.dtype_arg(dtype)
        shape = self._draw_shape(shape)
        if dtypes.is_int(dtype):
            return self._random_integers(shape, minval, maxval, dtype, seed)
        u = self._draw("uniform", shape, self._float_dtype(dtype, "random_uniform"), seed)
        return self._affine(u, minval, maxval - minval, dtype)

    def random_normal(
        self,
        shape: object,
        mean: float = 0.0,
        stddev: float = 1.0,
        dtype: object = None,
        seed: object = None,
    ) -> Tensor:
        return self._normal("random_normal", shape, mean, stddev, dtype, seed)

    def truncated_normal(
        self,
        shape: object,
        mean: float = 0.0,
        stddev: float = 1.0,
        dtype: object = None,
        seed: object = None,
    ) -> Tensor:
        return self._normal("truncated_normal", shape, mean, stddev, dtype, seed)

    def _normal(
        self,
        what: str,
        shape: object,
        mean: float,
        stddev: float,
        dtype: object,
        seed: object,
    ) -> Tensor:
        """``mean + stddev * n``, ``n`` standard normal (``what`` 'random_normal') or truncated
        normal ('truncated_normal'); ``what`` names the K function in errors."""
        dtype = self._float_dtype(self.dtype_arg(dtype), what)
        n = self._draw(what.removeprefix("random_"), self._draw_shape(shape), dtype, seed)
        return self._affine(n, mean, stddev, dtype)

    def random_bernoulli(
        self, shape: object, p: float = 0.0, dtype: object = None, seed: object = None
    ) -> Tensor:
        dtype = self._float_dtype(self.dtype_arg(dtype), "random_bernoulli")
        u = self.xp(self._draw("uniform", self._draw_shape(shape), dtype, seed))
        return self.xp.astype(u < p, dtype).value

    def random_binomial(
        self, shape: object, p: float = 0.0, dtype: object = None, seed: object = None
    ) -> Tensor:
        return self.random_bernoulli(shape, p, dtype, seed)

    def random_uniform_variable(
        self,
        shape: object,
        low: float,
        high: float,
        dtype: object = None,
        name: str | None = None,
        seed: object = None,
    ) -> Variable:
        dtype = self._float_dtype(self.dtype_arg(dtype), "random_uniform_variable")
        shape = self._draw_shape(shape)
        u = self._random("uniform", shape, dtype, self._seed_pair(seed, in_graph=False))
        return self._new_random_variable(self._affine(u, low, high - low, dtype), name)

    def random_normal_variable(
        self,
        shape: object,
        mean: float,
        scale: float,
        dtype: object = None,
        name: str | None = None,
        seed: object = None,
    ) -> Variable:
        dtype = self._float_dtype(self.dtype_arg(dtype), "random_normal_variable")
        shape = self._draw_shape(shape)
        n = self._random("normal", shape, dtype, self._seed_pair(seed, in_graph=False))
        return self._new_random_variable(self._affine(n, mean, scale, dtype), name)

    # ----------------------------------------------------------------- dropout

    def dropout(
        self, x: object, level: float, noise_shape: object = None, seed: object = None
    ) -> Tensor:
        x = self.tensor(x)
        dtype = self._dtype(x)
        if not dtypes.is_float(dtype):
            raise DTypeError(f"dropout needs a float tensor, got dtype {dtype}")
        if (
            isinstance(level, bool)
            or not isinstance(level, numbers.Real)
            or not 0 <= float(level) < 1
        ):
            raise InvalidArgumentError(
                f"dropout level (the fraction of entries set to 0) must be a number in [0, 1), "
                f"got {level!r}"
            )
        shape = self._shape(x)
        mask_shape = shape if noise_shape is None else self._draw_shape(noise_shape)
        if len(mask_shape) != len(shape) or any(m not in (1, d) for m, d in zip(mask_shape, shape)):
            raise ShapeError(
                f"noise_shape {mask_shape} must have the rank of x {shape} and broadcast to it "
                "(each dimension equal or 1)"
            )
        xp = self.xp
        kept = xp(self._draw("uniform", mask_shape, dtype, seed)) >= float(level)
        return xp.where(kept, xp(x) * (1 / (1 - float(level))), 0).value

    # ----------------------------------------------------------------- shared steps

    def _draw(self, distribution: str, shape: tuple[int, ...], dtype: str, seed: object) -> Tensor:
        return self._random(distribution, shape, dtype, self._seed_pair(seed))

    def _seed_pair(self, seed: object, in_graph: bool = True) -> Tensor:
        """The int32 seed pair of a ``seed`` argument: a tensor pair as it is, an int as
        ``(seed mod 2**32, 0)``, None as a pair drawn from NumPy's global generator. In graph
        mode, unless ``in_graph`` is False, a draw waits for the graph to run."""
        if seed is not None and not isinstance(seed, (int, np.integer)):
            pair = self.tensor(seed)
            if self._shape(pair) != (2,) or not dtypes.is_int(self._dtype(pair)):
                raise InvalidArgumentError(
                    f"seed must be an int, None, or an int32 pair of shape (2,); got {seed!r}"
                )
            return self._as(pair, "int32")
        if isinstance(seed, bool):
            raise InvalidArgumentError(f"seed must be an int or None, got {seed!r}")
        if in_graph and self.graph_mode:
            raise SymbolicInput("in graph mode random numbers are drawn when the graph runs")
        if seed is None:
            pair = np.random.randint(_SEED_RANGE, size=2)
        else:
            pair = np.array([int(seed) % 2**32, 0], dtype=np.uint32)
        return self._from_numpy(pair.astype(np.uint32).view(np.int32))

    def _draw_shape(self, shape: object) -> tuple[int, ...]:
        """A shape argument (an int, a list or tuple of ints or scalar tensors, or a 1-D int
        tensor such as ``K.shape(x)``) as a tuple of non-negative ints."""
        if isinstance(shape, (list, tuple)):
            dims = [self._host_item(d) for d in shape]
        elif isinstance(shape, (int, np.integer)):
            dims = [shape]
        else:
            vector = self._host(shape)
            dims = vector.tolist() if vector.ndim == 1 and vector.dtype.kind in "iu" else [None]
        if any(isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0 for d in dims):
            raise ShapeError(f"shape must be a tuple of non-negative ints, got {shape!r}")
        return tuple(int(d) for d in dims)

    def _host_item(self, value: object) -> object:
        """One dimension of a shape: an int as it is, a scalar int tensor as its int."""
        if isinstance(value, (int, np.integer)) or value is None:
            return value
        array = self._host(value)
        return array.item() if array.ndim == 0 and array.dtype.kind in "iu" else value

    def _host(self, value: object) -> np.ndarray:
        """A value that must be known now (a shape), as a NumPy array."""
        if isinstance(value, (np.ndarray, np.generic)):
            return np.asarray(value)
        tensor = self.tensor(value)
        if not self._is_concrete(tensor):
            raise InvalidArgumentError(
                f"the shape of random numbers must be known when the call is traced, got the "
                f"traced tensor {tensor!r}: inside jax.jit, tf.function or torch.compile give "
                "K.int_shape(x) (ints), not K.shape(x)"
            )
        return self._to_numpy(tensor)

    @staticmethod
    def _float_dtype(dtype: str, what: str) -> str:
        if not dtypes.is_float(dtype):
            raise DTypeError(f"{what} draws floats; dtype must be a float dtype, got {dtype}")
        return dtype

    def _affine(self, x: Tensor, offset: object, scale: object, dtype: str) -> Tensor:
        """``offset + scale * x`` in ``dtype``."""
        return self.xp.astype(self.xp(x) * scale + offset, dtype).value

    def _random_integers(
        self, shape: tuple[int, ...], minval: object, maxval: object, dtype: str, seed: object
    ) -> Tensor:
        """Integers uniform in [minval, maxval), as TensorFlow draws them for an int dtype."""
        bounds = (minval, maxval)
        if not all(isinstance(v, (int, np.integer)) for v in bounds) or maxval <= minval:
            raise InvalidArgumentError(
                f"random_uniform with integer dtype {dtype} needs integer bounds minval < maxval, "
                f"got {minval!r} and {maxval!r}"
            )
        span = int(maxval) - int(minval)
        wide = "float64" if dtype == "int64" else "float32"
        u = self._draw("uniform", shape, wide, seed)
        # A cast truncates the non-negative u * span down; rounding may reach span itself.
        drawn = self._cast(self._binary("multiply", u, self._scalar(span, wide)), dtype)
        drawn = self._binary("minimum", drawn, self._scalar(span - 1, dtype))
        return self._binary("add", drawn, self._scalar(int(minval), dtype))

    def _new_random_variable(self, value: Tensor, name: str | None) -> Variable:
        return Variable(self, self._new_variable(value, name or ""), name)
