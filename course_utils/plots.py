"""Plots the notebooks share. Each function returns its Figure and never calls ``plt.show()``.

Introduced in notebook 01.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

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
) -> Figure:
    """Show images in a grid, titled with their labels and, if given, the predictions.

    With predictions, each title reads "pred (true)" and wrong predictions are drawn in
    red with a red frame, so mistakes stand out at a glance. Also used for feature maps and
    learned filters (notebook 07), where a diverging ``cmap`` such as "RdBu_r" shows signs.
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
        ax.imshow(images[index], cmap=cmap if images.ndim == 3 else None)
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
