"""Charts of numbers: curves, bars, dot plots, training curves and a scatter of models.

Every chart that draws models gives each its course colour and marker
(``model_styles.MODEL_STYLES``) and shows conditions such as permuted pixels or validation
data by line style, marker fill and hatching. Bars start at zero; axes that count things
(epochs, pixels of shift, layers) get integer ticks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, MaxNLocator, NullFormatter

from course_utils.plots.model_styles import (
    BASELINE,
    MODEL_STYLES,
    NEUTRAL_MODEL,
    SeriesStyle,
    canonical_model,
    condition_style,
    is_model,
    model_style,
    styled,
)
from course_utils.plots.style import (
    DEFAULT_FIGURE_SIZE,
    FRAME_GREY,
    MIN_FONT_SIZE,
    NEUTRAL_COLOR,
    in_course_style,
    new_figure,
    text_width,
)

OTHER_SERIES = tuple(
    SeriesStyle(color, marker, linestyle)
    for color, marker, linestyle in (
        ("black", "o", "-"),
        ("0.55", "s", "--"),
        ("black", "^", ":"),
        ("0.55", "D", "-."),
        ("black", "v", "--"),
        ("0.55", "P", ":"),
    )
)
"""Looks for series that are not models: black or grey, each with its own marker and line
style, since every colour of the course's palette belongs to a model."""

ACCURACY_FORMAT, COUNT_FORMAT = "%.3f", "%d"
"""How bars and dots write their values: accuracies with 3 decimals, counts as integers."""


def series_styles(names: Sequence[str]) -> dict[str, SeriesStyle]:
    """The style of each named series: a model's own style, else black or grey (``OTHER_SERIES``).

    Series named after a model ("CNN", "MLP + augmentation") get the model's colour and
    marker in the condition's line style. The others ("no pooling", "with skip
    connections") take ``OTHER_SERIES``'s looks in order, so that no figure shows a
    non-model in a model's colour.
    """
    others = itertools.cycle(OTHER_SERIES)
    return {name: model_style(name) if is_model(name) else next(others) for name in names}


def _all_integers(values: np.ndarray) -> bool:
    return np.issubdtype(values.dtype, np.integer) or bool(np.all(np.mod(values, 1) == 0))


