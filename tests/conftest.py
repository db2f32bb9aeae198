"""Shared test settings: a non-interactive plot backend, and no figures left open."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from tool_loader import load_tool

NOTEBOOKS = load_tool("notebook_files").course_notebooks()  # the lessons, then their companions in extras/


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test made, so memory does not grow over the run."""
    yield
    plt.close("all")


@pytest.fixture
def seed_004_image():
    """The 6x6 binary image of lecture seed 004, used by notebooks 05 and 06."""
    return np.array(
        [
            [1, 0, 0, 0, 0, 1],
            [0, 1, 0, 0, 1, 0],
            [0, 0, 1, 1, 0, 0],
            [1, 0, 0, 0, 1, 0],
            [0, 1, 0, 0, 1, 0],
            [0, 0, 1, 0, 1, 0],
        ]
    )


@pytest.fixture(params=NOTEBOOKS, ids=lambda path: path.name)
def notebook_path(request):
    """Each course notebook in turn: the tests that take it run once per notebook."""
    return request.param


@pytest.fixture
def notebook(notebook_path):
    """The stored notebook at ``notebook_path``, as nbformat reads it."""
    return nbformat.read(notebook_path, as_version=4)
