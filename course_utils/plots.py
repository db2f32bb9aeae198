"""Plots the notebooks share. Each function returns its Figure and never calls ``plt.show()``.

Introduced in notebook 01.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils.arithmetic import check_positive_int, conv_output_size
from course_utils.convolution import KERNELS, correlate2d, padding_amounts, window_coverage

MISTAKE_COLOR = "tab:red"
CORRECT_COLOR = "tab:green"


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
    if values is not None and len(values) != expected:
        raise ValueError(f"{name} has {len(values)} entries but there are {expected} images")


def plot_image_grid(
    images: np.ndarray,
    labels: Sequence[int] | np.ndarray | None = None,
    predictions: Sequence[int] | np.ndarray | None = None,
    ncols: int = 8,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
    cmap: str = "gray",
    value_range: tuple[float, float] | None = None,
) -> Figure:
    """Show images in a grid, titled with their labels and, if given, the predictions.

    With predictions, each title reads "pred (true)" and wrong predictions are drawn in
    red with a red frame, so mistakes stand out at a glance. Also used for feature maps and
    learned filters (notebook 07), where a diverging ``cmap`` such as "RdBu_r" shows signs;
    ``value_range=(low, high)`` gives every image the same colour scale (by default each
    image is stretched to its own minimum and maximum).
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

    def name(index: int) -> str:
        return str(class_names[index]) if class_names is not None else str(index)

    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.6 * nrows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        low, high = value_range if value_range is not None else (None, None)
        ax.imshow(images[index], cmap=cmap if images.ndim == 3 else None, vmin=low, vmax=high)
        if labels is None:
            continue
        if predictions is None:
            ax.set_title(name(int(labels[index])), fontsize=9)
            continue
        wrong = int(predictions[index]) != int(labels[index])
        color = MISTAKE_COLOR if wrong else "black"
        ax.set_title(f"{name(int(predictions[index]))} ({name(int(labels[index]))})", fontsize=9, color=color)
        if wrong:
            ax.axis("on")
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(True)
                spine.set_color(MISTAKE_COLOR)
                spine.set_linewidth(2)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _history_dict(history: object) -> Mapping[str, Sequence[float]]:
    """Accept a Keras ``History`` or its ``.history`` dict."""
    values = getattr(history, "history", history)
    if not isinstance(values, Mapping):
        raise ValueError(f"history must be a keras History or a dict of metric lists, got {type(history).__name__}")
    return values


def plot_training_curves(history: object, metrics: Sequence[str] = ("loss", "accuracy")) -> Figure:
    """Plot each metric per epoch, training vs validation (when recorded), side by side.

    Diverging training and validation curves are the picture of overfitting.
    """
    values = _history_dict(history)
    missing = [metric for metric in metrics if metric not in values]
    if missing:
        raise ValueError(f"history has no {missing}; it records {sorted(values)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        epochs = np.arange(1, len(values[metric]) + 1)
        ax.plot(epochs, values[metric], marker="o", label="training")
        if f"val_{metric}" in values:
            ax.plot(epochs, values[f"val_{metric}"], marker="s", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_xticks(epochs)
        ax.legend()
    fig.tight_layout()
    return fig


def confusion_matrix(
    y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray, num_classes: int
) -> np.ndarray:
    """Count matrix ``C`` with ``C[i, j]`` = number of examples of class i predicted as j."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if len(values) and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(f"{name} must hold class indices in 0..{num_classes - 1}")
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (y_true.astype(int), y_pred.astype(int)), 1)
    return matrix


def plot_confusion_matrix(
    y_true: Sequence[int] | np.ndarray,
    y_pred: Sequence[int] | np.ndarray,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw the confusion matrix with counts in each cell; the diagonal holds the hits."""
    num_classes = len(class_names) if class_names is not None else int(max(np.max(y_true), np.max(y_pred))) + 1
    matrix = confusion_matrix(y_true, y_pred, num_classes)
    names = list(class_names) if class_names is not None else [str(i) for i in range(num_classes)]
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 5))
    else:
        fig = ax.figure
    ax.imshow(matrix, cmap="Blues")
    ax.grid(False)
    threshold = matrix.max() / 2
    for (row, col), count in np.ndenumerate(matrix):
        ax.text(
            col, row, str(count), ha="center", va="center", fontsize=8, color="white" if count > threshold else "black"
        )
    ax.set_xticks(range(num_classes), names)
    ax.set_yticks(range(num_classes), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"accuracy {np.trace(matrix) / matrix.sum():.3f} on {matrix.sum():,} images")
    return fig