def _tick_label(value: float) -> str:
    """``4000`` -> "4,000", ``0.5`` -> "0.5"."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


class _SpacedValueLabels(Formatter):
    """x tick labels at given values ("250", "1,000", "4,000"), leaving out any that would print over its neighbour.

    The check runs when the figure is drawn, so it sees the Axes' final size.
    """

    def __init__(self, values: np.ndarray):
        self.labels = {float(value): _tick_label(value) for value in values}

    def __call__(self, value: float, pos: int | None = None) -> str:
        return self.labels.get(float(value), "")

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        axes = self.axis.axes
        pixels = axes.transData.transform(np.column_stack([values, np.ones(len(values))]))[:, 0]
        points_to_pixels = axes.figure.dpi / 72
        shown, right_end = [], -np.inf
        for value, pixel in zip(values, pixels, strict=True):
            label = self(value)
            half = text_width(label) * points_to_pixels / 2 if label else 0.0
            if label and pixel - half < right_end + 4 * points_to_pixels:
                label = ""
            if label:
                right_end = pixel + half
            shown.append(label)
        return shown


def _log_x_axis_at(ax: Axes, values: np.ndarray) -> None:
    """A log x axis labelled at ``values`` (e.g. 250, 1,000, 4,000), without minor labels.

    Matplotlib's default log axis labels minor ticks such as 3x10² next to the data's own
    ticks, where they print over each other; here only the data's values are labelled,
    and those that would touch a neighbour are left out.
    """
    ax.set_xscale("log")
    ax.xaxis.set_ticks(values)
    ax.xaxis.set_major_formatter(_SpacedValueLabels(values))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _check_errors(errors: Mapping[str, Sequence[float]] | None, series: Mapping[str, Sequence[float]]) -> None:
    for name, values in (errors or {}).items():
        if name not in series:
            raise ValueError(f"errors has {name!r}, which is not one of the series: {', '.join(series)}")
        if len(values) != len(series[name]):
            raise ValueError(f"errors[{name!r}] has {len(values)} values but the series has {len(series[name])}")


def _axes_or_new(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, axes = new_figure(width, height)
    return fig, axes[0, 0]


@in_course_style
def plot_curves(
    x: Sequence[float] | np.ndarray,
    curves: Mapping[str, Sequence[float] | np.ndarray],
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    logy: bool = False,
    ax: Axes | None = None,
    *,
    logx: bool = False,
    errors: Mapping[str, Sequence[float]] | None = None,
    dodge: float = 0.0,
) -> Figure:
    """Several named curves over the same x values, with markers.

    Introduced in notebook 03 (parameters vs image size) and used for accuracy vs shift
    (04, 10), accuracy vs training-set size (10) and gradient norms per layer (09). A curve
    named after a model ("MLP", "CNN + augmentation") gets the model's colour and marker
    (``series_styles``). ``errors`` maps curve names to error bars, such as the standard
    deviation over seeds. Integer x values get integer ticks; ``logx=True`` puts x on a log
    scale labelled at the x values themselves (250, 1,000, 4,000), ``logy=True`` puts y on one.
    ``dodge`` moves the curves apart sideways by that much of x, centred on the true x, so
    that curves which nearly coincide (two MLPs under shifts, notebooks 10 and 10b) still
    show each marker and error bar.
    """
    x = np.asarray(x)
    if x.ndim != 1 or len(x) == 0:
        raise ValueError(f"x must be a non-empty 1D sequence, got shape {x.shape}")
    if not curves:
        raise ValueError("curves is empty: nothing to plot")
    for name, values in curves.items():
        if len(values) != len(x):
            raise ValueError(f"curve {name!r} has {len(values)} values but x has {len(x)}")
    if logx and np.any(x <= 0):
        raise ValueError("logx needs positive x values")
    if dodge < 0 or (dodge and logx):
        raise ValueError(f"dodge must be 0 or more, and 0 on a log x axis; got {dodge} with logx={logx}")
    _check_errors(errors, curves)
    fig, ax = _axes_or_new(ax, *DEFAULT_FIGURE_SIZE)
    styles = series_styles(list(curves))
    for index, (name, values) in enumerate(curves.items()):
        shifted = x + (index - (len(curves) - 1) / 2) * dodge
        if errors and name in errors:
            ax.errorbar(shifted, values, yerr=errors[name], capsize=4, label=name, **styles[name].line_kwargs())
        else:
            ax.plot(shifted, values, label=name, **styles[name].line_kwargs())
    if logy:
        ax.set_yscale("log")
    if logx:
        _log_x_axis_at(ax, x)
    elif _all_integers(x):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return fig


def _check_grouped(series: Mapping[str, Sequence[float]], groups: Sequence[str]) -> None:
    if not series:
        raise ValueError("series is empty: nothing to plot")
    if len(groups) == 0:
        raise ValueError("groups is empty: name at least one group")
    for name, values in series.items():
        if len(values) != len(groups):
            raise ValueError(f"series {name!r} has {len(values)} values but there are {len(groups)} groups")


def _grouped_styles(series: Sequence[str], groups: Sequence[str]) -> tuple[list[list[SeriesStyle]], list[SeriesStyle]]:
    """Styles for grouped values: ``styles[series][group]``, and the legend key of each series.

    When the groups are models (the x axis reads "MLP", "CNN"), each value takes its
    group's colour and its series is a condition (original or permuted pixels): filled or
    hatched, and the legend shows the conditions in neutral grey. Otherwise each series
    has one style (its model's, or a free colour) and the legend shows it.
    """
    if all(is_model(group) for group in groups):
        looks = [condition_style(name, index) for index, name in enumerate(series)]
        models = [MODEL_STYLES[canonical_model(group)] for group in groups]
        styles = [[styled(model, look) for model in models] for look in looks]
        return styles, [styled(NEUTRAL_MODEL, look) for look in looks]
    own = series_styles(series)
    return [[own[name]] * len(groups) for name in series], [own[name] for name in series]


def _category_width(groups: Sequence[str]) -> float:
    """A figure width in inches that leaves each group's label room at 11 pt (about 0.09 inch a character)."""
    return max(5.2, 1.0 + len(groups) * max(1.1, 0.09 * max(len(str(group)) for group in groups) + 0.3))


def _value_format(series: Mapping[str, Sequence[float]]) -> str:
    """Counts (all values whole numbers) as integers, anything else with 3 decimals."""
    return COUNT_FORMAT if _all_integers(np.array([list(values) for values in series.values()])) else ACCURACY_FORMAT


def _label_bars(bars: BarContainer, ax: Axes, across: bool, value_format: str) -> None:
    """Write a bar's value above it, or, where bars are too narrow for that, along it inside the bar."""
    if across:
        ax.bar_label(bars, fmt=value_format, fontsize=MIN_FONT_SIZE, padding=3)
    else:
        ax.bar_label(
            bars,
            fmt=value_format,
            fontsize=MIN_FONT_SIZE,
            label_type="center",
            rotation=90,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9},
        )


