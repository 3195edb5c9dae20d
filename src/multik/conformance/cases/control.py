"""Conformance cases of family N: control flow (``switch``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from multik.conformance.cases.table import (
    add,
    add_error,
    built,
    exact,
    f64,
    q,
    rounded,
    sample,
)
from multik.dtypes import result_type
from multik.errors import DTypeError, ShapeError

_RANK1 = frozenset({"switch-rank1"})
_HOST = frozenset({"switch-host-condition"})


def _select(condition: Any, then: np.ndarray, alt: np.ndarray) -> np.ndarray:
    """The reference: the condition, true where nonzero, with size-1 axes appended up to the
    branches' rank (leading-axis alignment), selecting element-wise."""
    c = np.asarray(condition) != 0
    c = c.reshape(c.shape + (1,) * (np.ndim(then) - c.ndim))
    return np.where(c, exact(then), exact(alt))


def _case(
    label: str,
    condition: Any,
    then: np.ndarray,
    alt: np.ndarray,
    tags: frozenset[str] = frozenset(),
    **options: Any,
) -> None:
    dtype = result_type(then.dtype.name, alt.dtype.name)
    add(
        f"switch-{label}",
        "switch",
        condition,
        then,
        alt,
        expected=rounded(_select(condition, then, alt), dtype),
        dtype=dtype,
        tags=tags,
        **options,
    )


def _scalar_conditions() -> None:
    then, alt = sample((2, 3), "float32"), -sample((2, 3), "float32") - 1
    for label, condition in (
        ("bool-true", q(True, "bool")),
        ("bool-false", q(False, "bool")),
        ("int32-2", q(2, "int32")),
        ("float32-0", q(0.0, "float32")),
        ("float32-nan", q(np.nan, "float32")),
    ):
        _case(f"scalar-{label}", condition, then, alt)
    _case("scalar-python-true", True, then, alt, _HOST)
    _case("scalar-python-int-0", 0, then, alt, _HOST)
    for label, condition in (("true", q(True, "bool")), ("false", q(False, "bool"))):
        add(
            f"switch-scalar-{label}-callables",
            "switch",
            condition,
            then,
            alt,
            call=lambda k, c, a, b: k.switch(c, lambda: a, lambda: b),
            expected=rounded(_select(condition, then, alt), "float32"),
            dtype="float32",
        )
    # With a value, the condition picks a branch as it is, whatever the other one's shape (a
    # traced condition selects element-wise, which needs branches that broadcast).
    short = q([7.0, 8.0], "float32")
    add(
        "switch-scalar-picks-branch-of-its-own-shape",
        "switch",
        q(True, "bool"),
        short,
        then,
        expected=short,
        dtype="float32",
        eager_only="a condition with a value picks the branch as it is; a traced one selects "
        "element-wise and needs branches that broadcast",
    )


def _tensor_conditions() -> None:
    then, alt = sample((2, 3), "float32"), -sample((2, 3), "float32") - 1
    mask = q([[True, False, True], [False, False, True]], "bool")
    _case("bool-same-shape", mask, then, alt)
    _case("int32-condition", q([[2, 0, -1], [0, 0, 5]], "int32"), then, alt)
    _case("float32-condition-nan-true", q([[np.nan, 0, 0.5], [0, -0.0, 1]], "float32"), then, alt)
    _case("condition-broadcasts", q([[True, False, True]], "bool"), then, alt)
    deep, deep_alt = sample((2, 3, 4), "float32"), -sample((2, 3, 4), "float32")
    _case("rank2-condition-rank3-branches", mask, deep, deep_alt)
    _case("rank2-size1-condition-rank3-branches", q([[True], [False]], "bool"), deep, deep_alt)
    _case("rank2-leading-1-rank3-branches", q([[True, False, True]], "bool"), deep, deep_alt)
    _case("else-of-lower-rank", mask, deep, q([1.0, 2.0, 3.0, 4.0], "float32"))
    _case("else-scalar-tensor", mask, deep, q(-1.0, "float32"))
    _case("rank1-same-rank", q([True, False, True], "bool"), then[0], alt[0])
    _case("rank1-leading-axis-2x3", q([True, False], "bool"), then, alt, _RANK1)
    square, square_alt = sample((2, 2), "float32"), -sample((2, 2), "float32")
    _case("rank1-leading-axis-square", q([True, False], "bool"), square, square_alt, _RANK1)
    # Keras 2.2.4's own case: a (4,) condition choosing samples of (4, 3, 2) branches.
    _case(
        "rank1-keras224",
        q([True, False, False, True], "bool"),
        sample((4, 3, 2), "float32"),
        -sample((4, 3, 2), "float32"),
        _RANK1,
    )
    for dtype in ("int32", "bool", "float16", "float64", *built(("bfloat16",))):
        _case(f"{dtype}-branches", mask, sample((2, 3), dtype), sample((2, 3), dtype)[::-1])
    _case(
        "mixed-dtype-branches-promote",
        mask,
        sample((2, 3), "int32"),
        sample((2, 3), "float32"),
        frozenset({"converts-dtype"}),
    )
    x16 = sample((3,), "float16")
    add(
        "switch-python-number-branch-is-weak",
        "switch",
        q([True, False, True], "bool"),
        x16,
        0.5,
        expected=rounded(np.where([True, False, True], x16.astype(np.float64), 0.5), "float16"),
        dtype="float16",
    )
    _case("empty", q(np.zeros(0), "bool"), q(np.zeros(0), "float32"), q(np.ones(0), "float32"))
    add(
        "switch-tensor-condition-callables",
        "switch",
        mask,
        then,
        alt,
        call=lambda k, c, a, b: k.switch(c, lambda: a, lambda: b),
        expected=rounded(_select(mask, then, alt), "float32"),
        dtype="float32",
    )
    add_error("switch-condition-rank-above-branches", "switch", ShapeError, mask, then[0], alt[0])
    add_error(
        "switch-rank2-condition-does-not-broadcast",
        "switch",
        ShapeError,
        mask,
        sample((2, 5, 4), "float32"),
        sample((2, 5, 4), "float32"),
    )


