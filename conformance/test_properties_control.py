"""Property-based conformance of the loops (family N): Hypothesis draws shapes, values, masks and
directions for K.foldl, K.foldr, K.map_fn and K.rnn, checked on every backend against float64
NumPy loops written here (the helpers and the Hypothesis profile come from test_properties)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from test_properties import PROFILE, arrays, backends, check, f64, run, shapes

from multik import backend as K


def _floats(data: st.DataObject, shape: tuple[int, ...], lo: float = -2.0, hi: float = 2.0):
    return data.draw(arrays("float32", shape, lo, hi))


@backends
@PROFILE
@given(data=st.data())
def test_folds_match_a_python_loop(backend, data):
    rest = data.draw(shapes(max_dims=2))
    steps = data.draw(st.integers(1, 6))
    x = _floats(data, (steps, *rest))
    decay = data.draw(st.sampled_from([0.5, 1.0, -0.75]))
    reverse = data.draw(st.booleans())
    items = [f64(r) for r in (x[::-1] if reverse else x)]
    acc = items[0]
    for item in items[1:]:
        acc = acc * decay + item
    scale = sum(np.abs(item) for item in items)
    fold = K.foldr if reverse else K.foldl
    check(run(backend, fold, lambda a, b: a * decay + b, x), acc, "float32", steps, scale)


@backends
@PROFILE
@given(data=st.data())
def test_map_fn_applies_fn_to_each_item(backend, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    x = _floats(data, shape)
    expected = f64(x) * 2 + 1
    check(run(backend, K.map_fn, lambda r: r * 2.0 + 1.0, x), expected, "float32", 2)


@backends
@PROFILE
@given(data=st.data())
def test_rnn_masks_carry_outputs_and_states(backend, data):
    batch, steps, features = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 5)), 2
    x = _floats(data, (batch, steps, features))
    h0 = _floats(data, (batch, features))
    mask = data.draw(arrays("bool", (batch, steps)))
    go_backwards = data.draw(st.booleans())
    zero_output = data.draw(st.booleans())

    def step(x_t, states):
        return x_t * 2.0, [states[0] + x_t]

    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    output, state, outputs = np.zeros((batch, features)), f64(h0), []
    for t in order:
        keep = mask[:, t, None]
        output = np.where(keep, f64(x[:, t]) * 2, 0 if zero_output else output)
        state = np.where(keep, state + f64(x[:, t]), state)
        outputs.append(output)

    def call(part):
        result = K.rnn(
            step,
            x,
            [h0],
            mask=mask,
            go_backwards=go_backwards,
            zero_output_for_mask=zero_output,
        )
        return result[part] if part < 2 else result[2][0]

    check(run(backend, call, 0), output, "float32")
    check(run(backend, call, 1), np.stack(outputs, axis=1), "float32")
    scale = np.abs(f64(h0)) + np.abs(f64(x)).sum(axis=1)
    check(run(backend, call, 2), state, "float32", steps + 1, scale)
