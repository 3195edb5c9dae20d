"""The PyTorch adapter: the primitives of ``Adapter`` on torch tensors (eager and torch.compile)."""

from __future__ import annotations

import math

import numpy as np
import torch

from multik import config, dtypes
from multik.backends import load_adapter
from multik.backends._torch_fast import TorchFastPaths
from multik.backends.adapter import Adapter
from multik.variable import Variable

_TORCH_DTYPES = {
    "bool": torch.bool,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "uint8": torch.uint8,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
}
_NAMES = {torch_dtype: name for name, torch_dtype in _TORCH_DTYPES.items()}

_BINARY = {
    "add": torch.add,
    "subtract": torch.subtract,
    "multiply": torch.multiply,
    "divide": torch.true_divide,
    "power": torch.pow,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "equal": torch.eq,
    "not_equal": torch.ne,
    "less": torch.lt,
    "less_equal": torch.le,
    "greater": torch.gt,
    "greater_equal": torch.ge,
    "logical_and": torch.logical_and,
    "logical_or": torch.logical_or,
}

_UNARY = {
    "negative": torch.negative,
    "abs": torch.abs,
    "sign": lambda x: torch.where(torch.isnan(x), x, torch.sign(x)),  # torch: sign(NaN) = 0
    "exp": torch.exp,
    "expm1": torch.expm1,
    "log": torch.log,
    "log1p": torch.log1p,
    "sqrt": torch.sqrt,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    # F.softplus switches to x above a threshold; logaddexp is exact everywhere.
    "softplus": lambda x: torch.logaddexp(torch.zeros((), dtype=x.dtype, device=x.device), x),
    "relu": torch.relu,
    "square": torch.square,
    "isnan": torch.isnan,
    "logical_not": torch.logical_not,
}


#: NumPy dtypes torch.from_numpy takes as they are (bfloat16 is not one of them).
_BORROWABLE = frozenset(
    np.dtype(t)
    for t in (
        np.bool_,
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.float16,
        np.float32,
        np.float64,
    )
)
#: From this many one-hot elements on, ``_one_hot`` scatters into zeros (one write per label)
#: rather than comparing every label with every class.
_SCATTER_FROM = 4096
_F = torch.nn.functional
_CONV = {1: _F.conv1d, 2: _F.conv2d, 3: _F.conv3d}
_CONV_TRANSPOSE = {1: _F.conv_transpose1d, 2: _F.conv_transpose2d, 3: _F.conv_transpose3d}
_MAX_POOL = {2: _F.max_pool2d, 3: _F.max_pool3d}
_AVG_POOL = {2: _F.avg_pool2d, 3: _F.avg_pool3d}


def _symmetric(x: torch.Tensor, pads: tuple, fill: float) -> tuple[torch.Tensor, list[int]]:
    """``x`` (channels first) and the symmetric padding that torch's kernels add: asymmetric
    ``pads`` (TensorFlow's odd 'same' split) are applied here, with ``fill``, instead."""
    if all(before == after for before, after in pads):
        return x, [before for before, _ in pads]
    flat = [side for pair in reversed(pads) for side in pair]
    return _F.pad(x, flat, value=fill), [0] * len(pads)


def _has_matmul(x: torch.Tensor) -> bool:
    """Whether torch has a matrix product for ``x``: CUDA has none for integers (multiply-sum)."""
    return x.is_floating_point() or x.device.type == "cpu"


