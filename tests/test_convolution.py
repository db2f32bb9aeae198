import itertools

import keras
import numpy as np
import pytest
from scipy import signal

from course_utils.arithmetic import conv_output_size
from course_utils.convolution import (
    KERNELS,
    conv2d_multichannel,
    conv_as_matrix,
    convolve1d,
    convolve2d,
    correlate1d,
    correlate2d,
    global_pool,
    keras_conv2d,
    keras_pool2d,
    padding_amounts,
    pool2d,
    window_coverage,
)

IMAGE_SHAPES = [(1, 1), (5, 5), (6, 7), (9, 4), (12, 10)]
KERNEL_SHAPES = [(1, 1), (2, 2), (3, 3), (2, 3), (3, 1), (5, 5)]


def random_cases(count, seed):
    """(image, kernel) pairs of random shapes where the kernel fits inside the image."""
    rng = np.random.default_rng(seed)
    cases = []
    for shape, kernel_shape in itertools.product(IMAGE_SHAPES, KERNEL_SHAPES):
        if kernel_shape[0] <= shape[0] and kernel_shape[1] <= shape[1]:
            cases.append((rng.normal(size=shape), rng.normal(size=kernel_shape)))
    return [cases[i] for i in rng.choice(len(cases), size=min(count, len(cases)), replace=False)]


