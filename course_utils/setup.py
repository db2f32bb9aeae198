"""One call at the top of every notebook: seeds, determinism, quiet logs, plot style, profile.

Introduced in notebook 01; the profiles ("fast" on a CPU and in CI, "full" on a GPU such as
Colab's) came with issue 6.
"""

from __future__ import annotations

import os
import platform
import random

import keras
import matplotlib as mpl
import numpy as np
import tensorflow as tf

from course_utils.data import resolve_source

VALID_PROFILES = ("fast", "full")
PROFILE_VARIABLE = "COURSE_PROFILE"

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


def current_profile() -> str:
    """Return the run profile: ``$COURSE_PROFILE`` if set, else "full" on a GPU and "fast" otherwise.

    "fast" is the CPU/CI profile: the shipped 5,000-digit subset and short training, so every
    notebook runs in under a minute on a laptop. "full" is the GPU/Colab profile: all 70,000
    MNIST digits (when they can be downloaded) and the lecture's epochs, so a student on Colab
    sees the lecture's accuracies. The profile sets the default data source (see
    ``course_utils.data.resolve_source``); ``COURSE_DATA`` still overrides it. Introduced in
    notebook 01 with issue 6; ``setup()`` prints it.
    """
    chosen = os.environ.get(PROFILE_VARIABLE, "").strip().lower()
    if not chosen:
        return "full" if tf.config.list_physical_devices("GPU") else "fast"
    if chosen not in VALID_PROFILES:
        raise ValueError(
            f"unknown ${PROFILE_VARIABLE} {chosen!r}; valid profiles are {', '.join(VALID_PROFILES)} "
            "(or leave it unset: full on a GPU, fast otherwise)"
        )
    return chosen


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and Keras/TensorFlow, and make TensorFlow's ops deterministic."""
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (students may call the legacy np.random.* functions)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def setup(seed: int = 0) -> None:
    """Prepare a notebook: seeds, deterministic ops, plot defaults; print one status line.

    Call it at the top of every notebook (introduced in notebook 01). The same seed gives the
    same weights, data order and results on the same machine, so stored outputs can be
    reproduced. The status line names the versions, the device (with the GPU's name), the
    profile, the data source and the seed, e.g. (versions elided)::

        Python … | TensorFlow … | Keras … | course_utils … | device: CPU | profile: fast | data: subset | seed: 0
    """
    from course_utils import __version__

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed_everything(seed)
    mpl.rcParams.update(PLOT_STYLE)
    print(
        f"Python {platform.python_version()} | TensorFlow {tf.__version__} | Keras {keras.__version__} "
        f"| course_utils {__version__} | device: {describe_device()} | profile: {current_profile()} "
        f"| data: {resolve_source()} | seed: {seed}"
    )
