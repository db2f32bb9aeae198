"""Figures of convolution and pooling: sliding windows, input-kernel-output, feature maps.

Introduced in notebook 05 (where windows land for a stride and a padding; input, kernel
and feature map side by side), reused in notebook 06 (pooling windows) and notebook 07
(the feature maps of a trained CNN, drawn to scale).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils.arithmetic import conv_output_size
from course_utils.convolution import correlate2d, padding_amounts, window_coverage
from course_utils.plots.images import (
    TITLE_SPACE,
    blank_axes,
    centre_view,
    color_scale,
    format_value,
    hide_axes,
    outline_array,
    plot_arrays,
)
from course_utils.plots.style import (
    MAX_FIGURE_WIDTH,
    MIN_FONT_SIZE,
    NEUTRAL_COLOR,
    OKABE_ITO,
    in_course_style,
    new_figure,
)

WINDOW_COLORS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish green"])
CELL_SIZE = 0.5  # inches per input cell in plot_sliding_windows: room for "49" at 11 pt


def _shown_windows(count: int) -> list[int]:
    """The windows of the first output row worth drawing: the first two (one stride apart) and the last."""
    return sorted({0, 1, count - 1} & set(range(count)))


@in_course_style
def plot_sliding_windows(
    image: np.ndarray, kernel_size: int, stride: int = 1, padding: int | str = "valid", ax: Axes | None = None
) -> Figure:
    """Where a ``kernel_size`` window lands on a small image, for one stride and padding.

    Introduced in notebook 05 and reused for pooling windows in notebook 06. Draws the
    (zero-padded, grey numbers) input with its values; three windows of the first output
    row as coloured squares: the first two, one stride apart, and the last; an open circle
    at the centre of every window, one per output value; and hatches the input pixels that
    no window covers (a stride larger than 1 without enough padding skips them). The title
    reads "3x3 window, stride 2, padding 'valid'" over "6x6 → 2x2".
    """
    image = np.asarray(image)
    if image.ndim != 2 or image.size > 400:
        raise ValueError(f"image must be a small 2D array (at most 400 values), got shape {image.shape}")
    height, width = image.shape
    out_h, out_w = (conv_output_size(side, kernel_size, stride, padding) for side in (height, width))
    (top, bottom), (left, right) = (padding_amounts(side, kernel_size, stride, padding) for side in (height, width))
    coverage = window_coverage((height, width), kernel_size, stride, padding)
    if ax is None:
        size = (CELL_SIZE * (width + left + right) + 0.6, CELL_SIZE * (height + top + bottom) + 1.0)
        fig, axes = new_figure(*size, keep_aspect=True)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    padded = np.pad(image.astype(float), ((top, bottom), (left, right)))
    is_pad = np.pad(np.zeros(image.shape, dtype=bool), ((top, bottom), (left, right)), constant_values=True)
    ax.imshow(np.where(is_pad, 0.5, padded), cmap="Greys", vmin=0, vmax=max(float(padded.max()), 1.0) * 2.5)
    for (row, col), value in np.ndenumerate(padded):
        color = "0.55" if is_pad[row, col] else "black"
        ax.text(col, row, format_value(value), ha="center", va="center", fontsize=MIN_FONT_SIZE, color=color)
    for row, col in zip(*np.nonzero(coverage == 0), strict=True):
        corner = (col + left - 0.5, row + top - 0.5)
        patch = plt.Rectangle(corner, 1, 1, hatch="///", fill=False, edgecolor=NEUTRAL_COLOR, linewidth=0)
        patch.set_gid("uncovered")
        ax.add_patch(patch)
    for rank, j in enumerate(_shown_windows(out_w)):
        inset = 0.06 + 0.08 * rank  # inside the axes, and apart where windows share an edge
        window = plt.Rectangle(
            (j * stride - 0.5 + inset, -0.5 + inset),
            kernel_size - 2 * inset,
            kernel_size - 2 * inset,
            fill=False,
            edgecolor=WINDOW_COLORS[rank],
            linewidth=3,
        )
        window.set_gid("window")
        ax.add_patch(window)
    centres = (np.arange(out_h) * stride + (kernel_size - 1) / 2, np.arange(out_w) * stride + (kernel_size - 1) / 2)
    rows, cols = np.meshgrid(*centres, indexing="ij")
    ax.plot(cols.ravel(), rows.ravel(), "o", markersize=14, fillstyle="none", color=NEUTRAL_COLOR, markeredgewidth=1.5)
    blank_axes(ax)
    window_name = f"{kernel_size}x{kernel_size} window"
    ax.set_title(f"{window_name}, stride {stride}, padding {padding!r}\n{height}x{width} → {out_h}x{out_w}")
    return fig


@in_course_style
def plot_convolution(
    image: np.ndarray,
    kernel: np.ndarray,
    stride: int = 1,
    padding: int | str = "valid",
    kernel_name: str = "kernel",
) -> Figure:
    """Input, kernel and feature map side by side, with their shapes in the titles.

    Introduced in notebook 05; the static view of ``convolution_explorer``. The feature map
    is ``correlate2d(image, kernel, stride, padding)``, what a Keras ``Conv2D`` computes.
    Its values are written in when they fit (see ``plot_arrays``). Each panel has its own
    colour key: a kernel or feature map with negative values is drawn red (positive) and
    blue (negative) around white 0, which the keys make readable without the text.
    """
    image, kernel = np.asarray(image), np.asarray(kernel)
    feature_map = correlate2d(image, kernel, stride, padding)
    titles = [
        f"input {image.shape[0]}x{image.shape[1]}",
        f"{kernel_name} {kernel.shape[0]}x{kernel.shape[1]}",
        f"output {feature_map.shape[0]}x{feature_map.shape[1]}\nstride {stride}, padding {padding!r}",
    ]
    return plot_arrays([image, kernel, feature_map], titles, size=MAX_FIGURE_WIDTH / 3, colorbar=True)


@in_course_style
def plot_feature_maps(
    image: np.ndarray, stages: Mapping[str, np.ndarray], channels: int = 8, cmap: str = "viridis"
) -> Figure:
    """The input and the first ``channels`` maps of each stage of a CNN, drawn to scale.

    Introduced in notebook 07. ``stages`` maps a layer's name to its output for one image,
    shaped (height, width, channels), e.g. ``{"conv_1": ..., "pool_1": ...}``. Every map is
    drawn with the same pixel size, so a 5x5 map looks five times smaller than a 26x26 one:
    the shrinking the pipeline does is seen, not only read in the titles. The maps of one
    stage share one colour scale (``color_scale``), so their brightness can be compared.
    """
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(f"image must be (height, width) or (height, width, 1), got shape {image.shape}")
    if not stages:
        raise ValueError("stages is empty: give at least one layer's output")
    for name, maps in stages.items():
        if np.ndim(maps) != 3:
            raise ValueError(f"stages[{name!r}] must be (height, width, channels) for one image, got {np.shape(maps)}")
    rows = [("input", image[..., None]), *((name, np.asarray(maps)) for name, maps in stages.items())]
    sides = [maps.shape[0] for _, maps in rows]
    widest = max(maps.shape[1] for _, maps in rows)
    columns = max(min(channels, maps.shape[2]) for _, maps in rows)
    width = MAX_FIGURE_WIDTH
    height = width / columns * sum(sides) / widest + TITLE_SPACE * len(rows)
    fig, axes = new_figure(width, height, len(rows), columns, gridspec_kw={"height_ratios": sides})
    for row_axes, (name, maps) in zip(axes, rows, strict=True):
        shown = [maps[..., channel] for channel in range(min(channels, maps.shape[2]))]
        scale = color_scale(shown, cmap=None if name == "input" else cmap)
        for ax in row_axes[len(shown) :]:
            hide_axes(ax)
        for ax, feature_map in zip(row_axes, shown, strict=False):
            blank_axes(ax)
            ax.imshow(feature_map, cmap=scale.cmap, vmin=scale.vmin, vmax=scale.vmax)
            outline_array(ax, *feature_map.shape)
            centre_view(ax, feature_map, feature_map.shape[0], widest)
        shape = "x".join(str(side) for side in maps.shape[:2]) + ("" if name == "input" else f"x{maps.shape[2]}")
        row_axes[0].set_title(f"{name}: {shape}", fontsize=MIN_FONT_SIZE, loc="left")
    return fig
