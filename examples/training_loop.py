"""A training loop written with placeholders, ``K.gradients`` and ``K.function(updates=...)``.

Trains a one-hidden-layer classifier on three fixed Gaussian blobs with momentum SGD, the legacy
Keras way: the updates are ``(variable, new_value)`` pairs that ``K.function`` applies after each
run. It prints the same on every backend; the numpy backend differentiates with the optional
autograd package (``pip install "multik[autodiff]"``), and without it the program stops after the
forward pass (the loss and accuracy of the initial weights). Run it with::

    KERAS_BACKEND=jax python examples/training_loop.py
"""

import numpy as np

from multik import backend as K
from multik.errors import UnsupportedError

N_FEATURES, N_HIDDEN, N_CLASSES, PER_CLASS = 2, 8, 3, 30
LEARNING_RATE, MOMENTUM, STEPS, EVERY = 0.1, 0.9, 100, 20


def blobs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``PER_CLASS`` points around each of three centres, and their class labels."""
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    points = np.concatenate([c + rng.normal(size=(PER_CLASS, N_FEATURES)) for c in centres])
    labels = np.repeat(np.arange(N_CLASSES), PER_CLASS)
    return points.astype("float32"), labels.astype("int32")


def momentum_updates(
    loss: object, params: list[object], lr: float, momentum: float
) -> list[tuple[object, object]]:
    """Momentum SGD as ``(variable, new_value)`` pairs, with a velocity Variable per parameter."""
    updates = []
    for param, grad in zip(params, K.gradients(loss, params)):
        velocity = K.zeros(K.int_shape(param))
        new_velocity = momentum * velocity - lr * grad
        updates += [(velocity, new_velocity), (param, param + new_velocity)]
    return updates


rng = np.random.default_rng(0)
x_data, y_data = blobs(rng)
w1 = K.variable(rng.normal(scale=0.5, size=(N_FEATURES, N_HIDDEN)).astype("float32"))
b1 = K.zeros((N_HIDDEN,))
w2 = K.variable(rng.normal(scale=0.5, size=(N_HIDDEN, N_CLASSES)).astype("float32"))
b2 = K.zeros((N_CLASSES,))
params = [w1, b1, w2, b2]

inputs = K.placeholder(shape=(None, N_FEATURES), name="inputs")
labels = K.placeholder(shape=(None,), dtype="int32", name="labels")
logits = K.dot(K.tanh(K.dot(inputs, w1) + b1), w2) + b2
loss = K.mean(K.categorical_crossentropy(K.one_hot(labels, N_CLASSES), logits, from_logits=True))
evaluate = K.function([inputs, labels], [loss, K.softmax(logits)])


def report(title: str) -> None:
    """Print the loss and accuracy of the current weights on the whole data set."""
    value, probs = evaluate([x_data, y_data])
    accuracy = np.mean(np.argmax(probs, axis=1) == y_data)
    print(f"{title}: loss {value:.4f}, accuracy {accuracy:.4f}")


print(f"data: {x_data.shape[0]} samples, {N_FEATURES} features, {N_CLASSES} classes")
print(f"parameters: {sum(K.count_params(p) for p in params)}")
report("initial")
try:
    updates = momentum_updates(loss, params, LEARNING_RATE, MOMENTUM)
except UnsupportedError as error:  # the numpy backend without the autograd package
    print(f"no training without K.gradients: {error}")
else:
    train = K.function([inputs, labels], [loss], updates=updates)
    for step in range(1, STEPS + 1):
        (value,) = train([x_data, y_data])
        if step % EVERY == 0:
            print(f"step {step:3d}: loss {value:.4f}")
    report("final")
