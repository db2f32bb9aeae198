"""Tests for course_utils.plots: the course style, one colour per model, and every plotting function."""

import base64
import io
import itertools
import sys
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgba
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from course_utils import plots
from course_utils.convolution import KERNELS
from course_utils.plots import style
from course_utils.plots.model_styles import (
    CONDITION_STYLES,
    MODEL_STYLES,
    model_style,
    split_series_name,
)

# a warning in a notebook lands on stderr, where nbval sees an output the stored notebook lacks
pytestmark = pytest.mark.filterwarnings("error")

REPO = Path(__file__).resolve().parents[1]
PALETTE = {to_hex(color) for color in (*style.OKABE_ITO.values(), *style.TOL_MUTED.values())}


def is_grey(color) -> bool:
    red, green, blue, _ = to_rgba(color)
    return red == green == blue


@pytest.fixture
def digits():
    return np.random.default_rng(0).integers(0, 256, size=(6, 28, 28), dtype=np.uint8)


@pytest.fixture
def matplotlib_defaults():
    """Matplotlib's own defaults (10 pt text, 100 dpi), as in a script that never called setup()."""
    with mpl.rc_context():
        mpl.rcdefaults()
        yield


def drawn(fig: Figure) -> Figure:
    """Draw the figure, so that tick labels and the layout are final."""
    fig.canvas.draw()
    return fig


def visible_texts(fig: Figure) -> list[Text]:
    return [text for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]


def overlapping_pairs(texts: list[Text]) -> list[tuple[str, str]]:
    boxes = [(text.get_text(), text.get_window_extent()) for text in texts]
    return [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if box_a.overlaps(box_b)]


# --- the course style -----------------------------------------------------------------------


def test_course_style_is_made_for_a_projector():
    rc = style.COURSE_RC
    assert rc["figure.dpi"] >= 150 and rc["savefig.dpi"] >= 150
    sizes = ["font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize", "legend.fontsize"]
    assert all(rc[key] >= 11 for key in sizes), {key: rc[key] for key in sizes}
    assert rc["axes.grid"] is True
    width, height = rc["figure.figsize"]
    assert 600 <= width * rc["figure.dpi"] <= 1100, "the default figure fits a 1280-pixel-wide projector"
    assert height * rc["figure.dpi"] <= 600, "and leaves room on a 720-pixel-high one"
    assert all(is_grey(color) for color in rc["axes.prop_cycle"].by_key()["color"]), "colour is kept for models"


def test_apply_course_style_sets_the_defaults():
    with mpl.rc_context():
        mpl.rcdefaults()
        plots.apply_course_style()
        assert mpl.rcParams["figure.dpi"] == style.FIGURE_DPI
        assert mpl.rcParams["font.size"] == style.MIN_FONT_SIZE


def test_jupyter_inline_backend_stores_figures_at_150_dpi():
    """matplotlib-inline saves with fig.dpi and bbox_inches="tight": check both on a real PNG."""
    from IPython.core.pylabtools import print_figure

    with mpl.rc_context():
        plots.apply_course_style()
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
    png = Image.open(io.BytesIO(print_figure(fig, "png")))
    assert png.info["dpi"][0] == pytest.approx(150, abs=0.1)
    tight = fig.get_tightbbox().padded(0.1)  # inches, as bbox_inches="tight" crops
    assert png.width == pytest.approx(tight.width * 150, abs=2)
    assert png.width >= 600


def test_fitted_size_keeps_figures_between_the_smallest_and_the_largest_width():
    assert style.fitted_size(14.4, 4.0) == pytest.approx((7.2, 2.0)), "too wide: shrinks as a whole"
    assert style.fitted_size(3.0, 3.4) == (4.4, 3.4), "a narrow chart gets wider and keeps its height"
    assert style.fitted_size(2.2, 2.0, keep_aspect=True) == pytest.approx((4.4, 4.0)), "images keep their shape"
    assert style.fitted_size(6.0, 3.0) == (6.0, 3.0)


# --- one colour per model -------------------------------------------------------------------


def test_every_model_of_the_course_has_its_own_colour_and_marker():
    expected = {
        "MLP",
        "CNN",
        "global-pooling CNN",
        "LeNet-5",
        "AlexNet",
        "VGG-16",
        "GoogLeNet",
        "ResNet-18",
        "capacity-matched MLP",
        "small CNN",
        "Keras example convnet",
    }
    assert set(MODEL_STYLES) == expected
    colors = [to_hex(model.color) for model in MODEL_STYLES.values()]
    assert len(set(colors)) == len(colors), "two models share a colour"
    assert set(colors) <= PALETTE, "every model colour is from a colour-blind-safe palette"
    markers = [model.marker for model in MODEL_STYLES.values()]
    assert len(set(markers)) == len(markers), "two models share a marker"


@pytest.mark.parametrize(
    ("name", "model", "condition"),
    [
        ("MLP", "MLP", None),
        ("mlp", "MLP", None),
        ("MLP + augmentation", "MLP", "augmented"),
        ("CNN (permuted pixels)", "CNN", "permuted"),
        ("CNN, validation", "CNN", "validation"),
        ("LeNet5", "LeNet-5", None),
        ("vgg_16", "VGG-16", None),
        ("Global pooling CNN", "global-pooling CNN", None),
        ("big MLP", "MLP", None),
        ("Dense(128), grayscale", None, None),
        ("with skip connections", None, None),
    ],
)
def test_series_names_are_normalised_to_a_model_and_a_condition(name, model, condition):
    assert split_series_name(name) == (model, condition)


