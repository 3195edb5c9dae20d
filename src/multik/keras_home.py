"""Where the Keras config file is: the one file multik, Keras 2 and Keras 3 all read."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["config_path"]


def config_path() -> Path:
    """The config file multik reads: ``$KERAS_HOME/keras.json``, else ``~/.keras/keras.json``."""
    home = os.environ.get("KERAS_HOME", "").strip()
    if home:
        return Path(home).expanduser() / "keras.json"
    return Path(os.path.expanduser("~")) / ".keras" / "keras.json"
