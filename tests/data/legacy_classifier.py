"""A Keras 2 era helper module: the loss and metrics of a small softmax classifier, written
against the legacy backend (the sample that tests/test_port.py ports with multik port).

Run as a script it prints its numbers as JSON.
"""

import json

import numpy as np
from keras import backend as K

N_FEATURES, N_CLASSES = 5, 3


def logits(x, w, b):
    return K.dot(x, w) + b


def classifier_loss(x, w, b, y, l2=1e-3):
    """Mean categorical crossentropy of the softmax outputs, plus an L2 penalty on w."""
    probs = K.softmax(logits(x, w, b))
    data_term = K.mean(K.categorical_crossentropy(y, probs))
    return data_term + l2 * K.sum(K.square(w))


def confidence(x, w, b):
    """The mean of the largest class probability of each sample."""
    return K.mean(K.max(K.softmax(logits(x, w, b)), axis=-1))


if __name__ == "__main__":
    rng = np.random.default_rng(7)
    x = K.constant(rng.standard_normal((8, N_FEATURES)))
    w = K.variable(rng.standard_normal((N_FEATURES, N_CLASSES)) * 0.5, name="w")
    b = K.variable(np.zeros(N_CLASSES), name="b")
    y = K.constant(np.eye(N_CLASSES)[rng.integers(0, N_CLASSES, 8)])
    loss = classifier_loss(x, w, b, y)
    print(
        json.dumps(
            {
                "loss": K.eval(loss).tolist(),
                "loss_dtype": K.dtype(loss),
                "confidence": K.eval(confidence(x, w, b)).tolist(),
                "probs": K.eval(K.softmax(logits(x, w, b))).tolist(),
            }
        )
    )
