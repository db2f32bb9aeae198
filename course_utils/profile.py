"""The run profile: "fast" on a CPU and in CI, "full" on a GPU such as Colab's.

Introduced in notebook 01, where ``setup()`` prints the profile in its status line. The profile
changes one thing: which data the notebooks load when neither the call nor ``$COURSE_DATA``
names a source (``default_source``). Epochs, batch sizes and every other setting are written
in the notebooks and are the same under both profiles.

Both ``course_utils.setup`` and ``course_utils.data`` use this module; it imports neither.
"""

from __future__ import annotations

import os

VALID_PROFILES = ("fast", "full")
PROFILE_VARIABLE = "COURSE_PROFILE"
# The data source each profile loads by default (see course_utils.data.load_dataset): the
# CPU/CI profile stays on the shipped subset, the GPU profile takes the full dataset when it can.
PROFILE_SOURCES = {"fast": "subset", "full": "auto"}


def gpu_available() -> bool:
    """Whether Keras's backend sees a GPU. Imports the backend (TensorFlow quietly) on the first call."""
    from course_utils.backend import gpu_available as backend_sees_a_gpu

    return backend_sees_a_gpu()


def current_profile() -> str:
    """Return the run profile: ``$COURSE_PROFILE`` if set, else "full" on a GPU and "fast" otherwise.

    "fast" (a laptop CPU, CI) loads the shipped 5,000-image subsets, so every notebook runs in
    under a minute. "full" (a GPU, e.g. Colab) loads the full datasets (all 70,000 images) when
    Keras has them cached or can download them, and the subset otherwise. That is the only
    difference: the notebooks train for the same epochs under both profiles, so "full" trains
    on more data per epoch and takes longer. ``$COURSE_DATA`` overrides the profile's data
    source. Introduced in notebook 01; ``setup()`` prints the profile.
    """
    chosen = os.environ.get(PROFILE_VARIABLE, "").strip().lower()
    if not chosen:
        return "full" if gpu_available() else "fast"
    if chosen not in VALID_PROFILES:
        raise ValueError(
            f"unknown ${PROFILE_VARIABLE} {chosen!r}; valid profiles are {', '.join(VALID_PROFILES)} "
            "(or leave it unset: full on a GPU, fast otherwise)"
        )
    return chosen


def default_source() -> str:
    """The data source of the current profile: "subset" under "fast", "auto" under "full"."""
    return PROFILE_SOURCES[current_profile()]
