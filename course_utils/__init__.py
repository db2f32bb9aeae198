"""Shared code for the course "Why CNNs beat plain ANNs on images".

Importing this package first sets TensorFlow's log variables, so that TensorFlow's
C++ start-up messages never reach a notebook's stored output.
"""

from importlib.metadata import PackageNotFoundError, version

from course_utils._quiet import import_tensorflow_quietly

import_tensorflow_quietly()

from course_utils.setup import setup  # noqa: E402  (TensorFlow must be imported quietly first)

try:
    __version__ = version("course-utils")
except PackageNotFoundError:  # running from a source tree that was not pip-installed
    __version__ = "0+unknown"

__all__ = ["__version__", "setup"]
