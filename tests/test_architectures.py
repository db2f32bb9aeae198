"""Tests for course_utils.architectures: shapes, parameter counts from the formulas, the
reference VGG-16 of keras.applications, forward passes and argument checks.

The ImageNet-size models (AlexNet 62M, VGG-16 138M parameters) take seconds and hundreds of
MB to build, so each is built once per module; structural tests use small inputs.
"""

import keras
import numpy as np
import pytest

from course_utils.architectures import (
    GOOGLENET_MODULES,
    MINI_GOOGLENET_MODULES,
    VGG16_BLOCKS,
    build_alexnet,
    build_deep_stack,
    build_googlenet,
    build_lenet5,
    build_mini_googlenet,
    build_resnet18,
    build_vgg16,
    check_image_shape,
    inception_module,
    inception_module_params,
    residual_block,
    weight_depth,
)
from course_utils.arithmetic import conv2d_params, conv_output_size, dense_params, mlp_params


def trainable_count(model: keras.Model) -> int:
    return sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)


@pytest.fixture(scope="module")
def vgg16():
    return build_vgg16()


@pytest.fixture(scope="module")
def reference_vgg16():
    return keras.applications.VGG16(weights=None)


@pytest.fixture(scope="module")
def alexnet():
    return build_alexnet()


@pytest.fixture(scope="module")
def resnet18():
    return build_resnet18()


@pytest.fixture(scope="module")
def googlenet():
    return build_googlenet()


# LeNet-5


def test_lenet5_shapes_and_parameters_follow_the_formulas():
    model = build_lenet5()
    shapes = {layer.name: tuple(layer.output.shape[1:]) for layer in model.layers}
    assert shapes == {
        "c1": (28, 28, 6),
        "s2": (14, 14, 6),
        "c3": (10, 10, 16),
        "s4": (5, 5, 16),
        "flatten": (400,),
        "c5": (120,),
        "f6": (84,),
        "output": (10,),
    }
    formula = conv2d_params(5, 1, 6) + conv2d_params(5, 6, 16) + mlp_params(400, [120, 84, 10])
    assert model.count_params() == formula == 61_706
    assert model.get_layer("c1").activation is keras.activations.tanh
    assert weight_depth(model) == 5


def test_lenet5_variants_come_from_arguments():
    relu = build_lenet5(activation="relu", num_classes=26)
    assert relu.get_layer("c3").activation is keras.activations.relu
    assert relu.count_params() == 61_706 - dense_params(84, 10) + dense_params(84, 26)
    unpadded = build_lenet5(input_shape=(28, 28, 1))  # 28 -> 24 -> 12 -> 8 -> 4
    assert unpadded.get_layer("flatten").output.shape[1] == 4 * 4 * 16
    assert unpadded.count_params() == 61_706 - dense_params(400, 120) + dense_params(256, 120)


def test_lenet5_learns_a_separable_toy_problem():
    rng = np.random.default_rng(0)
    images = rng.normal(0, 0.1, (64, 32, 32, 1)).astype("float32")
    labels = np.arange(64) % 2
    images[labels == 1, :16] += 1.0  # class 1: bright top half
    keras.utils.set_random_seed(0)
    model = build_lenet5(num_classes=2)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(images, labels, epochs=5, batch_size=16, verbose=0)
    assert model.evaluate(images, labels, verbose=0)[1] >= 0.95


# AlexNet


def test_alexnet_shapes_and_parameters_follow_the_formulas(alexnet):
    side = conv_output_size(227, 11, stride=4)
    assert side == 55
    for _ in range(3):
        side = conv_output_size(side, 3, stride=2)
    assert side == 6 and alexnet.get_layer("pool5").output.shape[1:] == (6, 6, 256)
    convs = [(11, 3, 96), (5, 96, 256), (3, 256, 384), (3, 384, 384), (3, 384, 256)]
    formula = sum(conv2d_params(*conv) for conv in convs) + mlp_params(6 * 6 * 256, [4096, 4096, 1000])
    assert alexnet.count_params() == formula == 62_378_344
    assert [layer.rate for layer in alexnet.layers if isinstance(layer, keras.layers.Dropout)] == [0.5, 0.5]
    assert weight_depth(alexnet) == 8


