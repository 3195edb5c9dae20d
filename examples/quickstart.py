"""Legacy Keras backend code, unchanged but for the import, on whichever backend is active."""

from multik import backend as K

x = K.variable([[1, 2], [3, 4]], name="x")
print(K.backend(), K.dtype(x), K.eval(K.batch_dot(x, x, axes=1)).tolist())
print(K.eval(K.softmax(K.constant([[1.0, 2.0, 3.0]]))).round(4))