def test_a_condition_changes_the_line_not_the_colour():
    plain, augmented = model_style("MLP"), model_style("MLP + augmentation")
    assert augmented.color == plain.color == MODEL_STYLES["MLP"].color and augmented.marker == plain.marker
    assert (plain.linestyle, plain.filled, plain.hatch) == ("-", True, "")
    assert (augmented.linestyle, augmented.filled) == ("--", False) and augmented.hatch
    original, permuted = plots.condition_style("original pixels"), plots.condition_style("permuted pixels")
    assert original != permuted
    assert plots.condition_style("training").linestyle == "-" and plots.condition_style("val").linestyle == "--"
    assert set(CONDITION_STYLES) == {"original", "permuted", "training", "validation", "test", "augmented"}


def test_unknown_models_and_conditions_fail_clearly_unless_a_fallback_is_given():
    with pytest.raises(
        ValueError, match=r"'MPL' is not one of the course's models: MLP, CNN, .*Add it to MODEL_STYLES"
    ):
        model_style("MPL")
    assert model_style("MPL", fallback="#123456").color == "#123456"
    with pytest.raises(ValueError, match=r"unknown condition 'agumentation' in 'CNN \+ agumentation'"):
        model_style("CNN + agumentation")
    with pytest.raises(ValueError, match="unknown condition 'shuffled'"):
        plots.condition_style("shuffled")
    assert plots.condition_style("shuffled", index=1) == plots.condition_style("permuted")


# --- every plotting function draws in the course style ---------------------------------------

HISTORY = {"loss": [1.0, 0.5, 0.3], "accuracy": [0.6, 0.8, 0.9], "val_loss": [1.1, 0.7, 0.6], "val_accuracy": [0.5] * 3}
RNG = np.random.default_rng(0)
EXAMPLES = {
    "plot_curves": lambda: plots.plot_curves(np.arange(5), {"MLP": RNG.random(5), "CNN": RNG.random(5)}, "x", "y"),
    "plot_grouped_bars": lambda: plots.plot_grouped_bars(
        {"original pixels": [0.93, 0.96], "permuted pixels": [0.93, 0.93]}, ["MLP", "CNN"], "test accuracy"
    ),
    "plot_dots": lambda: plots.plot_dots(
        {"original pixels": [0.93, 0.96], "permuted pixels": [0.93, 0.93]}, ["MLP", "CNN"], "test accuracy"
    ),
    "plot_training_curves": lambda: plots.plot_training_curves(HISTORY, model="CNN"),
    "plot_functions_with_derivatives": lambda: plots.plot_functions_with_derivatives(
        {"square": lambda z: (z**2, 2 * z)}, np.linspace(-1, 1, 5)
    ),
    "plot_model_timeline": lambda: plots.plot_model_timeline({"LeNet-5": (1998, 6e4, 5), "VGG-16": (2014, 1.4e8, 16)}),
    "plot_image_grid": lambda: plots.plot_image_grid(RNG.random((6, 28, 28)), labels=range(6), ncols=3),
    "plot_arrays": lambda: plots.plot_arrays([KERNELS["sobel_x"], RNG.random((8, 8))], ["a", "b"]),
    "plot_matrix": lambda: plots.plot_matrix(RNG.normal(size=(4, 9)), "input pixel", "output value"),
    "plot_confusion_matrix": lambda: plots.plot_confusion_matrix([0, 1, 1, 0], [0, 1, 0, 0]),
    "plot_pixel_neighbours": lambda: plots.plot_pixel_neighbours(RNG.random((28, 28)), 10, 10),
    "plot_sliding_windows": lambda: plots.plot_sliding_windows(np.eye(6), 3, 2),
    "plot_receptive_fields": lambda: plots.plot_receptive_fields(RNG.random((28, 28)), {"conv": (3, 4, 3, 3)}),
    "plot_window_settings": lambda: plots.plot_window_settings(np.eye(6), [(3, 1, "valid"), (3, 2, "same")]),
    "plot_convolution": lambda: plots.plot_convolution(RNG.random((12, 12)), KERNELS["blur"]),
    "plot_feature_maps": lambda: plots.plot_feature_maps(RNG.random((28, 28)), {"conv": RNG.random((26, 26, 4))}),
}


def test_every_public_plotting_function_has_an_example_here():
    public = {name for name in plots.__all__ if name.startswith("plot_")}
    assert public == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_plotting_function_draws_in_the_course_style_even_without_setup(name, matplotlib_defaults):
    fig = drawn(EXAMPLES[name]())
    assert fig.dpi == style.FIGURE_DPI
    width = fig.get_size_inches()[0]
    assert style.MIN_FIGURE_WIDTH <= width <= style.MAX_FIGURE_WIDTH
    small = {text.get_text(): text.get_fontsize() for text in visible_texts(fig) if text.get_fontsize() < 11}
    assert not small, f"text below 11 pt: {small}"
    for ax in fig.axes:
        for line in ax.lines:
            color = to_hex(line.get_color())
            assert color in PALETTE or is_grey(color), f"line colour {color} is not colour-blind safe"


# --- charts ---------------------------------------------------------------------------------


def test_plot_curves_draws_models_in_their_colours_and_others_in_black_or_grey():
    curves = {"MLP": [0.9, 0.5, 0.2], "CNN + augmentation": [0.95, 0.9, 0.7], "chance": [0.1] * 3}
    fig = plots.plot_curves([0, 2, 4], curves, "shift", "accuracy", logy=True)
    (ax,) = fig.axes
    mlp, cnn, chance = ax.lines
    assert [line.get_label() for line in ax.lines] == list(curves)
    assert mlp.get_color() == MODEL_STYLES["MLP"].color and mlp.get_marker() == MODEL_STYLES["MLP"].marker
    assert cnn.get_color() == MODEL_STYLES["CNN"].color and cnn.get_linestyle() == "--"
    assert is_grey(chance.get_color())
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "shift"