def build() -> None:
    """Add this family's cases to the table."""
    _scalar_conditions()
    _tensor_conditions()
    _loops()


# ----------------------------------------------------------------- loops: rnn, map_fn, folds
#
# The step functions are written with the case's K module ``k`` (multik, or tf_keras for the
# parity check); the expected values come from the float64 NumPy loops below. Weights are
# closure constants (``k.constant`` of Python lists, which torch.compile traces), not case
# inputs, so every placeholder of a case has the batch (or, time major, the time) as its first
# dimension.

#: A simple RNN, h_t = tanh(x_t W + h_{t-1} U): batch 2, 4 time steps, 3 features, 5 units.
_X = q(np.sin(np.arange(24).reshape(2, 4, 3) * 0.7), "float32")
_W = q(np.cos(np.arange(15).reshape(3, 5) * 0.3) * 0.5, "float32")
_U = q(np.sin(np.arange(25).reshape(5, 5) * 0.9 + 1) * 0.4, "float32")
_H0 = q(np.linspace(-0.5, 0.5, 10).reshape(2, 5), "float32")
#: The weights and initial state as Python lists, for ``k.constant`` in step functions.
_W_VALUES, _U_VALUES, _H0_VALUES = _W.tolist(), _U.tolist(), _H0.tolist()
_C = q(np.linspace(-0.2, 0.3, 10).reshape(2, 5), "float32")
_MASK = np.array([[True, True, False, True], [True, False, False, True]])
#: Terms accumulated into one output: 4 steps of 3 + 5 products.
_RNN_TERMS = 32


def _simple_step(k: Any) -> Any:
    def step(x_t: Any, states: Any) -> Any:
        h = k.tanh(k.dot(x_t, k.constant(_W_VALUES)) + k.dot(states[0], k.constant(_U_VALUES)))
        return h, [h]

    return step