def plot_functions_with_derivatives(
    functions: Mapping[str, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]],
    z: np.ndarray,
) -> Figure:
    """One panel per function: its value and its derivative over ``z``.

    Each callable maps ``z`` to ``(value, derivative)``. Used in notebook 01 for the
    activation functions, where flat derivatives explain vanishing gradients.
    """
    z = np.asarray(z)
    if z.ndim != 1 or len(z) < 2:
        raise ValueError(f"z must be a 1D array of at least two points, got shape {z.shape}")
    if not functions:
        raise ValueError("functions is empty: nothing to plot")
    fig, axes = plt.subplots(1, len(functions), figsize=(3.2 * len(functions), 3), squeeze=False, sharex=True)
    for ax, (name, function) in zip(axes.flat, functions.items(), strict=True):
        value, derivative = function(z)
        ax.plot(z, value, label="f(z)")
        ax.plot(z, derivative, linestyle="--", label="f'(z)")
        ax.axhline(0, color="gray", linewidth=0.8)
        ax.set_title(name)
        ax.set_xlabel("z")
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_curves(
    x: Sequence[float] | np.ndarray,
    curves: Mapping[str, Sequence[float] | np.ndarray],
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    logy: bool = False,
    ax: Axes | None = None,
) -> Figure:
    """Several named curves over the same x values, with markers: accuracy vs shift,
    parameters vs image size, accuracy vs training-set size. Introduced in notebook 03.
    """
    x = np.asarray(x)
    if x.ndim != 1 or len(x) == 0:
        raise ValueError(f"x must be a non-empty 1D sequence, got shape {x.shape}")
    if not curves:
        raise ValueError("curves is empty: nothing to plot")
    for name, values in curves.items():
        if len(values) != len(x):
            raise ValueError(f"curve {name!r} has {len(values)} values but x has {len(x)}")
    if ax is None:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    for name, values in curves.items():
        ax.plot(x, values, marker="o", label=name)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return fig


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
    colors = dict(zip(marks, ["tab:red", "tab:orange", "tab:green", "tab:blue", "tab:purple"], strict=True))
    fig, (ax_image, ax_flat) = plt.subplots(1, 2, figsize=(12, 3.6), gridspec_kw={"width_ratios": [1, 3.2]})
    ax_image.imshow(image, cmap="gray")
    ax_image.grid(False)
    flat = image.ravel()
    first_row, last_row = max(row - 2, 0), min(row + 3, height)
    window = np.arange(first_row * width, last_row * width)
    ax_flat.bar(window, flat[window], width=1.0, color="0.75")
    for boundary in range(first_row, last_row + 1):
        ax_flat.axvline(boundary * width - 0.5, color="0.4", linestyle="--", linewidth=0.8)
    for name, (r, c) in marks.items():
        index = r * width + c
        ax_image.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor=colors[name], linewidth=2))
        ax_flat.bar([index], [max(flat[index], 0.05 * flat.max())], width=1.0, color=colors[name])
        ax_flat.plot([index], [1.08 * flat.max()], marker="v", color=colors[name], label=f"{name} ({r},{c}) -> {index}")
    ax_image.set_title(f"pixel ({row},{col}) and 4 neighbours")
    ax_flat.set_title(
        f"flattened: positions {window[0]}-{window[-1]} of {flat.size} (dashed lines: image row boundaries)"
    )
    ax_flat.set_xlabel("position in the flattened vector")
    ax_flat.set_ylabel("pixel value")
    ax_flat.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


