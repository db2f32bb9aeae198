"""Classic CNN architectures, one builder each: LeNet-5, AlexNet, VGG-16, GoogLeNet, ResNet-18.

Introduced in notebook 09. The builders follow the papers' layer configurations, so that
their parameter counts can be derived from the formulas in ``course_utils.arithmetic``
and compared with what the papers report. Plain stacks use Keras's Sequential API, the
graphs with branches (Inception, ResNet) the functional API. Every builder takes the
input shape and the number of classes, and checks them before Keras would fail deep
inside the model with a message about some inner layer.

None of them loads pretrained weights: they build the architecture with random weights,
which needs no download (notebook 09 shows how to load ImageNet weights when online).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from course_utils._quiet import import_backend_quietly
from course_utils.arithmetic import check_positive_int, conv2d_params, conv_output_size

import_backend_quietly()  # before Keras, so that TensorFlow's start-up lines never reach a notebook
import keras  # noqa: E402

# (filters, number of 3x3 convolutions) of VGG-16's five blocks; each block ends in a 2x2 max pool.
VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))

# GoogLeNet's nine Inception modules (Szegedy et al. 2014, Table 1):
# name -> (f1, f3_reduce, f3, f5_reduce, f5, pool_proj). A 3x3/2 max pool sits between the
# stages 3, 4 and 5 (where the first character of the name changes).
GOOGLENET_MODULES = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}

# The small GoogLeNet-style network for 28x28 or 32x32 digits: two stages of two modules.
MINI_GOOGLENET_MODULES = {
    "3a": (16, 16, 32, 4, 8, 8),
    "3b": (32, 32, 48, 8, 16, 16),
    "4a": (48, 32, 64, 8, 16, 16),
    "4b": (64, 48, 96, 12, 32, 32),
}

RESNET18_STAGES = (64, 128, 256, 512)  # filters of the four stages, two basic blocks each

# A step that changes the side of the maps: (description, window, stride, padding). The
# builders trace the input through these to reject images that are too small.
SpatialStep = tuple[str, int, int, str]
LENET5_STEPS: list[SpatialStep] = [
    ("5x5 convolution C1", 5, 1, "valid"),
    ("pooling S2", 2, 2, "valid"),
    ("5x5 convolution C3", 5, 1, "valid"),
    ("pooling S4", 2, 2, "valid"),
]
ALEXNET_STEPS: list[SpatialStep] = [  # the 'same' convolutions in between keep the side
    ("11x11 stride-4 convolution conv1", 11, 4, "valid"),
    ("3x3 stride-2 pooling pool1", 3, 2, "valid"),
    ("3x3 stride-2 pooling pool2", 3, 2, "valid"),
    ("3x3 stride-2 pooling pool5", 3, 2, "valid"),
]
VGG16_STEPS: list[SpatialStep] = [(f"2x2 pooling block{block}_pool", 2, 2, "valid") for block in range(1, 6)]


def check_image_shape(input_shape: Sequence[int]) -> tuple[int, int, int]:
    """Return ``input_shape`` as (height, width, channels), or raise a ``ValueError`` that
    says what is wrong (wrong rank, non-positive sides)."""
    shape = tuple(input_shape)
    if len(shape) != 3:
        raise ValueError(
            f"input_shape must be (height, width, channels), got {shape} with {len(shape)} entries; "
            "for grayscale images use a channel axis of 1, e.g. (32, 32, 1)"
        )
    names = ("height", "width", "channels")
    return tuple(check_positive_int(f"input_shape {name}", side) for name, side in zip(names, shape, strict=True))


def _trace(side: int, steps: Sequence[SpatialStep]) -> tuple[int, SpatialStep | None]:
    """Follow one image side through ``steps``; return the final side and the step that
    does not fit (None when all fit)."""
    for step in steps:
        _, window, stride, padding = step
        try:
            side = conv_output_size(side, window, stride, padding)
        except ValueError:
            return side, step
    return side, None


def _check_fits(architecture: str, input_shape: tuple[int, int, int], steps: Sequence[SpatialStep]) -> None:
    """Raise a ``ValueError`` naming the first layer whose window no longer fits, and the
    smallest input side the architecture accepts."""
    height, width = input_shape[:2]
    reached, failing = _trace(min(height, width), steps)
    if failing is None:
        return
    smallest = next(side for side in itertools.count(1) if _trace(side, steps)[1] is None)
    description, window = failing[0], failing[1]
    raise ValueError(
        f"input {height}x{width} is too small for {architecture}: the {description} gets a "
        f"{reached}x{reached} map, smaller than its {window}x{window} window. "
        f"{architecture} needs at least {smallest}x{smallest}."
    )


def _check_activation(activation: str) -> str:
    try:
        keras.activations.get(activation)
    except ValueError:
        raise ValueError(f"unknown activation {activation!r}; use e.g. 'tanh' or 'relu'") from None
    return activation


def _check_rate(name: str, rate: float) -> float:
    if not 0 <= rate < 1:
        raise ValueError(f"{name} must lie in [0, 1), got {rate!r}")
    return float(rate)


def build_lenet5(
    input_shape: Sequence[int] = (32, 32, 1), num_classes: int = 10, activation: str = "tanh", name: str = "lenet5"
) -> keras.Sequential:
    """LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998), the digit reader of the 1990s.

    C1: 6 filters 5x5 -> S2: 2x2 average pool -> C3: 16 filters 5x5 -> S4: 2x2 average pool
    -> C5: 120 units -> F6: 84 units -> one unit per class (softmax). Layer names follow
    the paper. ``tanh`` is the default because the paper (a scaled tanh) and the lecture use
    it; ``activation="relu"`` trains as well on MNIST. Two simplifications, both explained
    in notebook 09: C3 here sees all six maps of S2 (the paper connected each C3 map to 3,
    4 or 6 of them), and S2/S4 are plain averages (the paper gave them a trainable weight
    and bias per map). With 10 classes this model has 61,706 parameters, the paper 60,000.
    """
    height, width, channels = check_image_shape(input_shape)
    num_classes = check_positive_int("num_classes", num_classes)
    _check_activation(activation)
    _check_fits("LeNet-5", (height, width, channels), LENET5_STEPS)
    return keras.Sequential(
        [
            keras.Input(shape=(height, width, channels)),
            keras.layers.Conv2D(6, 5, activation=activation, name="c1"),
            keras.layers.AveragePooling2D(2, name="s2"),
            keras.layers.Conv2D(16, 5, activation=activation, name="c3"),
            keras.layers.AveragePooling2D(2, name="s4"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(120, activation=activation, name="c5"),
            keras.layers.Dense(84, activation=activation, name="f6"),
            keras.layers.Dense(num_classes, activation="softmax", name="output"),
        ],
        name=name,
    )


def build_alexnet(
    input_shape: Sequence[int] = (227, 227, 3),
    num_classes: int = 1000,
    dropout: float = 0.5,
    two_towers: bool = False,
    name: str = "alexnet",
) -> keras.Sequential:
    """AlexNet (Krizhevsky, Sutskever & Hinton, 2012), the ImageNet breakthrough.

    Five convolutions (96 11x11/4, 256 5x5, 384 3x3, 384 3x3, 256 3x3, ReLU, overlapping
    3x3/2 max pools after the 1st, 2nd and 5th) and three dense layers (4096, 4096,
    classes) with dropout before the second and third. ``two_towers=True`` reproduces the
    paper's split over two GPUs: conv2, conv4 and conv5 only see the half of the channels
    computed on their own GPU (grouped convolutions, ``groups=2``), which is why the paper
    counts 60 million parameters where the single tower has 62.4 million. Local response
    normalisation is left out (it has no parameters, and later work dropped it). The
    input is 227x227: the paper's "224" does not fit the 11x11/4 convolution.
    Introduced in notebook 09.
    """
    height, width, channels = check_image_shape(input_shape)
    num_classes = check_positive_int("num_classes", num_classes)
    dropout = _check_rate("dropout", dropout)
    _check_fits("AlexNet", (height, width, channels), ALEXNET_STEPS)
    groups = 2 if two_towers else 1

    def conv(filters: int, size: int, layer_name: str, **kwargs: object) -> keras.layers.Conv2D:
        return keras.layers.Conv2D(filters, size, activation="relu", name=layer_name, **kwargs)

    return keras.Sequential(
        [
            keras.Input(shape=(height, width, channels)),
            conv(96, 11, "conv1", strides=4),
            keras.layers.MaxPooling2D(3, strides=2, name="pool1"),
            conv(256, 5, "conv2", padding="same", groups=groups),
            keras.layers.MaxPooling2D(3, strides=2, name="pool2"),
            conv(384, 3, "conv3", padding="same"),
            conv(384, 3, "conv4", padding="same", groups=groups),
            conv(256, 3, "conv5", padding="same", groups=groups),
            keras.layers.MaxPooling2D(3, strides=2, name="pool5"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(4096, activation="relu", name="fc6"),
            keras.layers.Dropout(dropout, name="dropout6"),
            keras.layers.Dense(4096, activation="relu", name="fc7"),
            keras.layers.Dropout(dropout, name="dropout7"),
            keras.layers.Dense(num_classes, activation="softmax", name="fc8"),
        ],
        name=name,
    )


def build_vgg16(
    input_shape: Sequence[int] = (224, 224, 3), num_classes: int = 1000, name: str = "vgg16"
) -> keras.Sequential:
    """VGG-16 (Simonyan & Zisserman, 2014): depth from nothing but 3x3 convolutions.

    Five blocks of 2, 2, 3, 3, 3 convolutions (3x3, 'same', ReLU) with 64, 128, 256, 512,
    512 filters, each block closed by a 2x2 max pool, then 4096 -> 4096 -> classes. Layer
    names and shapes equal ``keras.applications.VGG16(weights=None)``, which has
    138,357,544 parameters for 1000 classes at 224x224 (notebook 09 checks both). The
    paper's dropout between the dense layers is left out, as in Keras's version. The five
    pools halve the side five times, so the input must be at least 32x32.
    """
    height, width, channels = check_image_shape(input_shape)
    num_classes = check_positive_int("num_classes", num_classes)
    _check_fits("VGG-16", (height, width, channels), VGG16_STEPS)
    layers: list[keras.layers.Layer] = [keras.Input(shape=(height, width, channels))]
    for block, (filters, convs) in enumerate(VGG16_BLOCKS, start=1):
        layers += [
            keras.layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"block{block}_conv{index}")
            for index in range(1, convs + 1)
        ]
        layers.append(keras.layers.MaxPooling2D(2, name=f"block{block}_pool"))
    layers += [
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(4096, activation="relu", name="fc1"),
        keras.layers.Dense(4096, activation="relu", name="fc2"),
        keras.layers.Dense(num_classes, activation="softmax", name="predictions"),
    ]
    return keras.Sequential(layers, name=name)


def _check_feature_map(x: object) -> None:
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) != 4:
        raise ValueError(
            f"x must be a 4D feature map (batch, height, width, channels), such as a Conv2D output; got shape {shape}"
        )


def residual_block(x: keras.KerasTensor, filters: int, stride: int = 1, name: str | None = None) -> keras.KerasTensor:
    """ResNet's basic block (He, Zhang, Ren & Sun, 2015): ``relu(F(x) + shortcut(x))``.

    F is conv 3x3 (``stride``) -> batch norm -> ReLU -> conv 3x3 -> batch norm. The
    shortcut is ``x`` itself when F keeps the shape; when F halves the side (``stride=2``)
    or changes the number of channels, a 1x1 convolution with that stride and a batch norm
    ("projection shortcut") make the shapes match. The convolutions have no bias: the batch
    norm that follows adds its own. Functional API: call it on a tensor, get a tensor.
    Introduced in notebook 09.
    """
    _check_feature_map(x)
    filters = check_positive_int("filters", filters)
    stride = check_positive_int("stride", stride)

    def layer_name(suffix: str) -> str | None:
        return f"{name}_{suffix}" if name else None

    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=layer_name("conv1"))(x)
    y = keras.layers.BatchNormalization(name=layer_name("bn1"))(y)
    y = keras.layers.ReLU(name=layer_name("relu1"))(y)
    y = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=layer_name("conv2"))(y)
    y = keras.layers.BatchNormalization(name=layer_name("bn2"))(y)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = keras.layers.Conv2D(filters, 1, strides=stride, use_bias=False, name=layer_name("projection"))(x)
        shortcut = keras.layers.BatchNormalization(name=layer_name("projection_bn"))(shortcut)
    y = keras.layers.Add(name=layer_name("add"))([shortcut, y])
    return keras.layers.ReLU(name=layer_name("out"))(y)


def build_resnet18(
    input_shape: Sequence[int] = (224, 224, 3), num_classes: int = 1000, name: str = "resnet18"
) -> keras.Model:
    """ResNet-18 (He et al., 2015): 7x7/2 stem, 3x3/2 max pool, four stages of two basic
    blocks (64, 128, 256, 512 filters; stages 2-4 start with stride 2 and a projection
    shortcut), global average pooling, one dense layer.

    For 1000 classes it has 11,689,512 trainable parameters (the usual "11.7M") plus 9,600
    non-trainable ones: the moving means and variances of its batch norms, which Keras's
    ``count_params()`` includes. All convolutions and poolings use 'same' padding, so any
    input from 32x32 up works (the side shrinks 32-fold). Introduced in notebook 09.
    """
    height, width, channels = check_image_shape(input_shape)
    num_classes = check_positive_int("num_classes", num_classes)
    if min(height, width) < 32:
        raise ValueError(
            f"input {height}x{width} is too small for ResNet-18: its five stride-2 steps divide the side by 32, "
            "so it needs at least 32x32 (224x224 is the original)."
        )
    inputs = keras.Input(shape=(height, width, channels))
    x = keras.layers.Conv2D(64, 7, strides=2, padding="same", use_bias=False, name="conv1")(inputs)
    x = keras.layers.BatchNormalization(name="conv1_bn")(x)
    x = keras.layers.ReLU(name="conv1_relu")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    for stage, filters in enumerate(RESNET18_STAGES, start=2):
        for block in (1, 2):
            stride = 2 if stage > 2 and block == 1 else 1
            x = residual_block(x, filters, stride, name=f"conv{stage}_block{block}")
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def _check_inception_filters(
    f1: int, f3_reduce: int | None, f3: int, f5_reduce: int | None, f5: int, pool_proj: int
) -> None:
    for arg_name, value in (("f1", f1), ("f3", f3), ("f5", f5), ("pool_proj", pool_proj)):
        check_positive_int(arg_name, value)
    for arg_name, value in (("f3_reduce", f3_reduce), ("f5_reduce", f5_reduce)):
        if value is not None:
            check_positive_int(arg_name, value)


def inception_module(
    x: keras.KerasTensor,
    f1: int,
    f3_reduce: int | None,
    f3: int,
    f5_reduce: int | None,
    f5: int,
    pool_proj: int,
    name: str | None = None,
) -> keras.KerasTensor:
    """GoogLeNet's Inception module, v1 (Szegedy et al., 2014): four parallel branches,
    concatenated along the channels.

    1x1 (``f1``) | 1x1 (``f3_reduce``) -> 3x3 (``f3``) | 1x1 (``f5_reduce``) -> 5x5 (``f5``)
    | 3x3/1 max pool -> 1x1 (``pool_proj``). All with ReLU and 'same' padding, so the
    output keeps the input's height and width and has ``f1 + f3 + f5 + pool_proj``
    channels. The 1x1 "reduce" convolutions are bottlenecks: they shrink the channels
    before the expensive 3x3 and 5x5 convolutions. Pass ``None`` as a reduce width to
    build the naive module without that bottleneck (notebook 09 compares the two).
    """
    _check_feature_map(x)
    _check_inception_filters(f1, f3_reduce, f3, f5_reduce, f5, pool_proj)

    def conv(filters: int, size: int, suffix: str) -> keras.layers.Conv2D:
        return keras.layers.Conv2D(
            filters, size, padding="same", activation="relu", name=f"{name}_{suffix}" if name else None
        )

    branch1 = conv(f1, 1, "1x1")(x)
    branch3 = conv(f3, 3, "3x3")(x if f3_reduce is None else conv(f3_reduce, 1, "3x3_reduce")(x))
    branch5 = conv(f5, 5, "5x5")(x if f5_reduce is None else conv(f5_reduce, 1, "5x5_reduce")(x))
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool" if name else None)(x)
    branch_pool = conv(pool_proj, 1, "pool_proj")(pooled)
    return keras.layers.Concatenate(name=f"{name}_concat" if name else None)([branch1, branch3, branch5, branch_pool])


def inception_module_params(
    in_channels: int, f1: int, f3_reduce: int | None, f3: int, f5_reduce: int | None, f5: int, pool_proj: int
) -> int:
    """Parameters of ``inception_module`` on an input with ``in_channels`` channels, from
    the convolution formula ``(k * k * c_in + 1) * filters`` of each branch.

    >>> inception_module_params(192, 64, 96, 128, 16, 32, 32)  # GoogLeNet's module 3a
    163696
    """
    in_channels = check_positive_int("in_channels", in_channels)
    _check_inception_filters(f1, f3_reduce, f3, f5_reduce, f5, pool_proj)
    total = conv2d_params(1, in_channels, f1) + conv2d_params(1, in_channels, pool_proj)
    for reduce, filters, kernel in ((f3_reduce, f3, 3), (f5_reduce, f5, 5)):
        if reduce is None:
            total += conv2d_params(kernel, in_channels, filters)
        else:
            total += conv2d_params(1, in_channels, reduce) + conv2d_params(kernel, reduce, filters)
    return total


def _inception_stages(x: keras.KerasTensor, modules: dict[str, tuple[int, ...]]) -> keras.KerasTensor:
    """Apply the modules in order, with a 3x3/2 max pool wherever the stage number changes."""
    stage = None
    for module_name, filters in modules.items():
        if stage is not None and module_name[0] != stage:
            x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name=f"pool{stage}")(x)
        stage = module_name[0]
        x = inception_module(x, *filters, name=f"inception_{module_name}")
    return x


def _classifier_head(x: keras.KerasTensor, num_classes: int, dropout: float) -> keras.KerasTensor:
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    return keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)


def build_googlenet(
    input_shape: Sequence[int] = (224, 224, 3), num_classes: int = 1000, dropout: float = 0.4, name: str = "googlenet"
) -> keras.Model:
    """GoogLeNet, or Inception v1 (Szegedy et al., 2014): 22 layers with weights, 7 million parameters.

    Stem (7x7/2 conv 64, 3x3/2 max pool, 1x1 conv 64, 3x3 conv 192, 3x3/2 max pool), the
    nine Inception modules of ``GOOGLENET_MODULES`` with max pools between stages, global
    average pooling instead of big dense layers, dropout 0.4 and one dense layer. Left
    out: local response normalisation and the two auxiliary classifiers used only during
    training. 'same' padding throughout, so any input from 32x32 up works.
    Introduced in notebook 09.
    """
    height, width, channels = check_image_shape(input_shape)
    num_classes = check_positive_int("num_classes", num_classes)
    dropout = _check_rate("dropout", dropout)
    if min(height, width) < 32:
        raise ValueError(
            f"input {height}x{width} is too small for GoogLeNet: its five stride-2 steps divide the side by 32, "
            "so it needs at least 32x32 (224x224 is the original); for digits use build_mini_googlenet."
        )
    inputs = keras.Input(shape=(height, width, channels))
    x = keras.layers.Conv2D(64, 7, strides=2, padding="same", activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = keras.layers.Conv2D(64, 1, activation="relu", name="conv2_reduce")(x)
    x = keras.layers.Conv2D(192, 3, padding="same", activation="relu", name="conv2")(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    x = _inception_stages(x, GOOGLENET_MODULES)
    return keras.Model(inputs, _classifier_head(x, num_classes, dropout), name=name)


def build_mini_googlenet(
    input_shape: Sequence[int] = (28, 28, 1), num_classes: int = 10, dropout: float = 0.2, name: str = "mini_googlenet"
) -> keras.Model:
    """A small GoogLeNet-style network for 28x28 or 32x32 images (139,562 parameters for 10 classes).

    A 3x3 convolution with 32 filters, two Inception modules, a 3x3/2 max pool, two more
    modules (``MINI_GOOGLENET_MODULES``), global average pooling, dropout and one dense
    layer: GoogLeNet's ideas (parallel 1x1/3x3/5x5 branches, 1x1 bottlenecks, no big dense
    layers) at a size a CPU can train. 'same' padding throughout, so any input size works.
    Introduced in notebook 09.
    """
    height, width, channels = check_image_shape(input_shape)
    num_classes = check_positive_int("num_classes", num_classes)
    dropout = _check_rate("dropout", dropout)
    inputs = keras.Input(shape=(height, width, channels))
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu", name="conv1")(inputs)
    x = _inception_stages(x, MINI_GOOGLENET_MODULES)
    return keras.Model(inputs, _classifier_head(x, num_classes, dropout), name=name)


def build_deep_stack(
    depth: int,
    skip_connections: bool,
    input_shape: Sequence[int] = (28, 28, 1),
    filters: int = 16,
    num_classes: int = 10,
    activation: str = "relu",
    name: str | None = None,
) -> keras.Model:
    """A stem convolution, then ``depth`` 3x3 convolutions, with or without skip connections.

    Each of the ``depth`` units computes ``h = act(conv(x))``; with ``skip_connections``
    it outputs ``x + h`` (the residual idea in its simplest form), without it ``h``. Both
    variants have exactly the same layers and parameters, so the only difference is the
    identity path: notebook 09 measures what it does to the gradient that reaches the
    first layer (named "stem"). No batch norm, to isolate that one effect.
    """
    depth = check_positive_int("depth", depth)
    filters = check_positive_int("filters", filters)
    num_classes = check_positive_int("num_classes", num_classes)
    _check_activation(activation)
    inputs = keras.Input(shape=check_image_shape(input_shape))
    x = keras.layers.Conv2D(filters, 3, padding="same", activation=activation, name="stem")(inputs)
    for unit in range(1, depth + 1):
        h = keras.layers.Conv2D(filters, 3, padding="same", activation=activation, name=f"conv_{unit}")(x)
        x = keras.layers.Add(name=f"skip_{unit}")([x, h]) if skip_connections else h
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    default_name = f"{'residual' if skip_connections else 'plain'}_{depth}"
    return keras.Model(inputs, outputs, name=name or default_name)


WEIGHT_LAYERS = (keras.layers.Conv2D, keras.layers.Dense)


def weight_depth(model: keras.Model) -> int:
    """Depth as the papers count it: the largest number of layers with weights (Conv2D,
    Dense) on any path from the input to the output.

    Pooling, batch norm, activations and additions do not count, and a ResNet's 1x1
    projection shortcuts lie on a shorter path. So LeNet-5 has depth 5, AlexNet 8, VGG-16
    16, GoogLeNet 22 and ResNet-18 18, as their names and papers say. Introduced in
    notebook 09.
    """
    if not model.built or not model.outputs:
        raise ValueError(f"model {model.name!r} is not built yet: give it a keras.Input first")
    depth: dict[int, int] = {}  # id(tensor) -> weight layers on the longest path that computes it
    for layer in model.layers:  # in topological order, so a layer's inputs are already counted
        before = max((depth.get(id(tensor), 0) for tensor in _as_list(layer.input)), default=0)
        for tensor in _as_list(layer.output):
            depth[id(tensor)] = before + isinstance(layer, WEIGHT_LAYERS)
    return max(depth[id(tensor)] for tensor in model.outputs)


def _as_list(tensors: keras.KerasTensor | list | tuple) -> list:
    """A layer's ``input`` or ``output`` as a list: Keras gives one tensor bare, several as a list."""
    return list(tensors) if isinstance(tensors, list | tuple) else [tensors]
