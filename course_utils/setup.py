"""One call at the top of every notebook: seeds, determinism, quiet logs, plot style.

Introduced in notebook 01.
"""

from __future__ import annotations

import platform
import random

import keras
import matplotlib as mpl
import numpy as np
import tensorflow as tf

from course_utils.data import resolve_source

PLOT_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": "gray",
    "font.size": 10,
}


def describe_device() -> str:
    """Name the device TensorFlow will train on: the first GPU's name, or "CPU"."""
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    details = tf.config.experimental.get_device_details(gpus[0])
    return f"GPU ({details.get('device_name', gpus[0].name)})"


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and Keras/TensorFlow, and make TensorFlow's ops deterministic."""
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (students may call the legacy np.random.* functions)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def setup(seed: int = 0) -> None:
    """Prepare a notebook: seeds, deterministic ops, plot defaults; print one status line.

    Call it in the first code cell of every notebook (introduced in notebook 01). The same
    seed gives the same weights, data order and results on the same machine, so stored
    outputs can be reproduced.
    """
    from course_utils import __version__

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed_everything(seed)
    mpl.rcParams.update(PLOT_STYLE)
    print(
        f"Python {platform.python_version()} | TensorFlow {tf.__version__} | Keras {keras.__version__} "
        f"| course_utils {__version__} | device: {describe_device()} | data: {resolve_source()} | seed: {seed}"
    )