def test_alexnet_two_towers_halves_conv2_conv4_conv5(alexnet):
    towers = build_alexnet(two_towers=True)
    for name in ("conv2", "conv4", "conv5"):
        layer = towers.get_layer(name)
        in_channels = layer.input.shape[-1]
        assert layer.count_params() == 2 * conv2d_params(layer.kernel_size[0], in_channels // 2, layer.filters // 2)
    for name in ("conv1", "conv3", "fc6", "fc7", "fc8"):
        assert towers.get_layer(name).count_params() == alexnet.get_layer(name).count_params()
    assert towers.count_params() == 60_965_224
    small = build_alexnet(input_shape=(67, 67, 3), num_classes=4, two_towers=True)
    assert small(np.zeros((1, 67, 67, 3), "float32")).shape == (1, 4)


def test_alexnet_names_the_smallest_input():
    assert build_alexnet(input_shape=(67, 67, 3), num_classes=3).get_layer("pool5").output.shape[1:] == (1, 1, 256)
    with pytest.raises(ValueError, match=r"input 66x66 is too small for AlexNet: the .*pool5.* at least 67x67"):
        build_alexnet(input_shape=(66, 66, 3))
    with pytest.raises(ValueError, match=r"input 16x16 is too small for AlexNet: the .*pool1"):
        build_alexnet(input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match=r"too small for AlexNet: the 11x11 stride-4 convolution conv1 gets a 10x10"):
        build_alexnet(input_shape=(10, 300, 3))


# VGG-16


def test_vgg16_equals_keras_applications(vgg16, reference_vgg16):
    assert vgg16.count_params() == reference_vgg16.count_params() == 138_357_544
    reference_layers = reference_vgg16.layers[1:]  # [0] is the InputLayer
    assert [layer.name for layer in vgg16.layers] == [layer.name for layer in reference_layers]
    assert [layer.output.shape for layer in vgg16.layers] == [layer.output.shape for layer in reference_layers]
    assert [layer.count_params() for layer in vgg16.layers] == [layer.count_params() for layer in reference_layers]


def test_vgg16_parameters_follow_the_formulas(vgg16):
    conv_total, channels = 0, 3
    for filters, convs in VGG16_BLOCKS:
        for _ in range(convs):
            conv_total += conv2d_params(3, channels, filters)
            channels = filters
    assert conv_total == 14_714_688
    assert vgg16.get_layer("block5_pool").output.shape[1:] == (7, 7, 512)
    assert vgg16.count_params() == conv_total + mlp_params(7 * 7 * 512, [4096, 4096, 1000])
    assert weight_depth(vgg16) == 16


def test_vgg16_forward_pass_gives_probabilities(vgg16):
    probabilities = vgg16(np.random.default_rng(0).random((2, 224, 224, 3), dtype=np.float32)).numpy()
    assert probabilities.shape == (2, 1000)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)


# ResNet-18


def test_residual_block_with_identity_shortcut_adds_its_input():
    inputs = keras.Input((8, 8, 4))
    block = keras.Model(inputs, residual_block(inputs, 4, name="block"))
    assert not any("projection" in layer.name for layer in block.layers)
    assert block.count_params() == 2 * conv2d_params(3, 4, 4, bias=False) + 2 * 4 * 4  # 2 BN x (4 params x 4 channels)
    for name in ("block_conv1", "block_conv2"):  # F(x) = 0, so the block must output relu(x)
        layer = block.get_layer(name)
        layer.set_weights([np.zeros_like(layer.kernel.numpy())])
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 4)).astype("float32")
    np.testing.assert_allclose(block(x, training=False).numpy(), np.maximum(x, 0), atol=1e-5)


@pytest.mark.parametrize(
    ("filters", "stride", "output_shape"), [(8, 1, (8, 8, 8)), (4, 2, (4, 4, 4)), (16, 2, (4, 4, 16))]
)
def test_residual_block_projects_when_the_shape_changes(filters, stride, output_shape):
    inputs = keras.Input((8, 8, 4))
    block = keras.Model(inputs, residual_block(inputs, filters, stride, name="b"))
    assert block.output.shape[1:] == output_shape
    projection = block.get_layer("b_projection")
    assert projection.strides == (stride, stride) and projection.count_params() == conv2d_params(1, 4, filters, False)