def _axes_width(ax: Axes) -> float:
    """The width of ``ax`` in points, as the figure's layout stands now."""
    return ax.get_position().width * ax.figure.get_size_inches()[0] * 72


def _fits_in_a_row(ax: Axes, handles: list[Patch]) -> bool:
    """Whether the legend entries fit side by side across the Axes (each is its text plus about 40 points)."""
    return sum(text_width(handle.get_label()) + 40 for handle in handles) <= _axes_width(ax)


def _check_bar_limits(ylim: tuple[float, float] | None) -> None:
    if ylim is not None and not ylim[0] <= 0 <= ylim[1]:
        raise ValueError(
            f"ylim={ylim} leaves out 0, but a bar's length is its value: cut off at {ylim[0]}, a small "
            "difference would look large. Drop ylim, or show the values with plot_dots, whose axis may be zoomed."
        )


@in_course_style
def plot_grouped_bars(
    series: Mapping[str, Sequence[float]],
    groups: Sequence[str],
    ylabel: str,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
    ax: Axes | None = None,
    *,
    errors: Mapping[str, Sequence[float]] | None = None,
) -> Figure:
    """Side-by-side bars: one group per model, one bar per condition, the value written on top.

    Introduced in notebook 02 (MLP vs CNN on original and permuted pixels) and reused in
    notebook 10's summary figure. When the groups are models, every bar has its model's
    colour and the conditions (the series) are filled or hatched (see ``_grouped_styles``).
    Bars always start at 0: a ``ylim`` that leaves out 0 raises; for differences too small
    to see on bars from 0 use ``plot_dots``. ``errors`` adds error bars per series. Values
    are written with 3 decimals, or as integers when all are whole numbers (counts, which
    then also get integer ticks).
    """
    _check_grouped(series, groups)
    _check_bar_limits(ylim)
    _check_errors(errors, series)
    fig, ax = _axes_or_new(ax, _category_width(groups), 3.8)
    styles, keys = _grouped_styles(list(series), groups)
    width = 0.8 / len(series)
    positions = np.arange(len(groups))
    value_format = _value_format(series)
    widest_label = max(text_width(value_format % value) for values in series.values() for value in values)
    across = _axes_width(ax) * width / len(groups) >= widest_label  # one group per unit of x
    for index, (name, values) in enumerate(series.items()):
        offset = (index - (len(series) - 1) / 2) * width
        spreads = errors[name] if errors and name in errors else [None] * len(groups)
        for position, value, spread, style in zip(positions + offset, values, spreads, styles[index], strict=True):
            bar = ax.bar(position, value, width=width, yerr=spread, capsize=4, **style.bar_kwargs())
            _label_bars(bar, ax, across, value_format)
    ax.set_xticks(positions, list(groups))
    ax.grid(axis="x", visible=False)
    if value_format == COUNT_FORMAT:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    handles = [Patch(label=name, **key.bar_kwargs()) for name, key in zip(series, keys, strict=True)]
    legend_rows = 0
    if len(series) > 1 or all(is_model(group) for group in groups):
        legend_rows = 1 if _fits_in_a_row(ax, handles) else len(handles)
        ax.legend(handles=handles, loc="upper center", ncols=len(handles) if legend_rows == 1 else 1)
    if ylim is not None:
        ax.set_ylim(*ylim)
    else:  # room above the tallest bar for its value and the legend
        ax.set_ymargin((0.15 if across else 0.05) + 0.15 * legend_rows)
    return fig


