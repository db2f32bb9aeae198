import keras
import pytest

from course_utils.arithmetic import (
    conv2d_multiply_adds,
    conv2d_params,
    conv_output_size,
    dense_params,
    dense_vs_conv_params,
    flatten_size,
    mlp_params,
    params_memory_mb,
)


def test_dense_params_matches_lecture_mlp():
    assert dense_params(784, 128) == 100_480
    assert dense_params(128, 10) == 1_290
    assert dense_params(784, 128, bias=False) == 100_352


@pytest.mark.parametrize(("inputs", "units"), [(784, 128), (3, 1), (65_536, 128)])
def test_dense_params_agrees_with_keras(inputs, units):
    layer = keras.layers.Dense(units)
    layer.build((None, inputs))
    assert dense_params(inputs, units) == layer.count_params()


def test_mlp_params_sums_layers():
    assert mlp_params(784, [128, 10]) == 101_770
    assert mlp_params(784, [10]) == 7_850


@pytest.mark.parametrize(("kernel", "channels", "filters"), [(3, 1, 32), (3, 3, 10), (5, 64, 16), (1, 192, 64)])
def test_conv2d_params_agrees_with_keras(kernel, channels, filters):
    layer = keras.layers.Conv2D(filters, kernel)
    layer.build((None, 32, 32, channels))
    assert conv2d_params(kernel, channels, filters) == layer.count_params()
    assert conv2d_params(kernel, channels, filters, bias=False) == layer.count_params() - filters


@pytest.mark.parametrize("size", [5, 6, 28, 31])
@pytest.mark.parametrize("kernel", [1, 3, 5])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv_output_size_agrees_with_keras(size, kernel, stride, padding):
    layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
    expected = layer.compute_output_shape((None, size, size, 1))[1]
    assert conv_output_size(size, kernel, stride, padding) == expected


def test_conv_output_size_with_explicit_padding():
    assert conv_output_size(32, 5, stride=1, padding=2) == 32
    assert conv_output_size(227, 11, stride=4, padding=0) == 55
    assert conv_output_size(4, 2, stride=2) == 2


def test_flatten_size_and_memory():
    assert flatten_size((28, 28)) == 784
    assert flatten_size((5, 5, 64)) == 1_600
    assert params_memory_mb(101_770) * 1024 == pytest.approx(397.54, abs=0.005)
    assert params_memory_mb(2**20, bytes_per_param=1) == 1.0


@pytest.mark.parametrize(("side", "channels"), [(3, 1), (28, 1), (50, 3), (64, 3)])
def test_dense_vs_conv_params_agrees_with_keras(side, channels):
    dense = keras.layers.Dense(128)
    dense.build((None, side * side * channels))
    conv = keras.layers.Conv2D(32, 3)
    conv.build((None, side, side, channels))
    counts = dense_vs_conv_params(side, channels)
    assert (counts.dense, counts.conv) == (dense.count_params(), conv.count_params())
    assert counts.ratio == dense.count_params() / conv.count_params()


def test_dense_vs_conv_params_conv_count_ignores_image_side():
    assert {dense_vs_conv_params(side, 3).conv for side in (28, 256, 1024)} == {896}
    assert dense_vs_conv_params(1024, 3).dense == 1024 * 1024 * 3 * 128 + 128
    assert dense_vs_conv_params(64, 1, units=512, filters=32) == (2_097_664, 320)
    assert dense_vs_conv_params(100, 1, units=500, filters=5, kernel_size=3) == (5_000_500, 50)


@pytest.mark.parametrize(
    ("size", "kernel", "channels", "filters", "stride", "padding"),
    [(28, 3, 1, 32, 1, "valid"), (13, 3, 32, 64, 1, "valid"), (28, 5, 3, 8, 2, "same"), (227, 11, 3, 96, 4, "valid")],
)
def test_conv2d_multiply_adds_counts_every_output_value(size, kernel, channels, filters, stride, padding):
    layer = keras.layers.Conv2D(filters, kernel, strides=stride, padding=padding)
    _, height, width, out_channels = layer.compute_output_shape((None, size, size, channels))
    expected = height * width * out_channels * kernel * kernel * channels
    assert conv2d_multiply_adds(size, kernel, channels, filters, stride, padding) == expected


