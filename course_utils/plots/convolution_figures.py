"""Figures of convolution and pooling: sliding windows, input-kernel-output, feature maps.

Introduced in notebook 05 (where windows land for a stride and a padding; input, kernel
and feature map side by side), reused in notebook 06 (pooling windows) and notebook 07
(the feature maps of a trained CNN, drawn to scale).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from course_utils.arithmetic import conv_output_size
from course_utils.convolution import correlate2d, padding_amounts, window_coverage
from course_utils.plots.images import (
    TITLE_SPACE,
    blank_axes,
    centre_view,
    color_scale,
    hide_axes,
    outline_array,
    plot_arrays,
)
from course_utils.plots.style import (
    MAX_FIGURE_WIDTH,
    MIN_FONT_SIZE,
    NEUTRAL_COLOR,
    TOL_MUTED,
    in_course_style,
    new_figure,
)

WINDOW_LOOKS = (
    ("first window", "black", "-"),
    ("the next, one stride on", TOL_MUTED["purple"], "--"),
    ("the last of the row", TOL_MUTED["green"], ":"),
)
"""Name, colour and line style of the three windows drawn; no model of the course has these colours."""
PADDING_SHADE, INK_SHADE = "0.88", 0.45  # padding cells light grey; the image's largest value mid grey
PANEL_SIDE = 1.9  # inches per panel of plot_window_settings: four 8-cell panels across 7.2 inches
LEGEND_WIDTH = 3.0  # inches for plot_window_settings' legend beside one or two panels


def _shown_windows(count: int) -> list[int]:
    """The windows of the first output row worth drawing: the first two (one stride apart) and the last."""
    return sorted({0, 1, count - 1} & set(range(count)))


def _window_patches(ax: Axes, kernel_size: int, stride: int, out_w: int) -> None:
    for rank, j in enumerate(_shown_windows(out_w)):
        _, color, linestyle = WINDOW_LOOKS[rank]
        inset = 0.08 + 0.1 * rank  # apart where windows share an edge
        window = plt.Rectangle(
            (j * stride - 0.5 + inset, -0.5 + inset),
            kernel_size - 2 * inset,
            kernel_size - 2 * inset,
            fill=False,
            edgecolor=color,
            linestyle=linestyle,
            linewidth=2.5,
        )
        window.set_gid("window")
        ax.add_patch(window)


@in_course_style
def plot_sliding_windows(
    image: np.ndarray, kernel_size: int, stride: int = 1, padding: int | str = "valid", ax: Axes | None = None
) -> Figure:
    """Where a ``kernel_size`` window lands on a small image, for one stride and padding.

    Introduced in notebook 05 and reused for pooling windows in notebook 06. Draws the
    image in greys (its values as shades, framed in black) inside its zero padding (light
    grey cells); three windows of the first output row (the first, the next one stride on,
    and the last: ``WINDOW_LOOKS``); a dot at the centre of every window, one per output
    value; and hatches the image pixels that no window covers (a stride larger than 1
    without enough padding skips them). The title reads "stride 2, 'valid'" over
    "3x3 on 6x6 → 2x2". ``plot_window_settings`` draws several settings side by side with a legend.
    """
    image = np.asarray(image)
    if image.ndim != 2 or image.size > 400:
        raise ValueError(f"image must be a small 2D array (at most 400 values), got shape {image.shape}")
    height, width = image.shape
    out_h, out_w = (conv_output_size(side, kernel_size, stride, padding) for side in (height, width))
    (top, bottom), (left, right) = (padding_amounts(side, kernel_size, stride, padding) for side in (height, width))
    coverage = window_coverage((height, width), kernel_size, stride, padding)
    if ax is None:
        side = PANEL_SIDE * max(height + top + bottom, width + left + right) / 8
        fig, axes = new_figure(side + 0.6, side + 0.8, keep_aspect=True)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    padded_shape = (height + top + bottom, width + left + right)
    ax.add_patch(
        plt.Rectangle((-0.5, -0.5), padded_shape[1], padded_shape[0], color=PADDING_SHADE, gid="padding", zorder=-1)
    )
    largest = max(float(np.abs(image).max()), 1e-12)
    image_extent = (left - 0.5, left + width - 0.5, top + height - 0.5, top - 0.5)
    ax.imshow(np.abs(image) / largest * INK_SHADE, cmap="Greys", vmin=0, vmax=1, extent=image_extent)
    ax.set_xlim(-0.5, padded_shape[1] - 0.5)
    ax.set_ylim(padded_shape[0] - 0.5, -0.5)
    ax.add_patch(plt.Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor="black", linewidth=1))
    for row, col in zip(*np.nonzero(coverage == 0), strict=True):
        corner = (col + left - 0.5, row + top - 0.5)
        patch = plt.Rectangle(corner, 1, 1, hatch="///", fill=False, edgecolor=NEUTRAL_COLOR, linewidth=0)
        patch.set_gid("uncovered")
        ax.add_patch(patch)
    _window_patches(ax, kernel_size, stride, out_w)
    centres = (np.arange(out_h) * stride + (kernel_size - 1) / 2, np.arange(out_w) * stride + (kernel_size - 1) / 2)
    rows, cols = np.meshgrid(*centres, indexing="ij")
    ax.plot(cols.ravel(), rows.ravel(), "o", markersize=5, color="black", linestyle="none")
    blank_axes(ax)
    ax.set_aspect("equal")
    ax.set_title(f"stride {stride}, {padding!r}\n{kernel_size}x{kernel_size} on {height}x{width} → {out_h}x{out_w}")
    return fig


def window_legend_handles(padding: bool = True, skipped: bool = True) -> list[Artist]:
    """Legend keys of ``plot_sliding_windows``: three windows, centres, and padding and skipped pixels if drawn."""
    handles: list[Artist] = [
        Line2D([], [], color=color, linestyle=style, linewidth=2.5, label=name) for name, color, style in WINDOW_LOOKS
    ]
    centre = Line2D(
        [], [], color="black", marker="o", markersize=5, linestyle="none", label="window centre: one output"
    )
    handles.append(centre)
    if padding:
        handles.append(Patch(facecolor=PADDING_SHADE, edgecolor="0.7", label="padding (zeros)"))
    if skipped:
        handles.append(Patch(facecolor="white", edgecolor=NEUTRAL_COLOR, hatch="///", label="never under a window"))
    return handles


@in_course_style
def plot_window_settings(
    image: np.ndarray, settings: Sequence[tuple[int, int, int | str]], title: str | None = None
) -> Figure:
    """``plot_sliding_windows`` for several ``(kernel_size, stride, padding)`` settings in a row, one legend below.

    Notebook 05 compares stride 1 and 2 with 'valid' and 'same' padding on its 6x6 image;
    notebook 06 compares side-by-side and overlapping pooling windows on a 7x7 map.
    """
    if not settings:
        raise ValueError("settings is empty: give at least one (kernel_size, stride, padding)")
    legend_below = len(settings) >= 3  # under a wide row of panels; beside one or two
    width = PANEL_SIDE * len(settings) + (0 if legend_below else LEGEND_WIDTH)
    height = PANEL_SIDE + (1.5 if legend_below else 0.8)
    fig, axes = new_figure(width, height, 1, len(settings), keep_aspect=True)
    for ax, (kernel_size, stride, padding) in zip(axes.flat, settings, strict=True):
        plot_sliding_windows(image, kernel_size, stride, padding, ax=ax)
    where = {"loc": "outside lower center", "ncols": 2} if legend_below else {"loc": "outside right center"}
    shape = np.shape(image)
    padded = any(sum(padding_amounts(side, *setting)) > 0 for setting in settings for side in shape)
    skipped = any((window_coverage(shape, *setting) == 0).any() for setting in settings)
    fig.legend(handles=window_legend_handles(padded, skipped), frameon=False, **where)
    if title:
        fig.suptitle(title)
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


def grey_image(image: np.ndarray) -> np.ndarray:
    """One grey image as (height, width); a trailing channel axis of 1 is dropped.

    ``plot_feature_maps`` and ``plot_receptive_fields`` (notebook 07) take a digit either way.
    """
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(f"image must be (height, width) or (height, width, 1), got shape {image.shape}")
    return image


@in_course_style
def plot_feature_maps(
    image: np.ndarray,
    stages: Mapping[str, np.ndarray],
    channels: int = 8,
    cmap: str = "viridis",
    *,
    to_scale: bool = False,
) -> Figure:
    """The input and the first ``channels`` maps of each stage of a CNN, one row per stage.

    Introduced in notebook 07. ``stages`` maps a layer's name to its output for one image,
    shaped (height, width, channels), e.g. ``{"conv_1": ..., "pool_1": ...}``. Every map
    fills a panel of the same size, so a 5x5 map shows its 25 pixels as large squares,
    readable on a projector, and the titles give the sizes. ``to_scale=True`` draws every
    map with the same pixel size instead, so that a 5x5 map looks five times smaller than a
    26x26 one. The maps of one stage share one colour scale (``color_scale``), so their
    brightness can be compared.
    """
    image = grey_image(image)
    if not stages:
        raise ValueError("stages is empty: give at least one layer's output")
    for name, maps in stages.items():
        if np.ndim(maps) != 3:
            raise ValueError(f"stages[{name!r}] must be (height, width, channels) for one image, got {np.shape(maps)}")
    rows = [("input", image[..., None]), *((name, np.asarray(maps)) for name, maps in stages.items())]
    widest = max(maps.shape[1] for _, maps in rows)
    sides = [maps.shape[0] if to_scale else widest for _, maps in rows]
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
            if to_scale:
                centre_view(ax, feature_map, feature_map.shape[0], widest)
        shape = "x".join(str(side) for side in maps.shape[:2]) + ("" if name == "input" else f"x{maps.shape[2]}")
        row_axes[0].set_title(f"{name}: {shape}", fontsize=MIN_FONT_SIZE, loc="left")
    return fig


DIMMED = 0.8  # how far plot_receptive_fields fades the ink a unit does not see, towards white
# The frame of a receptive field: seen on black and on faded pixels, no model's colour.
FIELD_COLOR = TOL_MUTED["purple"]


@in_course_style
def plot_receptive_fields(image: np.ndarray, fields: Mapping[str, tuple[int, int, int, int]]) -> Figure:
    """What one unit of each layer sees: the input with that unit's receptive field framed, the rest faded.

    Introduced in notebook 07. ``fields`` maps a layer's name to the region of the input
    that can change its unit, as ``(top, left, height, width)`` in pixels, e.g. measured
    by back-propagating from the unit to the input. One panel per layer, titled with the
    field's size ("pool_2: 10x10"), so that the fields growing with depth are seen on a
    real digit.
    """
    image = grey_image(image)
    if not fields:
        raise ValueError("fields is empty: give at least one layer's (top, left, height, width)")
    for name, (top, left, height, width) in fields.items():
        if (
            top < 0
            or left < 0
            or height < 1
            or width < 1
            or top + height > image.shape[0]
            or left + width > image.shape[1]
        ):
            raise ValueError(f"fields[{name!r}] = {(top, left, height, width)} is not inside the {image.shape} image")
    side = MAX_FIGURE_WIDTH / max(len(fields), 3)
    fig, axes = new_figure(side * len(fields), side + TITLE_SPACE, 1, len(fields), keep_aspect=True)
    ink = (image - image.min()) / max(float(np.ptp(image)), 1e-12)  # 0 = background, 1 = the strongest stroke
    for ax, (name, (top, left, height, width)) in zip(axes.flat, fields.items(), strict=True):
        blank_axes(ax)
        seen = np.full(image.shape, 1.0 - DIMMED)  # ink outside the field drawn faded
        seen[top : top + height, left : left + width] = 1.0
        ax.imshow(1.0 - ink * seen, cmap="gray", vmin=0, vmax=1)  # dark ink on white, as plot_image_grid draws digits
        field = plt.Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor=FIELD_COLOR, linewidth=2.5)
        field.set_gid("field")
        ax.add_patch(field)
        outline_array(ax, *image.shape)
        ax.set_title(f"{name}: {height}x{width}")
    return fig