def loop_correlate2d(image, kernel, stride=1):
    """The formula in correlate2d's docstring as a plain double loop ('valid' padding)."""
    kh, kw = kernel.shape
    out = np.zeros(((image.shape[0] - kh) // stride + 1, (image.shape[1] - kw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i * stride : i * stride + kh, j * stride : j * stride + kw] * kernel)
    return out


def loop_pool2d(x, pool_size, stride, reduce):
    """The formula in pool2d's docstring as a plain double loop ('valid' padding, one channel)."""
    out = np.zeros(((x.shape[0] - pool_size) // stride + 1, (x.shape[1] - pool_size) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = reduce(x[i * stride : i * stride + pool_size, j * stride : j * stride + pool_size])
    return out


@pytest.mark.parametrize(("image", "kernel"), random_cases(12, seed=7))
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_correlate2d_is_its_formula_written_as_a_loop(image, kernel, stride):
    np.testing.assert_allclose(correlate2d(image, kernel, stride), loop_correlate2d(image, kernel, stride))
    padded = np.pad(image, 2)  # an integer padding is the loop on the zero-padded image
    np.testing.assert_allclose(correlate2d(image, kernel, stride, 2), loop_correlate2d(padded, kernel, stride))
    flipped = loop_correlate2d(image, kernel[::-1, ::-1], stride)
    np.testing.assert_allclose(convolve2d(image, kernel, stride), flipped)


@pytest.mark.parametrize(("mode", "reduce"), [("max", np.max), ("average", np.mean)])
@pytest.mark.parametrize(("pool_size", "stride"), [(1, 1), (2, 2), (3, 2), (2, 3), (3, 1)])
def test_pool2d_is_its_formula_written_as_a_loop(mode, reduce, pool_size, stride):
    x = np.random.default_rng(pool_size * 10 + stride).normal(size=(9, 7, 2))
    pooled = pool2d(x, pool_size, stride, mode)
    for channel in range(2):
        np.testing.assert_allclose(pooled[..., channel], loop_pool2d(x[..., channel], pool_size, stride, reduce))


@pytest.mark.parametrize("mode", ["full", "valid"])
@pytest.mark.parametrize(("length", "kernel_length"), [(1, 1), (5, 1), (5, 3), (8, 4), (7, 7)])
def test_1d_definitions_match_numpy(mode, length, kernel_length):
    rng = np.random.default_rng(length * 10 + kernel_length)
    x, w = rng.normal(size=length), rng.normal(size=kernel_length)
    np.testing.assert_allclose(convolve1d(x, w, mode), np.convolve(x, w, mode))
    np.testing.assert_allclose(correlate1d(x, w, mode), np.correlate(x, w, mode))
    np.testing.assert_allclose(correlate1d(x, w, mode), convolve1d(x, w[::-1], mode))


def test_1d_integer_inputs_stay_integer():
    assert convolve1d([1, 2, 3], [0, 1, 0.5]).dtype == np.float64
    np.testing.assert_array_equal(convolve1d([1, 2, 3], [1, -1], "valid"), [1, 1])
    assert convolve1d([1, 2, 3], [1, -1]).dtype.kind == "i"


@pytest.mark.parametrize(("image", "kernel"), random_cases(20, seed=0))
def test_2d_matches_scipy_valid_and_full(image, kernel):
    np.testing.assert_allclose(correlate2d(image, kernel), signal.correlate2d(image, kernel, "valid"))
    np.testing.assert_allclose(convolve2d(image, kernel), signal.convolve2d(image, kernel, "valid"))
    full = max(kernel.shape) - 1
    if kernel.shape[0] == kernel.shape[1]:  # an integer padding is the same on both axes
        np.testing.assert_allclose(correlate2d(image, kernel, padding=full), signal.correlate2d(image, kernel, "full"))
        np.testing.assert_allclose(convolve2d(image, kernel, padding=full), signal.convolve2d(image, kernel, "full"))


@pytest.mark.parametrize("kernel_size", [1, 3, 5])
def test_2d_same_matches_scipy_for_odd_kernels(kernel_size):
    rng = np.random.default_rng(kernel_size)
    image, kernel = rng.normal(size=(7, 9)), rng.normal(size=(kernel_size, kernel_size))
    np.testing.assert_allclose(correlate2d(image, kernel, padding="same"), signal.correlate2d(image, kernel, "same"))
    np.testing.assert_allclose(convolve2d(image, kernel, padding="same"), signal.convolve2d(image, kernel, "same"))


@pytest.mark.parametrize(("image", "kernel"), random_cases(12, seed=1))
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same", 1])
def test_correlate2d_is_what_keras_conv2d_computes(image, kernel, stride, padding):
    ours = correlate2d(image, kernel, stride, padding)
    theirs = keras_conv2d(image[..., None], kernel[..., None, None], stride=stride, padding=padding)[..., 0]
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    expected = tuple(
        conv_output_size(side, k, stride, padding) for side, k in zip(image.shape, kernel.shape, strict=True)
    )
    assert ours.shape == expected


def test_keras_conv2d_loads_the_kernel_into_a_plain_conv2d_layer():
    rng = np.random.default_rng(3)
    image, kernels, bias = rng.normal(size=(8, 8, 2)), rng.normal(size=(3, 3, 2, 4)), rng.normal(size=4)
    layer = keras.layers.Conv2D(4, 3, strides=2, padding="same")
    layer.build((None, 8, 8, 2))
    layer.set_weights([kernels, bias])
    expected = np.asarray(layer(image[None].astype("float32")))[0]
    np.testing.assert_allclose(keras_conv2d(image, kernels, bias, stride=2, padding="same"), expected, atol=1e-6)


@pytest.mark.parametrize(("stride", "padding"), [(1, "valid"), (2, "same"), (3, "valid"), (2, 2)])
@pytest.mark.parametrize("with_bias", [False, True])
def test_multichannel_matches_keras_and_the_sum_over_channels(stride, padding, with_bias):
    rng = np.random.default_rng(stride)
    image, kernels = rng.normal(size=(11, 9, 3)), rng.normal(size=(3, 3, 3, 5))
    bias = rng.normal(size=5) if with_bias else None
    ours = conv2d_multichannel(image, kernels, bias, stride, padding)
    np.testing.assert_allclose(ours, keras_conv2d(image, kernels, bias, stride, padding), atol=1e-5)
    by_channel = sum(correlate2d(image[..., c], kernels[:, :, c, 0], stride, padding) for c in range(3))
    np.testing.assert_allclose(ours[..., 0], by_channel + (bias[0] if with_bias else 0))


def test_strided_valid_correlation_keeps_every_stride_th_output():
    rng = np.random.default_rng(4)
    image, kernel = rng.normal(size=(13, 11)), rng.normal(size=(3, 3))
    np.testing.assert_allclose(correlate2d(image, kernel, stride=3), correlate2d(image, kernel)[::3, ::3])


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "expected"),
    [(6, 3, 1, (1, 1)), (6, 2, 1, (0, 1)), (6, 3, 2, (0, 1)), (7, 3, 2, (1, 1)), (5, 1, 2, (0, 0)), (6, 1, 4, (0, 0))],
)
def test_same_padding_follows_tensorflow(size, kernel, stride, expected):
    before, after = padding_amounts(size, kernel, stride, "same")
    assert (before, after) == expected
    assert (size + before + after - kernel) // stride + 1 == -(-size // stride)


def test_padding_amounts_for_valid_and_numbers():
    assert padding_amounts(6, 3) == (0, 0)
    assert padding_amounts(6, 3, padding=2) == (2, 2)


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize(("pool_size", "stride"), [(1, None), (2, None), (2, 1), (3, 2), (3, None), (2, 3)])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("shape", [(4, 4), (7, 5), (6, 9, 3)])
def test_pool2d_matches_keras(mode, pool_size, stride, padding, shape):
    x = np.random.default_rng(pool_size).normal(size=shape)
    ours = pool2d(x, pool_size, stride, mode, padding)
    theirs = keras_pool2d(x, pool_size, stride, mode, padding)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    expected = tuple(conv_output_size(side, pool_size, stride or pool_size, padding) for side in shape[:2])
    assert ours.shape[:2] == expected


def test_keras_pool2d_uses_the_keras_layers():
    x = np.arange(1, 17, dtype="float32").reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(keras_pool2d(x[0, ..., 0]), np.asarray(keras.layers.MaxPooling2D(2)(x))[0, ..., 0])
    average = np.asarray(keras.layers.AveragePooling2D(3, strides=1)(x))[0, ..., 0]
    np.testing.assert_array_equal(keras_pool2d(x[0, ..., 0], 3, 1, "average"), average)


def test_the_lectures_pooling_examples(seed_004_image):
    counting = np.arange(1, 17).reshape(4, 4)
    np.testing.assert_array_equal(pool2d(counting, 2), [[6, 8], [14, 16]])
    np.testing.assert_array_equal(pool2d(counting, 2, mode="average"), [[3.5, 5.5], [11.5, 13.5]])
    feature_map = correlate2d(seed_004_image, [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]])
    np.testing.assert_array_equal(feature_map, [[3, -1, -3, -1], [-3, 1, 0, -3], [-3, -3, 0, 1], [3, -2, -2, -1]])
    np.testing.assert_array_equal(pool2d(feature_map, 2), [[3, 0], [3, 1]])
    np.testing.assert_array_equal(pool2d(feature_map, 2, mode="average"), [[0, -1.75], [-1.25, -0.5]])


@pytest.mark.parametrize("mode", ["max", "average"])
def test_global_pool_matches_keras(mode):
    x = np.random.default_rng(5).normal(size=(5, 7, 4))
    layer = keras.layers.GlobalMaxPooling2D() if mode == "max" else keras.layers.GlobalAveragePooling2D()
    np.testing.assert_allclose(global_pool(x, mode), np.asarray(layer(x[None].astype("float32")))[0], atol=1e-6)
    assert isinstance(global_pool(x[..., 0], mode), float)
    assert global_pool(x[..., 1], mode) == pytest.approx(float(global_pool(x, mode)[1]))


@pytest.mark.parametrize(("image", "kernel"), random_cases(10, seed=2))
def test_conv_as_matrix_times_the_flat_image_is_the_correlation(image, kernel):
    matrix = conv_as_matrix(kernel, image.shape)
    out_shape = correlate2d(image, kernel).shape
    assert matrix.shape == (out_shape[0] * out_shape[1], image.size)
    np.testing.assert_allclose(matrix @ image.ravel(), correlate2d(image, kernel).ravel())
    for row in matrix:  # locality: kernel.size non-zero weights; sharing: they are the kernel, in order
        np.testing.assert_array_equal(row[row != 0], kernel.ravel())  # random kernels have no zero entries


@pytest.mark.parametrize(
    ("shape", "window", "stride", "padding"), [((6, 6), 3, 1, "valid"), ((7, 5), 2, 2, "valid"), ((8, 8), 3, 2, 1)]
)
def test_window_coverage_counts_each_window_once(shape, window, stride, padding):
    coverage = window_coverage(shape, window, stride, padding)
    outputs = np.prod([conv_output_size(side, window, stride, padding) for side in shape])
    assert coverage.shape == shape
    if padding == "valid":
        assert coverage.sum() == outputs * window * window  # every window lies entirely inside the image
    else:
        assert coverage.sum() < outputs * window * window  # some of every border window falls on padding


def test_window_coverage_shows_skipped_and_overlapping_pixels():
    assert window_coverage((6, 6), 3, 2)[5].tolist() == [0] * 6
    assert (window_coverage((6, 6), 3, 2, "same") > 0).all()
    assert window_coverage((55, 55), 3, 2).max() == 4  # AlexNet's overlapping pools
    assert window_coverage((4, 4), 2, 2).tolist() == np.ones((4, 4), dtype=int).tolist()


def test_kernels_are_read_only_and_balanced():
    for name in ("horizontal", "vertical", "plus_45", "minus_45", "sobel_x", "sobel_y"):
        assert KERNELS[name].sum() == pytest.approx(0), name
    for name in ("blur", "sharpen"):
        assert KERNELS[name].sum() == pytest.approx(1), name
    with pytest.raises(ValueError, match="read-only"):
        KERNELS["blur"][0, 0] = 5
    np.testing.assert_array_equal(KERNELS["sobel_y"], KERNELS["sobel_x"].T)
    np.testing.assert_array_equal(KERNELS["plus_45"], KERNELS["minus_45"][:, ::-1])


def test_convolution_equals_correlation_only_for_kernels_symmetric_under_rotation():
    image = np.random.default_rng(6).normal(size=(8, 8))
    for name in ("horizontal", "vertical", "plus_45", "minus_45", "blur", "sharpen"):
        np.testing.assert_allclose(convolve2d(image, KERNELS[name]), correlate2d(image, KERNELS[name]))
    np.testing.assert_allclose(convolve2d(image, KERNELS["sobel_x"]), -correlate2d(image, KERNELS["sobel_x"]))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: correlate2d(np.zeros((4, 4)), np.zeros((5, 5))),
            r"kernel_size 5 is larger than the input 4 with padding='valid'",
        ),
        (lambda: correlate2d(np.zeros((4, 4)), np.zeros((3, 3)), stride=0), "stride must be a positive integer, got 0"),
        (
            lambda: correlate2d(np.zeros((1, 4, 4)), np.zeros((3, 3))),
            r"image must be 2D \(height, width\), got shape \(1, 4, 4\)",
        ),
        (lambda: correlate2d(np.zeros((4, 4)), np.zeros(3)), "kernel must be 2D"),
        (
            lambda: correlate2d(np.zeros((4, 4), dtype=bool), np.zeros((3, 3))),
            "image must hold numbers, got dtype bool",
        ),
        (lambda: correlate2d(np.zeros((4, 0)), np.zeros((1, 1))), "image is empty"),
        (lambda: correlate2d(np.zeros((4, 4)), np.zeros((3, 3)), padding="full"), "padding must be 'valid', 'same' or"),
        (lambda: correlate2d(np.zeros((4, 4)), np.zeros((3, 3)), padding=-1), "padding must be a non-negative integer"),
        (lambda: convolve2d(np.zeros((2, 2)), np.zeros((3, 3)), padding=0), "kernel_size 3 is larger than the input 2"),
        (lambda: convolve1d([1, 2], [1, 2, 3], "valid"), "kernel of length 3 is longer than the signal of length 2"),
        (lambda: correlate1d([1, 2], [1], "same"), "mode must be 'full' or 'valid'"),
        (lambda: conv2d_multichannel(np.zeros((4, 4)), np.zeros((3, 3, 1, 2))), r"pass image\[\.\.\., None\]"),
        (
            lambda: conv2d_multichannel(np.zeros((4, 4, 3)), np.zeros((3, 3, 1, 2))),
            "the kernels expect 1 input channels",
        ),
        (lambda: conv2d_multichannel(np.zeros((4, 4, 1)), np.zeros((3, 3, 1))), "Keras's layout"),
        (lambda: conv2d_multichannel(np.zeros((4, 4, 1)), np.zeros((3, 3, 1, 2)), [1, 2, 3]), "one value per filter"),
        (lambda: pool2d(np.zeros((4, 4)), 5), "pool_size 5 is larger than the input 4 with padding='valid'"),
        (lambda: pool2d(np.zeros((4, 4)), 2, mode="min"), r"mode must be one of \('max', 'average'\), got 'min'"),
        (lambda: pool2d(np.zeros((4, 4)), 0), "pool_size must be a positive integer, got 0"),
        (lambda: pool2d(np.zeros((4, 4)), 2, stride=0), "stride must be a positive integer, got 0"),
        (lambda: pool2d(np.zeros((4, 4)), 2, padding=1), "padding must be 'valid' or 'same'"),
        (lambda: pool2d(np.zeros((1, 4, 4, 1)), 2), r"x must be 2D or 3D .*got shape \(1, 4, 4, 1\)"),
        (lambda: global_pool(np.zeros((4, 4)), "median"), "mode must be one of"),
        (lambda: global_pool(np.zeros(4)), "x must be 2D or 3D"),
        (lambda: conv_as_matrix(np.zeros((3, 3)), (28,)), r"input_shape must be \(height, width\)"),
        (lambda: conv_as_matrix(np.zeros((3, 3)), (2, 8)), "kernel height 3 is larger than the input 2"),
        (lambda: window_coverage((6, 6), 7), "window_size 7 is larger than the input 6"),
        (lambda: padding_amounts(0, 3), "size must be a positive integer, got 0"),
        (lambda: keras_pool2d(np.zeros(4)), "x must be 2D"),
        (lambda: keras_pool2d(np.zeros((4, 4)), mode="sum"), "mode must be one of"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
