"""Shared code for the course "Why CNNs beat plain ANNs on images".

Importing the package, or its modules without Keras (``colab``, ``quiz``, ``arithmetic``,
``data``, ``profile``), does not import TensorFlow. ``setup()``, the first call of every
notebook, imports it quietly, so that TensorFlow's C++ start-up messages never reach a
notebook's stored output; the modules that build models import it the same way.
"""

from importlib.metadata import PackageNotFoundError, version

from course_utils.setup import setup

try:
    __version__ = version("course-utils")
except PackageNotFoundError:  # running from a source tree that was not pip-installed
    __version__ = "0+unknown"

__all__ = ["__version__", "setup"]
