"""Family L, convolution and pooling: one N-d convolution, its transpose and one N-d pooling.

Every K function of the family is a thin wrapper over three shared steps: the arguments are
normalised once (``data_format``, strides, dilation, and the padding as (before, after) pairs
per spatial axis, split as TensorFlow splits 'same': an odd total pads one more element after),
the shapes are checked, and one primitive computes on the tensors in the layout they came in:
``_conv`` (cross-correlation with TensorFlow's kernel layout, optionally grouped),
``_conv_transpose`` or ``_pool``. Inputs must hold floats (a float and an integer operand are
promoted to the float); float16 and bfloat16 compute in float32 and round once.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np

from multik import dtypes
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor
from multik.errors import DTypeError, InvalidArgumentError, ShapeError

_SAME_OR_VALID = ("valid", "same")
_WINDOW_NAMES = {1: "k", 2: "kh, kw", 3: "kd, kh, kw"}


@dataclass(frozen=True)
class _Geometry:
    """A convolution's or pooling's layout and window arithmetic, normalised once."""

    channels_last: bool
    batch: int
    channels: int
    #: The input's spatial sizes, the window, strides, dilation and the (before, after) padding
    #: of each spatial axis, and the output's spatial sizes.
    sizes: tuple[int, ...]
    window: tuple[int, ...]
    strides: tuple[int, ...]
    dilation: tuple[int, ...]
    pads: tuple[tuple[int, int], ...]
    out: tuple[int, ...]

    def shape(self, channels: int) -> tuple[int, ...]:
        """The output's shape with ``channels`` channels, in the input's layout."""
        if self.channels_last:
            return (self.batch, *self.out, channels)
        return (self.batch, channels, *self.out)

    def pointwise(self, channels: int) -> _Geometry:
        """A 1x1 convolution of this one's output, which has ``channels`` channels."""
        ones = (1,) * len(self.out)
        pads = ((0, 0),) * len(self.out)
        return replace(
            self,
            channels=channels,
            sizes=self.out,
            window=ones,
            strides=ones,
            dilation=ones,
            pads=pads,
        )


def _geometry(
    shape: tuple[int, ...],
    data_format: str,
    window: tuple[int, ...],
    strides: tuple[int, ...],
    dilation: tuple[int, ...],
    padding: str,
) -> _Geometry:
    channels_last = data_format == "channels_last"
    sizes = shape[1:-1] if channels_last else shape[2:]
    pads = checks.conv_padding_pairs(padding, sizes, window, strides, dilation)
    out = checks.conv_output_sizes(sizes, window, strides, dilation, pads)
    channels = shape[-1] if channels_last else shape[1]
    return _Geometry(channels_last, shape[0], channels, sizes, window, strides, dilation, pads, out)


def _input_layout(rank: int, data_format: str) -> str:
    spatial = "steps" if rank == 1 else f"{rank} spatial axes"
    if data_format == "channels_last":
        return f"(batch, {spatial}, channels)"
    return f"(batch, channels, {spatial})"


def _check_rank(name: str, what: str, shape: tuple[int, ...], rank: int, layout: str) -> None:
    if len(shape) != rank:
        raise ShapeError(f"{name} needs a rank-{rank} {what} {layout}, got shape {shape}")


def _check_strided_dilation(name: str, strides: tuple[int, ...], dilation: tuple[int, ...]) -> None:
    if max(strides) > 1 and max(dilation) > 1:
        raise InvalidArgumentError(
            f"{name} cannot combine strides > 1 with dilation_rate > 1 (strides {strides}, "
            f"dilation_rate {dilation}), as TensorFlow cannot; use strides 1 and subsample the "
            "result, or dilation_rate 1"
        )


def _check_channels(name: str, what: str, got: int, channels: int) -> None:
    if got != channels:
        raise ShapeError(
            f"{name}: the kernel's {what} axis has {got} channels but the input has {channels}"
        )


