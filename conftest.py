"""Repository-wide pytest settings, loaded before any test or notebook is collected.

The notebooks' stored outputs were made with the "fast" profile on the shipped MNIST
subset, so the test run uses them too unless the caller chose otherwise with
``COURSE_PROFILE`` or ``COURSE_DATA``. Kernels started by nbval inherit this environment.
"""

import os

os.environ.setdefault("COURSE_PROFILE", "fast")
os.environ.setdefault("COURSE_DATA", "subset")