ANNOTATE_MAX_VALUES = 100


def _format_value(value: float) -> str:
    """A matrix entry as short text: ``3``, ``-1.75``, ``0.111``."""
    return str(int(value)) if float(value).is_integer() else f"{value:.3g}"


def _show_array(ax: Axes, array: np.ndarray, annotate: bool | None, cmap: str | None, signed: bool | None) -> None:
    """Draw one 2D array (or RGB image) on ``ax``; signed arrays on a colour scale centred at 0."""
    if array.ndim == 3:
        ax.imshow(array)
        return
    if signed is None:
        signed = bool(array.min() < 0)
    magnitudes = np.abs(array)
    # a few extreme pixels would wash out a large map: saturate at the 99th percentile
    limit = float(np.percentile(magnitudes, 99) if array.size > ANNOTATE_MAX_VALUES else magnitudes.max())
    limit = limit or float(magnitudes.max()) or 1.0
    if signed:
        vmin, vmax = -limit, limit
    else:  # from 0 (black) up, so a constant kernel such as a blur shows as one light colour
        vmin, vmax = min(0.0, float(array.min())), float(array.max()) or 1.0
    image = ax.imshow(array, cmap=cmap or ("RdBu_r" if signed else "gray"), vmin=vmin, vmax=vmax)
    if annotate is None:
        annotate = array.size <= ANNOTATE_MAX_VALUES
    if not annotate:
        return
    for (row, col), value in np.ndenumerate(array):
        red, green, blue, _ = image.cmap(image.norm(value))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        ax.text(
            col, row, _format_value(value), ha="center", va="center", fontsize=9, color="white" if dark else "black"
        )


