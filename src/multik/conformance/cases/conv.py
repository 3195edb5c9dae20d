"""Conformance cases of family L: convolution and pooling.

The expected values come from the naive float64 references below: plain loops over output
positions and window taps on small inputs, written from the definitions (TensorFlow's 'same'
padding: ``ceil(size / stride)`` outputs, an odd total padding with the extra element after;
average pooling divides by the unpadded elements of each window; the transposed convolution is
the adjoint of the convolution). They share nothing with multik's implementation.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from multik.conformance.cases.table import FLOAT_NAMES, add, add_error, built, f64, q, rounded
from multik.errors import DTypeError, InvalidArgumentError, ShapeError

__all__ = [
    "conv_reference",
    "depthwise_reference",
    "local_reference",
    "pool_reference",
    "transpose_reference",
]

LAST, FIRST = "channels_last", "channels_first"

# --------------------------------------------------------------------------- references


def _last(x: np.ndarray, data_format: str) -> np.ndarray:
    """``x`` as float64, channels last."""
    return f64(x if data_format == LAST else np.moveaxis(x, 1, -1))


def _back(y: np.ndarray, data_format: str) -> np.ndarray:
    return y if data_format == LAST else np.moveaxis(y, -1, 1)


def _pads(padding: str, sizes: Any, window: Any, strides: Any, dilation: Any) -> list:
    """TensorFlow's (before, after) padding of each spatial axis."""
    pads = []
    for n, k, s, d in zip(sizes, window, strides, dilation):
        span = (k - 1) * d + 1
        if padding == "valid":
            pads.append((0, 0))
        elif padding == "causal":
            pads.append((span - 1, 0))
        else:
            total = max((-(-n // s) - 1) * s + span - n, 0)
            pads.append((total // 2, total - total // 2))
    return pads


def _out_sizes(sizes: Any, window: Any, strides: Any, dilation: Any, pads: list) -> list:
    return [
        max((n + b + a - (k - 1) * d - 1) // s + 1, 0)
        for n, k, s, d, (b, a) in zip(sizes, window, strides, dilation, pads)
    ]


def conv_reference(
    x: np.ndarray,
    kernel: np.ndarray,
    strides: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...],
    data_format: str,
) -> np.ndarray:
    """Cross-correlation of ``x`` with a (*window, in, out) kernel, in float64."""
    x, w = _last(x, data_format), f64(kernel)
    rank = x.ndim - 2
    window = w.shape[:rank]
    pads = _pads(padding, x.shape[1:-1], window, strides, dilation)
    padded = np.pad(x, [(0, 0), *pads, (0, 0)])
    out = _out_sizes(x.shape[1:-1], window, strides, dilation, pads)
    y = np.zeros((x.shape[0], *out, w.shape[-1]))
    for o in itertools.product(*map(range, out)):
        for t in itertools.product(*map(range, window)):
            at = tuple(i * s + j * d for i, j, s, d in zip(o, t, strides, dilation))
            y[(slice(None), *o)] += padded[(slice(None), *at)] @ w[t]
    return _back(y, data_format)


def depthwise_reference(
    x: np.ndarray,
    kernel: np.ndarray,
    strides: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...],
    data_format: str,
) -> np.ndarray:
    """Each channel c with its own filters (*window, in, multiplier): output c * mult + m."""
    x, w = _last(x, data_format), f64(kernel)
    rank = x.ndim - 2
    window, channels, mult = w.shape[:rank], w.shape[rank], w.shape[-1]
    pads = _pads(padding, x.shape[1:-1], window, strides, dilation)
    padded = np.pad(x, [(0, 0), *pads, (0, 0)])
    out = _out_sizes(x.shape[1:-1], window, strides, dilation, pads)
    y = np.zeros((x.shape[0], *out, channels, mult))
    for o in itertools.product(*map(range, out)):
        for t in itertools.product(*map(range, window)):
            at = tuple(i * s + j * d for i, j, s, d in zip(o, t, strides, dilation))
            y[(slice(None), *o)] += padded[(slice(None), *at)][:, :, None] * w[t]
    return _back(y.reshape(*y.shape[:-2], channels * mult), data_format)


def transpose_reference(
    x: np.ndarray,
    kernel: np.ndarray,
    output_shape: tuple[int, ...],
    strides: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...],
    data_format: str,
) -> np.ndarray:
    """The adjoint of the convolution of an ``output_shape`` input with a (*window, out, in)
    kernel: each input element spreads ``x[i] @ kernel[t].T`` to ``i * s + t * d``."""
    x, w = _last(x, data_format), f64(kernel)
    rank = x.ndim - 2
    window = w.shape[:rank]
    sizes = output_shape[1:-1] if data_format == LAST else output_shape[2:]
    pads = _pads(padding, sizes, window, strides, dilation)
    full = np.zeros((x.shape[0], *(n + b + a for n, (b, a) in zip(sizes, pads)), w.shape[-2]))
    for i in itertools.product(*map(range, x.shape[1:-1])):
        for t in itertools.product(*map(range, window)):
            at = tuple(a * s + b * d for a, b, s, d in zip(i, t, strides, dilation))
            full[(slice(None), *at)] += x[(slice(None), *i)] @ w[t].T
    y = full[(slice(None), *(slice(b, b + n) for n, (b, _) in zip(sizes, pads)))]
    return _back(y, data_format)


def pool_reference(
    x: np.ndarray,
    window: tuple[int, ...],
    strides: tuple[int, ...],
    padding: str,
    mode: str,
    data_format: str,
) -> np.ndarray:
    """Max or mean of the unpadded elements of each window, in float64."""
    x = _last(x, data_format)
    rank = x.ndim - 2
    sizes = x.shape[1:-1]
    pads = _pads(padding, sizes, window, strides, (1,) * rank)
    out = _out_sizes(sizes, window, strides, (1,) * rank, pads)
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    spatial = tuple(range(1, rank + 1))
    for o in itertools.product(*map(range, out)):
        region = tuple(
            slice(max(i * s - b, 0), min(i * s - b + k, n))
            for i, s, (b, _), k, n in zip(o, strides, pads, window, sizes)
        )
        values = x[(slice(None), *region)]
        reduce = np.max if mode == "max" else np.mean
        y[(slice(None), *o)] = reduce(values, axis=spatial)
    return _back(y, data_format)


def local_reference(
    x: np.ndarray,
    kernel: np.ndarray,
    window: tuple[int, ...],
    strides: tuple[int, ...],
    out: tuple[int, ...],
    data_format: str,
) -> np.ndarray:
    """Unshared weights: the window at output position p (row-major), flattened in the
    input's own layout ((*window, in) or (in, *window)), times ``kernel[p]``."""
    x, w = f64(x), f64(kernel)
    y = np.zeros((x.shape[0], math.prod(out), w.shape[-1]))
    for p, o in enumerate(itertools.product(*map(range, out))):
        region = tuple(slice(i * s, i * s + k) for i, s, k in zip(o, strides, window))
        if data_format == LAST:
            patch = x[(slice(None), *region, slice(None))]
        else:
            patch = x[(slice(None), slice(None), *region)]
        y[:, p] = patch.reshape(x.shape[0], -1) @ w[p]
    return _back(y.reshape(x.shape[0], *out, w.shape[-1]), data_format)


# --------------------------------------------------------------------------- inputs


def values(shape: tuple[int, ...], dtype: str, seed: int) -> np.ndarray:
    """Multiples of 1/8 in [-1, 1], exact in every float dtype, so that products and sums of
    a few hundred of them are exact in float32."""
    rng = np.random.default_rng(seed)
    return q(rng.integers(-8, 9, size=shape) / 8, dtype)


def _shape(batch: int, sizes: tuple[int, ...], channels: int, data_format: str) -> tuple:
    if data_format == LAST:
        return (batch, *sizes, channels)
    return (batch, channels, *sizes)


def _text(value: Any) -> str:
    return "x".join(map(str, value)) if isinstance(value, tuple) else str(value)


_OTHER_FLOATS = tuple(d for d in FLOAT_NAMES if d != "float32")
_CONVS = {1: "conv1d", 2: "conv2d", 3: "conv3d"}
_SIZES = {1: (7,), 2: (7, 6), 3: (5, 6, 4)}
_WINDOWS = {1: (3,), 2: (3, 2), 3: (2, 3, 2)}
#: (strides, dilation_rate) forms per rank: plain, strided, dilated, and per-axis ones.
_STEPS = {
    1: [(1, 1), (2, 1), (1, 2), ((3,), 1)],
    2: [((1, 1), (1, 1)), ((2, 2), (1, 1)), ((1, 1), (2, 2)), ((2, 1), 1), (1, (1, 2))],
    3: [((1, 1, 1), (1, 1, 1)), ((2, 1, 2), (1, 1, 1)), ((1, 1, 1), (1, 2, 1))],
}


def _steps(value: Any, rank: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, tuple) else (value,) * rank


# --------------------------------------------------------------------------- convolutions


def _conv(
    rank: int,
    data_format: str,
    padding: str,
    strides: Any,
    dilation: Any,
    dtype: str = "float32",
    *,
    batch: int = 2,
    sizes: tuple[int, ...] | None = None,
    window: tuple[int, ...] | None = None,
    channels: tuple[int, int] = (3, 4),
    label: str = "",
    tags: frozenset[str] = frozenset(),
) -> None:
    function = _CONVS[rank]
    sizes, window = sizes or _SIZES[rank], window or _WINDOWS[rank]
    x = values(_shape(batch, sizes, channels[0], data_format), dtype, 1)
    kernel = values((*window, *channels), dtype, 2)
    s, d = _steps(strides, rank), _steps(dilation, rank)
    expected = conv_reference(x, kernel, s, padding, d, data_format)
    add(
        f"{function}-{dtype}-{data_format}-{padding}-s{_text(strides)}-d{_text(dilation)}{label}",
        function,
        x,
        kernel,
        kwargs={
            "strides": strides,
            "padding": padding,
            "data_format": data_format,
            "dilation_rate": dilation,
        },
        expected=rounded(expected, dtype),
        dtype=dtype,
        terms=math.prod(window) * channels[0],
        tags=tags,
    )


def _convolutions() -> None:
    for rank, data_format in itertools.product((1, 2, 3), (LAST, FIRST)):
        paddings = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        for padding, (strides, dilation) in itertools.product(paddings, _STEPS[rank]):
            tags = frozenset()
            if padding == "causal" and data_format == FIRST:
                tags = frozenset({"causal-channels-first"})
            _conv(rank, data_format, padding, strides, dilation, tags=tags)
    for dtype in _OTHER_FLOATS:  # float32 is in the loop above
        _conv(2, LAST, "same", (2, 2), (1, 1), dtype)
        _conv(1, FIRST, "causal", 1, 2, dtype, tags=frozenset({"causal-channels-first"}))
    _conv(2, FIRST, "same", (1, 1), (1, 1), batch=1, sizes=(5, 9), window=(4, 3), label="-odd")
    _conv(2, LAST, "valid", (1, 1), (1, 1), sizes=(2, 3), label="-window-beyond-input")
    _conv(2, LAST, "same", (2, 2), (1, 1), batch=0, label="-empty-batch")
    _conv(3, FIRST, "same", (2, 2, 2), (1, 1, 1), "float64", batch=1, label="-odd")
    # Mixed dtypes promote: float16 input, float32 kernel.
    x, kernel = values((1, 5, 4, 2), "float16", 3), values((2, 2, 2, 3), "float32", 4)
    add(
        "conv2d-float16-float32-kernel-promotes",
        "conv2d",
        x,
        kernel,
        expected=rounded(conv_reference(x, kernel, (1, 1), "valid", (1, 1), LAST), "float32"),
        dtype="float32",
        terms=8,
        tags=frozenset({"conv-promotes"}),
    )
    # NaN reaches exactly the outputs whose window holds it.
    x = values((1, 5, 5, 1), "float32", 5)
    x[0, 0, 4, 0] = np.nan
    kernel = values((2, 2, 1, 1), "float32", 6)
    expected = conv_reference(x, kernel, (1, 1), "valid", (1, 1), LAST)
    add("conv2d-float32-nan", "conv2d", x, kernel, expected=expected, dtype="float32", terms=4)


def _depthwise(
    data_format: str,
    padding: str,
    strides: Any,
    dilation: Any,
    dtype: str = "float32",
    legacy: str = "",
) -> None:
    x = values(_shape(2, (7, 6), 3, data_format), dtype, 7)
    kernel = values((3, 2, 3, 2), dtype, 8)
    s, d = _steps(strides, 2), _steps(dilation, 2)
    kwargs = {
        "strides": strides,
        "padding": padding,
        "data_format": data_format,
        "dilation_rate": dilation,
    }
    label = f"{dtype}-{data_format}-{padding}-s{_text(strides)}-d{_text(dilation)}"
    expected = depthwise_reference(x, kernel, s, padding, d, data_format)
    add(
        f"depthwise_conv2d-{label}",
        "depthwise_conv2d",
        x,
        kernel,
        kwargs=kwargs,
        expected=rounded(expected, dtype),
        dtype=dtype,
        terms=6,
        legacy=legacy,
    )
    pointwise = values((1, 1, 6, 5), dtype, 9)
    expected = conv_reference(expected, pointwise, (1, 1), "valid", (1, 1), data_format)
    add(
        f"separable_conv2d-{label}",
        "separable_conv2d",
        x,
        kernel,
        pointwise,
        kwargs=kwargs,
        expected=rounded(expected, dtype),
        dtype=dtype,
        terms=36,
        legacy=legacy,
    )


_SEPARABLE_1D = (
    "tf_keras 2.21 keeps separable_conv1d unexported, and it always fails there (it passes "
    "the 1-D layout 'NWC' to TensorFlow's 2-D separable convolution)"
)
_UNEQUAL_STRIDES = "TensorFlow's depthwise convolution takes equal row and column strides only"


def _separable_1d(data_format: str, padding: str, strides: int, dilation: int) -> None:
    x = values(_shape(2, (8,), 2, data_format), "float32", 10)
    depthwise, pointwise = values((3, 2, 2), "float32", 11), values((1, 4, 3), "float32", 12)
    kwargs = {
        "strides": strides,
        "padding": padding,
        "data_format": data_format,
        "dilation_rate": dilation,
    }
    middle = depthwise_reference(x, depthwise, (strides,), padding, (dilation,), data_format)
    expected = conv_reference(middle, pointwise, (1,), "valid", (1,), data_format)
    add(
        f"separable_conv1d-float32-{data_format}-{padding}-s{strides}-d{dilation}",
        "separable_conv1d",
        x,
        depthwise,
        pointwise,
        kwargs=kwargs,
        expected=expected,
        dtype="float32",
        terms=12,
        legacy=_SEPARABLE_1D,
    )


def _depthwise_and_separable() -> None:
    for data_format, padding in itertools.product((LAST, FIRST), ("valid", "same")):
        for strides, dilation in [((1, 1), (1, 1)), ((2, 2), (1, 1)), ((1, 1), (2, 1))]:
            _depthwise(data_format, padding, strides, dilation)
        for strides, dilation in [(1, 1), (2, 1), (1, 2)]:
            _separable_1d(data_format, padding, strides, dilation)
    for dtype in _OTHER_FLOATS:
        _depthwise(FIRST, "same", (2, 2), (1, 1), dtype)
    _depthwise(FIRST, "same", (2, 1), (1, 1), legacy=_UNEQUAL_STRIDES)


# --------------------------------------------------------------------------- transposed


def _transpose(
    rank: int,
    data_format: str,
    padding: str,
    strides: tuple[int, ...],
    dilation: tuple[int, ...],
    extra: int,
    dtype: str = "float32",
    *,
    batch: Any = 2,
    label: str = "",
    legacy: str = "",
) -> None:
    """A transposed convolution whose output is ``extra`` elements longer than the shortest
    output that the strides map back to the input (TensorFlow accepts ``stride`` lengths)."""
    function = f"conv{rank}d_transpose"
    inputs, window = (4, 3, 2)[:rank], (3, 2, 2)[:rank]
    sizes = tuple(
        (n - 1) * s + (1 if padding == "same" else (k - 1) * d + 1) + extra
        for n, s, k, d in zip(inputs, strides, window, dilation)
    )
    x = values(_shape(2, inputs, 3, data_format), dtype, 13)
    kernel = values((*window, 4, 3), dtype, 14)
    output_shape = _shape(batch, sizes, 4, data_format)
    full_shape = _shape(2, sizes, 4, data_format)
    expected = transpose_reference(x, kernel, full_shape, strides, padding, dilation, data_format)
    kwargs: dict[str, Any] = {"strides": strides, "padding": padding, "data_format": data_format}
    if rank == 2:
        kwargs["dilation_rate"] = dilation
    add(
        f"{function}-{dtype}-{data_format}-{padding}-s{_text(strides)}-d{_text(dilation)}"
        f"-out{_text(sizes)}{label}",
        function,
        x,
        kernel,
        output_shape,
        kwargs=kwargs,
        expected=rounded(expected, dtype),
        dtype=dtype,
        terms=math.prod(window) * 3,
        legacy=legacy,
    )


def _transposed() -> None:
    for rank, data_format, padding in itertools.product((2, 3), (LAST, FIRST), ("valid", "same")):
        ones = (1,) * rank
        _transpose(rank, data_format, padding, ones, ones, 0)
        for extra in (0, 1):  # both output sizes that strides 2 map back to the input
            _transpose(rank, data_format, padding, (2,) * rank, ones, extra)
        if rank == 2:
            _transpose(rank, data_format, padding, ones, (2, 2), 0)
    _transpose(2, LAST, "same", (3, 3), (1, 1), 2, batch=None, label="-batch-none")
    _transpose(
        2,
        FIRST,
        "valid",
        (1, 1),
        (1, 2),
        0,
        legacy="tf_keras's conv2d_transpose takes one dilation rate for both axes "
        "(atrous_conv2d_transpose)",
    )
    for dtype in _OTHER_FLOATS:
        _transpose(2, LAST, "same", (2, 2), (1, 1), 1, dtype)


# --------------------------------------------------------------------------- unshared weights


def _local(rank: int, data_format: str, window: tuple, strides: tuple, out: tuple) -> None:
    function = f"local_conv{rank}d"
    sizes = (7, 6)[:rank]
    x = values(_shape(2, sizes, 3, data_format), "float32", 15)
    features = math.prod(window) * 3
    kernel = values((math.prod(out), features, 4), "float32", 16)
    args: tuple[Any, ...] = (x, kernel, window, strides) + ((out,) if rank == 2 else ())
    add(
        f"{function}-float32-{data_format}-k{_text(window)}-s{_text(strides)}-out{_text(out)}",
        function,
        *args,
        kwargs={"data_format": data_format},
        expected=local_reference(x, kernel, window, strides, out, data_format),
        dtype="float32",
        terms=features,
    )


def _locals() -> None:
    for data_format in (LAST, FIRST):
        _local(1, data_format, (3,), (1,), (5,))
        _local(1, data_format, (2,), (2,), (3,))
        _local(2, data_format, (3, 2), (1, 1), (5, 5))
        _local(2, data_format, (2, 3), (2, 2), (3, 2))


# --------------------------------------------------------------------------- pooling


def _pool(
    rank: int,
    data_format: str,
    padding: str,
    mode: str,
    window: tuple[int, ...],
    strides: tuple[int, ...],
    dtype: str = "float32",
    *,
    x: np.ndarray | None = None,
    label: str = "",
    tags: frozenset[str] = frozenset(),
    legacy: str = "",
) -> None:
    function = f"pool{rank}d"
    if x is None:
        x = values(_shape(2, (7, 6, 5)[:rank], 3, data_format), dtype, 17)
    expected = pool_reference(x, window, strides, padding, mode, data_format)
    add(
        f"{function}-{dtype}-{data_format}-{padding}-{mode}-k{_text(window)}-s{_text(strides)}"
        f"{label}",
        function,
        x,
        window,
        kwargs={
            "strides": strides,
            "padding": padding,
            "data_format": data_format,
            "pool_mode": mode,
        },
        expected=rounded(expected, dtype),
        dtype=dtype,
        terms=math.prod(window) if mode == "avg" else 1,
        tags=tags,
        legacy=legacy,
    )


_NO_3D_KERNEL = "TensorFlow has no float16 or float64 3-D pooling kernel on CPU"


def _pools() -> None:
    configs = {
        2: [((2, 2), (2, 2)), ((3, 3), (1, 1)), ((2, 3), (2, 1)), ((3, 2), (3, 3))],
        3: [((2, 2, 2), (2, 2, 2)), ((3, 2, 3), (1, 2, 1))],
    }
    for rank, data_format, padding, mode in itertools.product(
        (2, 3), (LAST, FIRST), ("valid", "same"), ("max", "avg")
    ):
        for window, strides in configs[rank]:
            _pool(rank, data_format, padding, mode, window, strides)
    for dtype, mode in itertools.product(FLOAT_NAMES, ("max", "avg")):
        _pool(2, FIRST, "same", mode, (3, 2), (2, 1), dtype)
        legacy = _NO_3D_KERNEL if dtype in ("float16", "float64") else ""
        _pool(3, LAST, "same", mode, (2, 3, 2), (2, 1, 2), dtype, legacy=legacy)
    _pool(
        2,
        LAST,
        "valid",
        "max",
        (4, 4),
        (1, 1),
        x=values((1, 3, 3, 2), "float32", 18),
        label="-window-beyond-input",
    )
    # NaN propagates through max pooling (TensorFlow's own max pooling skips it).
    x = values((1, 4, 4, 2), "float32", 19)
    x[0, 1, 2, 0] = np.nan
    x[0, :2, :2, 1] = np.nan  # a window of NaN only
    x[0, 3, 3, :] = -np.inf
    for padding in ("valid", "same"):
        _pool(
            2, LAST, padding, "max", (2, 2), (1, 1), x=x, label="-nan", tags=frozenset({"pool-nan"})
        )
        _pool(2, LAST, padding, "avg", (2, 2), (1, 1), x=x, label="-nan")
    # A long bfloat16 average: float32 sums round once; TensorFlow sums in 16 bits.
    for dtype in built(("bfloat16",)):  # bfloat16 arrays need ml_dtypes
        x = q(np.random.default_rng(20).uniform(0.3, 0.7, (1, 1, 512, 1)), dtype)
        _pool(
            2,
            LAST,
            "valid",
            "avg",
            (1, 512),
            (1, 1),
            dtype,
            x=x,
            label="-long",
            tags=frozenset({"pool-half-f32"}),
        )


# --------------------------------------------------------------------------- bad input


def _errors() -> None:
    x2, w2 = values((1, 5, 5, 3), "float32", 21), values((2, 2, 3, 4), "float32", 22)
    x1, w1 = values((1, 6, 3), "float32", 23), values((2, 3, 4), "float32", 24)
    depthwise, pointwise = values((2, 2, 3, 2), "float32", 25), values((1, 1, 6, 2), "float32", 26)
    for function, args in (
        ("conv1d", (x1, w1)),
        ("conv2d", (x2, w2)),
        ("depthwise_conv2d", (x2, depthwise)),
        ("separable_conv2d", (x2, depthwise, pointwise)),
        ("pool2d", (x2, (2, 2))),
        ("conv2d_transpose", (x2, values((2, 2, 4, 3), "float32", 27), (1, 6, 6, 4))),
    ):
        add_error(
            f"{function}-bad-data-format",
            function,
            InvalidArgumentError,
            *args,
            kwargs={"data_format": "channels_middle"},
        )
        bad_padding = "full" if function != "pool2d" else "twice"
        add_error(
            f"{function}-bad-padding",
            function,
            InvalidArgumentError,
            *args,
            kwargs={"padding": bad_padding},
        )
    add_error(
        "conv2d-causal-padding",
        "conv2d",
        InvalidArgumentError,
        x2,
        w2,
        kwargs={"padding": "causal"},
    )
    add_error(
        "pool2d-bad-mode",
        "pool2d",
        InvalidArgumentError,
        x2,
        (2, 2),
        kwargs={"pool_mode": "median"},
    )
    add_error(
        "conv2d-zero-stride", "conv2d", InvalidArgumentError, x2, w2, kwargs={"strides": (0, 1)}
    )
    add_error("conv2d-kernel-rank", "conv2d", ShapeError, x2, w1)
    add_error("conv2d-input-rank", "conv2d", ShapeError, x1, w2)
    add_error("conv1d-kernel-rank", "conv1d", ShapeError, x1, w2)
    add_error("conv2d-channel-mismatch", "conv2d", ShapeError, x2, w2[:, :, :2])
    add_error(
        "depthwise_conv2d-channel-mismatch", "depthwise_conv2d", ShapeError, x2, depthwise[:, :, :2]
    )
    add_error(
        "separable_conv2d-pointwise-mismatch",
        "separable_conv2d",
        ShapeError,
        x2,
        depthwise,
        pointwise[:, :, :5],
    )
    for function, args in (("conv1d", (x1, w1)), ("conv2d", (x2, w2))):
        add_error(
            f"{function}-strided-dilation",
            function,
            InvalidArgumentError,
            *args,
            kwargs={"strides": 2, "dilation_rate": 2},
        )
    strided_dilation = frozenset({"conv-strided-dilation"})
    add_error(
        "depthwise_conv2d-strided-dilation",
        "depthwise_conv2d",
        InvalidArgumentError,
        x2,
        depthwise,
        kwargs={"strides": (2, 2), "dilation_rate": (2, 2)},
        tags=strided_dilation,
    )
    add_error(
        "separable_conv2d-strided-dilation",
        "separable_conv2d",
        InvalidArgumentError,
        x2,
        depthwise,
        pointwise,
        kwargs={"strides": (2, 2), "dilation_rate": (2, 2)},
        tags=strided_dilation,
    )
    float_only = frozenset({"conv-float-only"})
    ints = values((1, 5, 5, 3), "float32", 28).astype(np.int32)
    add_error("conv2d-int32", "conv2d", DTypeError, ints, w2.astype(np.int32), tags=float_only)
    add_error("pool2d-int32-max", "pool2d", DTypeError, ints, (2, 2), tags=float_only)
    add_error("pool2d-int32-avg", "pool2d", DTypeError, ints, (2, 2), kwargs={"pool_mode": "avg"})
    wt = values((2, 2, 4, 3), "float32", 29)
    for label, output_shape in (
        ("spatial", (1, 8, 8, 4)),
        ("batch", (2, 6, 6, 4)),
        ("channels", (1, 6, 6, 5)),
    ):
        add_error(
            f"conv2d_transpose-bad-output-{label}",
            "conv2d_transpose",
            ShapeError,
            x2,
            wt,
            output_shape,
        )
    add_error(
        "conv2d_transpose-strided-dilation",
        "conv2d_transpose",
        InvalidArgumentError,
        x2,
        wt,
        (1, 10, 10, 4),
        kwargs={"strides": (2, 2), "dilation_rate": (2, 2)},
    )
    local = values((4, 12, 2), "float32", 30)
    add_error(
        "local_conv2d-positions", "local_conv2d", ShapeError, x2, local, (2, 2), (1, 1), (2, 3)
    )
    add_error(
        "local_conv2d-features", "local_conv2d", ShapeError, x2, local, (2, 3), (1, 1), (2, 2)
    )


def build() -> None:
    """Add this family's cases to the table."""
    _convolutions()
    _depthwise_and_separable()
    _transposed()
    _locals()
    _pools()
    _errors()
