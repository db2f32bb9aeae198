"""One call at the top of every notebook: quiet backend, seeds, determinism, plot style, status line.

Introduced in notebook 01. Importing this module does not import Keras or its backend:
``setup()`` does, through ``course_utils.backend`` (TensorFlow quietly, so its C++ start-up
lines never reach a notebook), and tools that only need the light modules of ``course_utils``
start fast.
"""

from __future__ import annotations

import platform

from course_utils.data import resolve_source
from course_utils.profile import current_profile


def setup(seed: int = 0) -> None:
    """Prepare a notebook: quiet backend, seeds, deterministic ops, plot defaults; print one status line.

    Quiet means: no C++ start-up lines (``course_utils._quiet``) and no retracing hints
    (``course_utils.backend.WithoutRetracingHints``); every other warning still shows.

    Call it at the top of every notebook, before anything imports Keras (introduced in
    notebook 01). Keras runs on the backend ``$KERAS_BACKEND`` names: TensorFlow when unset,
    or JAX or PyTorch (README, "Keras backends"). The same seed gives the same weights, data
    order and results on the same machine and backend, so stored outputs can be reproduced.
    The status line names the versions, the backend, the device (with the GPU's name), the
    profile (see ``course_utils.profile``), the data source and the seed, e.g. (versions elided)::

        Python … | Keras … | backend: TensorFlow … | course_utils … | device: CPU | profile: fast
        | data: subset | seed: 0   (one line)
    """
    from course_utils import __version__

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    from course_utils.backend import describe_device, drop_retracing_hints, seed_everything, versions
    from course_utils.plots.style import apply_course_style  # course_utils.plots imports Keras: after the backend

    seed_everything(seed)
    drop_retracing_hints()
    apply_course_style()
    print(
        f"Python {platform.python_version()} | {versions()} | course_utils {__version__} "
        f"| device: {describe_device()} | profile: {current_profile()} | data: {resolve_source()} | seed: {seed}"
    )
