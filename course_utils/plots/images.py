"""Figures of images and arrays: image grids, arrays with their numbers, matrices.

``plot_image_grid`` and the confusion matrix come with notebook 01, ``plot_pixel_neighbours``
with notebook 02, ``plot_arrays`` with notebook 05 (kernels, feature maps, pooled maps) and
``plot_matrix`` with notebook 05's convolution written as a dense matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.ticker import MaxNLocator

from course_utils.plots.style import (
    MAX_FIGURE_WIDTH,
    MIN_FONT_SIZE,
    MISTAKE_COLOR,
    MISTAKE_MARK,
    NEUTRAL_COLOR,
    in_course_style,
    new_figure,
    text_width,
)

ANNOTATE_MAX_VALUES = 100
"""Arrays of at most this many values get their numbers written in by default."""

SATURATION_PERCENTILE = 99
"""Large signed maps saturate here, so that a few extreme pixels do not wash out the rest."""

CELL_FORMATS = ("{:.3g}", "{:.2g}", "{:.2f}")
"""Numbers in cells: 3 significant digits, else 2, else 2 decimals; none where even those do not fit."""

FRAME_COLOR = "0.6"
TITLE_SPACE = 0.35  # inches above a row of panels for its titles


def _as_image_batch(images: np.ndarray) -> np.ndarray:
    """Return images as (n, height, width) or (n, height, width, 3), or raise a clear error."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 3 or (images.ndim == 4 and images.shape[-1] == 3):
        return images
    raise ValueError(
        f"images must have shape (n, height, width), (n, height, width, 1) or (n, height, width, 3); "
        f"got {images.shape}. For one image, pass image[None]."
    )


def _check_length(name: str, values: Sequence | np.ndarray | None, expected: int) -> None:
    """Raise when an optional per-image sequence (labels, titles) has the wrong length."""
    if values is not None and len(values) != expected:
        raise ValueError(f"{name} has {len(values)} entries but there are {expected} images")


def blank_axes(ax: Axes) -> None:
    """No ticks, no grid, no spines: the panel shows only what is drawn on it."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def hide_axes(ax: Axes) -> None:
    """An unused slot of a grid: nothing drawn, not even a white background over a neighbour's title."""
    ax.set_axis_off()


def outline_array(ax: Axes, height: int, width: int) -> None:
    """A thin frame around an array, so that a panel of one pale colour is still seen."""
    frame = plt.Rectangle((-0.5, -0.5), width, height, fill=False, edgecolor=FRAME_COLOR, linewidth=1)
    frame.set_gid("frame")
    ax.add_patch(frame)


@dataclass(frozen=True)
class ColorScale:
    """A colour map and the values at its two ends."""

    cmap: str
    vmin: float
    vmax: float


def color_scale(arrays: Sequence[np.ndarray], signed: bool | None = None, cmap: str | None = None) -> ColorScale:
    """One colour scale for the values of ``arrays`` (2D arrays; one or several).

    Arrays with negative values (or ``signed=True``) get a red-blue scale centred on 0: red
    positive, white 0, blue negative. Above 100 values it saturates at the 99th percentile
    of the absolute values. The others get a grey scale from 0 (black) to their maximum
    (white). An array whose values are all equal, such as a blur kernel, is put on the
    centred scale too, where it shows as one clear colour instead of white on white.
    """
    values = np.concatenate([np.asarray(array, dtype=float).ravel() for array in arrays])
    low, high = float(values.min()), float(values.max())
    if signed is None:
        signed = low < 0
    if signed or low == high:
        magnitudes = np.abs(values)
        large = values.size > ANNOTATE_MAX_VALUES
        limit = float(np.percentile(magnitudes, SATURATION_PERCENTILE) if large else magnitudes.max())
        limit = limit or float(magnitudes.max()) or 1.0
        return ColorScale(cmap or "RdBu_r", -limit, limit)
    return ColorScale(cmap or "gray", min(0.0, low), high)


def format_value(value: float, template: str = CELL_FORMATS[0]) -> str:
    """A matrix entry as short text: ``3``, ``-1.75``, ``0.111`` (whole numbers without decimals)."""
    if float(value).is_integer():
        return str(int(value))
    text = template.format(value)
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # "-0.00" reads as a sign error


