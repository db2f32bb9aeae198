"""Layer arithmetic: parameter counts, output sizes, compute and memory, from the formulas.

Introduced in notebook 01 (dense layers); notebooks 03, 05-07 and 09 use the rest. Each
function checks its arguments, because a silently wrong count would teach a wrong fact;
the notebooks compare every result with Keras's own ``count_params()`` and shapes.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import NamedTuple

BYTES_PER_FLOAT32 = 4


def check_positive_int(name: str, value: object) -> int:
    """Return ``value`` as an int if it is a positive integer, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a positive integer, got {value!r} ({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_non_negative_int(name: str, value: object) -> int:
    """Return ``value`` as an int if it is an integer >= 0, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a non-negative integer, got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value}")
    return int(value)


def dense_params(inputs: int, units: int, bias: bool = True) -> int:
    """Parameters of a fully connected layer: ``inputs * units`` weights plus ``units`` biases.

    >>> dense_params(784, 128)
    100480
    """
    inputs = check_positive_int("inputs", inputs)
    units = check_positive_int("units", units)
    return inputs * units + (units if bias else 0)


def mlp_params(inputs: int, layer_units: Sequence[int], bias: bool = True) -> int:
    """Parameters of a stack of dense layers fed with ``inputs`` values.

    >>> mlp_params(784, [128, 10])
    101770
    """
    if len(layer_units) == 0:
        raise ValueError("layer_units must name at least one layer")
    total, fan_in = 0, inputs
    for units in layer_units:
        total += dense_params(fan_in, units, bias)
        fan_in = units
    return total


def conv2d_params(kernel_size: int, in_channels: int, filters: int, bias: bool = True) -> int:
    """Parameters of a 2D convolution: ``(k * k * in_channels + 1) * filters``.

    Every filter has one ``k x k x in_channels`` kernel and one bias, shared over all
    positions of the image, so the count does not depend on the image size.

    >>> conv2d_params(3, 1, 32)
    320
    """
    kernel_size = check_positive_int("kernel_size", kernel_size)
    in_channels = check_positive_int("in_channels", in_channels)
    filters = check_positive_int("filters", filters)
    return (kernel_size * kernel_size * in_channels + (1 if bias else 0)) * filters


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int | str = 0) -> int:
    """Output side of a convolution or pooling window: ``floor((W - K + 2P) / S) + 1``.

    ``padding`` is a number of zero pixels added on each side, or Keras's "valid" (no
    padding) or "same" (output side ``ceil(W / S)``, which Keras reaches by padding as
    needed).

    >>> conv_output_size(28, 3)
    26
    >>> conv_output_size(28, 3, stride=2, padding="same")
    14
    """
    size = check_positive_int("size", size)
    kernel_size = check_positive_int("kernel_size", kernel_size)
    stride = check_positive_int("stride", stride)
    if padding == "same":
        return math.ceil(size / stride)
    pad = 0 if padding == "valid" else padding
    if isinstance(pad, str):
        raise ValueError(f"padding must be 'valid', 'same' or a number of pixels, got {padding!r}")
    pad = check_non_negative_int("padding", pad)
    if kernel_size > size + 2 * pad:
        raise ValueError(
            f"kernel_size {kernel_size} is larger than the input {size} with padding={padding!r}; "
            "use a smaller kernel or more padding"
        )
    return (size - kernel_size + 2 * pad) // stride + 1


def conv2d_multiply_adds(
    input_size: int, kernel_size: int, in_channels: int, filters: int, stride: int = 1, padding: int | str = "valid"
) -> int:
    """Multiply-adds of one 2D convolution on one square image, biases not counted.

    Every output value (``output_side**2 * filters`` of them) takes one multiply-add per
    kernel weight (``kernel_size**2 * in_channels``). Parameters measure memory; this
    measures compute, which is what training time follows. Because a convolution reuses its
    few weights at every position, it can cost more compute than a dense layer with many
    more parameters. Introduced in notebook 03; a dense layer's count is simply its number
    of weights, ``dense_params(inputs, units, bias=False)``.

    >>> conv2d_multiply_adds(28, 3, 1, 32)  # 26 x 26 positions x 32 filters x 9 weights
    194688
    """
    in_channels = check_positive_int("in_channels", in_channels)
    filters = check_positive_int("filters", filters)
    output_side = conv_output_size(input_size, kernel_size, stride, padding)
    return output_side * output_side * filters * kernel_size * kernel_size * in_channels


class DenseVsConv(NamedTuple):
    """Parameter counts of two candidate first layers for the same image."""

    dense: int
    conv: int

    @property
    def ratio(self) -> float:
        """How many times more parameters the dense layer has than the convolution."""
        return self.dense / self.conv


def dense_vs_conv_params(
    image_side: int, channels: int = 1, units: int = 128, filters: int = 32, kernel_size: int = 3
) -> DenseVsConv:
    """Parameters of a first ``Dense(units)`` and a first ``Conv2D(filters, kernel_size)``
    on the same ``image_side x image_side x channels`` image.

    Introduced in notebook 03 to show why fully connected layers do not scale with image
    size: the dense count grows with the number of pixels (the square of the side), while
    the convolution's count does not depend on the image size at all.

    >>> dense_vs_conv_params(28)
    DenseVsConv(dense=100480, conv=320)
    >>> dense_vs_conv_params(64, units=512).ratio  # the lecture's 64x64 example
    6555.2
    """
    image_side = check_positive_int("image_side", image_side)
    channels = check_positive_int("channels", channels)
    kernel_size = check_positive_int("kernel_size", kernel_size)
    if kernel_size > image_side:
        raise ValueError(
            f"kernel_size {kernel_size} is larger than the image side {image_side}: the filter fits nowhere; "
            "use a smaller kernel or a larger image"
        )
    inputs = image_side * image_side * channels
    return DenseVsConv(dense_params(inputs, units), conv2d_params(kernel_size, channels, filters))


def receptive_fields(layers: Sequence[tuple[int, int]]) -> list[int]:
    """Receptive-field side of each layer in a stack of (kernel, stride) convolutions/pools.

    Introduced in notebook 07. A unit of the first layer sees ``kernel`` pixels; each later
    layer adds ``(kernel - 1) * jump`` pixels, where ``jump`` is the product of all earlier
    strides (how many input pixels one step in that layer's input map spans). Padding
    shifts where a field lies, not its size.

    >>> receptive_fields([(3, 1), (2, 2), (3, 1), (2, 2)])  # the lecture CNN
    [3, 4, 8, 10]
    """
    if len(layers) == 0:
        raise ValueError("layers must list at least one (kernel, stride) pair")
    fields, field, jump = [], 1, 1
    for index, layer in enumerate(layers):
        if len(layer) != 2:
            raise ValueError(f"layers[{index}] must be a (kernel, stride) pair, got {layer!r}")
        kernel = check_positive_int(f"layers[{index}] kernel", layer[0])
        stride = check_positive_int(f"layers[{index}] stride", layer[1])
        field += (kernel - 1) * jump
        jump *= stride
        fields.append(field)
    return fields


def flatten_size(shape: Sequence[int]) -> int:
    """Number of values a ``Flatten`` layer produces from one example of ``shape``.

    >>> flatten_size((5, 5, 64))
    1600
    """
    if len(shape) == 0:
        raise ValueError("shape must have at least one dimension")
    return math.prod(check_positive_int(f"shape[{i}]", side) for i, side in enumerate(shape))


def params_memory_mb(count: int, bytes_per_param: int = BYTES_PER_FLOAT32) -> float:
    """Memory for ``count`` parameters in MB, float32 by default.

    Like Keras's ``model.summary()``, a MB here is 2**20 bytes, so the two agree.

    >>> round(params_memory_mb(101_770) * 1024, 2)  # summary prints "397.54 KB"
    397.54
    """
    count = check_non_negative_int("count", count)
    bytes_per_param = check_positive_int("bytes_per_param", bytes_per_param)
    return count * bytes_per_param / 2**20
