"""Property-based conformance: Hypothesis draws shapes, dtypes, axes and values for every tensor
function of the seed and checks each backend against an independent float64 NumPy reference.

Each property checks, on every backend of ``multik.testing.test_backends()``: the shape, the
dtype name multik's promotion rules give, and the values (integers and bools exactly; floats
within the conformance tolerance of ``multik.conformance.compare``). Bad axes must raise
``multik.errors.AxisError`` with the same message on every backend. References are written here
with NumPy in float64 (int64 for integers, then wrapped to the result dtype); they never use
multik. Example counts come from the Hypothesis profile: ``ci`` when ``CI=true``, else ``dev``
(``HYPOTHESIS_PROFILE`` overrides both).
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import multik
from multik import backend as K
from multik.conformance.cases import BFLOAT16_MISSING
from multik.conformance.compare import mismatch
from multik.dtypes import numpy_dtype
from multik.errors import AxisError, DTypeError, ShapeError
from multik.testing import test_backends

_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci",
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_HEALTH,
)
settings.register_profile("dev", max_examples=15, deadline=None, suppress_health_check=_HEALTH)
PROFILE = settings.get_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)

BACKENDS = test_backends()
FLOATX = "float32"
EPSILON = 1e-7
#: The float dtypes drawn: bfloat16 only where ml_dtypes is installed (see test_bfloat16_drawn).
FLOATS = tuple(
    d
    for d in ("float16", "bfloat16", "float32", "float64")
    if d != "bfloat16" or not BFLOAT16_MISSING
)
INTS = ("int8", "uint8", "int16", "int32", "int64")
ALL = ("bool", *INTS, *FLOATS)
SPECIALS = (math.nan, math.inf, -math.inf)

_INT_BITS = {"int8": 8, "uint8": 8, "int16": 16, "int32": 32, "int64": 64}

backends = pytest.mark.parametrize("backend", BACKENDS)


# ------------------------------------------------------------------------- the dtype rules


def accumulated(dtype: str) -> str:
    """Result dtype of sum, prod, cumsum, cumprod, dot, batch_dot (Decision 5)."""
    if dtype in ("bool", "int8", "uint8", "int16"):
        return "int32"
    return dtype


def floating(dtype: str) -> str:
    """Result dtype of mean, activations and losses: floats keep theirs, the rest give floatx."""
    return dtype if dtype in FLOATS else FLOATX


def compute(dtype: str) -> str:
    """The dtype a float result is computed in: float32 for the 16-bit floats."""
    return "float64" if floating(dtype) == "float64" else "float32"


def promote(a: str, b: str) -> str:
    """The JAX / Keras 3 promotion of two tensor dtypes, written out by kind and width."""
    if a == b or b == "bool":
        return a
    if a == "bool":
        return b
    if a in FLOATS and b in FLOATS:
        if {a, b} == {"float16", "bfloat16"}:
            return "float32"
        return max(a, b, key=FLOATS.index)
    if a in FLOATS or b in FLOATS:
        return a if a in FLOATS else b
    if "uint8" in (a, b):
        signed = b if a == "uint8" else a
        return "int16" if _INT_BITS[signed] < 16 else signed
    return max(a, b, key=_INT_BITS.__getitem__)


# ------------------------------------------------------------------------- comparing


def run(
    backend: str, fn: Callable[..., Any], *args: Any, **kwargs: Any
) -> tuple[str, tuple, np.ndarray]:
    """(dtype name, static shape, values) of ``fn(*args, **kwargs)`` on ``backend``."""
    with multik.use_backend(backend):
        out = fn(*args, **kwargs)
        return K.dtype(out), tuple(K.int_shape(out)), K.eval(out)


def check(
    result: tuple[str, tuple, np.ndarray],
    expected: Any,
    dtype: str,
    n: int = 1,
    scale: Any = None,
) -> None:
    """Assert a backend result has ``dtype``, the shape of ``expected`` and its values.

    ``expected`` holds exact integers or float64 values; ``multik.conformance.compare.mismatch``
    wraps or rounds them to ``dtype`` and applies the tolerance table. ``n`` is the number of
    terms an accumulating op sums; ``scale`` the size of those terms, per element (default: the
    largest finite reference value).
    """
    got_dtype, got_shape, got = result
    problem = mismatch(got, got_dtype, expected, dtype, n, scale)
    assert problem is None, problem
    assert got_shape == got.shape, f"static shape {got_shape}, evaluated {got.shape}"
    assert got.dtype == numpy_dtype(dtype), f"evaluated dtype {got.dtype}, expected {dtype}"


def expect_error(
    backend: str, error: type[Exception], fn: Callable[..., Any], *args: Any, **kwargs: Any
) -> None:
    """``fn`` raises ``error`` on ``backend``, with the message it has on the numpy backend."""
    messages = []
    for name in dict.fromkeys((backend, "numpy")):
        with multik.use_backend(name), pytest.raises(error) as info:
            fn(*args, **kwargs)
        messages.append(str(info.value))
    assert len(set(messages)) == 1, f"messages differ from numpy's: {messages}"


def test_bfloat16_drawn():
    if BFLOAT16_MISSING:
        pytest.skip(BFLOAT16_MISSING)
    assert "bfloat16" in ALL


# ------------------------------------------------------------------------- strategies


def shapes(
    min_dims: int = 0, max_dims: int = 4, max_side: int = 4
) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes with scalar, empty and size-1 axes."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=max_side)


def arrays(
    dtype: str,
    shape: tuple[int, ...],
    lo: float = -10.0,
    hi: float = 10.0,
    special: bool = False,
    ints: tuple[int, int] | None = None,
    specials: tuple[float, ...] = SPECIALS,
) -> st.SearchStrategy[np.ndarray]:
    """Arrays of ``dtype``: floats in ``[lo, hi]`` (plus ``specials``, by default NaN and ±inf, if
    ``special``) rounded to ``dtype``; integers in ``ints`` (default: the dtype's range), clipped
    to the dtype's range."""
    target = numpy_dtype(dtype)
    if dtype == "bool":
        return hnp.arrays(np.bool_, shape)
    if dtype in INTS:
        info = np.iinfo(dtype)
        low, high = ints or (info.min, info.max)
        elements = st.integers(max(low, int(info.min)), min(high, int(info.max)))
        return hnp.arrays(np.int64, shape, elements=elements).map(lambda a: a.astype(target))
    elements = st.floats(lo, hi)
    if lo < -1 or hi > 1:  # as often, values near the kinks of the functions (0, ±1)
        elements = st.one_of(elements, st.floats(max(lo, -1.0), min(hi, 1.0)))
    if special:
        elements = st.one_of(elements, st.sampled_from(specials))
    return hnp.arrays(np.float64, shape, elements=elements).map(lambda a: rounded(a, target))


def rounded(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """float64 ``values`` rounded to ``dtype`` (beyond its range: ±inf)."""
    with np.errstate(over="ignore"):
        return values.astype(dtype)


def reduction_axes(ndim: int) -> st.SearchStrategy[Any]:
    """Valid axis arguments: None, an int (maybe negative), or a list or tuple of distinct axes."""
    if ndim == 0:
        return st.sampled_from([None, (), []])
    single = st.integers(0, ndim - 1).flatmap(lambda a: st.sampled_from([a, a - ndim]))
    several = st.lists(st.integers(0, ndim - 1), unique=True).flatmap(
        lambda axes: st.tuples(*[st.sampled_from([a, a - ndim]) for a in axes])
    )
    return st.one_of(st.none(), single, several, several.map(list))


def normalized(axis: Any, ndim: int) -> tuple[int, ...]:
    """The reference's own normalisation of a valid axis argument."""
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, (list, tuple)) else [axis]
    return tuple(sorted(a % ndim for a in items))


def bad_axis(ndim: int) -> st.SearchStrategy[Any]:
    """One axis that is out of range or not an int."""
    return st.one_of(
        st.integers(ndim, ndim + 3),
        st.integers(-ndim - 3, -ndim - 1),
        st.sampled_from([1.5, True, "0"]),
    )


def bad_reduction_axes(ndim: int) -> st.SearchStrategy[Any]:
    """Bad axis arguments: a bad axis alone or in a list/tuple, or a repeated axis."""
    forms = [
        bad_axis(ndim),
        st.lists(bad_axis(ndim), min_size=1, max_size=2).map(tuple),
        bad_axis(ndim).map(lambda a: [0, a]),
    ]
    if ndim:
        forms.append(st.integers(0, ndim - 1).map(lambda a: (a, a - ndim)))
        forms.append(st.integers(0, ndim - 1).map(lambda a: [a, a]))
    return st.one_of(forms)


def prime_factors(n: int) -> list[int]:
    """The prime factors of ``n`` with multiplicity."""
    factors, p = [], 2
    while n > 1:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    return factors


def with_specials(data: st.DataObject, dtype: str) -> bool:
    """Whether this example mixes NaN and ±inf into a float input."""
    return dtype in FLOATS and data.draw(st.booleans(), label="specials")


def f64(x: np.ndarray) -> np.ndarray:
    """``x`` as float64 (exact for every input dtype except int64 beyond 2**53)."""
    return np.asarray(x).astype(np.float64)


def reduction_inputs(
    data: st.DataObject, lo: float = -10.0, hi: float = 10.0
) -> tuple[str, np.ndarray, Any, bool, tuple[int, ...]]:
    """Draw a reduction's input: dtype, array x, axis argument, keepdims and the reduced axes."""
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(), label="shape")
    x = data.draw(arrays(dtype, shape, lo, hi, with_specials(data, dtype)), label="x")
    axis = data.draw(reduction_axes(x.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    return dtype, x, axis, keepdims, normalized(axis, x.ndim)


# ------------------------------------------------------------------------- reductions


@backends
@pytest.mark.parametrize("name", ["sum", "prod"])
@PROFILE
@given(data=st.data())
def test_sum_prod(backend, name, data):
    lo, hi = (-10.0, 10.0) if name == "sum" else (-1.25, 1.25)
    dtype, x, axis, keepdims, axes = reduction_inputs(data, lo, hi)
    result = accumulated(dtype)
    reduce = np.sum if name == "sum" else np.prod
    source = f64(x) if dtype in FLOATS else x.astype(np.int64)
    with np.errstate(all="ignore"):
        expected = reduce(source, axis=axes, keepdims=keepdims)
        scale = (
            np.sum(np.abs(source), axis=axes, keepdims=keepdims)
            if name == "sum"
            else np.abs(expected)
        )
    count = math.prod(x.shape[a] for a in axes)
    check(
        run(backend, getattr(K, name), x, axis=axis, keepdims=keepdims),
        expected,
        result,
        count,
        scale,
    )


@backends
@pytest.mark.parametrize("name", ["max", "min"])
@PROFILE
@given(data=st.data())
def test_max_min(backend, name, data):
    dtype, x, axis, keepdims, axes = reduction_inputs(data)
    if axis == () or axis == []:
        check(run(backend, getattr(K, name), x, axis=axis, keepdims=keepdims), x, dtype)
    else:
        # An empty reduction gives the identity: ∓inf, the integer dtype's extreme, False/True.
        source = f64(x) if dtype in FLOATS else x.astype(np.int64)
        if dtype in FLOATS:
            initial: Any = -math.inf if name == "max" else math.inf
        elif dtype == "bool":
            initial = int(name == "min")
        else:
            info = np.iinfo(dtype)
            initial = int(info.min) if name == "max" else int(info.max)
        with np.errstate(invalid="ignore"):
            expected = (np.max if name == "max" else np.min)(
                source, axis=axes, keepdims=keepdims, initial=initial
            )
        check(run(backend, getattr(K, name), x, axis=axis, keepdims=keepdims), expected, dtype)


@backends
@PROFILE
@given(data=st.data())
def test_mean(backend, data):
    dtype, x, axis, keepdims, axes = reduction_inputs(data)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of an empty slice is NaN
        expected = np.mean(f64(x), axis=axes, keepdims=keepdims)
        scale = np.mean(np.abs(f64(x)), axis=axes, keepdims=keepdims)
    count = math.prod(x.shape[a] for a in axes)
    check(
        run(backend, K.mean, x, axis=axis, keepdims=keepdims),
        expected,
        floating(dtype),
        count,
        scale,
    )


@backends
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@PROFILE
@given(data=st.data())
def test_cumsum_cumprod(backend, name, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(), label="shape")
    lo, hi = (-10.0, 10.0) if name == "cumsum" else (-1.25, 1.25)
    x = data.draw(arrays(dtype, shape, lo, hi, with_specials(data, dtype)), label="x")
    forms = [st.none()] + ([st.integers(-x.ndim, x.ndim - 1), st.just("default")] if x.ndim else [])
    axis = data.draw(st.one_of(forms), label="axis")
    kwargs = {} if axis == "default" else {"axis": axis}
    ref_axis = 0 if axis == "default" else axis
    source = f64(x) if dtype in FLOATS else x.astype(np.int64)
    scan = np.cumsum if name == "cumsum" else np.cumprod
    with np.errstate(all="ignore"):
        expected = scan(source, axis=ref_axis)
        scale = np.cumsum(np.abs(source), axis=ref_axis) if name == "cumsum" else np.abs(expected)
    count = x.size if ref_axis is None else x.shape[ref_axis]
    check(run(backend, getattr(K, name), x, **kwargs), expected, accumulated(dtype), count, scale)


# ------------------------------------------------------------------------- cast and creation


def reference_cast(x: np.ndarray, source: str, target: str) -> np.ndarray:
    """Decision 7: float to int truncates toward zero, saturates, NaN gives 0; ints wrap;
    anything to bool is "nonzero"; to a float it is the float64 value (rounded by ``check``)."""
    if target == "bool":
        return f64(x) != 0
    if target in INTS and source in FLOATS:
        info = np.iinfo(target)
        v = np.trunc(f64(x))
        high = v >= float(int(info.max) + 1)
        low = v < float(info.min)
        safe = np.where(high | low | np.isnan(v), 0, v).astype(np.int64)
        return np.where(high, info.max, np.where(low, info.min, safe)).astype(numpy_dtype(target))
    if target in INTS:
        return x.astype(np.int64).astype(numpy_dtype(target))
    return f64(x)


def cast_values(data: st.DataObject, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    """Inputs for casts: small values, values past every int range, and NaN/inf."""
    if dtype not in FLOATS:
        return data.draw(arrays(dtype, shape), label="x")
    bound = data.draw(st.sampled_from([10.0, 300.0, 7e4, 3e9, 1e19]), label="range")
    return data.draw(arrays(dtype, shape, -bound, bound, with_specials(data, dtype)), label="x")


@backends
@PROFILE
@given(data=st.data())
def test_cast(backend, data):
    source = data.draw(st.sampled_from(ALL), label="source")
    x = cast_values(data, source, data.draw(shapes(), label="shape"))
    for target in ALL:
        check(run(backend, K.cast, x, target), reference_cast(x, source, target), target)


def draw_target_shape(data: st.DataObject, shape: tuple[int, ...]) -> list[int]:
    """Another shape with as many elements as ``shape``."""
    size = math.prod(shape)
    if size == 1 and data.draw(st.booleans(), label="scalar target"):
        return []
    if size == 0:
        dims = data.draw(st.lists(st.integers(0, 4), max_size=3), label="dims")
        dims.insert(data.draw(st.integers(0, len(dims)), label="zero at"), 0)
        return dims
    factors = data.draw(st.permutations(prime_factors(size)), label="factors")
    cuts = sorted(data.draw(st.lists(st.integers(0, len(factors)), max_size=3), label="cuts"))
    bounds = [0, *cuts, len(factors)]
    return [math.prod(factors[a:b]) for a, b in itertools.pairwise(bounds)]


@backends
@PROFILE
@given(data=st.data())
def test_constant(backend, data):
    source = data.draw(st.sampled_from(ALL), label="source")
    dtype = data.draw(st.sampled_from([None, *ALL]), label="dtype")
    target = dtype or FLOATX
    x = cast_values(data, source, data.draw(shapes(max_dims=3), label="shape"))
    expected = reference_cast(x, source, target)
    shape = data.draw(
        st.sampled_from(["none", "same", "reshaped", "broadcast"]), label="shape form"
    )
    if shape == "none":
        shape = None
    elif shape == "same":
        shape = x.shape
    elif shape == "reshaped":
        shape = tuple(draw_target_shape(data, x.shape))
        expected = expected.reshape(shape)
    elif x.size == 1:
        shape = data.draw(shapes(max_dims=3), label="broadcast shape")
        expected = np.broadcast_to(expected.reshape(()), shape)
    else:
        shape = x.shape
    fits = (
        x.size > 0
        and source in ("bool", *INTS)
        and (target not in INTS or np.array_equal(x.astype(np.int64), expected.astype(np.int64)))
    )
    value = x.tolist() if fits and data.draw(st.booleans(), label="as Python list") else x
    check(run(backend, K.constant, value, dtype=dtype, shape=shape), expected, target)


@backends
@pytest.mark.parametrize("name", ["zeros_like", "ones_like"])
@PROFILE
@given(data=st.data())
def test_zeros_ones_like(backend, name, data):
    source = data.draw(st.sampled_from(ALL), label="source")
    dtype = data.draw(st.sampled_from([None, *ALL]), label="dtype")
    x = data.draw(arrays(source, data.draw(shapes(), label="shape")), label="x")
    expected = np.full(x.shape, 0 if name == "zeros_like" else 1, dtype=np.int64)
    check(run(backend, getattr(K, name), x, dtype=dtype), expected, dtype or source)


# ------------------------------------------------------------------------- shapes and indexing


@backends
@PROFILE
@given(data=st.data())
def test_expand_dims(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = data.draw(arrays(dtype, data.draw(shapes(), label="shape")), label="x")
    axis = data.draw(st.one_of(st.just("default"), st.integers(-x.ndim - 1, x.ndim)), label="axis")
    if axis == "default":
        check(run(backend, K.expand_dims, x), np.expand_dims(x, -1), dtype)
    else:
        check(run(backend, K.expand_dims, x, axis), np.expand_dims(x, axis), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_squeeze(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(
        st.lists(st.sampled_from([0, 1, 1, 2, 3]), min_size=1, max_size=4).map(tuple), label="shape"
    )
    x = data.draw(arrays(dtype, shape), label="x")
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    if x.shape[axis] != 1:
        expect_error(backend, ShapeError, K.squeeze, x, axis)
    else:
        check(run(backend, K.squeeze, x, axis), np.squeeze(x, axis), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_transpose(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = data.draw(arrays(dtype, data.draw(shapes(), label="shape")), label="x")
    check(run(backend, K.transpose, x), np.transpose(x), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_permute_dimensions(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = data.draw(arrays(dtype, data.draw(shapes(), label="shape")), label="x")
    perm = data.draw(st.permutations(range(x.ndim)), label="permutation")
    pattern = [data.draw(st.sampled_from([a, a - x.ndim]), label="axis form") for a in perm]
    pattern = data.draw(st.sampled_from([pattern, tuple(pattern)]), label="pattern")
    check(run(backend, K.permute_dimensions, x, pattern), np.transpose(x, perm), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_reshape(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = data.draw(arrays(dtype, data.draw(shapes(), label="shape")), label="x")
    dims = draw_target_shape(data, x.shape)
    unknown = data.draw(st.integers(-1, len(dims) - 1), label="-1 at") if dims else -1
    if unknown >= 0:
        known = math.prod(d for i, d in enumerate(dims) if i != unknown)
        resolved = list(dims)
        dims[unknown] = -1
        if known == 0:
            expect_error(backend, ShapeError, K.reshape, x, tuple(dims))
            return
        resolved[unknown] = x.size // known
    else:
        resolved = list(dims)
    forms = [tuple(dims), list(dims)] + ([dims[0]] if len(dims) == 1 else [])
    target = data.draw(st.sampled_from(forms), label="target")
    check(run(backend, K.reshape, x, target), x.reshape(resolved), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_temporal_padding(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = data.draw(arrays(dtype, data.draw(shapes(3, 3), label="shape")), label="x")
    padding = data.draw(
        st.one_of(
            st.just("default"),
            st.tuples(st.integers(0, 3), st.integers(0, 3)),
            st.lists(st.integers(0, 3), min_size=2, max_size=2),
        ),
        label="padding",
    )
    if padding == "default":
        result, (left, right) = run(backend, K.temporal_padding, x), (1, 1)
    else:
        result, (left, right) = run(backend, K.temporal_padding, x, padding), padding
    check(result, np.pad(x, ((0, 0), (left, right), (0, 0))), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_one_hot(backend, data):
    dtype = data.draw(st.sampled_from(INTS), label="dtype")
    classes = data.draw(st.integers(1, 5), label="num_classes")
    indices = data.draw(
        arrays(dtype, data.draw(shapes(max_dims=3), label="shape"), ints=(-2, classes + 1)),
        label="indices",
    )
    expected = indices.astype(np.int64)[..., None] == np.arange(classes)
    check(run(backend, K.one_hot, indices, classes), expected.astype(np.float64), "float32")


@backends
@PROFILE
@given(data=st.data())
def test_one_hot_float_indices_raise(backend, data):
    dtype = data.draw(st.sampled_from(("bool", *FLOATS)), label="dtype")
    indices = data.draw(
        arrays(dtype, data.draw(shapes(max_dims=2), label="shape"), 0.0, 3.0), label="indices"
    )
    expect_error(backend, DTypeError, K.one_hot, indices, 4)


@backends
@PROFILE
@given(data=st.data())
def test_batch_gather(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    index_dtype = data.draw(st.sampled_from(INTS), label="index dtype")
    batch = tuple(data.draw(st.lists(st.integers(0, 3), max_size=2), label="batch shape"))
    count = data.draw(st.integers(0, 3), label="indices per row")
    rows = data.draw(st.integers(1 if count else 0, 4), label="rows")
    rest = tuple(data.draw(st.lists(st.integers(0, 3), max_size=2), label="trailing shape"))
    params = data.draw(arrays(dtype, (*batch, rows, *rest)), label="params")
    indices = data.draw(
        arrays(index_dtype, (*batch, count), ints=(0, max(rows - 1, 0))), label="indices"
    )
    grid = np.indices(indices.shape, sparse=True)[: len(batch)]
    expected = params[(*grid, indices.astype(np.int64))]
    check(run(backend, K.batch_gather, params, indices), expected, dtype)


# ------------------------------------------------------------------------- linear algebra


def operand_dtypes(data: st.DataObject) -> tuple[str, str]:
    """Two operand dtypes: usually equal, sometimes mixed."""
    a = data.draw(st.sampled_from(ALL), label="x dtype")
    b = data.draw(st.one_of(st.just(a), st.sampled_from(ALL)), label="y dtype")
    return a, b


def operands(data: st.DataObject, dtype: str, shape: tuple[int, ...], label: str) -> np.ndarray:
    """Matrix-product operands: integers within ±100 (exact in every float), floats in ±10."""
    return data.draw(arrays(dtype, shape, ints=(-100, 100)), label=label)


def product_reference(
    x: np.ndarray, y: np.ndarray, result: str, contract: Callable
) -> tuple[np.ndarray, np.ndarray]:
    """(values, scale of the terms) of a product, in float64 or exact int64."""
    if result in FLOATS:
        return contract(f64(x), f64(y)), contract(np.abs(f64(x)), np.abs(f64(y)))
    return contract(x.astype(np.int64), y.astype(np.int64)), None


@backends
@PROFILE
@given(data=st.data())
def test_dot(backend, data):
    dx, dy = operand_dtypes(data)
    side = st.integers(0, 3)
    rx, ry = (
        data.draw(st.integers(0, 3), label="x rank"),
        data.draw(st.integers(0, 3), label="y rank"),
    )
    depth = data.draw(side, label="contracted size")
    xs = () if rx == 0 else (*data.draw(st.lists(side, min_size=rx - 1, max_size=rx - 1)), depth)
    if ry == 0:
        ys: tuple[int, ...] = ()
    elif ry == 1:
        ys = (depth,) if rx else (data.draw(side),)
    else:
        ys = (*data.draw(st.lists(side, min_size=ry - 2, max_size=ry - 2)), depth, data.draw(side))
    x, y = operands(data, dx, xs, "x"), operands(data, dy, ys, "y")
    result = accumulated(promote(dx, dy))
    expected, scale = product_reference(x, y, result, np.dot)
    n = depth if rx and ry else 1
    check(run(backend, K.dot, x, y), expected, result, n, scale)


@st.composite
def batch_dot_case(draw: Any) -> tuple[tuple[int, ...], tuple[int, ...], Any, int, int]:
    """(x shape, y shape, axes argument, x axis, y axis) of a valid batch_dot."""
    rx, ry = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    form = draw(st.sampled_from(["none", "int", "pair"]))
    if form == "none":
        ax, ay, axes = rx - 1, (ry - 1 if ry == 2 else ry - 2), None
    elif form == "int":
        ax = ay = draw(st.integers(1, min(rx, ry) - 1))
        axes = draw(st.sampled_from([ax, ax - min(rx, ry)])) if rx == ry else ax
    else:
        ax, ay = draw(st.integers(1, rx - 1)), draw(st.integers(1, ry - 1))
        pair = [draw(st.sampled_from([ax, ax - rx])), draw(st.sampled_from([ay, ay - ry]))]
        axes = draw(st.sampled_from([pair, tuple(pair)]))
    side = st.integers(0, 3)
    batch, depth = draw(st.integers(0, 3)), draw(side)
    xs = [batch, *draw(st.lists(side, min_size=rx - 1, max_size=rx - 1))]
    ys = [batch, *draw(st.lists(side, min_size=ry - 1, max_size=ry - 1))]
    xs[ax], ys[ay] = depth, depth
    return tuple(xs), tuple(ys), axes, ax, ay


def batched_tensordot(ax: int, ay: int, out_shape: tuple[int, ...]) -> Callable:
    """The reference: tensordot per batch row, stacked, shaped like batch_dot's output."""

    def contract(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        rows = [np.tensordot(a, b, axes=(ax - 1, ay - 1)) for a, b in zip(x, y)]
        stacked = np.stack(rows) if rows else np.zeros(out_shape, dtype=x.dtype)
        return stacked.reshape(out_shape)

    return contract


@backends
@PROFILE
@given(data=st.data())
def test_batch_dot(backend, data):
    dx, dy = operand_dtypes(data)
    xs, ys, axes, ax, ay = data.draw(batch_dot_case(), label="case")
    x, y = operands(data, dx, xs, "x"), operands(data, dy, ys, "y")
    out_shape = (
        xs[0],
        *[d for i, d in enumerate(xs) if i not in (0, ax)],
        *[d for i, d in enumerate(ys) if i not in (0, ay)],
    )
    if len(out_shape) == 1:
        out_shape = (xs[0], 1)
    result = accumulated(promote(dx, dy))
    expected, scale = product_reference(x, y, result, batched_tensordot(ax, ay, out_shape))
    check(run(backend, K.batch_dot, x, y, axes=axes), expected, result, max(xs[ax], 1), scale)


# ------------------------------------------------------------------------- element-wise math


@backends
@PROFILE
@given(data=st.data())
def test_square(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(), label="shape")
    x = data.draw(arrays(dtype, shape, -300.0, 300.0, with_specials(data, dtype)), label="x")
    source = f64(x) if dtype in FLOATS else x.astype(np.int64)
    check(run(backend, K.square, x), source * source, dtype)


# ------------------------------------------------------------------------- activations


def reference_relu(
    x: np.ndarray, alpha: float, max_value: float | None, threshold: float
) -> np.ndarray:
    """tf_keras 2.21's relu, step by step, in float64."""
    if alpha != 0 and max_value is None and threshold == 0:
        return np.where(x >= 0, x, alpha * x)
    negative = np.maximum(threshold - x, 0)
    y = x * (x > threshold) if threshold != 0 else np.maximum(x, 0)
    if max_value is not None:
        y = np.clip(y, 0, max_value)
    return y - alpha * negative if alpha != 0 else y


@backends
@PROFILE
@given(data=st.data())
def test_relu(backend, data):
    dtype = data.draw(st.sampled_from(ALL[1:]), label="dtype")
    alpha = data.draw(st.sampled_from([0.0, 0.1, 0.5]), label="alpha")
    max_value = data.draw(st.sampled_from([None, 0, 1, 6, 2.5, 6.0]), label="max_value")
    threshold = data.draw(st.sampled_from([0.0, 0, 1, 0.8, -0.5]), label="threshold")
    # With a threshold only NaN: tf_keras's x * (x > threshold) also turns -inf into NaN.
    specials = SPECIALS if threshold == 0 else (math.nan,)
    x = data.draw(
        arrays(
            dtype,
            data.draw(shapes(), label="shape"),
            -8.0,
            8.0,
            with_specials(data, dtype),
            (-8, 8),
            specials,
        ),
        label="x",
    )
    floats = any(isinstance(p, float) and p != 0 for p in (alpha, max_value, threshold))
    result = dtype if dtype in FLOATS or not floats else FLOATX
    # tf_keras compares with the threshold as x's dtype holds it (0.8 in bfloat16 is 0.80078125).
    held = float(f64(np.asarray(threshold).astype(numpy_dtype(result))))
    with np.errstate(invalid="ignore"):
        expected = reference_relu(f64(x), alpha, max_value, held)
    check(
        run(backend, K.relu, x, alpha=alpha, max_value=max_value, threshold=threshold),
        expected,
        result,
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.where(
        x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x)))
    )


_ELEMENTWISE = {
    "softplus": lambda x: np.logaddexp(0.0, x),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0.0, 1.0),
    "tanh": np.tanh,
}


@backends
@pytest.mark.parametrize("name", list(_ELEMENTWISE))
@PROFILE
@given(data=st.data())
def test_elementwise_activation(backend, name, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(), label="shape")
    x = data.draw(
        arrays(dtype, shape, -20.0, 20.0, with_specials(data, dtype), (-20, 20)), label="x"
    )
    with np.errstate(all="ignore"):
        expected = _ELEMENTWISE[name](f64(x))
    check(run(backend, getattr(K, name), x), expected, floating(dtype))


@backends
@PROFILE
@given(data=st.data())
def test_elu(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    alpha = data.draw(
        st.one_of(st.just("default"), st.sampled_from([1.0, 0.5, 2.0])), label="alpha"
    )
    shape = data.draw(shapes(), label="shape")
    x = data.draw(
        arrays(dtype, shape, -20.0, 20.0, with_specials(data, dtype), (-20, 20)), label="x"
    )
    a = 1.0 if alpha == "default" else alpha
    with np.errstate(all="ignore"):
        expected = np.where(f64(x) > 0, f64(x), a * np.expm1(f64(x)))
    result = run(backend, K.elu, x) if alpha == "default" else run(backend, K.elu, x, alpha)
    check(result, expected, floating(dtype))


def softmax_axes(ndim: int) -> st.SearchStrategy[Any]:
    """softmax axis arguments: the default, an int (maybe negative) or a tuple of distinct axes."""
    single = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, unique=True).map(tuple)
    return st.one_of(st.just("default"), single, several)


@backends
@PROFILE
@given(data=st.data())
def test_softmax(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(1), label="shape")
    x = data.draw(
        arrays(dtype, shape, -20.0, 20.0, with_specials(data, dtype), (-20, 20)), label="x"
    )
    axis = data.draw(softmax_axes(x.ndim), label="axis")
    axes = normalized(-1 if axis == "default" else axis, x.ndim)
    v = f64(x)
    if v.size:
        with np.errstate(invalid="ignore"):
            e = np.exp(v - np.max(v, axis=axes, keepdims=True))
            v = e / np.sum(e, axis=axes, keepdims=True)
    result = run(backend, K.softmax, x) if axis == "default" else run(backend, K.softmax, x, axis)
    check(result, v, floating(dtype), math.prod(x.shape[a] for a in axes), 1.0)


# ------------------------------------------------------------------------- losses


def clip_bounds(dtype: str) -> tuple[float, float]:
    """[epsilon, 1 - epsilon] as the compute dtype holds them."""
    kind = np.float64 if compute(dtype) == "float64" else np.float32
    return float(kind(EPSILON)), float(kind(1 - EPSILON))


def log_softmax(z: np.ndarray, axis: int) -> np.ndarray:
    """Max-shifted log-softmax along ``axis`` in float64 (an empty axis gives ``z``)."""
    if z.shape[axis] == 0:
        return z
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def loss_inputs(
    data: st.DataObject, shape: tuple[int, ...], from_logits: bool
) -> tuple[np.ndarray, np.ndarray, str]:
    """(target, output, output dtype): probabilities or logits in any dtype, targets in [0, 1]."""
    dtype = data.draw(st.sampled_from(ALL), label="output dtype")
    target_dtype = data.draw(
        st.sampled_from([dtype, "float32", "int32", "bool"]), label="target dtype"
    )
    lo, hi = (-20.0, 20.0) if from_logits else (0.0, 1.0)
    output = data.draw(
        arrays(dtype, shape, lo, hi, ints=(0, 2) if not from_logits else (-20, 20)), label="output"
    )
    target = data.draw(arrays(target_dtype, shape, 0.0, 1.0, ints=(0, 1)), label="target")
    return target, output, dtype


@backends
@PROFILE
@given(data=st.data())
def test_categorical_crossentropy(backend, data):
    from_logits = data.draw(st.booleans(), label="from_logits")
    shape = data.draw(shapes(1, 3), label="shape")
    target, output, dtype = loss_inputs(data, shape, from_logits)
    axis = data.draw(
        st.one_of(st.just("default"), st.integers(-len(shape), len(shape) - 1)), label="axis"
    )
    a = -1 if axis == "default" else axis
    t, o = f64(target), f64(output)
    with np.errstate(all="ignore"):
        if from_logits:
            log_p = log_softmax(o, a)
        else:
            lo, hi = clip_bounds(dtype)
            log_p = np.log(np.clip(o / np.sum(o, axis=a, keepdims=True), lo, hi))
        expected = -np.sum(t * log_p, axis=a)
        scale = np.sum(np.abs(t * log_p), axis=a)
    kwargs = {} if axis == "default" else {"axis": axis}
    result = run(
        backend, K.categorical_crossentropy, target, output, from_logits=from_logits, **kwargs
    )
    check(result, expected, floating(dtype), shape[a], scale)


@backends
@PROFILE
@given(data=st.data())
def test_sparse_categorical_crossentropy(backend, data):
    from_logits = data.draw(st.booleans(), label="from_logits")
    dtype = data.draw(st.sampled_from(ALL), label="output dtype")
    shape = data.draw(shapes(1, 3), label="shape")
    axis = data.draw(
        st.one_of(st.just("default"), st.integers(-len(shape), len(shape) - 1)), label="axis"
    )
    a = len(shape) - 1 if axis == "default" else axis % len(shape)
    shape = (*shape[:a], data.draw(st.integers(1, 4), label="classes"), *shape[a + 1 :])
    lo, hi = (-20.0, 20.0) if from_logits else (0.0, 1.0)
    output = data.draw(arrays(dtype, shape, lo, hi, ints=(0, 2)), label="output")
    label_dtype = data.draw(st.sampled_from(INTS), label="label dtype")
    labels = data.draw(
        arrays(label_dtype, shape[:a] + shape[a + 1 :], ints=(0, shape[a] - 1)), label="labels"
    )
    z = np.moveaxis(f64(output), a, -1)
    with np.errstate(all="ignore"):
        if not from_logits:
            low, high = clip_bounds(dtype)
            z = np.log(np.clip(z, low, high))
        log_p = log_softmax(z, -1)
    expected = -np.take_along_axis(log_p, labels.astype(np.int64)[..., None], -1)[..., 0]
    kwargs = {} if axis == "default" else {"axis": axis}
    result = run(
        backend,
        K.sparse_categorical_crossentropy,
        labels,
        output,
        from_logits=from_logits,
        **kwargs,
    )
    check(result, expected, floating(dtype), shape[a], np.abs(expected) + 1)


@backends
@PROFILE
@given(data=st.data())
def test_binary_crossentropy(backend, data):
    from_logits = data.draw(st.booleans(), label="from_logits")
    target, output, dtype = loss_inputs(
        data, data.draw(shapes(max_dims=3), label="shape"), from_logits
    )
    t, o = f64(target), f64(output)
    with np.errstate(all="ignore"):
        if from_logits:
            expected = np.maximum(o, 0) - o * t + np.log1p(np.exp(-np.abs(o)))
        else:
            lo, hi = clip_bounds(dtype)
            p = np.clip(o, lo, hi)
            expected = -(t * np.log(p + lo) + (1 - t) * np.log(1 - p + lo))
    check(
        run(backend, K.binary_crossentropy, target, output, from_logits=from_logits),
        expected,
        floating(dtype),
    )


# ------------------------------------------------------------------------- bad axes


@backends
@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "mean"])
@PROFILE
@given(data=st.data())
def test_reduction_bad_axis_raises(backend, name, data):
    x = data.draw(arrays("float32", data.draw(shapes(), label="shape")), label="x")
    axis = data.draw(bad_reduction_axes(x.ndim), label="axis")
    expect_error(backend, AxisError, getattr(K, name), x, axis=axis)


@backends
@pytest.mark.parametrize("name", ["cumsum", "cumprod", "squeeze", "softmax"])
@PROFILE
@given(data=st.data())
def test_single_axis_bad_axis_raises(backend, name, data):
    x = data.draw(arrays("float32", data.draw(shapes(), label="shape")), label="x")
    axis = data.draw(st.one_of(bad_axis(x.ndim), bad_axis(x.ndim).map(lambda a: [a])), label="axis")
    if name == "softmax" and isinstance(axis, list):
        axis = (0, axis[0]) if x.ndim else tuple(axis)
    expect_error(backend, AxisError, getattr(K, name), x, axis)


@backends
@PROFILE
@given(data=st.data())
def test_expand_dims_bad_axis_raises(backend, data):
    x = data.draw(arrays("int32", data.draw(shapes(), label="shape")), label="x")
    axis = data.draw(
        st.one_of(
            st.integers(x.ndim + 1, x.ndim + 4),
            st.integers(-x.ndim - 5, -x.ndim - 2),
            st.sampled_from([1.5, True]),
        ),
        label="axis",
    )
    expect_error(backend, AxisError, K.expand_dims, x, axis)


@backends
@PROFILE
@given(data=st.data())
def test_permute_dimensions_bad_pattern_raises(backend, data):
    x = data.draw(arrays("float32", data.draw(shapes(), label="shape")), label="x")
    n = x.ndim
    wrong_length = st.lists(st.integers(0, max(n - 1, 0)), max_size=5).filter(lambda p: len(p) != n)
    forms = [wrong_length, st.just(0)]
    if n > 1:
        repeated = st.permutations(range(n)).flatmap(
            lambda p: st.sampled_from(p).map(lambda a: [a, *p[1:]])
        )
        forms.append(repeated.filter(lambda p: len(set(p)) < n))
    if n:
        forms.append(
            st.permutations(range(n)).flatmap(lambda p: bad_axis(n).map(lambda b: [b, *p[1:]]))
        )
    pattern = data.draw(st.one_of(forms), label="pattern")
    expect_error(backend, AxisError, K.permute_dimensions, x, pattern)


@backends
@PROFILE
@given(data=st.data())
def test_batch_dot_bad_axes_raise(backend, data):
    xs, ys, _, ax, ay = data.draw(batch_dot_case(), label="case")
    x, y = np.ones(xs, np.float32), np.ones(ys, np.float32)
    axes = data.draw(
        st.one_of(
            st.tuples(st.sampled_from([0, -len(xs)]), st.just(ay)),
            st.tuples(st.just(ax), st.sampled_from([0, -len(ys)])),
            st.just(0),
            st.tuples(bad_axis(len(xs)), st.just(ay)),
            st.tuples(st.just(ax), bad_axis(len(ys))),
            st.just([ax, ay, 1]),
        ),
        label="axes",
    )
    expect_error(backend, AxisError, K.batch_dot, x, y, axes=axes)


@backends
@pytest.mark.parametrize("name", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
@PROFILE
@given(data=st.data())
def test_loss_bad_axis_raises(backend, name, data):
    shape = data.draw(shapes(1, 3, 3).filter(lambda s: s[-1] > 0), label="shape")
    output = np.full(shape, 0.5, np.float32)
    target = output if name == "categorical_crossentropy" else np.zeros(shape[:-1], np.int32)
    axis = data.draw(bad_axis(len(shape)), label="axis")
    expect_error(backend, AxisError, getattr(K, name), target, output, axis=axis)