def _cell_size(ax: Axes) -> tuple[float, float]:
    """Width and height in points of one array cell as ``ax`` shows it (after the layout)."""
    ax.apply_aspect()
    position = ax.get_position()
    fig_width, fig_height = ax.figure.get_size_inches()
    columns = abs(np.diff(ax.get_xlim())[0])
    rows = abs(np.diff(ax.get_ylim())[0])
    return position.width * fig_width * 72 / columns, position.height * fig_height * 72 / rows


def _labels_that_fit(array: np.ndarray, cell_width: float, cell_height: float) -> list[str] | None:
    """The cell labels in the first of ``CELL_FORMATS`` that fits at 11 pt, or None when none does."""
    if cell_height < 1.3 * MIN_FONT_SIZE:
        return None
    for template in CELL_FORMATS:
        labels = [format_value(value, template) for value in array.ravel()]
        if max(text_width(label) for label in set(labels)) <= 0.9 * cell_width:
            return labels
    return None


def annotate_cells(ax: Axes, array: np.ndarray, image: AxesImage) -> None:
    """Write each value of ``array`` in its cell, in black or white to contrast with the cell.

    Call it after the figure's layout is done: it measures the cells and writes the values
    at 11 pt with 3 significant digits, with 2 where 3 would overlap, with 2 decimals where
    those would, and not at all where even that does not fit (the explorer of notebook 05
    at stride 3). Used by ``plot_arrays`` and ``plot_matrix``.
    """
    labels = _labels_that_fit(array, *_cell_size(ax))
    if labels is None:
        return
    for ((row, col), value), label in zip(np.ndenumerate(array), labels, strict=True):
        red, green, blue, _ = image.cmap(image.norm(value))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        ax.text(col, row, label, ha="center", va="center", fontsize=MIN_FONT_SIZE, color="white" if dark else "black")


def fit_title(title: str, width: float) -> str:
    """``title`` broken into lines at spaces, so that no line is wider than ``width`` points at 11 pt.

    Panel titles of a grid ("average 600x512") would otherwise print over their neighbours.
    Line breaks already in the title stay.
    """
    lines: list[str] = []
    for given_line in title.split("\n"):
        lines.append("")
        for word in given_line.split(" "):
            if lines[-1] and text_width(f"{lines[-1]} {word}") > width:
                lines.append(word)
            else:
                lines[-1] = f"{lines[-1]} {word}" if lines[-1] else word
    return "\n".join(lines)


def _panel_width(fig: Figure, ncols: int) -> float:
    """About how wide one of ``ncols`` equal panels is, in points, leaving a gap between them."""
    return 0.9 * fig.get_size_inches()[0] * 72 / ncols


def _finish_layout(fig: Figure) -> None:
    """Place the panels now (constrained layout), so that cells can be measured."""
    fig.get_layout_engine().execute(fig)


@in_course_style
def plot_image_grid(
    images: np.ndarray,
    labels: Sequence[int] | np.ndarray | None = None,
    predictions: Sequence[int] | np.ndarray | None = None,
    ncols: int = 8,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
    cmap: str = "gray",
    value_range: tuple[float, float] | None = None,
    *,
    size: float = 1.3,
    colorbar: bool = False,
) -> Figure:
    """Show images in a grid, titled with their labels and, if given, the predictions.

    Introduced in notebook 01. With predictions, each title reads "pred (true)"; a wrong
    prediction's title starts with "✗" in bold and its image gets a thick grey frame, so
    mistakes stand out at a glance without a model's colour. Also used for learned filters
    (notebook 07), where a diverging ``cmap`` such as "RdBu_r" shows signs.
    ``value_range=(low, high)`` gives every image the same colour scale (by default each
    image is stretched to its own minimum and maximum), and ``colorbar=True`` adds its key.
    ``size`` is the width of one image in inches; the figure is at most 7.2 inches wide, so
    many columns make the images smaller: use fewer columns (more rows) to show small
    differences such as one-pixel shifts.
    """
    images = _as_image_batch(images)
    count = len(images)
    if count == 0:
        raise ValueError("images is empty: nothing to plot")
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    _check_length("labels", labels, count)
    _check_length("predictions", predictions, count)
    if predictions is not None and labels is None:
        raise ValueError("predictions need labels to compare with")
    if colorbar and value_range is None:
        raise ValueError("colorbar needs one colour scale for all images: pass value_range=(low, high)")

    def name(index: int) -> str:
        return str(class_names[index]) if class_names is not None else str(index)

    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    title_space = TITLE_SPACE if labels is not None else 0.0
    fig, axes = new_figure(
        size * ncols + (1.0 if colorbar else 0.0), (size + title_space) * nrows, nrows, ncols, keep_aspect=True
    )
    low, high = value_range if value_range is not None else (None, None)
    for index, ax in enumerate(axes.flat):
        blank_axes(ax)
        if index >= count:
            hide_axes(ax)
            continue
        image = ax.imshow(images[index], cmap=cmap if images.ndim == 3 else None, vmin=low, vmax=high)
        if labels is None:
            continue
        if predictions is None:
            ax.set_title(fit_title(name(int(labels[index])), _panel_width(fig, ncols)), fontsize=MIN_FONT_SIZE)
            continue
        wrong = int(predictions[index]) != int(labels[index])
        text = f"{name(int(predictions[index]))} ({name(int(labels[index]))})"
        if wrong:
            text = f"{MISTAKE_MARK} {text}"
        weight = "bold" if wrong else "normal"
        ax.set_title(fit_title(text, _panel_width(fig, ncols)), fontsize=MIN_FONT_SIZE, fontweight=weight)
        if wrong:
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color(MISTAKE_COLOR)
                spine.set_linewidth(3)
    if colorbar:
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8)
    if title:
        fig.suptitle(title)
    return fig