class TorchAdapter(TorchFastPaths, Adapter):
    """torch tensors on ``torch.get_default_device()``; Variable storage is a plain tensor."""

    name = "torch"
    native_types = (torch.Tensor, torch.nn.Parameter)
    records_gradients = True

    def devices(self):
        if torch.cuda.is_available():
            return [f"cuda:{i}" for i in range(torch.cuda.device_count())]
        return ["cpu"]

    def _from_numpy(self, array):
        if torch.compiler.is_compiling():
            return torch.from_numpy(array)  # torch.compile traces NumPy code as torch ops
        if array.dtype == dtypes.numpy_dtype("bfloat16"):
            return self._from_numpy(array.astype(np.float32)).to(torch.bfloat16)
        # from_numpy rejects negative strides and foreign byte order, and warns on read-only arrays.
        native = np.require(array, array.dtype.newbyteorder("="), requirements="CW")
        if any(stride < 0 for stride in native.strides):  # a reversed array of one element
            native = native.copy()
        tensor = torch.from_numpy(native)
        device = torch.get_default_device()
        if device.type == "cpu" and np.may_share_memory(native, array):
            return tensor.clone()  # a result never shares memory with the caller's array
        return tensor.to(device)

    def _from_python(self, value):
        if not torch.compiler.is_compiling():
            return super()._from_python(value)
        tensor = _traced_python_tensor(value)
        if tensor.dtype == torch.int64:
            return tensor.to(torch.int32)
        if tensor.is_floating_point():
            return tensor.to(_TORCH_DTYPES[config.floatx()])
        return tensor

    def typed_tensor(self, x, dtype):
        if torch.compiler.is_compiling() and isinstance(x, (bool, int, float, list, tuple)):
            return self.cast(_traced_python_tensor(x), dtype)
        return super().typed_tensor(x, dtype)

    def _to_numpy(self, x):
        x = x.detach().cpu()
        if x.dtype == torch.bfloat16:
            return x.float().numpy().astype(dtypes.numpy_dtype("bfloat16"))
        return np.array(x.numpy())  # a copy: the caller may write to it

    def _shape(self, x):
        return tuple(x.shape)

    def _dtype(self, x):
        return _NAMES.get(x.dtype) or dtypes.canonical(x.dtype)

    def _is_concrete(self, x):
        return not torch.compiler.is_compiling()

    def _new_variable(self, x, name):
        return x.detach().clone()

    def _own_variable(self, x, name):
        return x.detach()

    def _assign(self, storage, x):
        # A new tensor, not an in-place copy: results computed earlier (views included) keep
        # the value they had, as on every other backend.
        return x.detach().clone()

    def _full(self, shape, value, dtype):
        return torch.full(shape, value, dtype=_TORCH_DTYPES[dtype])

    def _eye(self, rows, columns, dtype):
        return torch.eye(rows, columns, dtype=_TORCH_DTYPES[dtype])

    def _arange(self, stop, dtype):
        return torch.arange(stop, dtype=_TORCH_DTYPES[dtype])

    def _cast(self, x, dtype):
        return x.to(_TORCH_DTYPES[dtype])

    def _sum(self, x, axes, keepdims):
        if axes is None and not keepdims and x.is_floating_point():
            return torch.sum(x)  # the fastest call; float sums keep their dtype
        return torch.sum(x, dim=axes, keepdim=keepdims, dtype=x.dtype)

    def _prod(self, x, axes, keepdims):
        for axis in reversed(range(x.ndim) if axes is None else axes):
            x = torch.prod(x, dim=axis, keepdim=keepdims, dtype=x.dtype)
        return x

    def _max(self, x, axes, keepdims):
        return torch.amax(x, dim=() if axes is None else axes, keepdim=keepdims)

    def _min(self, x, axes, keepdims):
        return torch.amin(x, dim=() if axes is None else axes, keepdim=keepdims)

    def _cumsum(self, x, axis):
        return torch.cumsum(x, axis, dtype=x.dtype)

    def _cumprod(self, x, axis):
        return torch.cumprod(x, axis, dtype=x.dtype)

    def _reshape(self, x, shape):
        return torch.reshape(x, shape)

    def _transpose(self, x, perm):
        return torch.permute(x, perm)

    def _expand_dims(self, x, axis):
        return torch.unsqueeze(x, axis)

    def _squeeze(self, x, axis):
        return torch.squeeze(x, axis)

    def _pad(self, x, pads):
        flat = [side for pair in reversed(pads) for side in pair]
        return torch.nn.functional.pad(x, flat)

    def _take(self, x, indices, axis):
        shape = x.shape
        taken = torch.index_select(x, axis, torch.reshape(indices, (-1,)))
        return torch.reshape(taken, (*shape[:axis], *indices.shape, *shape[axis + 1 :]))

    def _tensordot(self, x, y, x_axis, y_axis):
        if _has_matmul(x):
            if x.ndim == y.ndim == 2 and (x_axis, y_axis) == (1, 0):
                return torch.mm(x, y)  # the same contraction, without tensordot's reshapes
            return torch.tensordot(x, y, dims=([x_axis], [y_axis]))
        x = torch.movedim(x, x_axis, -1)
        x = torch.reshape(x, (*x.shape, *[1] * (y.ndim - 1)))
        return torch.sum(x * torch.movedim(y, y_axis, 0), dim=x.ndim - y.ndim, dtype=x.dtype)

    def _matmul(self, x, y):
        if _has_matmul(x):
            return torch.bmm(x, y)
        return torch.sum(x.unsqueeze(3) * y.unsqueeze(1), dim=2, dtype=x.dtype)

    def _binary(self, op, x, y):
        return _BINARY[op](x, y)

    def _unary(self, op, x):
        return _UNARY[op](x)

    def _where(self, condition, x, y):
        return torch.where(condition, x, y)

    def _unshared(self, result, source):
        if (
            isinstance(source, Variable)
            and not torch.compiler.is_compiling()
            and result.untyped_storage().data_ptr() == source.value.untyped_storage().data_ptr()
        ):
            return result.clone()  # a result never shares the Variable's storage
        return result

    def _stop_gradient(self, x):
        return x.detach()

    def _gradients(self, fn, values, nested):
        with torch.enable_grad():
            leaves = [v if v.requires_grad else v.detach().requires_grad_() for v in values]
            total = fn(*leaves).sum()
            if not total.requires_grad:
                return [torch.zeros_like(v) for v in values]
            grads = torch.autograd.grad(total, leaves, allow_unused=True, create_graph=nested)
        return [torch.zeros_like(v) if g is None else g for v, g in zip(values, grads)]

    def _watched(self, x):
        return x.detach().requires_grad_()

    def _recording(self):
        return torch.enable_grad()

    def _recorded_gradients(self, loss, leaves):
        total = loss.sum()
        if not total.requires_grad:
            return [torch.zeros_like(v) for v in leaves]
        grads = torch.autograd.grad(total, leaves, allow_unused=True, retain_graph=True)
        return [torch.zeros_like(v) if g is None else g for v, g in zip(leaves, grads)]

    def _compile(self, fn):
        # Run as it is: Variables and fed values do not require gradients, so nothing is
        # recorded unless the graph differentiates (and a grad-mode context costs ~3 µs a call).
        return fn

    def _borrow(self, array):
        # No torch function mode (torch.set_default_device installs one) means new tensors go
        # to the CPU: from_numpy's tensor, which shares the array's memory, is then the one.
        if (
            array.flags.writeable
            and array.dtype in _BORROWABLE
            and not torch._C._len_torch_function_stack()
        ):
            try:
                return torch.from_numpy(array)
            except ValueError:
                pass  # negative strides
        return self._from_numpy(array)

    def _clip_scalars(self, x, lo, hi):
        return torch.clamp(x, lo, hi)

    def _one_hot(self, indices, classes):
        # F.one_hot refuses negative indices and indices >= classes, which give zero rows here.
        if indices.numel() * classes < _SCATTER_FROM:
            classes_range = torch.arange(classes, dtype=indices.dtype, device=indices.device)
            return (indices.unsqueeze(-1) == classes_range).to(torch.float32)
        # One write per label: 1 at the label, or 0 at class 0 for a label out of range.
        inside = ((indices >= 0) & (indices < classes)).unsqueeze(-1)
        out = torch.zeros((*indices.shape, classes), dtype=torch.float32, device=indices.device)
        return out.scatter_(-1, (indices.unsqueeze(-1) * inside), inside.to(torch.float32))

    def _softmax(self, x, axes):
        if axes is None or len(axes) != 1:
            return super()._softmax(x, axes)
        return torch.softmax(x, axes[0])  # a row holding inf or NaN is all NaN, as required

    # ----------------------------------------------------------------- math primitives

    def _round(self, x):
        return torch.round(x)

    def _sin(self, x):
        return torch.sin(x)

    def _cos(self, x):
        return torch.cos(x)

    def _copy(self, x):
        return x.clone()  # torch.from_numpy shares the NumPy input's memory

    def _argmax(self, x, axis):
        # torch has no argmax of bools; the first NaN wins, as required.
        return torch.argmax(x.to(torch.uint8) if x.dtype == torch.bool else x, dim=axis)

    def _argmin(self, x, axis):
        return torch.argmin(x.to(torch.uint8) if x.dtype == torch.bool else x, dim=axis)

    def _logsumexp(self, x, axes, keepdims):
        dims = tuple(range(x.ndim)) if axes is None else axes
        return torch.logsumexp(x, dim=dims, keepdim=keepdims)

    # ----------------------------------------------------------------- shape primitives

    def _concatenate(self, xs, axis):
        return torch.cat(xs, axis)

    def _tile(self, x, reps):
        return torch.tile(x, reps)

    def _repeat(self, x, rep, axis):
        return torch.repeat_interleave(x, rep, axis)

    def _flip(self, x, axes):
        return torch.flip(x, axes)

    # ----------------------------------------------------------------- conv primitives

    def _conv(self, x, kernel, strides, pads, dilation, groups, channels_last):
        rank = len(strides)
        if channels_last:
            x = torch.movedim(x, -1, 1)  # a view: channels_last memory, which the kernels take
        x, padding = _symmetric(x, pads, 0.0)
        weight = torch.permute(kernel, (rank + 1, rank, *range(rank)))  # (out, in, *window)
        y = _CONV[rank](x, weight, None, strides, padding, dilation, groups)
        return torch.movedim(y, 1, -1) if channels_last else y

    def _conv_transpose(self, x, kernel, sizes, strides, pads, dilation, channels_last):
        rank = len(strides)
        if channels_last:
            x = torch.movedim(x, -1, 1)
        weight = torch.permute(kernel, (rank + 1, rank, *range(rank)))  # (in, out, *window)
        # The full transposed output, cropped by `before` on both sides, then grown at the end
        # by output_padding (or, where that would be negative, cropped once more).
        padding, extra, crop = [], [], False
        for n, size, k, s, d, (before, _) in zip(
            x.shape[2:], sizes, kernel.shape[:rank], strides, dilation, pads
        ):
            grow = size - ((n - 1) * s + d * (k - 1) + 1 - 2 * before)
            padding.append(before)
            extra.append(max(grow, 0))
            crop = crop or grow < 0
        y = _CONV_TRANSPOSE[rank](x, weight, None, strides, padding, extra, 1, dilation)
        if crop:
            y = y[(slice(None), slice(None), *(slice(0, size) for size in sizes))]
        return torch.movedim(y, 1, -1) if channels_last else y

    def _pool(self, x, window, strides, pads, mode, channels_last):
        rank = len(window)
        if channels_last:
            x = torch.movedim(x, -1, 1)
        if mode == "max":
            x, padding = _symmetric(x, pads, -math.inf)
            y = _MAX_POOL[rank](x, window, strides, padding)
        elif all(before == after for before, after in pads):
            y = _AVG_POOL[rank](x, window, strides, [b for b, _ in pads], count_include_pad=False)
        else:  # the window sums over zero padding, divided by the counts of unpadded elements
            ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
            ones, _ = _symmetric(ones, pads, 0.0)
            x, padding = _symmetric(x, pads, 0.0)
            sums = _AVG_POOL[rank](x, window, strides, padding, divisor_override=1)
            y = sums / _AVG_POOL[rank](ones, window, strides, padding, divisor_override=1)
        return torch.movedim(y, 1, -1) if channels_last else y

    # ----------------------------------------------------------------- control primitives

    def _stack(self, tensors):
        return torch.stack(tensors)

    # ----------------------------------------------------------------- random primitives

    def _random(self, distribution, shape, dtype, seed):
        # A counter-based generator written in torch operations: torch.compile traces it, and
        # the seed may be a traced tensor (torch.Generator objects allow neither).
        count = math.prod(shape)
        wide = "float64" if dtype == "float64" else "float32"
        if distribution == "uniform":
            values = _uniform(seed, count, 0, dtype, wide)
        elif distribution == "normal":
            # Box-Muller: 1 - u is in (0, 1], so its log is finite.
            radius = torch.sqrt(-2 * torch.log(1 - _uniform(seed, count, 0, wide, wide)))
            angle = (2 * np.pi) * _uniform(seed, count, count, wide, wide)
            values = radius * torch.cos(angle)
        else:
            # The inverse normal CDF of a uniform draw between the CDF's values at -2 and 2.
            low = 0.022750131948179195  # Phi(-2)
            u = low + (1 - 2 * low) * _uniform(seed, count, 0, wide, wide)
            values = torch.clamp(np.sqrt(2) * torch.erfinv(2 * u - 1), -2, 2)
        return torch.reshape(values, shape).to(_TORCH_DTYPES[dtype])

    # ----------------------------------------------------------------- ctc primitives

    def _ctc_negative_log_likelihood(self, log_p, labels, input_length, label_length):
        # torch's CTC kernel gives the shared recursion's losses, but NaN gradients where a
        # label cannot fit its input (+inf); those are computed with zero_infinity (loss 0,
        # gradient 0) and set back to +inf, so their gradients are 0, as the shared formula's.
        if log_p.numel() == 0 or torch.compiler.is_compiling():
            # The kernel refuses empty inputs, and torch.compile cannot trace it (its output
            # shape is dynamic): the shared recursion then.
            return super()._ctc_negative_log_likelihood(log_p, labels, input_length, label_length)
        blank = log_p.shape[2] - 1
        positions = torch.arange(labels.shape[1], device=labels.device)
        read = positions < label_length[:, None]
        targets = torch.where(read & (labels >= 0) & (labels < blank), labels, 0)
        repeats = torch.sum(read[:, 1:] & (labels[:, 1:] == labels[:, :-1]), dim=1)
        impossible = input_length < label_length + repeats
        loss = torch.nn.functional.ctc_loss(
            log_p.transpose(0, 1),
            targets.long(),
            input_length.long(),
            label_length.long(),
            blank=blank,
            reduction="none",
            zero_infinity=True,
        )
        return torch.where(impossible, torch.full((), torch.inf, dtype=loss.dtype), loss)