@in_course_style
def plot_dots(
    series: Mapping[str, Sequence[float]],
    groups: Sequence[str],
    ylabel: str,
    title: str | None = None,
    ax: Axes | None = None,
    *,
    errors: Mapping[str, Sequence[float]] | None = None,
    label_values: bool = True,
) -> Figure:
    """The values of ``plot_grouped_bars`` as dots, on an axis zoomed to the values.

    For differences of a few points of accuracy (an MLP 0.93 → 0.93 and a CNN 0.96 → 0.93
    when the pixels are permuted, notebooks 02 and 10): a dot's height, not a bar's
    length, carries its value, so the axis need not start at 0, and a line joins the
    values of one group to show the change (in the group's colour when the groups are
    models, else in light grey). Colours, markers and fills follow ``plot_grouped_bars``;
    each dot is labelled with its value (``label_values=False`` leaves that out, for many
    groups side by side: 10c's ten classes of clothes);
    ``errors`` adds error bars.
    """
    _check_grouped(series, groups)
    _check_errors(errors, series)
    fig, ax = _axes_or_new(ax, _category_width(groups), 3.8)
    styles, keys = _grouped_styles(list(series), groups)
    step = 0.5 / len(series)
    offsets = [(index - (len(series) - 1) / 2) * step for index in range(len(series))]
    value_format = _value_format(series)
    values = np.array([list(series[name]) for name in series], dtype=float)  # (series, groups)
    groups_are_models = all(is_model(group) for group in groups)
    for group in range(len(groups)):
        connector = styles[0][group].color if groups_are_models else FRAME_GREY  # never one model's colour for two
        ax.plot(group + np.array(offsets), values[:, group], color=connector, linewidth=1.2, zorder=1)
    for index, name in enumerate(series):
        for group, value in enumerate(values[index]):
            style = styles[index][group]
            position = group + offsets[index]
            kwargs = {**style.line_kwargs(), "linestyle": "none", "markersize": 10}
            yerr = None if not errors or name not in errors else [errors[name][group]]
            ax.errorbar([position], [value], yerr=yerr, capsize=4, zorder=2, **kwargs)
            if not label_values:
                continue
            right = offsets[index] >= 0
            ax.annotate(
                value_format % value,
                (position, value),
                xytext=(10 if right else -10, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=MIN_FONT_SIZE,
            )
    ax.set_xticks(range(len(groups)), list(groups))
    ax.grid(axis="x", visible=False)
    ax.set_xlim(-1.0, len(groups))  # room for the values beside the outer dots
    ax.set_ymargin(0.25)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    handles = [
        Line2D([], [], label=name, **{**key.line_kwargs(), "linestyle": "none", "markersize": 10})
        for name, key in zip(series, keys, strict=True)
    ]
    ax.legend(handles=handles, loc="best")
    return fig


def _history_dict(history: object) -> Mapping[str, Sequence[float]]:
    """Accept a Keras ``History`` or its ``.history`` dict."""
    values = getattr(history, "history", history)
    if not isinstance(values, Mapping):
        raise ValueError(f"history must be a keras History or a dict of metric lists, got {type(history).__name__}")
    return values


@in_course_style
def plot_training_curves(
    history: object,
    metrics: Sequence[str] = ("loss", "accuracy"),
    *,
    model: str | None = None,
    axes: Sequence[Axes] | None = None,
) -> Figure:
    """Plot each metric per epoch, training (solid) vs validation (dashed, when recorded).

    Introduced in notebook 01; diverging training and validation curves are the picture of
    overfitting (notebook 08). ``model`` names the model ("MLP", "CNN") to draw it in its
    course colour; without it the curves are dark grey. ``axes`` draws into existing Axes,
    one per metric (e.g. one panel per regularizer in notebook 08).
    """
    values = _history_dict(history)
    missing = [metric for metric in metrics if metric not in values]
    if missing:
        raise ValueError(f"history has no {missing}; it records {sorted(values)}")
    if axes is None:
        fig, grid = new_figure(3.6 * len(metrics), 3.4, 1, len(metrics))
        axes = list(grid.flat)
    elif len(axes) != len(metrics):
        raise ValueError(f"axes has {len(axes)} Axes but there are {len(metrics)} metrics: give one per metric")
    else:
        fig = axes[0].figure
    colors = NEUTRAL_MODEL if model is None else MODEL_STYLES[canonical_model(model)]
    training, validation = styled(colors, BASELINE), styled(colors, condition_style("validation"))
    for ax, metric in zip(axes, metrics, strict=True):
        epochs = np.arange(1, len(values[metric]) + 1)
        ax.plot(epochs, values[metric], label="training", **training.line_kwargs())
        if f"val_{metric}" in values:
            ax.plot(epochs, values[f"val_{metric}"], label="validation", **validation.line_kwargs())
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend()
    return fig


@in_course_style
def plot_functions_with_derivatives(
    functions: Mapping[str, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]],
    z: np.ndarray,
) -> Figure:
    """One panel per function: its value (solid) and its derivative (dashed) over ``z``.

    Each callable maps ``z`` to ``(value, derivative)``. Used in notebook 01 for the
    activation functions, where flat derivatives explain vanishing gradients.
    """
    z = np.asarray(z)
    if z.ndim != 1 or len(z) < 2:
        raise ValueError(f"z must be a 1D array of at least two points, got shape {z.shape}")
    if not functions:
        raise ValueError("functions is empty: nothing to plot")
    fig, axes = new_figure(2.6 * len(functions), 3.0, 1, len(functions), sharex=True)
    value_look, derivative_look = OTHER_SERIES[:2]
    for ax, (name, function) in zip(axes.flat, functions.items(), strict=True):
        value, derivative = function(z)
        ax.plot(z, value, color=value_look.color, linestyle=value_look.linestyle, label="f(z)")
        ax.plot(z, derivative, color=derivative_look.color, linestyle=derivative_look.linestyle, label="f'(z)")
        ax.axhline(0, color=NEUTRAL_COLOR, linewidth=0.8)
        ax.set_title(name)
        ax.set_xlabel("z")
        ax.legend(loc="upper left")
    return fig


