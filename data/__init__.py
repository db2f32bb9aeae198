"""The course's shipped datasets, installed as the package ``course_utils.datasets`` (see pyproject.toml).

``course_utils.data`` finds the ``.npz`` files here with ``importlib.resources``; README.md
in this folder gives their provenance, license and checksums.
"""