def test_series_that_are_not_models_never_take_a_models_colour_and_differ_in_look():
    names = ["no pooling", "2x2 max pooling", "two 2x2 max poolings", "global max pooling", "plain", "skip"]
    fig = plots.plot_curves([0, 1], {name: [1.0, 0.5] for name in names}, "shift", "share")
    lines = fig.axes[0].lines
    model_colors = {to_hex(model.color) for model in MODEL_STYLES.values()}
    assert not {to_hex(line.get_color()) for line in lines} & model_colors
    looks = {(to_hex(line.get_color()), line.get_marker(), line.get_linestyle()) for line in lines}
    assert len(looks) == len(names), "each series has its own colour, marker and line style combination"


def test_plot_curves_counts_in_integers_and_labels_a_log_axis_at_its_values():
    fig = drawn(plots.plot_curves([0, 1, 2], {"MLP": [0.9, 0.6, 0.3]}, "shift (pixels)", "accuracy"))
    assert all(float(tick).is_integer() for tick in fig.axes[0].get_xticks())
    sizes = [250, 1000, 4000]
    fig = drawn(plots.plot_curves(sizes, {"CNN": [0.9, 0.95, 0.97]}, "training digits", "accuracy", logx=True))
    ax = fig.axes[0]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["250", "1,000", "4,000"]
    assert not any(label.get_text() for label in ax.get_xticklabels(minor=True)), "no 3x10² between them"
    with pytest.raises(ValueError, match="logx needs positive x values"):
        plots.plot_curves([0, 1], {"CNN": [1, 2]}, "x", "y", logx=True)


def test_log_axis_leaves_out_labels_that_would_overlap():
    _, ax = plt.subplots(figsize=(1.5, 2), dpi=150)
    sizes = [250, 500, 1000, 2000, 4000]
    drawn(plots.plot_curves(sizes, {"CNN": np.linspace(0.9, 0.97, 5)}, "digits", "accuracy", ax=ax, logx=True))
    labels = [label for label in ax.get_xticklabels() if label.get_text()]
    assert 2 <= len(labels) < len(sizes)
    assert overlapping_pairs(labels) == []


def test_plot_curves_dodges_curves_that_nearly_coincide_around_the_true_x():
    curves = {"MLP": [0.9, 0.5], "capacity-matched MLP": [0.9, 0.5], "CNN": [0.95, 0.8]}
    fig = plots.plot_curves([0, 1], curves, "shift", "accuracy", dodge=0.1)
    xs = [list(line.get_xdata()) for line in fig.axes[0].lines]
    assert xs == [pytest.approx([-0.1, 0.9]), pytest.approx([0.0, 1.0]), pytest.approx([0.1, 1.1])]
    with pytest.raises(ValueError, match="dodge must be 0 or more, and 0 on a log x axis"):
        plots.plot_curves([1, 2], curves, "x", "y", logx=True, dodge=0.1)


def test_plot_curves_draws_error_bars():
    fig = plots.plot_curves([1, 2], {"MLP": [0.8, 0.9]}, "x", "y", errors={"MLP": [0.01, 0.02]})
    (container,) = fig.axes[0].containers
    assert container.has_yerr
    with pytest.raises(ValueError, match="errors has 'CNN', which is not one of the series: MLP"):
        plots.plot_curves([1, 2], {"MLP": [0.8, 0.9]}, "x", "y", errors={"CNN": [0.01, 0.02]})