def _check_arrays(arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
    if len(arrays) == 0:
        raise ValueError("arrays is empty: nothing to plot")
    arrays = [np.asarray(array) for array in arrays]
    for index, array in enumerate(arrays):
        if not (array.ndim == 2 or (array.ndim == 3 and array.shape[-1] == 3)) or array.size == 0:
            raise ValueError(f"arrays[{index}] must be 2D (height, width) or an RGB image, got shape {array.shape}")
    return arrays


def _grid_extents(arrays: list[np.ndarray], nrows: int, ncols: int) -> tuple[list[int], list[int]]:
    """The tallest array of each row and the widest of each column, in pixels."""
    heights, widths = [1] * nrows, [1] * ncols
    for index, array in enumerate(arrays):
        row, col = divmod(index, ncols)
        heights[row] = max(heights[row], array.shape[0])
        widths[col] = max(widths[col], array.shape[1])
    return heights, widths


def centre_view(ax: Axes, array: np.ndarray, height: int, width: int) -> None:
    """Show ``array`` centred in a view of ``height`` x ``width`` pixels (for drawings to scale)."""
    extra_x, extra_y = (width - array.shape[1]) / 2, (height - array.shape[0]) / 2
    ax.set_xlim(-0.5 - extra_x, array.shape[1] - 0.5 + extra_x)
    ax.set_ylim(array.shape[0] - 0.5 + extra_y, -0.5 - extra_y)


@in_course_style
def plot_arrays(
    arrays: Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    ncols: int | None = None,
    annotate: bool | None = None,
    cmap: str | None = None,
    signed: bool | None = None,
    suptitle: str | None = None,
    size: float = 2.4,
    *,
    shared_scale: bool = False,
    colorbar: bool = False,
    to_scale: bool = False,
) -> Figure:
    """Show 2D arrays of any sizes side by side: images, kernels, feature maps, pooled maps.

    Introduced in notebook 05. Unlike ``plot_image_grid`` the arrays may differ in shape.
    By default each fills its own panel, so a pooled image shows its coarser pixels;
    ``to_scale=True`` draws every array with the same pixel size instead, so that a 5x5
    map looks five times smaller than a 25x25 one.

    Colours (see ``color_scale``): arrays holding negative values use a red-blue scale
    centred on 0, the others a grey scale from 0 (black) to their maximum (white);
    ``signed=True`` puts every array on the centred scale, ``signed=False`` none; ``cmap``
    replaces the colour map. Each array gets its own scale unless ``shared_scale=True``,
    which gives all of them one, so that equal values get equal colours; ``colorbar=True``
    adds the key (one for a shared scale, else one per panel). (height, width, 3) arrays
    are drawn as RGB images.

    Numbers: with ``annotate=None`` arrays of at most 100 values get their values written
    in (kernels, the lecture's small worked examples), ``annotate=True`` writes them in
    every array, ``annotate=False`` in none; values are written only where they fit at 11 pt
    (see ``annotate_cells``). ``size`` is a panel's width in inches; the figure is at most
    7.2 inches wide, so many columns make the panels smaller.
    """
    arrays = _check_arrays(arrays)
    _check_length("titles", titles, len(arrays))
    ncols = len(arrays) if ncols is None else ncols
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    ncols = min(ncols, len(arrays))
    nrows = -(-len(arrays) // ncols)
    heights, widths = _grid_extents(arrays, nrows, ncols)
    flat = [array for array in arrays if array.ndim == 2]
    shared = color_scale(flat, signed, cmap) if shared_scale and flat else None
    if to_scale:
        width = size * ncols
        height = width * sum(heights) / sum(widths) + TITLE_SPACE * nrows
        ratios = {"width_ratios": widths, "height_ratios": heights}
        fig, axes = new_figure(width, height, nrows, ncols, keep_aspect=True, gridspec_kw=ratios)
    else:
        fig, axes = new_figure(size * ncols, (size + TITLE_SPACE) * nrows, nrows, ncols, keep_aspect=True)
    drawn: list[tuple[Axes, np.ndarray, AxesImage]] = []
    for index, ax in enumerate(axes.flat):
        blank_axes(ax)
        if index >= len(arrays):
            hide_axes(ax)
            continue
        array = arrays[index]
        if array.ndim == 3:
            image = ax.imshow(array)
        else:
            scale = shared or color_scale([array], signed, cmap)
            image = ax.imshow(array, cmap=scale.cmap, vmin=scale.vmin, vmax=scale.vmax)
            drawn.append((ax, array, image))
            if colorbar and shared is None:
                fig.colorbar(image, ax=ax, shrink=0.8)
        outline_array(ax, *array.shape[:2])
        if to_scale:
            row, col = divmod(index, ncols)
            centre_view(ax, array, heights[row], widths[col])
        if titles is not None:
            ax.set_title(fit_title(titles[index], _panel_width(fig, ncols)), fontsize=MIN_FONT_SIZE)
    if colorbar and drawn and shared is not None:
        fig.colorbar(drawn[0][2], ax=[ax for ax, _, _ in drawn], shrink=0.8)
    if suptitle:
        fig.suptitle(suptitle)
    if annotate is not False:
        _finish_layout(fig)
        for ax, array, image in drawn:
            if annotate or array.size <= ANNOTATE_MAX_VALUES:
                annotate_cells(ax, array, image)
    return fig


@in_course_style
def plot_matrix(
    matrix: np.ndarray,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    cmap: str | None = None,
    annotate: bool | None = None,
) -> Figure:
    """A matrix with numbered rows and columns, axis labels and a colour key.

    Introduced in notebook 05 for a convolution written as a dense matrix (one row per
    output value, one column per input pixel), where the key shows which colour is which
    kernel weight. Colours follow ``color_scale``; values are written in the cells when
    there are at most 100 (``annotate=None``) and they fit.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.size == 0:
        raise ValueError(f"matrix must be a non-empty 2D array, got shape {matrix.shape}")
    rows, cols = matrix.shape
    width = MAX_FIGURE_WIDTH
    fig, axes = new_figure(width, min(width * rows / cols + 1.2, width))
    ax = axes[0, 0]
    scale = color_scale([matrix], cmap=cmap)
    image = ax.imshow(matrix, cmap=scale.cmap, vmin=scale.vmin, vmax=scale.vmax)
    ax.grid(False)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.9, label="value")
    if annotate or (annotate is None and matrix.size <= ANNOTATE_MAX_VALUES):
        _finish_layout(fig)
        annotate_cells(ax, matrix, image)
    return fig


def confusion_matrix(
    y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray, num_classes: int
) -> np.ndarray:
    """Count matrix ``C`` with ``C[i, j]`` = number of examples of class i predicted as j (notebook 01)."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if len(values) and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(f"{name} must hold class indices in 0..{num_classes - 1}")
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (y_true.astype(int), y_pred.astype(int)), 1)
    return matrix


@in_course_style
def plot_confusion_matrix(
    y_true: Sequence[int] | np.ndarray,
    y_pred: Sequence[int] | np.ndarray,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw the confusion matrix with counts in each cell; the diagonal holds the hits (notebook 01).

    Shaded in greys, darker for more images: the matrix belongs to no model in particular.
    """
    num_classes = len(class_names) if class_names is not None else int(max(np.max(y_true), np.max(y_pred))) + 1
    matrix = confusion_matrix(y_true, y_pred, num_classes)
    names = list(class_names) if class_names is not None else [str(i) for i in range(num_classes)]
    if ax is None:
        fig, axes = new_figure(5.5, 5.2)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    ax.imshow(matrix, cmap="Greys")
    ax.grid(False)
    threshold = matrix.max() / 2
    for (row, col), count in np.ndenumerate(matrix):
        color = "white" if count > threshold else "black"
        ax.text(col, row, str(count), ha="center", va="center", fontsize=MIN_FONT_SIZE, color=color)
    ax.set_xticks(range(num_classes), names)
    ax.set_yticks(range(num_classes), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"accuracy {np.trace(matrix) / matrix.sum():.3f} on {matrix.sum():,} images")
    return fig


PIXEL_MARK, NEIGHBOUR_MARK = "black", "white"
"""How the pixel and its neighbours are filled in ``plot_pixel_neighbours``: the pixel black,
its neighbours white with a black edge, both on a dimmed image (no colour: colours belong to models)."""

# Where each mark's label sits above the bars, in units of the largest pixel value, and how it is aligned:
# the pixel's label highest, its left and right neighbours' labels to either side of it.
NEIGHBOUR_LABELS = {
    "pixel": (1.42, "center"),
    "left": (1.16, "right"),
    "right": (1.16, "left"),
    "above": (1.16, "center"),
    "below": (1.16, "center"),
}


@in_course_style
def plot_pixel_neighbours(image: np.ndarray, row: int, col: int) -> Figure:
    """A pixel and its 4 neighbours, marked on the 2D image and on its flattened vector.

    Introduced in notebook 02. The right panel shows the stretch of the flattened vector
    that holds image rows ``row - 2`` to ``row + 2``, with the row boundaries dashed:
    neighbours left and right stay adjacent, neighbours above and below land a whole image
    row (``width`` positions) away.
    """
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"image must be 2D (height, width), got shape {image.shape}")
    height, width = image.shape
    if not (1 <= row < height - 1 and 1 <= col < width - 1):
        raise ValueError(f"pixel ({row}, {col}) needs 4 neighbours: choose 1..{height - 2} and 1..{width - 2}")
    marks = {
        "pixel": (row, col),
        "left": (row, col - 1),
        "right": (row, col + 1),
        "above": (row - 1, col),
        "below": (row + 1, col),
    }
    fig, axes = new_figure(7.2, 3.8, 1, 2, gridspec_kw={"width_ratios": [1, 2.4]})
    ax_image, ax_flat = axes[0]
    ax_image.imshow(image, cmap="gray_r", alpha=0.4)  # dimmed, so the marks stand out
    blank_axes(ax_image)
    for spine in ax_image.spines.values():  # the image's edge, now that its background is white
        spine.set_visible(True)
        spine.set_color(NEUTRAL_COLOR)
    flat = image.ravel()
    top = float(flat.max())
    first_row, last_row = max(row - 2, 0), min(row + 3, height)
    window = np.arange(first_row * width, last_row * width)
    ax_flat.bar(window, flat[window], width=1.0, color="0.8")
    for boundary in range(first_row, last_row + 1):
        ax_flat.axvline(boundary * width - 0.5, color=NEUTRAL_COLOR, linestyle="--", linewidth=1)
    for name in ("left", "right", "above", "below", "pixel"):  # the pixel last, so nothing covers it
        r, c = marks[name]
        index = r * width + c
        fill = PIXEL_MARK if name == "pixel" else NEIGHBOUR_MARK
        ax_image.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=fill, edgecolor="black", linewidth=1))
        ax_flat.bar([index], [max(flat[index], 0.05 * top)], width=1.0, facecolor=fill, edgecolor="black", linewidth=1)
        height_factor, align = NEIGHBOUR_LABELS[name]
        ax_flat.annotate(
            f"{name}\n{index}",
            xy=(index, 1.02 * top),
            xytext=(index, height_factor * top),
            ha=align,
            va="bottom",
            fontsize=MIN_FONT_SIZE,
            arrowprops={"arrowstyle": "-", "color": "black", "linewidth": 1},
        )
    ax_flat.set_ylim(0, 1.75 * top)
    ax_flat.set_yticks([tick for tick in ax_flat.get_yticks() if 0 <= tick <= top])  # the labels sit above
    ax_image.set_title(f"pixel ({row},{col})\nand 4 neighbours")
    ax_flat.set_title(f"flattened: positions {window[0]}-{window[-1]} of {flat.size}")
    ax_flat.set_xlabel("position in the flattened vector\n(dashed: boundaries of image rows)")
    ax_flat.set_ylabel("pixel value")
    ax_flat.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig
