"""The K front-end, one module per family of the legacy Keras backend API.

Each module declares its K functions once, with the Keras signature and a docstring; most are
``@forward`` declarations, whose generated body asks for the active adapter (one
context-variable read) and calls the method of the same name, or builds a graph node when an
input is symbolic. ``multik.backend`` re-exports them all, so
legacy code keeps its one import (``from multik import backend as K``).
"""

from __future__ import annotations

from multik.api import config as _config
from multik.api import control as _control
from multik.api import conv as _conv
from multik.api import creation as _creation
from multik.api import ctc as _ctc
from multik.api import introspection as _introspection
from multik.api import losses as _losses
from multik.api import math as _math
from multik.api import nn as _nn
from multik.api import random as _random
from multik.api import shape as _shape
from multik.api import state as _state
from multik.api.config import *  # noqa: F403
from multik.api.control import *  # noqa: F403
from multik.api.conv import *  # noqa: F403
from multik.api.creation import *  # noqa: F403
from multik.api.ctc import *  # noqa: F403
from multik.api.introspection import *  # noqa: F403
from multik.api.losses import *  # noqa: F403
from multik.api.math import *  # noqa: F403
from multik.api.nn import *  # noqa: F403
from multik.api.random import *  # noqa: F403
from multik.api.shape import *  # noqa: F403
from multik.api.state import *  # noqa: F403
from multik.symbolic import SymbolicTensor as SymbolicTensor
from multik.variable import Variable as Variable

#: The family modules, in the order of the legacy API's families (A to O).
FAMILIES = (
    _config,
    _creation,
    _introspection,
    _state,
    _math,
    _shape,
    _nn,
    _losses,
    _conv,
    _random,
    _control,
    _ctc,
)

#: Functions answered by multik's configuration rather than by a backend adapter.
CONFIG_FUNCTIONS = (
    "backend",
    "epsilon",
    "set_epsilon",
    "floatx",
    "set_floatx",
    "image_data_format",
    "set_image_data_format",
    "cast_to_floatx",
    "normalize_data_format",
    "image_dim_ordering",
    "set_image_dim_ordering",
    "manual_variable_initialization",
    "name_scope",
    "control_dependencies",
    "symbolic",
    "eager",
    "get_session",
    "set_session",
)

#: Functions answered by multik's graph layer and session state, the same on every backend.
GRAPH_FUNCTIONS = (
    "placeholder",
    "function",
    "gradients",
    "learning_phase",
    "set_learning_phase",
    "learning_phase_scope",
    "in_train_phase",
    "in_test_phase",
    "switch",
    "set_value",
    "batch_get_value",
    "batch_set_value",
    "update",
    "update_add",
    "update_sub",
    "moving_average_update",
    "count_params",
    "is_variable",
    "is_tensor",
    "is_placeholder",
    "is_keras_tensor",
    "get_uid",
    "reset_uids",
    "clear_session",
)

__all__ = sorted(
    {name for family in FAMILIES for name in family.__all__} | {"SymbolicTensor", "Variable"}
)