@pytest.mark.parametrize(
    ("x", "curves", "message"),
    [
        ([], {"a": []}, "x must be a non-empty 1D sequence"),
        ([1, 2], {}, "curves is empty"),
        ([1, 2], {"a": [1, 2, 3]}, "curve 'a' has 3 values but x has 2"),
    ],
)
def test_plot_curves_rejects_bad_input(x, curves, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_curves(x, curves, "x", "y")


def test_grouped_bars_take_the_model_colour_and_hatch_the_condition():
    series = {"original pixels": [0.9, 0.95], "permuted pixels": [0.91, 0.85]}
    fig = plots.plot_grouped_bars(series, ["MLP", "CNN"], "accuracy")
    (ax,) = fig.axes
    bars = ax.patches
    assert len(bars) == 4
    assert [round(bar.get_height(), 2) for bar in bars] == [0.9, 0.95, 0.91, 0.85]
    assert [text.get_text() for text in ax.texts] == ["0.900", "0.950", "0.910", "0.850"]
    mlp, cnn = to_rgba(MODEL_STYLES["MLP"].color), to_rgba(MODEL_STYLES["CNN"].color)
    assert [bar.get_edgecolor() for bar in bars] == [mlp, cnn, mlp, cnn]
    assert [bar.get_facecolor() for bar in bars] == [mlp, cnn, to_rgba("white"), to_rgba("white")]
    assert [bar.get_hatch() or "" for bar in bars] == ["", "", "//", "//"]
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == list(series)
    assert {to_hex(patch.get_edgecolor()) for patch in legend.get_patches()} == {to_hex(style.NEUTRAL_COLOR)}
    assert ax.get_ylim()[0] == 0, "bars start at zero"
    assert [label.get_text() for label in ax.get_xticklabels()] == ["MLP", "CNN"]


def test_grouped_bars_of_counts_write_integers_on_integer_ticks():
    fig = drawn(plots.plot_grouped_bars({"side (pixels)": [28, 26, 13]}, ["input", "conv_1", "pool_1"], "pixels"))
    (ax,) = fig.axes
    assert [text.get_text() for text in ax.texts] == ["28", "26", "13"]
    assert all(float(tick).is_integer() for tick in ax.get_yticks())
    assert ax.get_legend() is None, "one series that is not a model needs no legend"


def test_grouped_bars_refuse_an_axis_that_leaves_out_zero():
    with pytest.raises(ValueError, match=r"ylim=\(0.8, 1.0\) leaves out 0.*with plot_dots"):
        plots.plot_grouped_bars({"a": [0.9, 0.95]}, ["MLP", "CNN"], "accuracy", ylim=(0.8, 1.0))
    fig = plots.plot_grouped_bars({"a": [0.9, 0.95]}, ["MLP", "CNN"], "accuracy", ylim=(0, 1))
    assert fig.axes[0].get_ylim() == (0, 1)


def test_grouped_bars_of_other_series_write_values_that_never_overlap():
    fig, axes = plt.subplots(1, 3, figsize=(7.2, 3), dpi=150, layout="constrained")
    gaps = {"gap": [0.07, 0.05, 0.04], "gap after": [0.05, 0.04, 0.03]}
    plots.plot_grouped_bars(gaps, ["baseline", "L2", "dropout"], "gap", ax=axes[2], errors=gaps)
    drawn(fig)
    assert overlapping_pairs(list(axes[2].texts)) == []
    bars = [container for container in axes[2].containers if isinstance(container, BarContainer)]
    assert len(bars) == 6 and all(container.errorbar for container in bars)


@pytest.mark.parametrize(
    ("series", "groups", "message"),
    [
        ({}, ["x"], "series is empty"),
        ({"a": [1]}, [], "groups is empty"),
        ({"a": [1, 2]}, ["x"], "series 'a' has 2 values but there are 1 groups"),
    ],
)
def test_grouped_bars_and_dots_reject_bad_input(series, groups, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_grouped_bars(series, groups, "y")
    with pytest.raises(ValueError, match=message):
        plots.plot_dots(series, groups, "y")


def test_dots_zoom_in_and_keep_model_colours_and_condition_fills():
    series = {"original pixels": [0.93, 0.962], "permuted pixels": [0.929, 0.93]}
    fig = drawn(plots.plot_dots(series, ["MLP", "CNN"], "test accuracy"))
    (ax,) = fig.axes
    assert ax.get_ylim()[0] > 0.9, "a dot plot may zoom in"
    markers = [line for line in ax.lines if line.get_linestyle() == "None"]
    assert [to_hex(line.get_color()) for line in markers] == [
        to_hex(MODEL_STYLES[m].color) for m in ("MLP", "CNN", "MLP", "CNN")
    ]
    assert [line.get_markerfacecolor() for line in markers[2:]] == ["white", "white"], "permuted: open markers"
    assert {"0.930", "0.962", "0.929"} <= {text.get_text() for text in ax.texts}
    assert overlapping_pairs(list(ax.texts)) == []
    unlabelled = plots.plot_dots(series, ["MLP", "CNN"], "test accuracy", label_values=False)
    assert len(unlabelled.axes[0].texts) == 0, "label_values=False: the dots alone, for many groups"


def test_training_curves_plot_train_solid_and_validation_dashed_in_the_model_colour():
    history = {"loss": [1.0, 0.5, 0.3], "accuracy": [0.6, 0.8, 0.9], "val_loss": [1.1, 0.7, 0.6]}
    fig = drawn(plots.plot_training_curves(history, model="MLP"))
    loss_ax, accuracy_ax = fig.axes
    assert len(loss_ax.lines) == 2 and len(accuracy_ax.lines) == 1
    training, validation = loss_ax.lines
    np.testing.assert_array_equal(validation.get_ydata(), [1.1, 0.7, 0.6])
    assert training.get_color() == validation.get_color() == MODEL_STYLES["MLP"].color
    assert (training.get_linestyle(), validation.get_linestyle()) == ("-", "--")
    assert all(float(tick).is_integer() for tick in loss_ax.get_xticks()), "epochs are counted in integers"
    neutral = plots.plot_training_curves(history, metrics=("loss",))
    assert neutral.axes[0].lines[0].get_color() == style.NEUTRAL_COLOR


def test_training_curves_draw_into_given_axes():
    fig, axes = plt.subplots(1, 2)
    assert plots.plot_training_curves(HISTORY, metrics=("accuracy",), model="CNN", axes=[axes[1]]) is fig
    assert len(axes[1].lines) == 2 and len(axes[0].lines) == 0
    with pytest.raises(ValueError, match="axes has 2 Axes but there are 1 metrics"):
        plots.plot_training_curves(HISTORY, metrics=("accuracy",), axes=list(axes))


def test_training_curves_reject_missing_metric_wrong_type_and_unknown_model():
    with pytest.raises(ValueError, match=r"history has no \['accuracy'\]; it records \['loss'\]"):
        plots.plot_training_curves({"loss": [1.0]})
    with pytest.raises(ValueError, match="keras History or a dict"):
        plots.plot_training_curves([1.0, 2.0])
    with pytest.raises(ValueError, match="'regularized CNN' is not one of the course's models"):
        plots.plot_training_curves(HISTORY, model="regularized CNN")


def test_functions_with_derivatives():
    z = np.linspace(-3, 3, 7)
    fig = plots.plot_functions_with_derivatives({"square": lambda z: (z**2, 2 * z)}, z)
    (ax,) = fig.axes
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), 2 * z)
    assert ax.lines[1].get_linestyle() == "--"
    with pytest.raises(ValueError, match="z must be a 1D array"):
        plots.plot_functions_with_derivatives({"square": lambda z: (z, z)}, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="functions is empty"):
        plots.plot_functions_with_derivatives({}, z)


def test_model_timeline_orders_models_by_year_with_both_measures_labelled():
    points = {"ResNet-18": (2015, 1.17e7, 18), "LeNet-5": (1998, 61_706, 5), "GoogLeNet": (2014, 6.8e6, 22)}
    fig = drawn(plots.plot_model_timeline(points, "title"))
    parameters, depth = fig.axes
    assert [label.get_text() for label in depth.get_xticklabels()] == [
        "LeNet-5\n1998",
        "GoogLeNet\n2014",
        "ResNet-18\n2015",
    ]
    assert parameters.get_yscale() == "log" and depth.get_yscale() == "linear"
    assert [text.get_text() for text in parameters.texts] == ["62 k", "6.8 M", "12 M"]
    assert [text.get_text() for text in depth.texts] == ["5", "22", "18"]
    markers = [line for line in depth.lines if line.get_linestyle() == "None"]
    assert [to_hex(line.get_color()) for line in markers] == [
        to_hex(MODEL_STYLES[name].color) for name in ("LeNet-5", "GoogLeNet", "ResNet-18")
    ]
    with pytest.raises(ValueError, match="'Inception-v9' is not one of the course's models"):
        plots.plot_model_timeline({"Inception-v9": (2020, 1.0, 3)})
    with pytest.raises(ValueError, match="points is empty"):
        plots.plot_model_timeline({})