def test_resnet18_parameters_follow_the_formulas(resnet18):
    formula, bn_channels, channels = conv2d_params(7, 3, 64, bias=False) + 2 * 64, 64, 64
    for filters in (64, 128, 256, 512):
        for _ in range(2):
            formula += conv2d_params(3, channels, filters, False) + conv2d_params(3, filters, filters, False)
            formula += 2 * 2 * filters
            bn_channels += 2 * filters
            if channels != filters:
                formula += conv2d_params(1, channels, filters, False) + 2 * filters
                bn_channels += filters
            channels = filters
    formula += dense_params(512, 1000)
    assert trainable_count(resnet18) == formula == 11_689_512
    assert resnet18.count_params() - formula == 2 * bn_channels == 9_600
    projections = [layer.name for layer in resnet18.layers if layer.name.endswith("_projection")]
    assert projections == ["conv3_block1_projection", "conv4_block1_projection", "conv5_block1_projection"]
    assert resnet18.get_layer("conv5_block2_out").output.shape[1:] == (7, 7, 512)
    assert weight_depth(resnet18) == 18


# Inception and GoogLeNet


@pytest.mark.parametrize("in_channels", [192, 64])
@pytest.mark.parametrize("filters", [GOOGLENET_MODULES["3a"], GOOGLENET_MODULES["5b"], (64, None, 128, None, 32, 32)])
def test_inception_module_parameters_and_shape(in_channels, filters):
    inputs = keras.Input((14, 14, in_channels))
    module = keras.Model(inputs, inception_module(inputs, *filters))
    f1, _, f3, _, f5, pool_proj = filters
    assert module.output.shape[1:] == (14, 14, f1 + f3 + f5 + pool_proj)
    assert module.count_params() == inception_module_params(in_channels, *filters)


def test_inception_bottlenecks_save_parameters():
    f1, _, f3, _, f5, pool_proj = GOOGLENET_MODULES["3a"]
    with_reductions = inception_module_params(192, *GOOGLENET_MODULES["3a"])
    naive = inception_module_params(192, f1, None, f3, None, f5, pool_proj)
    assert (with_reductions, naive) == (163_696, 393_472)
    assert naive == sum(conv2d_params(k, 192, f) for k, f in ((1, f1), (3, f3), (5, f5), (1, pool_proj)))


def test_googlenet_parameters_and_depth(googlenet):
    formula = conv2d_params(7, 3, 64) + conv2d_params(1, 64, 64) + conv2d_params(3, 64, 192)
    channels = 192
    for filters in GOOGLENET_MODULES.values():
        formula += inception_module_params(channels, *filters)
        channels = filters[0] + filters[2] + filters[4] + filters[5]
    formula += dense_params(channels, 1000)
    assert channels == 1024 and googlenet.count_params() == formula == 6_998_552
    assert googlenet.get_layer("inception_5b_concat").output.shape[1:] == (7, 7, 1024)
    assert weight_depth(googlenet) == 22


def test_mini_googlenet_fits_digits():
    model = build_mini_googlenet()
    f1, _, f3, _, f5, pool_proj = MINI_GOOGLENET_MODULES["4b"]
    assert (
        model.get_layer("inception_4b_concat").output.shape[1:] == (14, 14, f1 + f3 + f5 + pool_proj) == (14, 14, 224)
    )
    assert model.count_params() == 139_562 and weight_depth(model) == 10
    color = build_mini_googlenet(input_shape=(32, 32, 3), num_classes=5)
    assert color.count_params() == 139_562 - conv2d_params(3, 1, 32) + conv2d_params(3, 3, 32) - 225 * 5


# Every builder: a forward pass of a small batch


@pytest.mark.parametrize(
    ("builder", "input_shape"),
    [
        (build_lenet5, (32, 32, 1)),
        (build_alexnet, (67, 67, 3)),
        (build_vgg16, (32, 32, 3)),
        (build_resnet18, (32, 32, 3)),
        (build_googlenet, (32, 32, 3)),
        (build_mini_googlenet, (28, 28, 1)),
    ],
)
def test_forward_pass_of_a_small_batch(builder, input_shape):
    model = builder(input_shape=input_shape, num_classes=7)
    batch = np.random.default_rng(1).random((3, *input_shape), dtype=np.float32)
    probabilities = model.predict(batch, verbose=0)
    assert probabilities.shape == (3, 7)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)


