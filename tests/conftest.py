"""Shared test settings: a non-interactive plot backend, and no figures left open."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest


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