# --- images ---------------------------------------------------------------------------------


def test_image_grid_marks_mistakes_without_a_models_colour(digits):
    fig = plots.plot_image_grid(digits, labels=[0, 1, 2, 3, 4, 5], predictions=[0, 1, 7, 3, 4, 9], ncols=3)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 6
    assert [ax.get_title() for ax in fig.axes] == ["0 (0)", "1 (1)", "✗ 7 (2)", "3 (3)", "4 (4)", "✗ 9 (5)"]
    assert [ax.title.get_fontweight() for ax in fig.axes].count("bold") == 2
    framed = [ax for ax in fig.axes if ax.spines["left"].get_visible()]
    assert framed == [fig.axes[2], fig.axes[5]]
    assert all(is_grey(ax.spines["left"].get_edgecolor()) for ax in framed)
    assert not colours_in(fig) & MODEL_COLOURS


def colours_in(fig: Figure) -> set[str]:
    """Every colour a figure draws with: lines, markers, patches, spines, texts, and its images' colour maps."""
    found = set()
    for ax in fig.axes:
        for line in ax.lines:
            found |= {to_hex(line.get_color()), to_hex(line.get_markerfacecolor()), to_hex(line.get_markeredgecolor())}
        for patch in [*ax.patches, *ax.spines.values()]:
            found |= {to_hex(patch.get_facecolor()), to_hex(patch.get_edgecolor())}
        for collection in ax.collections:
            found |= {to_hex(color) for color in collection.get_edgecolor()}
        found |= {to_hex(text.get_color()) for text in [*ax.texts, ax.title]}
        for image in ax.images:
            found |= {to_hex(image.get_cmap()(value)) for value in np.linspace(0, 1, 64)}
    return found


MODEL_COLOURS = {to_hex(model.color) for model in MODEL_STYLES.values()}


def test_figures_about_no_model_use_no_models_colour():
    confusion = plots.plot_confusion_matrix([0, 1, 1, 0], [0, 1, 0, 0])
    assert confusion.axes[0].images[0].get_cmap().name == "Greys"
    neighbours = plots.plot_pixel_neighbours(RNG.random((28, 28)), 10, 10)
    for fig in (confusion, neighbours):
        assert not colours_in(fig) & MODEL_COLOURS


def test_dots_join_two_models_in_grey_and_two_conditions_in_the_models_colour():
    models = {"capacity-matched MLP": [0.6, 0.9], "small CNN": [0.3, 0.95]}
    joined = [
        line
        for line in plots.plot_dots(models, ["Shirt", "Sandal"], "accuracy").axes[0].lines
        if line.get_linestyle() == "-"
    ]
    assert len(joined) == 2 and all(is_grey(line.get_color()) for line in joined)
    conditions = {"original pixels": [0.93, 0.96], "permuted pixels": [0.93, 0.93]}
    joined = [
        line
        for line in plots.plot_dots(conditions, ["MLP", "CNN"], "accuracy").axes[0].lines
        if line.get_linestyle() == "-"
    ]
    assert [to_hex(line.get_color()) for line in joined] == [to_hex(MODEL_STYLES[m].color) for m in ("MLP", "CNN")]


def test_image_grid_accepts_channel_axis_labels_only_and_one_colour_scale(digits):
    fig = plots.plot_image_grid(
        digits[..., None], labels=np.arange(6), class_names=list("abcdef"), title="t", cmap="RdBu_r"
    )
    assert [ax.get_title() for ax in fig.axes] == list("abcdef")
    assert fig.axes[0].images[0].get_cmap().name == "RdBu_r"
    assert fig._suptitle.get_text() == "t"
    shared = plots.plot_image_grid(digits, value_range=(-1.0, 1.0), colorbar=True)
    image_axes = [ax for ax in shared.axes if ax.images and ax.get_label() != "<colorbar>"]
    assert len(image_axes) == 6 and all(ax.images[0].get_clim() == (-1.0, 1.0) for ax in image_axes)
    assert len(shared.axes) == 7, "one colour bar for the whole grid"


def test_image_grid_is_never_wider_than_a_projector(digits):
    fig = plots.plot_image_grid(np.concatenate([digits, digits, digits]), ncols=18)
    assert fig.get_size_inches()[0] == style.MAX_FIGURE_WIDTH


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": np.zeros((28, 28))}, r"pass image\[None\]"),
        ({"images": np.zeros((0, 28, 28))}, "images is empty"),
        ({"labels": [1, 2]}, "labels has 2 entries but there are 6 images"),
        ({"labels": list(range(6)), "predictions": [1]}, "predictions has 1 entries"),
        ({"predictions": list(range(6))}, "predictions need labels"),
        ({"ncols": 0}, "ncols must be at least 1"),
        ({"colorbar": True}, r"colorbar needs one colour scale for all images: pass value_range"),
    ],
)
def test_image_grid_rejects_bad_input(digits, kwargs, message):
    arguments = {"images": digits, **kwargs}
    with pytest.raises(ValueError, match=message):
        plots.plot_image_grid(**arguments)


def test_confusion_matrix_counts():
    matrix = plots.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], num_classes=3)
    np.testing.assert_array_equal(matrix, [[1, 0, 0], [0, 1, 1], [1, 0, 2]])
    with pytest.raises(ValueError, match="y_true has 2 labels but y_pred has 1"):
        plots.confusion_matrix([0, 1], [0], 2)
    with pytest.raises(ValueError, match=r"y_pred must hold class indices in 0..1"):
        plots.confusion_matrix([0, 1], [0, 2], 2)


