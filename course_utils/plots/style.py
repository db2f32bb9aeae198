"""The course's figure style: readable on a projector and by colour-blind students.

Introduced in notebook 01: ``course_utils.setup()`` applies it to every figure of a
notebook, and each plotting function of ``course_utils.plots`` draws inside it too, so
their figures look the same whether or not ``setup()`` ran.

Why these values:

- **150 dpi.** Jupyter's inline backend (matplotlib-inline) stores a figure as a PNG saved
  with ``dpi=fig.dpi`` and ``bbox_inches="tight"``. The tight box trims whitespace in
  inches and keeps the dpi, so every inch of a stored figure is 150 pixels. ``figure.dpi``
  is what counts there; ``savefig.dpi`` is set as well, for explicit ``fig.savefig`` calls.
- **Text of at least 11 pt** (``MIN_FONT_SIZE``), titles 13 pt: 23 pixels or more at 150 dpi.
- **At most 7.2 inches wide** (``MAX_FIGURE_WIDTH``, 1,080 pixels). On a 1280x720
  projector JupyterLab and Colab leave about 1,100 pixels for a cell's output; a wider
  image is scaled down, and its text shrinks with it. At least ``MIN_FIGURE_WIDTH`` (4.4
  inches, 660 pixels), so that no figure is a thumbnail. The default size, 6.4 x 3.6
  inches, is 960 x 540 pixels: 16:9, like the projector.
- **Colour-blind-safe colours:** the Okabe-Ito palette for the colour cycle, and Paul Tol's
  "muted" palette for the models that need more colours (``model_styles``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

FIGURE_DPI = 150
MIN_FONT_SIZE = 11
TITLE_FONT_SIZE = 13
MIN_FIGURE_WIDTH, MAX_FIGURE_WIDTH = 4.4, 7.2
DEFAULT_FIGURE_SIZE = (6.4, 3.6)

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
"""Okabe and Ito's eight colours, distinguishable with every common form of colour-blindness."""

TOL_MUTED = {
    "indigo": "#332288",
    "cyan": "#88CCEE",
    "teal": "#44AA99",
    "green": "#117733",
    "olive": "#999933",
    "sand": "#DDCC77",
    "rose": "#CC6677",
    "wine": "#882255",
    "purple": "#AA4499",
}
"""Paul Tol's "muted" scheme: nine colours, distinguishable for colour-blind readers."""

COLOR_CYCLE = ["black", "0.55"]
"""The default line colours: black and grey. Colour belongs to the course's models
(``model_styles.MODEL_STYLES``), so a line that is not a model (a function and its
derivative, pooling settings, plain or skip connections) is drawn in black or grey and told
apart by its marker and line style."""

FRAME_GREY = "0.7"
"""Light grey for lines that guide the eye between a chart's points without being data."""

NEUTRAL_COLOR = "0.35"
"""Dark grey for what is not a model: legend keys of conditions, reference lines, frames."""

MISTAKE_COLOR = "0.55"
"""The frame of a wrong prediction in an image grid (notebook 01): mid-grey, which stands out
against both the white page and a black image; every colour of the palette belongs to a model."""

MISTAKE_MARK = "\u2717"
""""✗", written before the title of a wrong prediction, so a mistake is found without colour."""

COURSE_RC: dict[str, Any] = {
    "figure.figsize": DEFAULT_FIGURE_SIZE,
    "figure.dpi": FIGURE_DPI,
    "savefig.dpi": FIGURE_DPI,
    "figure.facecolor": "white",  # readable in a dark-themed JupyterLab too
    "font.size": MIN_FONT_SIZE,
    "axes.titlesize": TITLE_FONT_SIZE,
    "axes.labelsize": MIN_FONT_SIZE,
    "xtick.labelsize": MIN_FONT_SIZE,
    "ytick.labelsize": MIN_FONT_SIZE,
    "legend.fontsize": MIN_FONT_SIZE,
    "legend.title_fontsize": MIN_FONT_SIZE,
    "figure.titlesize": TITLE_FONT_SIZE + 1,
    "axes.prop_cycle": cycler(color=COLOR_CYCLE),
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "0.85",
    "grid.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 7.0,
    "hatch.linewidth": 1.5,
    "image.cmap": "gray",
}
"""The rcParams of the course style; ``apply_course_style`` sets them."""


def apply_course_style() -> None:
    """Make the course style the default for every figure drawn from now on.

    ``course_utils.setup()`` calls it at the top of every notebook (introduced in notebook 01).
    """
    mpl.rcParams.update(COURSE_RC)


Plotter = TypeVar("Plotter", bound=Callable[..., Any])


def in_course_style(function: Plotter) -> Plotter:
    """Decorate a plotting function so that it draws inside the course style.

    Every public plotting function of ``course_utils.plots`` is decorated, so its figure has
    the course's dpi, fonts and colours even where ``setup()`` was not called (a script,
    the unit tests).
    """

    @functools.wraps(function)
    def styled(*args: Any, **kwargs: Any) -> Any:
        with mpl.rc_context(COURSE_RC):
            return function(*args, **kwargs)

    return styled  # type: ignore[return-value]


def fitted_size(width: float, height: float, keep_aspect: bool = False) -> tuple[float, float]:
    """``(width, height)`` in inches, fitted between the smallest and the largest figure width.

    A figure that is too wide shrinks as a whole, so that its panels keep their shapes. One
    that is too narrow gets wider: a chart keeps its height, a figure of images
    (``keep_aspect=True``, whose panels cannot grow sideways alone) grows in both directions.
    """
    if width > MAX_FIGURE_WIDTH or (keep_aspect and width < MIN_FIGURE_WIDTH):
        fitted = min(max(width, MIN_FIGURE_WIDTH), MAX_FIGURE_WIDTH)
        return fitted, height * fitted / width
    return max(width, MIN_FIGURE_WIDTH), height


def new_figure(
    width: float, height: float, nrows: int = 1, ncols: int = 1, keep_aspect: bool = False, **subplots: Any
) -> tuple[Figure, Any]:
    """A figure of about ``width`` x ``height`` inches and an (nrows, ncols) array of Axes.

    The size is fitted by ``fitted_size``; the layout is matplotlib's "constrained" layout,
    which leaves room for titles, legends and colour bars.
    """
    size = fitted_size(width, height, keep_aspect)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=size, dpi=FIGURE_DPI, squeeze=False, layout="constrained", **subplots
    )
    return fig, axes


def text_width(text: str, size: float = MIN_FONT_SIZE) -> float:
    """Width in points of ``text`` (its widest line) at font ``size``: to check that a number fits in a cell."""
    font = FontProperties(size=size)
    return max(TextToPath().get_text_width_height_descent(line, font, ismath=False)[0] for line in text.split("\n"))