class ConvFormulas(Conversion):
    """Family L, convolution and pooling."""

    # ----------------------------------------------------------------- convolutions

    def conv1d(
        self,
        x: object,
        kernel: object,
        strides: object = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: object = 1,
    ) -> Tensor:
        return self._convolution(
            "conv1d", 1, x, kernel, strides, padding, data_format, dilation_rate
        )

    def conv2d(
        self,
        x: object,
        kernel: object,
        strides: object = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: object = (1, 1),
    ) -> Tensor:
        return self._convolution(
            "conv2d", 2, x, kernel, strides, padding, data_format, dilation_rate
        )

    def conv3d(
        self,
        x: object,
        kernel: object,
        strides: object = (1, 1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: object = (1, 1, 1),
    ) -> Tensor:
        return self._convolution(
            "conv3d", 3, x, kernel, strides, padding, data_format, dilation_rate
        )

    def depthwise_conv2d(
        self,
        x: object,
        depthwise_kernel: object,
        strides: object = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: object = (1, 1),
    ) -> Tensor:
        name = "depthwise_conv2d"
        x, kernel, g, result = self._window_args(
            name,
            2,
            x,
            depthwise_kernel,
            strides,
            padding,
            data_format,
            dilation_rate,
            "(kh, kw, in, multiplier)",
        )
        return self._as(self._depthwise(name, x, kernel, g), result)

    def separable_conv1d(
        self,
        x: object,
        depthwise_kernel: object,
        pointwise_kernel: object,
        strides: object = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: object = 1,
    ) -> Tensor:
        return self._separable(
            "separable_conv1d",
            1,
            x,
            depthwise_kernel,
            pointwise_kernel,
            strides,
            padding,
            data_format,
            dilation_rate,
        )

    def separable_conv2d(
        self,
        x: object,
        depthwise_kernel: object,
        pointwise_kernel: object,
        strides: object = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: object = (1, 1),
    ) -> Tensor:
        return self._separable(
            "separable_conv2d",
            2,
            x,
            depthwise_kernel,
            pointwise_kernel,
            strides,
            padding,
            data_format,
            dilation_rate,
        )

    def _convolution(
        self,
        name: str,
        rank: int,
        x: object,
        kernel: object,
        strides: object,
        padding: str,
        data_format: str | None,
        dilation_rate: object,
    ) -> Tensor:
        x, kernel, g, result = self._window_args(
            name,
            rank,
            x,
            kernel,
            strides,
            padding,
            data_format,
            dilation_rate,
            f"({_WINDOW_NAMES[rank]}, in, out)",
            ("valid", "same", "causal") if rank == 1 else _SAME_OR_VALID,
        )
        kernel_shape = self._shape(kernel)
        _check_channels(name, "input-channel", kernel_shape[rank], g.channels)
        return self._as(self._convolved(x, kernel, g, 1, kernel_shape[-1]), result)

    def _separable(
        self,
        name: str,
        rank: int,
        x: object,
        depthwise_kernel: object,
        pointwise_kernel: object,
        strides: object,
        padding: str,
        data_format: str | None,
        dilation_rate: object,
    ) -> Tensor:
        pointwise = self.tensor(pointwise_kernel)
        x, kernel, g, result = self._window_args(
            name,
            rank,
            x,
            depthwise_kernel,
            strides,
            padding,
            data_format,
            dilation_rate,
            f"({_WINDOW_NAMES[rank]}, in, multiplier)",
            _SAME_OR_VALID,
            pointwise,
        )
        depthwise = self._depthwise(name, x, kernel, g)
        pointwise = self._as(pointwise, self._dtype(depthwise))
        channels = g.channels * self._shape(kernel)[-1]
        shape = self._shape(pointwise)
        _check_rank(name, "pointwise kernel", shape, rank + 2, f"({'1, ' * rank}in, out)")
        if shape[:rank] != (1,) * rank:
            raise ShapeError(f"{name} needs a 1x1 pointwise kernel, got shape {shape}")
        _check_channels(name, "pointwise input-channel", shape[rank], channels)
        pointwise_result = self._convolved(
            depthwise, pointwise, g.pointwise(channels), 1, shape[-1]
        )
        return self._as(pointwise_result, result)

    def _depthwise(self, name: str, x: Tensor, kernel: Tensor, g: _Geometry) -> Tensor:
        """Each input channel convolved with its own ``multiplier`` filters: a convolution in
        ``channels`` groups, output channel ``c * multiplier + m``."""
        shape = self._shape(kernel)
        rank = len(g.window)
        _check_channels(name, "input-channel", shape[rank], g.channels)
        channels = g.channels * shape[-1]
        grouped = self._reshape(kernel, (*g.window, 1, channels))
        return self._convolved(x, grouped, g, g.channels, channels)

    def _window_args(
        self,
        name: str,
        rank: int,
        x: object,
        kernel: object,
        strides: object,
        padding: str,
        data_format: str | None,
        dilation_rate: object,
        kernel_layout: str,
        paddings: tuple[str, ...] = _SAME_OR_VALID,
        *others: Tensor,
    ) -> tuple[Tensor, Tensor, _Geometry, str]:
        """The input and kernel in their compute dtype, the geometry, and the result dtype."""
        data_format = checks.normalize_data_format(data_format)
        padding = checks.conv_padding(padding, paddings)
        strides = checks.spatial_ints(strides, rank, "strides")
        dilation = checks.spatial_ints(dilation_rate, rank, "dilation_rate")
        _check_strided_dilation(name, strides, dilation)
        (x, kernel), result = self._float_operands(name, (x, kernel), others)
        shape, kernel_shape = self._shape(x), self._shape(kernel)
        _check_rank(name, "input", shape, rank + 2, _input_layout(rank, data_format))
        _check_rank(name, "kernel", kernel_shape, rank + 2, kernel_layout)
        g = _geometry(shape, data_format, kernel_shape[:rank], strides, dilation, padding)
        return x, kernel, g, result

    def _float_operands(
        self, name: str, tensors: tuple[object, ...], others: tuple[Tensor, ...] = ()
    ) -> tuple[list[Tensor], str]:
        """``tensors`` in the compute dtype of the promoted dtype of them and ``others``, and
        that promoted (result) dtype; DTypeError unless it is a float."""
        natives = [self.tensor(t) for t in tensors]
        result = functools.reduce(dtypes.result_type, [self._dtype(t) for t in (*natives, *others)])
        if not dtypes.is_float(result):
            raise DTypeError(
                f"{name} computes on floats, got {result} operands; cast them first, e.g. "
                "K.cast(x, K.floatx())"
            )
        compute = dtypes.float_compute(result)
        return [self._as(t, compute) for t in natives], result

    def _convolved(
        self, x: Tensor, kernel: Tensor, g: _Geometry, groups: int, channels: int
    ) -> Tensor:
        """``_conv`` of ``x`` with ``kernel`` (``channels`` output channels), or the zeros it
        gives when a size is 0 (which some frameworks refuse)."""
        shape = g.shape(channels)
        if checks.size_of(shape) == 0 or g.channels == 0:
            return self._full(shape, 0, self._dtype(x))
        return self._conv(x, kernel, g.strides, g.pads, g.dilation, groups, g.channels_last)

    # ----------------------------------------------------------------- transposed convolutions

    def conv2d_transpose(
        self,
        x: object,
        kernel: object,
        output_shape: object,
        strides: object = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: object = (1, 1),
    ) -> Tensor:
        return self._transposed(
            "conv2d_transpose",
            2,
            x,
            kernel,
            output_shape,
            strides,
            padding,
            data_format,
            dilation_rate,
        )

    def conv3d_transpose(
        self,
        x: object,
        kernel: object,
        output_shape: object,
        strides: object = (1, 1, 1),
        padding: str = "valid",
        data_format: str | None = None,
    ) -> Tensor:
        return self._transposed(
            "conv3d_transpose", 3, x, kernel, output_shape, strides, padding, data_format, 1
        )

    def _transposed(
        self,
        name: str,
        rank: int,
        x: object,
        kernel: object,
        output_shape: object,
        strides: object,
        padding: str,
        data_format: str | None,
        dilation_rate: object,
    ) -> Tensor:
        x, kernel, g, result = self._window_args(
            name,
            rank,
            x,
            kernel,
            strides,
            padding,
            data_format,
            dilation_rate,
            f"({_WINDOW_NAMES[rank]}, out, in)",
        )
        kernel_shape = self._shape(kernel)
        _check_channels(name, "last (input-channel)", kernel_shape[-1], g.channels)
        target = _transposed_shape(name, output_shape, g)
        _check_channels(
            name, "output-channel", kernel_shape[rank], target[-1] if g.channels_last else target[1]
        )
        # The geometry of the convolution this one transposes: from the output to the input.
        forward = _geometry(
            target,
            "channels_last" if g.channels_last else "channels_first",
            g.window,
            g.strides,
            g.dilation,
            padding,
        )
        if forward.out != g.sizes:
            raise ShapeError(
                f"{name}: output_shape {tuple(output_shape)} does not fit the input: a "  # type: ignore[arg-type]
                f"{padding!r} convolution with strides {g.strides} maps spatial sizes "
                f"{forward.sizes} to {forward.out}, not to the input's {g.sizes}; output "
                f"spatial sizes that fit: {_transposed_ranges(g, padding)}"
            )
        if checks.size_of(target) == 0 or g.channels == 0:
            return self._full(target, 0, result)
        y = self._conv_transpose(
            x, kernel, forward.sizes, g.strides, forward.pads, g.dilation, g.channels_last
        )
        return self._as(y, result)

    # ----------------------------------------------------------------- unshared weights

    def local_conv1d(
        self,
        inputs: object,
        kernel: object,
        kernel_size: object,
        strides: object,
        data_format: str | None = None,
    ) -> Tensor:
        return self._local(
            "local_conv1d", 1, inputs, kernel, kernel_size, strides, None, data_format
        )

    def local_conv2d(
        self,
        inputs: object,
        kernel: object,
        kernel_size: object,
        strides: object,
        output_shape: object,
        data_format: str | None = None,
    ) -> Tensor:
        return self._local(
            "local_conv2d", 2, inputs, kernel, kernel_size, strides, output_shape, data_format
        )

    def _local(
        self,
        name: str,
        rank: int,
        inputs: object,
        kernel: object,
        kernel_size: object,
        strides: object,
        output_shape: object,
        data_format: str | None,
    ) -> Tensor:
        """Each output position's own weights: the patches (batch, features) of every position,
        features in the order the input's layout gives them, times its (features, filters)."""
        data_format = checks.normalize_data_format(data_format)
        window = checks.spatial_ints(kernel_size, rank, "kernel_size")
        strides = checks.spatial_ints(strides, rank, "strides")
        (x, kernel), result = self._float_operands(name, (inputs, kernel))
        shape, kernel_shape = self._shape(x), self._shape(kernel)
        _check_rank(name, "input", shape, rank + 2, _input_layout(rank, data_format))
        _check_rank(name, "kernel", kernel_shape, 3, "(output positions, features, filters)")
        g = _geometry(shape, data_format, window, strides, (1,) * rank, "valid")
        positions, features, filters = kernel_shape
        out = (positions,) if output_shape is None else _local_output(name, output_shape, rank)
        if any(o > fit for o, fit in zip(out, g.out)) or math.prod(out) != positions:
            raise ShapeError(
                f"{name}: {math.prod(out)} output positions {out} (kernel shape {kernel_shape}) "
                f"do not fit: windows {window} with strides {strides} fit {g.out} positions "
                f"into spatial sizes {g.sizes}, and the kernel's first axis must count them"
            )
        if features != math.prod(window) * g.channels:
            raise ShapeError(
                f"{name}: the kernel's feature axis has {features} entries but windows {window} "
                f"of {g.channels} channels have {math.prod(window) * g.channels}"
            )
        g = replace(g, out=out)
        if checks.size_of(g.shape(filters)) == 0:
            return self._full(g.shape(filters), 0, result)
        patches = self._patches(x, g)  # (positions, batch, features)
        y = self._matmul(patches, kernel)  # (positions, batch, filters)
        y = self._reshape(y, (*out, g.batch, filters))
        spatial = tuple(range(rank))
        perm = (rank, *spatial, rank + 1) if g.channels_last else (rank, rank + 1, *spatial)
        return self._as(self._transpose(y, perm), result)

    def _patches(self, x: Tensor, g: _Geometry) -> Tensor:
        """The windows of ``x`` at the output positions ``g.out``: (positions, batch, features),
        features ordered (window..., channels) for channels_last, (channels, window...) else."""
        rank = len(g.out)
        first = 1 if g.channels_last else 2
        for axis in reversed(range(rank)):  # each spatial axis becomes (outputs, window)
            starts = np.arange(g.out[axis], dtype=np.int32)[:, None] * g.strides[axis]
            index = starts + np.arange(g.window[axis], dtype=np.int32)
            x = self._take(x, self._from_numpy(index), first + axis)
        outputs = tuple(first + 2 * a for a in range(rank))
        windows = tuple(first + 2 * a + 1 for a in range(rank))
        if g.channels_last:
            perm = (*outputs, 0, *windows, 1 + 2 * rank)
        else:
            perm = (*outputs, 0, 1, *windows)
        x = self._transpose(x, perm)
        features = math.prod(g.window) * g.channels
        return self._reshape(x, (math.prod(g.out), g.batch, features))

    # ----------------------------------------------------------------- pooling

    def pool2d(
        self,
        x: object,
        pool_size: object,
        strides: object = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        pool_mode: str = "max",
    ) -> Tensor:
        return self._pooling("pool2d", 2, x, pool_size, strides, padding, data_format, pool_mode)

    def pool3d(
        self,
        x: object,
        pool_size: object,
        strides: object = (1, 1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        pool_mode: str = "max",
    ) -> Tensor:
        return self._pooling("pool3d", 3, x, pool_size, strides, padding, data_format, pool_mode)

    def _pooling(
        self,
        name: str,
        rank: int,
        x: object,
        pool_size: object,
        strides: object,
        padding: str,
        data_format: str | None,
        pool_mode: str,
    ) -> Tensor:
        data_format = checks.normalize_data_format(data_format)
        padding = checks.conv_padding(padding, _SAME_OR_VALID)
        if not isinstance(pool_mode, str) or pool_mode not in ("max", "avg"):
            raise InvalidArgumentError(f"pool_mode must be 'max' or 'avg', got {pool_mode!r}")
        window = checks.spatial_ints(pool_size, rank, "pool_size")
        strides = checks.spatial_ints(strides, rank, "strides")
        (x,), result = self._float_operands(name, (x,))
        shape = self._shape(x)
        _check_rank(name, "input", shape, rank + 2, _input_layout(rank, data_format))
        g = _geometry(shape, data_format, window, strides, (1,) * rank, padding)
        out_shape = g.shape(g.channels)
        if checks.size_of(out_shape) == 0:
            return self._full(out_shape, 0, result)
        y = self._pool(x, window, strides, g.pads, pool_mode, g.channels_last)
        return self._as(y, result)


def _transposed_shape(name: str, output_shape: object, g: _Geometry) -> tuple[int, ...]:
    """``output_shape`` as ints, its batch (None, a tensor, or the input's batch) resolved."""
    rank = len(g.sizes)
    items = tuple(output_shape) if isinstance(output_shape, (list, tuple, np.ndarray)) else None
    if items is None or len(items) != rank + 2:
        raise InvalidArgumentError(
            f"{name} needs output_shape as {rank + 2} ints (batch first; the batch may be None), "
            f"got {output_shape!r}"
        )
    batch, rest = items[0], items[1:]
    if any(isinstance(d, bool) or not isinstance(d, (int, np.integer)) for d in rest):
        raise InvalidArgumentError(
            f"{name} needs output_shape as {rank + 2} ints (batch first; the batch may be None), "
            f"got {output_shape!r}"
        )
    if isinstance(batch, (int, np.integer)) and not isinstance(batch, bool) and batch != g.batch:
        raise ShapeError(
            f"{name}: output_shape {items} has batch {batch} but the input has batch {g.batch}"
        )
    return (g.batch, *(int(d) for d in rest))


def _transposed_ranges(g: _Geometry, padding: str) -> str:
    """The output spatial sizes a transposed convolution of ``g``'s input accepts, per axis."""
    ranges = []
    for n, k, s, d in zip(g.sizes, g.window, g.strides, g.dilation):
        low = (n - 1) * s + (1 if padding == "same" else d * (k - 1) + 1)
        ranges.append(f"{low} to {low + s - 1}" if s > 1 else str(low))
    return ", ".join(ranges)


def _local_output(name: str, output_shape: object, rank: int) -> tuple[int, ...]:
    if (
        not isinstance(output_shape, (list, tuple))
        or len(output_shape) != rank
        or any(
            isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1
            for d in output_shape
        )
    ):
        raise InvalidArgumentError(
            f"{name} needs output_shape as {rank} positive ints, got {output_shape!r}"
        )
    return tuple(int(d) for d in output_shape)
