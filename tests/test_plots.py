import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import plots


@pytest.fixture
def digits():
    return np.random.default_rng(0).integers(0, 256, size=(6, 28, 28), dtype=np.uint8)


def test_image_grid_marks_mistakes_in_red(digits):
    fig = plots.plot_image_grid(digits, labels=[0, 1, 2, 3, 4, 5], predictions=[0, 1, 7, 3, 4, 9], ncols=3)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 6
    colors = [ax.title.get_color() for ax in fig.axes]
    assert colors.count(plots.MISTAKE_COLOR) == 2
    assert fig.axes[2].get_title() == "7 (2)"


def test_image_grid_accepts_channel_axis_and_labels_only(digits):
    fig = plots.plot_image_grid(
        digits[..., None], labels=np.arange(6), class_names=list("abcdef"), title="t", cmap="RdBu_r"
    )
    assert [ax.get_title() for ax in fig.axes] == list("abcdef")
    assert fig.axes[0].images[0].get_cmap().name == "RdBu_r"
    shared = plots.plot_image_grid(digits, value_range=(-1.0, 1.0))
    assert all(ax.images[0].get_clim() == (-1.0, 1.0) for ax in shared.axes)
    assert fig._suptitle.get_text() == "t"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": np.zeros((28, 28))}, r"pass image\[None\]"),
        ({"images": np.zeros((0, 28, 28))}, "images is empty"),
        ({"labels": [1, 2]}, "labels has 2 entries but there are 6 images"),
        ({"labels": list(range(6)), "predictions": [1]}, "predictions has 1 entries"),
        ({"predictions": list(range(6))}, "predictions need labels"),
        ({"ncols": 0}, "ncols must be at least 1"),
    ],
)
def test_image_grid_rejects_bad_input(digits, kwargs, message):
    arguments = {"images": digits, **kwargs}
    with pytest.raises(ValueError, match=message):
        plots.plot_image_grid(**arguments)


def test_training_curves_plot_train_and_validation():
    history = {"loss": [1.0, 0.5, 0.3], "accuracy": [0.6, 0.8, 0.9], "val_loss": [1.1, 0.7, 0.6]}
    fig = plots.plot_training_curves(history)
    loss_ax, accuracy_ax = fig.axes
    assert len(loss_ax.lines) == 2 and len(accuracy_ax.lines) == 1
    np.testing.assert_array_equal(loss_ax.lines[1].get_ydata(), [1.1, 0.7, 0.6])


def test_training_curves_reject_missing_metric_and_wrong_type():
    with pytest.raises(ValueError, match=r"history has no \['accuracy'\]; it records \['loss'\]"):
        plots.plot_training_curves({"loss": [1.0]})
    with pytest.raises(ValueError, match="keras History or a dict"):
        plots.plot_training_curves([1.0, 2.0])


def test_confusion_matrix_counts():
    matrix = plots.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], num_classes=3)
    np.testing.assert_array_equal(matrix, [[1, 0, 0], [0, 1, 1], [1, 0, 2]])
    with pytest.raises(ValueError, match="y_true has 2 labels but y_pred has 1"):
        plots.confusion_matrix([0, 1], [0], 2)
    with pytest.raises(ValueError, match=r"y_pred must hold class indices in 0..1"):
        plots.confusion_matrix([0, 1], [0, 2], 2)


def test_plot_confusion_matrix_on_given_axes():
    fig, ax = plots.plt.subplots()
    returned = plots.plot_confusion_matrix([0, 1, 1, 0], [0, 1, 0, 0], class_names=["a", "b"], ax=ax)
    assert returned is fig
    assert ax.get_title() == "accuracy 0.750 on 4 images"
    assert [text.get_text() for text in ax.texts] == ["2", "0", "1", "1"]


def test_functions_with_derivatives():
    z = np.linspace(-3, 3, 7)
    fig = plots.plot_functions_with_derivatives({"square": lambda z: (z**2, 2 * z)}, z)
    (ax,) = fig.axes
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), 2 * z)
    with pytest.raises(ValueError, match="z must be a 1D array"):
        plots.plot_functions_with_derivatives({"square": lambda z: (z, z)}, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="functions is empty"):
        plots.plot_functions_with_derivatives({}, z)


def test_plot_curves_draws_each_curve_and_log_scale():
    fig = plots.plot_curves(
        [0, 2, 4], {"mlp": [0.9, 0.5, 0.2], "cnn": [0.95, 0.9, 0.7]}, "shift", "accuracy", logy=True
    )
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == ["mlp", "cnn"]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "shift"


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


