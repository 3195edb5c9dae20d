"""Dtype names and the result-dtype rules that every adapter follows.

Every rule lives here once; adapters compute the result dtype with these functions and pass it
to the framework instead of trusting the framework's default. Names are the Keras strings.
"""

from __future__ import annotations

import functools

import numpy as np

from multik.errors import DTypeError

__all__ = [
    "BOOL",
    "DTYPES",
    "FLOATS",
    "INTS",
    "DTypeName",
    "accumulator",
    "canonical",
    "dtype_name",
    "float_compute",
    "is_64bit",
    "is_float",
    "is_int",
    "mean_dtype",
    "name_of",
    "result_type",
    "saturation_bounds",
    "significand_bits",
]

BOOL = "bool"
INTS = ("int8", "int16", "int32", "int64", "uint8")
FLOATS = ("float16", "bfloat16", "float32", "float64")
DTYPES = (BOOL, *INTS, *FLOATS)
_NAMES = frozenset(DTYPES)
_SMALL_TO_INT32 = frozenset({"bool", "int8", "int16", "uint8"})
_HALF = frozenset({"float16", "bfloat16"})
_KNOWN_ELSEWHERE = ("uint16", "uint32", "uint64", "complex64", "complex128", "float8")


class DTypeName(str):
    """A dtype name that legacy code can also read as a ``tf.DType``: ``v.dtype.name``.

    It is the plain string in every other way: it compares and hashes equal to it, prints as
    it, and is accepted wherever a dtype name is.
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        """The plain dtype name, as ``tf.DType.name`` gives it."""
        return str.__str__(self)

    @property
    def base_dtype(self) -> DTypeName:
        """Itself, as ``tf.DType.base_dtype`` of a non-reference dtype (``v.dtype.base_dtype``)."""
        return self


_DTYPE_NAMES = {name: DTypeName(name) for name in DTYPES}


def dtype_name(name: str) -> DTypeName:
    """The :class:`DTypeName` of canonical dtype name ``name`` (one shared instance per name)."""
    return _DTYPE_NAMES[name]


def canonical(dtype: object) -> str:
    """The Keras name of ``dtype`` (a name, a NumPy dtype or a framework dtype object).

    Raises DTypeError for a name that does not exist or a dtype multik does not support.
    """
    if dtype.__class__ is str and dtype in _NAMES:
        return dtype  # type: ignore[return-value]
    return _canonical_slow(dtype)


@functools.lru_cache(maxsize=256)
def _canonical_slow(dtype: object) -> str:
    name = _name_of(dtype)
    if name in _NAMES:
        return name
    if name is not None and name.startswith(_KNOWN_ELSEWHERE):
        raise DTypeError(
            f"dtype {name!r} is not supported by multik; supported dtypes: {', '.join(DTYPES)}"
        )
    raise DTypeError(f"{dtype!r} is not a dtype; valid names: {', '.join(DTYPES)}")


#: The C names TensorFlow (and so tf_keras's K.cast) also accepts.
_ALIASES = {"float": "float32", "double": "float64", "half": "float16"}


def _name_of(dtype: object) -> str | None:
    if dtype is None:
        return None  # np.dtype(None) would mean float64
    if isinstance(dtype, str):
        name = dtype.strip()
        return _ALIASES.get(name, name)
    name = getattr(dtype, "name", None)  # numpy and TensorFlow dtypes
    if isinstance(name, str) and not isinstance(dtype, type):
        return name
    text = str(dtype)
    if text.startswith("torch."):
        return text[len("torch.") :]
    try:
        return np.dtype(dtype).name  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


_NAME_OF: dict[object, str] = {}


def name_of(dtype: object) -> str:
    """The Keras name of a framework dtype object, cached (``np.dtype.name`` costs ~2 µs)."""
    name = _NAME_OF.get(dtype)
    if name is None:
        name = _NAME_OF[dtype] = _canonical_slow(dtype)
    return name


def is_float(name: str) -> bool:
    """Whether ``name`` is a floating dtype."""
    return name in FLOATS


def is_int(name: str) -> bool:
    """Whether ``name`` is an integer dtype (bool is not)."""
    return name in INTS


def is_64bit(name: str) -> bool:
    """Whether ``name`` is a 64-bit dtype (needs x64 mode on JAX)."""
    return name in ("int64", "float64")


def accumulator(name: str) -> tuple[str, str]:
    """(compute dtype, result dtype) of sum, prod, cumsum, cumprod, dot and batch_dot.

    bool and integers narrower than 32 bits accumulate in int32; int32 stays int32 and wraps;
    float16 and bfloat16 compute in float32 and round once to their own dtype.
    """
    if name in _SMALL_TO_INT32:
        return "int32", "int32"
    if name in _HALF:
        return "float32", name
    return name, name


def mean_dtype(name: str, floatx: str) -> tuple[str, str]:
    """(compute dtype, result dtype) of mean: ints and bool give floatx; halves compute in f32."""
    result = name if name in FLOATS else floatx
    return float_compute(result), result


def float_compute(name: str) -> str:
    """The dtype a float computation of dtype ``name`` runs in: float32 for the 16-bit floats."""
    return "float32" if name in _HALF else name


# The JAX / Keras 3 promotion lattice restricted to multik's dtypes: each dtype's direct upper
# neighbours. result_type is the least upper bound of its arguments in this lattice.
_LATTICE = {
    "bool": ("uint8", "int8"),
    "uint8": ("int16",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64",),
    "float64": (),
}


@functools.cache
def _upper_set(name: str) -> frozenset[str]:
    out = {name}
    for parent in _LATTICE[name]:
        out |= _upper_set(parent)
    return frozenset(out)


@functools.lru_cache(maxsize=1024)
def _join(a: str, b: str) -> str:
    common = _upper_set(a) & _upper_set(b)
    # The least upper bound is the common dtype whose own upper set contains all the others.
    for candidate in common:
        if common <= _upper_set(candidate):
            return candidate
    raise AssertionError(f"no least upper bound for {a} and {b}")  # pragma: no cover


def result_type(
    a: str | None, b: str | None, scalar: object = None, floatx: str = "float32"
) -> str:
    """Result dtype of a binary op on tensors of dtypes ``a`` and ``b`` (None: a Python scalar).

    Python scalars are weak: they take the tensor's dtype of their kind. A Python float with an
    integer or bool tensor gives floatx; a Python int with a bool tensor gives int32.
    """
    if a is not None and b is not None:
        return _join(a, b)
    tensor = a if a is not None else b
    if tensor is None:
        raise DTypeError("result_type needs at least one tensor dtype")
    if isinstance(scalar, bool) or scalar is None:
        return tensor
    if isinstance(scalar, int):
        return "int32" if tensor == "bool" else tensor
    return tensor if tensor in FLOATS else floatx


#: The largest finite value of each float dtype.
_FLOAT_MAX = {
    "float16": 65504.0,
    "bfloat16": 3.3895313892515355e38,
    "float32": 3.4028234663852886e38,
}


def beyond_range(value: float, dtype: str) -> bool:
    """Whether the Python float ``value`` overflows the float dtype ``dtype`` (to +-inf)."""
    limit = _FLOAT_MAX.get(dtype)
    return limit is not None and abs(value) > limit and value == value


@functools.cache
def saturation_bounds(source: str, target: str) -> tuple[float, float]:
    """The float bounds, exactly representable in ``source``, that a float→int cast clips to.

    Clipping to them before the cast makes float→int casts saturate identically everywhere.
    """
    # Plain Python arithmetic (no NumPy scalars), so compilers such as torch.compile trace it.
    info = np.iinfo(target)
    bits, largest = _FLOAT_FORMATS[source]
    drop = max(int(info.max).bit_length() - bits, 0)  # info.max rounded down to ``bits`` bits
    hi = min((int(info.max) >> drop) << drop, largest)
    lo = max(int(info.min), -largest)  # 0 or minus a power of two: exact, or else -largest
    return float(lo), float(hi)


#: (significand bits, largest finite value) of each float dtype.
_FLOAT_FORMATS = {
    "float16": (11, 65504),
    "bfloat16": (8, (2**8 - 1) << 120),
    "float32": (24, (2**24 - 1) << 104),
    "float64": (53, (2**53 - 1) << 971),
}


def _numpy_dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def numpy_dtype(name: str) -> np.dtype:
    """The NumPy dtype for a multik name (bfloat16 needs the ml_dtypes package)."""
    try:
        return _numpy_dtype(name)
    except ImportError as exc:
        raise DTypeError(
            "bfloat16 arrays need the ml_dtypes package, which is not installed; "
            "install it with: pip install ml_dtypes"
        ) from exc


def significand_bits(name: str) -> int:
    """The significand bits of float dtype ``name``, its implicit leading bit included: every
    multiple of ``2**-bits`` in [0, 1) is exact in ``name``."""
    return _FLOAT_FORMATS[name][0]
