"""Shared test settings: a non-interactive plot backend, and no figures left open."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test made, so memory does not grow over the run."""
    yield
    plt.close("all")