def _traced_python_tensor(value: object) -> torch.Tensor:
    """A Python value as an int64, float64 or bool tensor built by torch itself.

    torch.compile cannot trace NumPy's dtype inspection, which the host conversion uses; while
    tracing no int32 range check is possible, so Python ints wrap like any cast.
    """
    tensor = torch.tensor(value)
    return torch.tensor(value, dtype=torch.float64) if tensor.is_floating_point() else tensor


@torch.compiler.assume_constant_result
def _read_settings() -> str:
    """Run (not traced) while torch.compile traces: reads the Keras config file if not read yet."""
    return config.floatx()


@torch.compiler.substitute_in_graph(config.context_adapter)
def _context_adapter_while_compiling():
    """Code that torch.compile traces runs on torch (it cannot trace the ContextVar.get)."""
    _read_settings()
    return load_adapter("torch")


# SplitMix64 (Steele, Lea and Flood 2014) on int64 tensors, whose products wrap modulo 2**64.
_GOLDEN_GAMMA = -0x61C8864680B583EB  # 0x9E3779B97F4A7C15 as a signed 64-bit integer
_MIX_1 = -0x40A7B892E31B1A47  # 0xBF58476D1CE4E5B9
_MIX_2 = -0x6B2FB644ECCEEE15  # 0x94D049BB133111EB