def plot_arrays(
    arrays: Sequence[np.ndarray],
    titles: Sequence[str] | None = None,
    ncols: int | None = None,
    annotate: bool | None = None,
    cmap: str | None = None,
    signed: bool | None = None,
    suptitle: str | None = None,
    size: float = 2.4,
) -> Figure:
    """Show 2D arrays of any sizes side by side: images, kernels, feature maps, pooled maps.

    Introduced in notebook 05. Unlike ``plot_image_grid`` the arrays may differ in shape,
    and each fills its own panel, so a pooled image shows its coarser pixels. With
    ``annotate=None`` arrays of at most 100 values get their numbers written in (kernels,
    the lecture's small worked examples). Arrays holding negative values use a red-blue
    scale centred on 0 (red positive, blue negative; arrays of more than 100 values
    saturate at the 99th percentile of the absolute values, so that a few extreme pixels do
    not wash out the rest), the others a gray scale from 0 (black) to their maximum
    (white). ``signed=True`` puts every array on the centred scale (to compare a signed map
    with its non-negative max-pooled version), ``signed=False`` none; ``cmap`` replaces the
    colour map. (height, width, 3) arrays are drawn as RGB images.
    """
    if len(arrays) == 0:
        raise ValueError("arrays is empty: nothing to plot")
    arrays = [np.asarray(array) for array in arrays]
    for index, array in enumerate(arrays):
        if not (array.ndim == 2 or (array.ndim == 3 and array.shape[-1] == 3)) or array.size == 0:
            raise ValueError(f"arrays[{index}] must be 2D (height, width) or an RGB image, got shape {array.shape}")
    _check_length("titles", titles, len(arrays))
    ncols = len(arrays) if ncols is None else ncols
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    ncols = min(ncols, len(arrays))
    nrows = -(-len(arrays) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(arrays):
            continue
        _show_array(ax, arrays[index], annotate, cmap, signed)
        if titles is not None:
            ax.set_title(titles[index], fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_sliding_windows(
    image: np.ndarray, kernel_size: int, stride: int = 1, padding: int | str = "valid", ax: Axes | None = None
) -> Figure:
    """Where a ``kernel_size`` window lands on a small image, for one stride and padding.

    Introduced in notebook 05. Draws the (zero-padded) input with its values, the windows
    of the first output row as coloured squares, a circle at the centre of every window, and
    hatches the input pixels that no window covers (stride larger than 1 without enough
    padding skips them). The title reads "stride 2, padding 'valid': 6x6 → 2x2".
    """
    image = np.asarray(image)
    if image.ndim != 2 or image.size > 400:
        raise ValueError(f"image must be a small 2D array (at most 400 values), got shape {image.shape}")
    height, width = image.shape
    out_h, out_w = (conv_output_size(side, kernel_size, stride, padding) for side in (height, width))
    (top, bottom), (left, right) = (padding_amounts(side, kernel_size, stride, padding) for side in (height, width))
    coverage = window_coverage((height, width), kernel_size, stride, padding)
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.45 * (width + left + right) + 1, 0.45 * (height + top + bottom) + 1))
    else:
        fig = ax.figure
    padded = np.pad(image.astype(float), ((top, bottom), (left, right)))
    is_pad = np.pad(np.zeros(image.shape, dtype=bool), ((top, bottom), (left, right)), constant_values=True)
    ax.imshow(np.where(is_pad, 0.5, padded), cmap="Greys", vmin=0, vmax=max(float(padded.max()), 1.0) * 2.5)
    for (row, col), value in np.ndenumerate(padded):
        ax.text(
            col,
            row,
            _format_value(value),
            ha="center",
            va="center",
            fontsize=8,
            color="0.6" if is_pad[row, col] else "black",
        )
    for row, col in zip(*np.nonzero(coverage == 0), strict=True):
        patch = plt.Rectangle((col + left - 0.5, row + top - 0.5), 1, 1, hatch="///", fill=False, edgecolor="tab:red")
        patch.set_gid("uncovered")
        ax.add_patch(patch)
    colors = plt.get_cmap("tab10")
    for j in range(out_w):
        inset = 0.06 * (j % 3)
        window = plt.Rectangle(
            (j * stride - 0.5 + inset, -0.5 + inset),
            kernel_size - 2 * inset,
            kernel_size - 2 * inset,
            fill=False,
            edgecolor=colors(j % 10),
            linewidth=2,
        )
        window.set_gid("window")
        ax.add_patch(window)
    centres = (np.arange(out_h) * stride + (kernel_size - 1) / 2, np.arange(out_w) * stride + (kernel_size - 1) / 2)
    rows, cols = np.meshgrid(*centres, indexing="ij")
    ax.plot(cols.ravel(), rows.ravel(), "o", markersize=13, fillstyle="none", color="tab:blue", alpha=0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(f"stride {stride}, padding {padding!r}: {height}x{width} → {out_h}x{out_w}", fontsize=9)
    return fig


def plot_convolution(
    image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int | str = "valid", kernel_name: str = "kernel"
) -> Figure:
    """Input, kernel and feature map side by side, with their shapes in the titles.

    Introduced in notebook 05; the static view of ``convolution_explorer``. The feature map
    is ``correlate2d(image, kernel, stride, padding)``, what a Keras ``Conv2D`` computes.
    """
    image, kernel = np.asarray(image), np.asarray(kernel)
    feature_map = correlate2d(image, kernel, stride, padding)
    titles = [
        f"input {image.shape[0]}x{image.shape[1]}",
        f"{kernel_name} {kernel.shape[0]}x{kernel.shape[1]}",
        f"output {feature_map.shape[0]}x{feature_map.shape[1]} (stride {stride}, {padding!r})",
    ]
    return plot_arrays([image, kernel, feature_map], titles, size=3.0)


def _check_explorer_settings(kernels: Mapping[str, np.ndarray], kernel: str, stride: int, padding: str) -> None:
    if not kernels:
        raise ValueError("kernels is empty: give at least one named kernel")
    if kernel not in kernels:
        raise ValueError(f"kernel must be one of {sorted(kernels)}, got {kernel!r}")
    check_positive_int("stride", stride)
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same' in the explorer, got {padding!r}")


class ConvolutionExplorer:
    """Controls for kernel, stride and padding above a live ``plot_convolution`` picture.

    Made by ``convolution_explorer`` (notebook 05). In a notebook it displays as an
    ipywidgets box; where no widget front-end draws it (a saved notebook, a terminal, the
    automated tests) it displays as one stable line of text, so stored outputs do not
    depend on random widget ids.
    """

    def __init__(self, image: np.ndarray, kernels: Mapping[str, np.ndarray], kernel: str, stride: int, padding: str):
        import ipywidgets as widgets

        _check_explorer_settings(kernels, kernel, stride, padding)
        self._image, self._kernels = np.asarray(image), kernels
        self.kernel = widgets.Dropdown(options=list(kernels), value=kernel, description="kernel")
        self.stride = widgets.IntSlider(value=stride, min=1, max=max(4, stride), description="stride")
        self.padding = widgets.ToggleButtons(options=["valid", "same"], value=padding, description="padding")
        self.caption = widgets.Label()
        self.picture = widgets.Image(format="png")
        for control in (self.kernel, self.stride, self.padding):
            control.observe(self._redraw, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.kernel, self.stride]), self.padding, self.caption, self.picture])
        self._redraw()

    def _redraw(self, change: object = None) -> None:
        kernel = self._kernels[self.kernel.value]
        fig = plot_convolution(self._image, kernel, self.stride.value, self.padding.value, self.kernel.value)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=60)
        plt.close(fig)
        self.picture.value = buffer.getvalue()
        self.caption.value = self._describe()

    def _describe(self) -> str:
        return f"kernel {self.kernel.value!r}, stride {self.stride.value}, padding {self.padding.value!r}"

    def __repr__(self) -> str:
        return f"Convolution explorer ({self._describe()}): move its controls in a running notebook."

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        return {**bundle, "text/plain": repr(self)}


