"""Feature extraction with a tiny fixed MLP, written in the legacy Keras backend style.

Builds a graph on a ``K.placeholder``, flattens it with ``K.reshape(x, (K.shape(x)[0], -1))``,
and runs a ``K.function`` that returns the hidden features and class probabilities, feeding
``K.learning_phase()`` as 0 (test) and 1 (train: the hidden features are halved). The output is
the same on every backend. Run it with::

    KERAS_BACKEND=jax python examples/feature_extraction.py
"""

import numpy as np

from multik import backend as K

N_FEATURES, N_HIDDEN, N_CLASSES = 6, 4, 3


def fmt(x: np.ndarray) -> str:
    """``x`` rounded to 4 decimals, with no negative zeros."""
    return np.array2string(np.round(x, 4) + 0.0, precision=4, floatmode="fixed")


rng = np.random.default_rng(0)
w1 = K.variable(rng.normal(size=(N_FEATURES, N_HIDDEN)).astype("float32"), name="w1")
b1 = K.variable(rng.normal(size=N_HIDDEN).astype("float32"), name="b1")
w2 = K.variable(rng.normal(size=(N_HIDDEN, N_CLASSES)).astype("float32"), name="w2")
b2 = K.variable(np.zeros(N_CLASSES, dtype="float32"), name="b2")

images = K.placeholder(shape=(None, 2, 3), name="images")
flat = K.reshape(images, (K.shape(images)[0], -1))
hidden = K.relu(K.dot(flat, w1) + b1)
hidden = K.in_train_phase(hidden * 0.5, hidden)
probs = K.softmax(K.dot(hidden, w2) + b2)
extract = K.function([images, K.learning_phase()], [hidden, probs])

print("input shape:", K.int_shape(images))
print("hidden shape:", K.int_shape(hidden))
print("probs shape:", K.int_shape(probs))

batch = np.linspace(-1.0, 1.0, 3 * 2 * 3, dtype="float32").reshape(3, 2, 3)
for phase, label in [(0, "test"), (1, "train")]:
    features, probabilities = extract([batch, phase])
    print(f"{label} phase: hidden {features.shape}")
    print(fmt(features))
    print(f"{label} phase: probabilities {probabilities.shape}")
    print(fmt(probabilities))