def _shift_right(z: torch.Tensor, bits: int) -> torch.Tensor:
    """Logical (unsigned) right shift of int64 ``z``."""
    return (z >> bits) & ((1 << (64 - bits)) - 1)


def _mix(z: torch.Tensor) -> torch.Tensor:
    z = (z ^ _shift_right(z, 30)) * _MIX_1
    z = (z ^ _shift_right(z, 27)) * _MIX_2
    return z ^ _shift_right(z, 31)


def _uniform(seed: torch.Tensor, count: int, offset: int, dtype: str, compute: str) -> torch.Tensor:
    """``count`` uniform numbers in [0, 1) in dtype ``compute``, multiples of 2**-(significand
    bits of ``dtype``), from positions ``offset`` on of the SplitMix64 stream of the int32 pair
    ``seed``."""
    pair = seed.to(torch.int64)
    start = _mix(pair[0] << 32 | pair[1] & 0xFFFFFFFF)
    counter = torch.arange(offset + 1, offset + count + 1, dtype=torch.int64, device=seed.device)
    bits = dtypes.significand_bits(dtype)
    integers = _shift_right(_mix(start + counter * _GOLDEN_GAMMA), 64 - bits)
    return integers.to(_TORCH_DTYPES[compute]) * 2.0**-bits


@torch.compiler.substitute_in_graph(config.graph_mode_backends)
def _graph_mode_while_compiling() -> frozenset[str]:
    """Code that torch.compile traces computes on tensors, never builds graph nodes (it cannot
    trace the ContextVar.get either)."""
    return frozenset()