def convolution_explorer(
    image: np.ndarray,
    kernels: Mapping[str, np.ndarray] | None = None,
    kernel: str = "sobel_x",
    stride: int = 1,
    padding: str = "valid",
) -> ConvolutionExplorer | Figure:
    """Try kernels, strides and paddings on ``image`` with sliders (notebook 05).

    Returns a ``ConvolutionExplorer`` when ``ipywidgets`` can be imported (install the
    course's dev extra); otherwise the static ``plot_convolution`` figure for the starting
    settings, so the notebook still shows something useful. ``kernels`` defaults to
    ``course_utils.convolution.KERNELS``.
    """
    kernels = KERNELS if kernels is None else kernels
    _check_explorer_settings(kernels, kernel, stride, padding)
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return plot_convolution(image, kernels[kernel], stride, padding, kernel)
    return ConvolutionExplorer(image, kernels, kernel, stride, padding)


def plot_grouped_bars(
    series: Mapping[str, Sequence[float]],
    groups: Sequence[str],
    ylabel: str,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Side-by-side bars: one group per model, one bar per condition, value written on top.

    Introduced in notebook 02 (MLP vs CNN on original and permuted pixels) and reused in
    notebook 10's report figure.
    """
    if not series:
        raise ValueError("series is empty: nothing to plot")
    if len(groups) == 0:
        raise ValueError("groups is empty: name at least one group")
    for name, values in series.items():
        if len(values) != len(groups):
            raise ValueError(f"series {name!r} has {len(values)} values but there are {len(groups)} groups")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 3.5))
    else:
        fig = ax.figure
    width = 0.8 / len(series)
    positions = np.arange(len(groups))
    for index, (name, values) in enumerate(series.items()):
        offset = (index - (len(series) - 1) / 2) * width
        bars = ax.bar(positions + offset, values, width=width, label=name)
        ax.bar_label(bars, fmt="%.3f", fontsize=8)
    ax.set_xticks(positions, list(groups))
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right")
    return fig