# The residual experiment's stack and weight_depth


def test_deep_stack_variants_differ_only_in_the_skips():
    plain = build_deep_stack(5, skip_connections=False)
    residual = build_deep_stack(5, skip_connections=True)
    assert (
        plain.count_params() == residual.count_params() == conv2d_params(3, 1, 16) + 5 * conv2d_params(3, 16, 16) + 170
    )
    assert sum(isinstance(layer, keras.layers.Add) for layer in residual.layers) == 5
    assert not any(isinstance(layer, keras.layers.Add) for layer in plain.layers)
    assert weight_depth(plain) == weight_depth(residual) == 7
    assert (plain.name, residual.name) == ("plain_5", "residual_5")


def test_weight_depth_counts_the_longest_path_only():
    inputs = keras.Input((8, 8, 3))
    long = keras.layers.Conv2D(4, 3, padding="same")(keras.layers.Conv2D(4, 3, padding="same")(inputs))
    short = keras.layers.Conv2D(4, 1)(inputs)
    merged = keras.layers.BatchNormalization()(keras.layers.Add()([long, short]))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(merged)))
    assert weight_depth(model) == 3
    with pytest.raises(ValueError, match="not built"):
        weight_depth(keras.Sequential([keras.layers.Dense(2)]))


# Argument checks


@pytest.mark.parametrize("builder", [build_lenet5, build_alexnet, build_vgg16, build_resnet18, build_googlenet,
                                     build_mini_googlenet])  # fmt: skip
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_classes": 0}, "num_classes must be a positive integer, got 0"),
        ({"num_classes": 2.5}, "num_classes must be a positive integer"),
        ({"input_shape": (64, 64)}, r"input_shape must be \(height, width, channels\), got \(64, 64\)"),
        ({"input_shape": (1, 64, 64, 3)}, "got .* with 4 entries"),
        ({"input_shape": (64, 64, 0)}, "input_shape channels must be a positive integer, got 0"),
    ],
)
def test_builders_reject_bad_arguments(builder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(**kwargs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: build_lenet5(input_shape=(15, 15, 1)), r"too small for LeNet-5: the pooling S4 .* at least 16x16"),
        (lambda: build_vgg16(input_shape=(31, 64, 3)), r"input 31x64 is too small for VGG-16: .*at least 32x32"),
        (lambda: build_resnet18(input_shape=(16, 16, 3)), "too small for ResNet-18"),
        (lambda: build_googlenet(input_shape=(28, 28, 1)), "too small for GoogLeNet.*build_mini_googlenet"),
        (lambda: build_lenet5(activation="tanhh"), "unknown activation 'tanhh'"),
        (lambda: build_alexnet(dropout=1.0), r"dropout must lie in \[0, 1\)"),
        (lambda: build_deep_stack(0, True), "depth must be a positive integer"),
        (lambda: residual_block(keras.Input((16,)), 8), "x must be a 4D feature map"),
        (lambda: residual_block(keras.Input((8, 8, 3)), 8, stride=0), "stride must be a positive integer"),
        (lambda: inception_module(keras.Input((8, 8, 3)), 4, 4, 0, 2, 2, 2), "f3 must be a positive integer"),
        (lambda: inception_module_params(0, *GOOGLENET_MODULES["3a"]), "in_channels must be a positive integer"),
        (lambda: inception_module_params(192, 64, -1, 128, 16, 32, 32), "f3_reduce must be a positive integer"),
    ],
)
def test_bad_arguments_get_clear_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_smallest_inputs_are_accepted():
    assert build_lenet5(input_shape=(16, 16, 1)).get_layer("s4").output.shape[1:] == (1, 1, 16)
    assert build_vgg16(input_shape=(32, 32, 3), num_classes=2).get_layer("block5_pool").output.shape[1:] == (1, 1, 512)
    assert check_image_shape([28, 28, 1]) == (28, 28, 1)