def test_pixel_neighbours_marks_five_positions_in_both_views():
    image = np.arange(28 * 28, dtype=float).reshape(28, 28)
    fig = plots.plot_pixel_neighbours(image, 10, 10)
    ax_image, ax_flat = fig.axes
    assert len(ax_image.patches) == 5
    positions = sorted(int(line.get_xdata()[0]) for line in ax_flat.lines if line.get_marker() == "v")
    assert positions == [262, 289, 290, 291, 318]
    assert ax_flat.get_title().startswith("flattened: positions 224-363 of 784")
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
    assert rgb_ax.get_title() == "rgb" and len(spare_ax.images) == 0
    edges = np.linspace(-1, 1, 200).reshape(10, 20)
    edges[0, 0] = -50  # one extreme pixel does not set the colour scale of a large map
    low, high = plots.plot_arrays([edges]).axes[0].images[0].get_clim()
    assert low == -high and 0.97 < high < 1.0
    forced = plots.plot_arrays([photo[:3, :3]], annotate=False, cmap="viridis")
    assert len(forced.axes[0].texts) == 0 and forced.axes[0].images[0].get_cmap().name == "viridis"
    same_scale = plots.plot_arrays([kernel, np.array([[3.0, 0.0], [3.0, 1.0]])], signed=True)
    assert same_scale.axes[1].images[0].get_cmap().name == "RdBu_r"
    assert same_scale.axes[1].images[0].get_clim() == (-3.0, 3.0)


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


@pytest.mark.parametrize(
    ("stride", "padding", "windows", "uncovered", "title"),
    [
        (1, "valid", 4, 0, "stride 1, padding 'valid': 6x6 → 4x4"),
        (2, "valid", 2, 11, "stride 2, padding 'valid': 6x6 → 2x2"),
        (1, "same", 6, 0, "stride 1, padding 'same': 6x6 → 6x6"),
        (2, "same", 3, 0, "stride 2, padding 'same': 6x6 → 3x3"),
    ],
)
def test_sliding_windows_marks_first_row_windows_and_skipped_pixels(
    stride, padding, windows, uncovered, title, seed_004_image
):
    fig, ax = plots.plt.subplots()
    assert plots.plot_sliding_windows(seed_004_image, 3, stride, padding, ax=ax) is fig
    gids = [patch.get_gid() for patch in ax.patches]
    assert gids.count("window") == windows and gids.count("uncovered") == uncovered
    assert ax.get_title() == title
    (centres,) = ax.lines
    assert len(centres.get_xdata()) == windows**2  # one circle per output value (square outputs here)


def test_sliding_windows_rejects_large_or_flat_images(seed_004_image):
    with pytest.raises(ValueError, match="small 2D array"):
        plots.plot_sliding_windows(np.zeros((28, 28)), 3)
    with pytest.raises(ValueError, match="small 2D array"):
        plots.plot_sliding_windows(np.zeros(6), 3)
    with pytest.raises(ValueError, match="kernel_size 7 is larger than the input 6"):
        plots.plot_sliding_windows(seed_004_image, 7)


def test_plot_convolution_titles_give_the_shapes():
    fig = plots.plot_convolution(np.ones((10, 12)), np.ones((3, 3)), stride=2, padding="same", kernel_name="box")
    assert [ax.get_title() for ax in fig.axes] == ["input 10x12", "box 3x3", "output 5x6 (stride 2, 'same')"]


def test_convolution_explorer_redraws_when_a_control_moves():
    image = np.random.default_rng(1).random((20, 20))
    explorer = plots.convolution_explorer(image, kernel="blur")
    assert isinstance(explorer, plots.ConvolutionExplorer)
    assert repr(explorer) == (
        "Convolution explorer (kernel 'blur', stride 1, padding 'valid'): move its controls in a running notebook."
    )
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == repr(explorer) and "application/vnd.jupyter.widget-view+json" in bundle
    first_picture = bytes(explorer.picture.value)
    assert first_picture.startswith(b"\x89PNG")
    explorer.stride.value = 3
    explorer.padding.value = "same"
    assert explorer.caption.value == "kernel 'blur', stride 3, padding 'same'"
    assert bytes(explorer.picture.value) != first_picture
    assert plots.plt.get_fignums() == [], "the explorer must not leave figures for the inline backend to show"


def test_convolution_explorer_falls_back_to_a_static_figure_without_ipywidgets(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    fig = plots.convolution_explorer(np.ones((8, 8)), kernels={"box": np.ones((3, 3))}, kernel="box", stride=2)
    assert isinstance(fig, Figure)
    assert fig.axes[2].get_title() == "output 3x3 (stride 2, 'valid')"


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


def test_grouped_bars_one_bar_per_value_with_labels():
    fig = plots.plot_grouped_bars({"a": [0.9, 0.95], "b": [0.91, 0.85]}, ["MLP", "CNN"], "accuracy", ylim=(0.8, 1))
    (ax,) = fig.axes
    assert len(ax.patches) == 4
    heights = sorted(round(patch.get_height(), 2) for patch in ax.patches)
    assert heights == [0.85, 0.9, 0.91, 0.95]
    assert [text.get_text() for text in ax.texts] == ["0.900", "0.950", "0.910", "0.850"]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["MLP", "CNN"]


@pytest.mark.parametrize(
    ("series", "groups", "message"),
    [
        ({}, ["x"], "series is empty"),
        ({"a": [1]}, [], "groups is empty"),
        ({"a": [1, 2]}, ["x"], "series 'a' has 2 values but there are 1 groups"),
    ],
)
def test_grouped_bars_reject_bad_input(series, groups, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_grouped_bars(series, groups, "y")