def test_plot_confusion_matrix_on_given_axes():
    fig, ax = plt.subplots()
    returned = plots.plot_confusion_matrix([0, 1, 1, 0], [0, 1, 0, 0], class_names=["a", "b"], ax=ax)
    assert returned is fig
    assert ax.get_title() == "accuracy 0.750 on 4 images"
    assert [text.get_text() for text in ax.texts] == ["2", "0", "1", "1"]


def test_pixel_neighbours_marks_five_positions_in_both_views():
    image = np.arange(28 * 28, dtype=float).reshape(28, 28)
    fig = plots.plot_pixel_neighbours(image, 10, 10)
    ax_image, ax_flat = fig.axes
    assert len(ax_image.patches) == 5
    labels = {text.get_text() for text in ax_flat.texts}
    assert labels == {"above\n262", "left\n289", "pixel\n290", "right\n291", "below\n318"}
    assert ax_flat.patches[-1].get_x() + 0.5 == 290, "the pixel's bar is drawn last, on top of its neighbours"
    assert ax_flat.get_title() == "flattened: positions 224-363 of 784"
    with pytest.raises(ValueError, match="needs 4 neighbours"):
        plots.plot_pixel_neighbours(image, 0, 5)
    with pytest.raises(ValueError, match="image must be 2D"):
        plots.plot_pixel_neighbours(image[None], 5, 5)


def test_plot_arrays_annotates_small_arrays_and_centres_signed_ones():
    kernel = np.array([[1, -1], [0, 2.5]])
    photo = np.random.default_rng(0).random((30, 40))
    fig = plots.plot_arrays([kernel, photo, np.zeros((5, 5, 3))], titles=["k", "photo", "rgb"], ncols=2)
    kernel_ax, photo_ax, rgb_ax, spare_ax = fig.axes
    assert [text.get_text() for text in kernel_ax.texts] == ["1", "-1", "0", "2.5"]
    assert kernel_ax.images[0].get_cmap().name == "RdBu_r" and kernel_ax.images[0].get_clim() == (-2.5, 2.5)
    assert len(photo_ax.texts) == 0 and photo_ax.images[0].get_cmap().name == "gray"
    assert photo_ax.images[0].get_clim() == (0.0, float(photo.max()))
    assert rgb_ax.get_title() == "rgb" and len(spare_ax.images) == 0 and not spare_ax.axison
    edges = np.linspace(-1, 1, 200).reshape(10, 20)
    edges[0, 0] = -50  # one extreme pixel does not set the colour scale of a large map
    low, high = plots.plot_arrays([edges]).axes[0].images[0].get_clim()
    assert low == -high and 0.97 < high < 1.0
    forced = plots.plot_arrays([photo[:3, :3]], annotate=False, cmap="viridis")
    assert len(forced.axes[0].texts) == 0 and forced.axes[0].images[0].get_cmap().name == "viridis"
    same_scale = plots.plot_arrays([kernel, np.array([[3.0, 0.0], [3.0, 1.0]])], signed=True)
    assert same_scale.axes[1].images[0].get_cmap().name == "RdBu_r"
    assert same_scale.axes[1].images[0].get_clim() == (-3.0, 3.0)


def test_a_kernel_of_equal_values_is_not_drawn_blank():
    fig = plots.plot_arrays([KERNELS["blur"]], ["blur"])
    (ax,) = fig.axes
    image = ax.images[0]
    red, green, blue, _ = image.cmap(image.norm(1 / 9))
    assert min(red, green, blue) < 0.8, "the cells have a clear colour, not white on white"
    assert [patch.get_gid() for patch in ax.patches] == ["frame"]
    assert {text.get_text() for text in ax.texts} == {"0.111"}
    zeros = plots.plot_arrays([np.zeros((3, 3))]).axes[0]
    assert [patch.get_gid() for patch in zeros.patches] == ["frame"], "a frame shows even an all-zero panel"


def test_long_panel_titles_wrap_instead_of_printing_over_each_other():
    titles = [f"average {side}x{side}" for side in (600, 300, 150, 75, 37, 18)]
    fig = drawn(plots.plot_arrays([np.zeros((4, 4))] * 6, titles, ncols=6))
    assert overlapping_pairs([ax.title for ax in fig.axes]) == []
    assert fig.axes[0].get_title() == "average\n600x600"
    assert plots.plot_arrays([np.zeros((4, 4))], ["6x6 image"]).axes[0].get_title() == "6x6 image"


def test_plot_arrays_can_share_one_colour_scale_with_a_key():
    fig = plots.plot_arrays([np.ones((2, 2)), np.full((2, 2), 4.0)], shared_scale=True, colorbar=True)
    first, second, key = fig.axes
    assert first.images[0].get_clim() == second.images[0].get_clim() == (0.0, 4.0)
    assert key.get_label() == "<colorbar>"
    each = plots.plot_arrays([np.ones((2, 2)), np.full((2, 2), 4.0)], colorbar=True)
    assert len(each.axes) == 4, "without a shared scale, one key per panel"


def test_plot_arrays_to_scale_draws_every_pixel_the_same_size():
    large, small = np.random.default_rng(1).random((16, 16)), np.random.default_rng(2).random((4, 4))
    fig = drawn(plots.plot_arrays([large, small], to_scale=True, annotate=False))

    def pixel_width(ax, array):
        left, right = ax.transData.transform([(-0.5, 0), (array.shape[1] - 0.5, 0)])[:, 0]
        return (right - left) / array.shape[1]

    assert pixel_width(fig.axes[0], large) == pytest.approx(pixel_width(fig.axes[1], small), rel=0.02)
    stretched = drawn(plots.plot_arrays([large, small], annotate=False))
    assert pixel_width(stretched.axes[1], small) > 3 * pixel_width(stretched.axes[0], large)


def test_annotated_values_are_shortened_or_left_out_but_never_overlap():
    image = np.random.default_rng(0).random((28, 28))
    for stride in (1, 2, 3, 4):
        fig = drawn(plots.plot_convolution(image, KERNELS["sobel_x"], stride=stride, padding="same"))
        for ax in fig.axes:
            assert overlapping_pairs(list(ax.texts)) == [], f"stride {stride}: values print over each other"
    texts = []
    for count, size in ((5, 1.0), (5, 1.3), (2, 2.4)):  # cells too small for 2 digits, for 3, large enough for 3
        fig = drawn(plots.plot_arrays([np.full((3, 3), 0.77912)] * count, size=size))
        texts.append({text.get_text() for text in fig.axes[0].texts})
    assert texts == [set(), {"0.78"}, {"0.779"}]
    tiny = drawn(plots.plot_arrays([np.array([[-0.00712, 0.0123, -0.0004]] * 3)] * 4, size=1.8))
    assert {text.get_text() for text in tiny.axes[0].texts} == {"-0.01", "0.01", "0.00"}, "2 decimals, never -0.00"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arrays": []}, "arrays is empty"),
        ({"arrays": [np.zeros(3)]}, r"arrays\[0\] must be 2D"),
        ({"arrays": [np.zeros((2, 2)), np.zeros((2, 2, 2))]}, r"arrays\[1\] must be 2D"),
        ({"arrays": [np.zeros((2, 2))], "titles": ["a", "b"]}, "titles has 2 entries but there are 1 images"),
        ({"arrays": [np.zeros((2, 2))], "ncols": 0}, "ncols must be at least 1"),
    ],
)
def test_plot_arrays_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_arrays(**kwargs)


def test_plot_matrix_has_axis_labels_integer_ticks_and_a_colour_key():
    matrix = np.random.default_rng(0).normal(size=(16, 36))
    fig = drawn(plots.plot_matrix(matrix, "input pixel", "output value", title="t"))
    ax, key = fig.axes
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("input pixel", "output value", "t")
    assert key.get_label() == "<colorbar>"
    assert all(float(tick).is_integer() for tick in (*ax.get_xticks(), *ax.get_yticks()))
    low, high = ax.images[0].get_clim()
    assert low == -high, "signed values on a scale centred at 0"
    with pytest.raises(ValueError, match="matrix must be a non-empty 2D array"):
        plots.plot_matrix(np.zeros(3), "x", "y")


# --- convolution figures --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stride", "padding", "windows", "uncovered", "outputs", "title"),
    [
        (1, "valid", 3, 0, 4, "stride 1, 'valid'\n3x3 on 6x6 → 4x4"),
        (2, "valid", 2, 11, 2, "stride 2, 'valid'\n3x3 on 6x6 → 2x2"),
        (1, "same", 3, 0, 6, "stride 1, 'same'\n3x3 on 6x6 → 6x6"),
        (2, "same", 3, 0, 3, "stride 2, 'same'\n3x3 on 6x6 → 3x3"),
    ],
)
def test_sliding_windows_mark_three_windows_every_output_and_skipped_pixels(
    stride, padding, windows, uncovered, outputs, title, seed_004_image
):
    fig, ax = plt.subplots()
    assert plots.plot_sliding_windows(seed_004_image, 3, stride, padding, ax=ax) is fig
    gids = [patch.get_gid() for patch in ax.patches]
    assert gids.count("window") == windows and gids.count("uncovered") == uncovered
    window_colors = [to_hex(patch.get_edgecolor()) for patch in ax.patches if patch.get_gid() == "window"]
    assert len(set(window_colors)) == windows, "each window drawn has its own colour"
    assert not set(window_colors) & {to_hex(model.color) for model in MODEL_STYLES.values()}, "no model's colour"
    hatch_colors = {to_hex(p.get_edgecolor()) for p in ax.patches if p.get_gid() == "uncovered"}
    assert not hatch_colors & set(window_colors), "the hatching does not take a window's colour"
    assert ax.get_title() == title
    (centres,) = ax.lines
    assert len(centres.get_xdata()) == outputs**2  # one dot per output value (square outputs here)


def test_window_settings_draw_a_panel_per_setting_and_a_legend_of_what_is_drawn(seed_004_image):
    fig = plots.plot_window_settings(seed_004_image, [(3, 1, "valid"), (3, 2, "valid"), (3, 1, "same")])
    assert [ax.get_title().split("\n")[0] for ax in fig.axes] == [
        "stride 1, 'valid'",
        "stride 2, 'valid'",
        "stride 1, 'same'",
    ]
    (legend,) = fig.legends
    labels = [text.get_text() for text in legend.get_texts()]
    assert {"padding (zeros)", "never under a window", "window centre: one output"} <= set(labels)
    unpadded = plots.plot_window_settings(np.zeros((7, 7)), [(3, 2, "valid")])
    assert "padding (zeros)" not in [text.get_text() for text in unpadded.legends[0].get_texts()], "nothing padded"
    with pytest.raises(ValueError, match="settings is empty"):
        plots.plot_window_settings(seed_004_image, [])


def test_sliding_windows_rejects_large_or_flat_images(seed_004_image):
    with pytest.raises(ValueError, match="small 2D array"):
        plots.plot_sliding_windows(np.zeros((28, 28)), 3)
    with pytest.raises(ValueError, match="small 2D array"):
        plots.plot_sliding_windows(np.zeros(6), 3)
    with pytest.raises(ValueError, match="kernel_size 7 is larger than the input 6"):
        plots.plot_sliding_windows(seed_004_image, 7)


def test_plot_convolution_titles_give_the_shapes():
    fig = plots.plot_convolution(np.ones((10, 12)), np.ones((3, 3)), stride=2, padding="same", kernel_name="box")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]  # the colour keys have no title
    assert titles == ["input 10x12", "box 3x3", "output 5x6\nstride 2, padding 'same'"]
    assert len(fig.axes) == 6, "each panel has its colour key"