def _short_count(value: float) -> str:
    """61,706 -> "62 k", 138,357,544 -> "138 M": a count readable at a glance in a chart."""
    for factor, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            scaled = value / factor
            return f"{scaled:.1f} {unit}" if scaled < 10 else f"{scaled:.0f} {unit}"
    return f"{value:g}"


@in_course_style
def plot_model_timeline(points: Mapping[str, tuple[int, float, int]], title: str | None = None) -> Figure:
    """Models in the order of their year: parameters (log scale) above, depth below.

    Introduced in notebook 09 for the classic architectures; ``points[name] = (year,
    parameters, depth)``. The x axis lists the models, each with its year, evenly spaced
    (the 14 empty years between LeNet-5 and AlexNet would otherwise fill the chart), so
    the ups and downs of each measure read from left to right. Each model has its course
    colour and marker, each point its value written beside it ("138 M", "22").
    """
    if not points:
        raise ValueError("points is empty: nothing to plot")
    for name in points:
        canonical_model(name)  # raises, naming the course's models, for an unknown one
    ordered = sorted(points, key=lambda name: points[name][0])
    fig, axes = new_figure(max(5.2, 1.3 * len(ordered)), 4.6, 2, 1, sharex=True)
    positions = np.arange(len(ordered))
    panels = (
        (axes[0, 0], 1, "parameters (log scale)", _short_count),
        (axes[1, 0], 2, "depth (layers with weights)", str),
    )
    for ax, index, label, write in panels:
        values = [points[name][index] for name in ordered]
        ax.plot(positions, values, color=FRAME_GREY, linewidth=1.2, zorder=1)
        for position, name, value in zip(positions, ordered, values, strict=True):
            ax.plot(
                [position], [value], markersize=11, zorder=2, **{**model_style(name).line_kwargs(), "linestyle": "none"}
            )
            ax.annotate(write(value), (position, value), xytext=(0, 11), textcoords="offset points", ha="center")
        ax.set_ylabel(label)
        ax.set_ymargin(0.3)
        ax.grid(axis="x", visible=False)
    axes[0, 0].set_yscale("log")
    axes[1, 0].yaxis.set_major_locator(MaxNLocator(integer=True))
    axes[1, 0].set_xticks(positions, [f"{name}\n{points[name][0]}" for name in ordered])
    axes[1, 0].set_xlim(-0.5, len(ordered) - 0.5)
    if title:
        axes[0, 0].set_title(title)
    return fig