def _reference(
    x: np.ndarray,
    h0: np.ndarray,
    mask: np.ndarray | None = None,
    go_backwards: bool = False,
    zero_output_for_mask: bool = False,
    constant: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(last output, outputs, last state) of the simple RNN in float64, as tf_keras defines
    them: a masked step repeats the previous output (or gives zeros) and keeps the state."""
    w, u = f64(_W), f64(_U)
    h, output, outputs = f64(h0), np.zeros((x.shape[0], 5)), []
    steps = range(x.shape[1])
    for t in reversed(steps) if go_backwards else steps:
        new = np.tanh(f64(x[:, t]) @ w + h @ u + (0 if constant is None else f64(constant)))
        if mask is None:
            output = h = new
        else:
            keep = mask[:, t, None]
            output = np.where(keep, new, 0 if zero_output_for_mask else output)
            h = np.where(keep, new, h)
        outputs.append(output)
    return output, np.stack(outputs, axis=1), h


def _rnn_case(case_id: str, pick: int, expected: np.ndarray, call: Any, *args: Any) -> None:
    add(
        case_id,
        "rnn",
        *args,
        call=lambda k, *a: call(k, *a)[pick] if pick < 2 else call(k, *a)[2][0],
        expected=rounded(expected, "float32"),
        dtype="float32",
        terms=_RNN_TERMS,
    )


def _rnn() -> None:
    def simple(**options: Any) -> Any:
        return lambda k, x, h0, *m: k.rnn(
            _simple_step(k), x, [h0], **options, **({"mask": m[0]} if m else {})
        )

    data = (_X, _H0)
    for label, options, mask in (
        ("", {}, None),
        ("-go-backwards", {"go_backwards": True}, None),
        ("-mask", {}, _MASK),
        ("-mask-go-backwards", {"go_backwards": True}, _MASK),
        ("-unroll", {"unroll": True}, None),
        ("-unroll-mask", {"unroll": True}, _MASK),
        ("-mask-zero-output", {"zero_output_for_mask": True}, _MASK),
    ):
        expected = _reference(
            _X,
            _H0,
            mask,
            options.get("go_backwards", False),
            options.get("zero_output_for_mask", False),
        )
        extra = () if mask is None else (mask,)
        for pick, what in enumerate(("last", "outputs", "state")):
            _rnn_case(f"rnn{label}-{what}", pick, expected[pick], simple(**options), *data, *extra)

    float_mask = q(_MASK, "float32")
    _rnn_case(
        "rnn-float-mask-outputs",
        1,
        _reference(_X, _H0, _MASK)[1],
        lambda k, x, h0, m: k.rnn(_simple_step(k), x, [h0], mask=m),
        *data,
        float_mask,
    )

    def with_constant(k: Any, x: Any, h0: Any, c: Any, m: Any) -> Any:
        def step(x_t: Any, states: Any) -> Any:
            h, constant = states
            new = k.tanh(
                k.dot(x_t, k.constant(_W_VALUES)) + k.dot(h, k.constant(_U_VALUES)) + constant
            )
            return new, [new]

        return k.rnn(step, x, [h0], mask=m, constants=[c])

    expected = _reference(_X, _H0, _MASK, constant=_C)
    for pick, what in enumerate(("last", "outputs", "state")):
        _rnn_case(
            f"rnn-constants-mask-{what}", pick, expected[pick], with_constant, *data, _C, _MASK
        )

    time_major = _reference(_X, _H0, _MASK)
    _rnn_case(
        "rnn-time-major-outputs",
        1,
        np.swapaxes(time_major[1], 0, 1),
        lambda k, x, m: k.rnn(
            _simple_step(k), x, [k.constant(_H0_VALUES)], mask=m, time_major=True
        ),
        q(np.swapaxes(_X, 0, 1), "float32"),
        np.swapaxes(_MASK, 0, 1).copy(),
    )
    last_only = _reference(_X, _H0, _MASK)
    _rnn_case(
        "rnn-return-last-output-only",
        1,
        last_only[0][:, None],
        lambda k, x, h0, m: k.rnn(_simple_step(k), x, [h0], mask=m, return_all_outputs=False),
        *data,
        _MASK,
    )
    lengths = np.array([4, 2], dtype=np.int32)
    by_length = np.arange(4)[None, :] < lengths[:, None]
    for label, backwards in (("", False), ("-go-backwards", True)):
        _rnn_case(
            f"rnn-input-length{label}-outputs",
            1,
            _reference(_X, _H0, by_length, backwards)[1],
            lambda k, x, h0, n, b=backwards: k.rnn(
                _simple_step(k), x, [h0], input_length=n, go_backwards=b
            ),
            *data,
            lengths,
        )
    _nested_rnn()
    _rnn_errors()


def _nested_rnn() -> None:
    """Nested inputs and states: a pair of inputs, and states [h, [count, total]]."""
    x2 = q(np.cos(np.arange(16).reshape(2, 4, 2)), "float32")
    count = q(np.zeros((2, 1)), "float32")
    total = q(np.zeros((2, 2)), "float32")

    def call(k: Any, x: Any, second: Any, h0: Any, n: Any, s: Any, m: Any) -> Any:
        def step(inputs: Any, states: Any) -> Any:
            x_t, extra_t = inputs
            h, (steps, summed) = states
            new = k.tanh(k.dot(x_t, k.constant(_W_VALUES)) + k.dot(h, k.constant(_U_VALUES)))
            return [new, extra_t * 2.0], [new, [steps + 1.0, summed + extra_t]]

        last, outputs, states = k.rnn(step, (x, second), [h0, [n, s]], mask=m)
        return last, outputs, states

    expected = _reference(_X, _H0, _MASK)
    keep = _MASK[:, :, None]
    kept_steps = _MASK.sum(axis=1, keepdims=True).astype(np.float64)
    kept_total = (f64(x2) * keep).sum(axis=1)
    doubled, previous = [], np.zeros((2, 2))
    for t in range(4):
        previous = np.where(keep[:, t], f64(x2[:, t]) * 2, previous)
        doubled.append(previous)
    args = (_X, x2, _H0, count, total, _MASK)
    cases = (
        ("rnn-nested-last-first", lambda r: r[0][0], expected[0]),
        ("rnn-nested-outputs-second", lambda r: r[1][1], np.stack(doubled, axis=1)),
        ("rnn-nested-state-first", lambda r: r[2][0], expected[2]),
        ("rnn-nested-state-inner-count", lambda r: r[2][1][0], kept_steps),
        ("rnn-nested-state-inner-total", lambda r: r[2][1][1], kept_total),
    )
    for case_id, pick, value in cases:
        add(
            case_id,
            "rnn",
            *args,
            call=lambda k, *a, pick=pick: pick(call(k, *a)),
            expected=rounded(value, "float32"),
            dtype="float32",
            terms=_RNN_TERMS,
        )

    def no_states(k: Any, x: Any) -> Any:
        return k.rnn(lambda x_t, states: (k.dot(x_t, k.constant(_W_VALUES)), []), x, [])[1]

    add(
        "rnn-no-states-outputs",
        "rnn",
        _X,
        call=no_states,
        expected=rounded(np.einsum("btf,fu->btu", f64(_X), f64(_W)), "float32"),
        dtype="float32",
        terms=3,
    )


def _rnn_errors() -> None:
    def simple(k: Any, x: Any, h0: Any) -> Any:
        return k.rnn(_simple_step(k), x, [h0])[1]

    add_error("rnn-rank-2-input", "rnn", ShapeError, _X[:, 0], _H0, call=simple)

    def reshaped(k: Any, x: Any, h0: Any) -> Any:
        return k.rnn(lambda x_t, s: (x_t, [k.reshape(s[0], (5, 2))]), x, [h0])[1]

    add_error("rnn-state-changes-shape", "rnn", ShapeError, _X, _H0, call=reshaped)

    def bad_mask(k: Any, x: Any, h0: Any, m: Any) -> Any:
        return k.rnn(_simple_step(k), x, [h0], mask=m)[1]

    add_error(
        "rnn-mask-wrong-time",
        "rnn",
        ShapeError,
        _X,
        _H0,
        _MASK[:, :3].copy(),
        call=bad_mask,
    )


# ----------------------------------------------------------------- map_fn


def _map_fn() -> None:
    x = q(np.arange(12).reshape(4, 3) * 0.5 - 2, "float32")
    y = q(np.linspace(1, 2, 12).reshape(4, 3), "float32")
    add(
        "map_fn-sum",
        "map_fn",
        x,
        call=lambda k, a: k.map_fn(k.sum, a),
        expected=rounded(f64(x).sum(axis=1), "float32"),
        dtype="float32",
        terms=3,
    )
    add(
        "map_fn-rows",
        "map_fn",
        x,
        call=lambda k, a: k.map_fn(lambda row: row * row + 1.0, a),
        expected=rounded(f64(x) ** 2 + 1, "float32"),
        dtype="float32",
    )
    add(
        "map_fn-scalars",
        "map_fn",
        x[:, 0].copy(),
        call=lambda k, a: k.map_fn(lambda v: v * 3.0, a),
        expected=rounded(f64(x[:, 0]) * 3, "float32"),
        dtype="float32",
    )
    ints = q(np.arange(5), "int32")
    add(
        "map_fn-dtype",
        "map_fn",
        ints,
        call=lambda k, a: k.map_fn(lambda i: k.cast(i, "float32") * 0.5, a, dtype="float32"),
        expected=rounded(np.arange(5) * 0.5, "float32"),
        dtype="float32",
    )
    add(
        "map_fn-int32",
        "map_fn",
        ints,
        call=lambda k, a: k.map_fn(lambda i: i * 2, a),
        expected=rounded(np.arange(5) * 2, "int32"),
        dtype="int32",
    )
    add(
        "map_fn-nested-elems",
        "map_fn",
        x,
        y,
        call=lambda k, a, b: k.map_fn(lambda e: k.sum(e[0] * e[1]), (a, b), dtype="float32"),
        expected=rounded((f64(x) * f64(y)).sum(axis=1), "float32"),
        dtype="float32",
        terms=3,
    )
    add(
        "map_fn-empty",
        "map_fn",
        q(np.zeros((0, 3)), "float32"),
        call=lambda k, a: k.map_fn(k.sum, a),
        expected=rounded(np.zeros((0,)), "float32"),
        dtype="float32",
    )
    add_error(
        "map_fn-scalar-elems",
        "map_fn",
        ShapeError,
        q(2.0, "float32"),
        call=lambda k, a: k.map_fn(k.sum, a),
    )


# ----------------------------------------------------------------- foldl and foldr

#: Initializers, closure constants (Python lists, which torch.compile traces): a placeholder of
#: the batch-none inference variant would lose their length, which must match the items'.
_ONES = [1.0, 1.0, 1.0]
_ZEROS = [0.0, 0.0, 0.0]
_COUNTS = [1.0, 2.0, 3.0]


def _folds() -> None:
    x = q(np.arange(12).reshape(4, 3) * 0.5 - 2, "float32")
    y = q(np.linspace(1, 2, 12).reshape(4, 3), "float32")
    v = q([1.5, -0.5, 2.0, 0.25, 1.0], "float32")

    def twice_plus(values: np.ndarray, reverse: bool) -> np.ndarray:
        items = [f64(r) for r in (values[::-1] if reverse else values)]
        acc = items[0]
        for item in items[1:]:
            acc = acc * 2 + item
        return acc

    for name, reverse in (("foldl", False), ("foldr", True)):
        add(
            f"{name}-sum",
            name,
            x,
            call=lambda k, a, name=name: getattr(k, name)(lambda acc, b: acc + b, a),
            expected=rounded(f64(x).sum(axis=0), "float32"),
            dtype="float32",
            terms=4,
        )
        add(
            f"{name}-order",
            name,
            v,
            call=lambda k, a, name=name: getattr(k, name)(lambda acc, b: acc * 2.0 + b, a),
            expected=rounded(twice_plus(v, reverse), "float32"),
            dtype="float32",
            terms=5,
        )
        add(
            f"{name}-initializer",
            name,
            x,
            call=lambda k, a, name=name: getattr(k, name)(
                lambda acc, b: acc * b, a, k.constant(_ONES)
            ),
            expected=rounded(np.prod(f64(x), axis=0), "float32"),
            dtype="float32",
            terms=4,
        )
        add(
            f"{name}-int32",
            name,
            q(np.arange(1, 6), "int32"),
            call=lambda k, a, name=name: getattr(k, name)(lambda acc, b: acc * 10 + b, a),
            expected=rounded(
                12345 if not reverse else 54321,
                "int32",
            ),
            dtype="int32",
        )
        add(
            f"{name}-nested-elems",
            name,
            x,
            y,
            call=lambda k, a, b, name=name: getattr(k, name)(
                lambda acc, e: acc + e[0] * e[1], (a, b), k.constant(_ZEROS)
            ),
            expected=rounded((f64(x) * f64(y)).sum(axis=0), "float32"),
            dtype="float32",
            terms=4,
        )
        add(
            f"{name}-one-item",
            name,
            x[:1].copy(),
            call=lambda k, a, name=name: getattr(k, name)(lambda acc, b: acc + b, a),
            expected=rounded(f64(x[0]), "float32"),
            dtype="float32",
        )
        add(
            f"{name}-empty-initializer",
            name,
            q(np.zeros((0, 3)), "float32"),
            call=lambda k, a, name=name: getattr(k, name)(
                lambda acc, b: acc + b, a, k.constant(_COUNTS)
            ),
            expected=rounded([1.0, 2.0, 3.0], "float32"),
            dtype="float32",
        )
        add_error(
            f"{name}-empty-no-initializer",
            name,
            ShapeError,
            q(np.zeros((0, 3)), "float32"),
            call=lambda k, a, name=name: getattr(k, name)(lambda acc, b: acc + b, a),
        )
        add_error(
            f"{name}-accumulator-changes-dtype",
            name,
            DTypeError,
            q(np.arange(1, 6), "int32"),
            call=lambda k, a, name=name: getattr(k, name)(
                lambda acc, b: k.cast(acc, "float32") + 1.0, a
            ),
            tags=frozenset({"loop-fixed-dtypes"}),
        )
    add(
        "foldr-underflow-order",
        "foldr",
        q([1e-20, 1e-20, 10, 10, 10], "float32"),
        call=lambda k, a: k.foldr(lambda acc, b: acc * b, a),
        expected=rounded(1e-37, "float32"),
        dtype="float32",
        terms=5,
    )


def _loops() -> None:
    _rnn()
    _map_fn()
    _folds()
