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
