"""Plots the notebooks share, in one course style. Each function returns its Figure and never calls ``plt.show()``.

Introduced in notebook 01 (``from course_utils import plots``). The modules, by job:

- ``style``: the course style (150 dpi, text of at least 11 pt, colour-blind-safe colours,
  figures at most 7.2 inches wide); ``apply_course_style()`` is what ``setup()`` calls.
- ``model_styles``: one colour and marker per model across the course (``MODEL_STYLES``),
  line styles and hatching for conditions (``CONDITION_STYLES``).
- ``charts``: curves, grouped bars, dot plots, training curves, activation functions, a
  scatter of models.
- ``images``: image grids, arrays with their numbers, matrices, the confusion matrix, a
  pixel and its neighbours in the flattened image.
- ``convolution_figures``: sliding windows, input-kernel-output, feature maps to scale.
- ``explorer``: the interactive convolution explorer of notebook 05.
"""

from course_utils.plots.charts import (
    plot_curves,
    plot_dots,
    plot_functions_with_derivatives,
    plot_grouped_bars,
    plot_model_timeline,
    plot_training_curves,
)
from course_utils.plots.convolution_figures import (
    plot_convolution,
    plot_feature_maps,
    plot_receptive_fields,
    plot_sliding_windows,
    plot_window_settings,
)
from course_utils.plots.explorer import ConvolutionExplorer, convolution_explorer
from course_utils.plots.images import (
    color_scale,
    confusion_matrix,
    plot_arrays,
    plot_confusion_matrix,
    plot_image_grid,
    plot_matrix,
    plot_pixel_neighbours,
)
from course_utils.plots.model_styles import CONDITION_STYLES, MODEL_STYLES, condition_style, model_style
from course_utils.plots.style import COLOR_CYCLE, FIGURE_DPI, MIN_FONT_SIZE, MISTAKE_COLOR, apply_course_style

__all__ = [
    "COLOR_CYCLE",
    "CONDITION_STYLES",
    "FIGURE_DPI",
    "MIN_FONT_SIZE",
    "MISTAKE_COLOR",
    "MODEL_STYLES",
    "ConvolutionExplorer",
    "apply_course_style",
    "color_scale",
    "condition_style",
    "confusion_matrix",
    "convolution_explorer",
    "model_style",
    "plot_arrays",
    "plot_confusion_matrix",
    "plot_convolution",
    "plot_curves",
    "plot_dots",
    "plot_feature_maps",
    "plot_functions_with_derivatives",
    "plot_grouped_bars",
    "plot_image_grid",
    "plot_matrix",
    "plot_model_timeline",
    "plot_pixel_neighbours",
    "plot_receptive_fields",
    "plot_sliding_windows",
    "plot_training_curves",
    "plot_window_settings",
]