def test_conv2d_multiply_adds_known_values():
    assert conv2d_multiply_adds(227, 11, 3, 96, stride=4) == 105_415_200  # AlexNet's first layer, ~105 M
    assert conv2d_multiply_adds(224, 3, 3, 64, padding="same") == 86_704_128  # VGG-16's first layer, ~87 M


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: dense_params(0, 10), "inputs must be a positive integer, got 0"),
        (lambda: dense_params(-5, 10), "inputs must be a positive integer, got -5"),
        (lambda: dense_params(784, 12.5), "units must be a positive integer, got 12.5"),
        (lambda: dense_params(784.0, 10), r"inputs must be a positive integer, got 784.0 \(float\)"),
        (lambda: dense_params("784", 10), "inputs must be a positive integer"),
        (lambda: dense_params(True, 10), "inputs must be a positive integer"),
        (lambda: mlp_params(784, []), "at least one layer"),
        (lambda: conv2d_params(0, 1, 32), "kernel_size must be a positive integer"),
        (lambda: conv2d_params(3, 1, -1), "filters must be a positive integer"),
        (lambda: conv_output_size(4, 5), "kernel_size 5 is larger than the input 4 with padding=0"),
        (lambda: conv_output_size(28, 3, stride=0), "stride must be a positive integer"),
        (lambda: conv_output_size(28, 3, padding=-1), "padding must be a non-negative integer"),
        (lambda: conv_output_size(28, 3, padding="full"), "padding must be 'valid', 'same' or a number"),
        (lambda: flatten_size(()), "at least one dimension"),
        (lambda: flatten_size((28, 0)), r"shape\[1\] must be a positive integer"),
        (lambda: params_memory_mb(-1), "count must be a non-negative integer"),
        (lambda: dense_vs_conv_params(0), "image_side must be a positive integer, got 0"),
        (lambda: dense_vs_conv_params(28.0), "image_side must be a positive integer"),
        (lambda: dense_vs_conv_params(28, channels=0), "channels must be a positive integer"),
        (lambda: dense_vs_conv_params(28, units=0), "units must be a positive integer"),
        (lambda: dense_vs_conv_params(28, filters=-32), "filters must be a positive integer"),
        (lambda: dense_vs_conv_params(2, kernel_size=3), "kernel_size 3 is larger than the image side 2"),
        (lambda: conv2d_multiply_adds(4, 5, 1, 8), "kernel_size 5 is larger than the input 4"),
        (lambda: conv2d_multiply_adds(28, 3, 0, 8), "in_channels must be a positive integer"),
        (lambda: conv2d_multiply_adds(28, 3, 1, True), "filters must be a positive integer"),
        (lambda: conv2d_multiply_adds(28, 3, 1, 8, stride=0), "stride must be a positive integer"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_receptive_fields_of_known_networks():
    from course_utils.arithmetic import receptive_fields

    assert receptive_fields([(3, 1), (2, 2), (3, 1), (2, 2)]) == [3, 4, 8, 10]
    assert receptive_fields([(3, 1), (3, 1)]) == [3, 5]  # two 3x3 convolutions see as far as one 5x5
    vgg_block1_to_3 = [(3, 1), (3, 1), (2, 2), (3, 1), (3, 1), (2, 2), (3, 1), (3, 1), (3, 1), (2, 2)]
    assert receptive_fields(vgg_block1_to_3)[-1] == 44
    assert receptive_fields([(11, 4), (3, 2)]) == [11, 19]  # AlexNet's conv1 and pool1


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        ([], "at least one"),
        ([(3, 1, 1)], r"layers\[0\] must be a \(kernel, stride\) pair"),
        ([(3, 1), (0, 1)], r"layers\[1\] kernel must be a positive integer"),
        ([(3, 0)], r"layers\[0\] stride must be a positive integer"),
    ],
)
def test_receptive_fields_reject_bad_layers(layers, message):
    from course_utils.arithmetic import receptive_fields

    with pytest.raises(ValueError, match=message):
        receptive_fields(layers)
