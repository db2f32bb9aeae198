"""The convolution explorer of notebook 05: kernel, stride and padding controls over a live figure.

Students pick a kernel, a stride and a padding and see the input, the kernel and the
feature map redrawn below the controls. Where no widget is drawn (a saved notebook, a
notebook viewer, the automated runs, a browser reload once the widget is gone) it shows a
picture of its current settings and one line of text instead (``course_utils.interactive``).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from course_utils.arithmetic import check_positive_int
from course_utils.convolution import KERNELS
from course_utils.interactive import WidgetView, ipywidgets_available
from course_utils.plots.convolution_figures import plot_convolution
from course_utils.plots.style import FIGURE_DPI


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, saved as Jupyter's inline backend saves it (150 dpi, tight box)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    return buffer.getvalue()


def _check_explorer_settings(kernels: Mapping[str, np.ndarray], kernel: str, stride: int, padding: str) -> None:
    if not kernels:
        raise ValueError("kernels is empty: give at least one named kernel")
    if kernel not in kernels:
        raise ValueError(f"kernel must be one of {sorted(kernels)}, got {kernel!r}")
    check_positive_int("stride", stride)
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same' in the explorer, got {padding!r}")


class ConvolutionExplorer(WidgetView):
    """Controls for kernel, stride and padding above a live ``plot_convolution`` picture.

    Made by ``convolution_explorer`` (notebook 05). In a notebook it displays as an
    ipywidgets box whose picture is redrawn below the controls when one moves; the picture
    is shown at its own size (150 dpi), never stretched. Where no widget is drawn it
    displays as the picture of its current settings and one stable line of text.
    """

    def __init__(self, image: np.ndarray, kernels: Mapping[str, np.ndarray], kernel: str, stride: int, padding: str):
        import ipywidgets as widgets

        _check_explorer_settings(kernels, kernel, stride, padding)
        self._image, self._kernels = np.asarray(image), kernels
        self.kernel = widgets.Dropdown(options=list(kernels), value=kernel, description="kernel")
        self.stride = widgets.IntSlider(value=stride, min=1, max=max(4, stride), description="stride")
        self.padding = widgets.ToggleButtons(options=["valid", "same"], value=padding, description="padding")
        self.caption = widgets.Label()
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        for control in (self.kernel, self.stride, self.padding):
            control.observe(self._redraw, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.kernel, self.stride]), self.padding, self.caption, self.picture])
        self._redraw()

    def _redraw(self, change: object = None) -> None:
        kernel = self._kernels[self.kernel.value]
        fig = plot_convolution(self._image, kernel, self.stride.value, self.padding.value, self.kernel.value)
        png = figure_png(fig)
        plt.close(fig)
        self.picture.value = png
        self.picture.layout.width = f"{Image.open(io.BytesIO(png)).width}px"  # its own size: not stretched
        self.caption.value = self._describe()

    def _describe(self) -> str:
        return f"kernel {self.kernel.value!r}, stride {self.stride.value}, padding {self.padding.value!r}"

    def __repr__(self) -> str:
        return (
            f"Convolution explorer ({self._describe()}). "
            "Run the notebook in Jupyter or Colab to move its controls; the picture shows these settings."
        )

    def static_bundle(self) -> dict[str, str]:
        """The picture of the current settings and the line of text, for front ends without widgets."""
        return {"image/png": base64.b64encode(bytes(self.picture.value)).decode("ascii"), "text/plain": repr(self)}


def convolution_explorer(
    image: np.ndarray,
    kernels: Mapping[str, np.ndarray] | None = None,
    kernel: str = "sobel_x",
    stride: int = 1,
    padding: str = "valid",
) -> ConvolutionExplorer | Figure:
    """Try kernels, strides and paddings on ``image`` with a menu and sliders (notebook 05).

    Returns a ``ConvolutionExplorer`` when ``ipywidgets`` can be imported (install the
    course's dev extra); otherwise the static ``plot_convolution`` figure for the starting
    settings, so the notebook still shows something useful. ``kernels`` defaults to
    ``course_utils.convolution.KERNELS``.
    """
    kernels = KERNELS if kernels is None else kernels
    _check_explorer_settings(kernels, kernel, stride, padding)
    if not ipywidgets_available():
        return plot_convolution(image, kernels[kernel], stride, padding, kernel)
    return ConvolutionExplorer(image, kernels, kernel, stride, padding)