def pixel_width(ax) -> float:
    """On-screen width of one pixel of the Axes' image, in display units."""
    width = ax.images[0].get_array().shape[1]
    left, right = ax.transData.transform([(-0.5, 0), (width - 0.5, 0)])[:, 0]
    return (right - left) / width


@pytest.mark.parametrize("to_scale", [False, True])
def test_feature_maps_one_row_per_stage_in_panels_of_one_size_or_to_scale(to_scale):
    rng = np.random.default_rng(0)
    stages = {"conv_1": rng.random((26, 26, 32)), "pool_2": rng.random((5, 5, 64))}
    fig = drawn(plots.plot_feature_maps(rng.random((28, 28, 1)), stages, channels=4, to_scale=to_scale))
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
    assert titles == ["input: 28x28", "conv_1: 26x26x32", "pool_2: 5x5x64"]
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 1 + 4 + 4
    conv_pixel, pool_pixel = pixel_width(shown[1]), pixel_width(shown[-1])
    if to_scale:
        assert conv_pixel == pytest.approx(pool_pixel, rel=0.02), "to scale: every pixel the same size"
    else:
        assert pool_pixel == pytest.approx(conv_pixel * 26 / 5, rel=0.05), "every map fills a panel of one size"
    conv_scales = {ax.images[0].get_clim() for ax in shown[1:5]}
    assert len(conv_scales) == 1, "the maps of one stage share a colour scale"
    with pytest.raises(ValueError, match=r"stages\['conv_1'\] must be \(height, width, channels\)"):
        plots.plot_feature_maps(rng.random((28, 28)), {"conv_1": rng.random((26, 26))})


def test_receptive_fields_frame_each_region_and_fade_what_the_unit_does_not_see():
    image = np.zeros((28, 28))
    image[5:20, 10] = 1.0  # one vertical stroke
    fields = {"conv_1": (13, 9, 3, 3), "pool_2": (8, 6, 10, 10)}
    fig = plots.plot_receptive_fields(image, fields)
    assert [ax.get_title() for ax in fig.axes] == ["conv_1: 3x3", "pool_2: 10x10"]
    for ax, (top, left, height, width) in zip(fig.axes, fields.values(), strict=True):
        (frame,) = [patch for patch in ax.patches if patch.get_gid() == "field"]
        assert frame.get_xy() == (left - 0.5, top - 0.5) and (frame.get_width(), frame.get_height()) == (width, height)
        shown = ax.images[0].get_array()
        assert shown[14, 10] == 0.0, "a stroke inside the field is drawn at full strength (black)"
        assert 0.0 < shown[5, 10] < 1.0, "a stroke outside it is faded, not gone"
        assert shown[0, 0] == 1.0, "background white"
    with pytest.raises(ValueError, match="is not inside"):
        plots.plot_receptive_fields(image, {"conv_1": (26, 26, 3, 3)})
    with pytest.raises(ValueError, match="fields is empty"):
        plots.plot_receptive_fields(image, {})


# --- the explorer (notebook 05) -------------------------------------------------------------


def png_of(bundle: dict) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))


def test_convolution_explorer_redraws_below_its_controls_when_a_control_moves():
    image = np.random.default_rng(1).random((20, 20))
    explorer = plots.convolution_explorer(image, kernel="blur")
    assert isinstance(explorer, plots.ConvolutionExplorer)
    assert explorer.widget.children[-1] is explorer.picture, "the picture comes below the controls"
    first_picture = bytes(explorer.picture.value)
    assert first_picture.startswith(b"\x89PNG")
    explorer.stride.value = 3
    explorer.padding.value = "same"
    assert explorer.caption.value == "kernel 'blur', stride 3, padding 'same'"
    assert bytes(explorer.picture.value) != first_picture
    assert plt.get_fignums() == [], "the explorer must not leave figures for the inline backend to show"


def test_convolution_explorer_picture_is_sharp_at_its_displayed_size():
    explorer = plots.convolution_explorer(np.random.default_rng(1).random((28, 28)))
    picture = Image.open(io.BytesIO(bytes(explorer.picture.value)))
    assert picture.info["dpi"][0] == pytest.approx(150, abs=0.1)
    assert explorer.picture.layout.width == f"{picture.width}px", "shown at its own size, never stretched"
    assert 600 <= picture.width <= 1100


def test_convolution_explorer_shows_a_picture_and_text_where_no_widget_is_drawn():
    explorer = plots.convolution_explorer(np.random.default_rng(1).random((28, 28)), stride=2)
    assert repr(explorer) == (
        "Convolution explorer (kernel 'sobel_x', stride 2, padding 'valid'). "
        "Run the notebook in Jupyter or Colab to move its controls; the picture shows these settings."
    )
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and bundle["text/plain"] == repr(explorer)
    picture = png_of(bundle)
    assert picture.width >= 600 and len(picture.convert("RGB").getcolors(maxcolors=2**16)) > 1


def test_convolution_explorer_falls_back_to_a_static_figure_without_ipywidgets(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    fig = plots.convolution_explorer(np.ones((8, 8)), kernels={"box": np.ones((3, 3))}, kernel="box", stride=2)
    assert isinstance(fig, Figure)
    assert fig.axes[2].get_title() == "output 3x3\nstride 2, padding 'valid'"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kernels": {}}, "kernels is empty"),
        ({"kernel": "emboss"}, "kernel must be one of"),
        ({"stride": 0}, "stride must be a positive integer"),
        ({"padding": 1}, "padding must be 'valid' or 'same' in the explorer"),
    ],
)
def test_convolution_explorer_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.convolution_explorer(np.ones((8, 8)), **kwargs)


# --- packaging ------------------------------------------------------------------------------


def test_pip_installs_the_plots_package():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    setuptools_config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "course_utils.plots" in setuptools_config["packages"], (
        "add 'course_utils.plots' to packages under [tool.setuptools] in pyproject.toml, or pip leaves it out"
    )
