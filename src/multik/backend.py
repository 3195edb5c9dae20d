"""The K front-end: the legacy Keras backend API, forwarded to the active backend's adapter.

``from multik import backend as K`` replaces ``from keras import backend as K``. Each function
is declared once, with its Keras signature and docstring, in the ``multik.api`` module of its
family; this module re-exports them all. Inputs may be the active backend's tensors, multik
Variables, NumPy arrays, or Python numbers and lists; results are the active backend's tensors
(``eval``/``get_value`` give NumPy arrays).
"""

from multik.api import *  # noqa: F403
from multik.api import CONFIG_FUNCTIONS as CONFIG_FUNCTIONS
from multik.api import GRAPH_FUNCTIONS as GRAPH_FUNCTIONS
from multik.api import __all__ as __all__
