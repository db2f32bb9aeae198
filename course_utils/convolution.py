"""Convolution and pooling in NumPy: the course's fast references, checked against SciPy and Keras.

Introduced in notebook 05 (convolution, cross-correlation, stride, padding, several
channels, a convolution as a dense matrix; more in its companion 05b) and used again in
notebook 06 (pooling). The lessons write each operation as a plain loop next to its
formula (``corr2d`` in notebook 05, ``max_pool2d`` in notebook 06) and then switch to the
functions here, which compute the same numbers without Python loops: they take a view of
every window at once (``sliding_window_view``, no copy) and reduce it with one ``einsum``,
``max`` or ``mean``. Each docstring states the formula it computes, index by index, and
the unit tests check every function against a plain loop, SciPy and Keras. Output sizes
follow ``course_utils.arithmetic.conv_output_size``, and ``padding="same"`` pads exactly as
Keras and TensorFlow do, so results match ``keras.layers.Conv2D`` and the pooling layers
value for value. Two small wrappers at the end run the same computation through Keras.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course_utils._quiet import import_backend_quietly
from course_utils.arithmetic import check_non_negative_int, check_positive_int, conv_output_size

import_backend_quietly()  # before Keras, so that TensorFlow's start-up lines never reach a notebook
import keras  # noqa: E402

Padding = int | str
POOL_MODES = ("max", "average")


def _kernel(values: list[list[float]]) -> np.ndarray:
    kernel = np.array(values, dtype=np.float64)
    kernel.setflags(write=False)  # shared by every notebook: nobody should change it by accident
    return kernel


KERNELS: dict[str, np.ndarray] = {
    "horizontal": _kernel([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]]),
    "vertical": _kernel([[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]]),
    "plus_45": _kernel([[-1, -1, 2], [-1, 2, -1], [2, -1, -1]]),
    "minus_45": _kernel([[2, -1, -1], [-1, 2, -1], [-1, -1, 2]]),
    "sobel_x": _kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "sobel_y": _kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "blur": _kernel([[1 / 9] * 3] * 3),
    "sharpen": _kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
}
"""Hand-designed 3x3 kernels (notebook 05). The first four respond to thin lines
(horizontal, vertical, rising at +45 degrees, falling at -45 degrees), Sobel x and y to
intensity changes from left to right and from top to bottom. The values of these six sum
to 0, so a flat region gives 0. Blur (a 3x3 average) and sharpen sum to 1, so they keep a
flat region's brightness. The arrays are read-only."""


def _as_array(name: str, values: object, ndim: int | tuple[int, ...], layout: str) -> np.ndarray:
    """``values`` as a numeric array with ``ndim`` dimensions, or a ``ValueError`` that says why not."""
    array = np.asarray(values)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}; convert it with .astype(float)")
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if array.ndim not in allowed:
        dims = " or ".join(f"{d}D" for d in allowed)
        raise ValueError(f"{name} must be {dims} {layout}, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    return array


def _check_padding(padding: object) -> Padding:
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid', 'same' or a number of pixels >= 0, got {padding!r}")
        return padding
    return check_non_negative_int("padding", padding)


def _output_size(size: int, window: int, stride: int, padding: Padding, window_name: str) -> int:
    """``conv_output_size`` with an error message that names the window (kernel or pool)."""
    pad = 0 if isinstance(padding, str) else padding
    if padding != "same" and window > size + 2 * pad:
        raise ValueError(
            f"{window_name} {window} is larger than the input {size} with padding={padding!r}; "
            "use a smaller window, more padding, or padding='same'"
        )
    return conv_output_size(size, window, stride, padding)


def padding_amounts(size: int, kernel_size: int, stride: int = 1, padding: Padding = "valid") -> tuple[int, int]:
    """Zero pixels added before and after one axis of the input: ``(before, after)``.

    ``"valid"`` adds none and an integer ``p`` adds ``p`` on both sides. ``"same"`` follows
    Keras and TensorFlow: it pads just enough for ``ceil(size / stride)`` outputs,
    ``total = max((ceil(size / stride) - 1) * stride + kernel_size - size, 0)``, and puts
    the odd pixel, if any, *after* (``before = total // 2``). Introduced in notebook 05.

    >>> padding_amounts(6, 3, padding="same")
    (1, 1)
    >>> padding_amounts(6, 2, padding="same")  # an even kernel: the extra zero goes after
    (0, 1)
    >>> padding_amounts(6, 3, stride=2, padding="same")
    (0, 1)
    """
    size = check_positive_int("size", size)
    kernel_size = check_positive_int("kernel_size", kernel_size)
    stride = check_positive_int("stride", stride)
    padding = _check_padding(padding)
    if padding == "valid":
        return 0, 0
    if padding == "same":
        total = max((math.ceil(size / stride) - 1) * stride + kernel_size - size, 0)
        return total // 2, total - total // 2
    return padding, padding


def _windows(
    x: np.ndarray, window: tuple[int, int], stride: int, padding: Padding, window_name: str, fill: float = 0
) -> np.ndarray:
    """Every window the kernel (or pool) visits, shaped (out_h, out_w, *x.shape[2:], kh, kw).

    Pads ``x`` with ``fill`` as ``padding`` says, then takes a view of all windows (no
    copy) and keeps every ``stride``-th one in each direction, so that
    ``windows[i, j, ..., m, n] = padded[i·stride + m, j·stride + n, ...]``.
    """
    stride = check_positive_int("stride", stride)
    padding = _check_padding(padding)
    for axis in (0, 1):
        _output_size(x.shape[axis], window[axis], stride, padding, window_name)
    pads = [padding_amounts(x.shape[axis], window[axis], stride, padding) for axis in (0, 1)]
    padded = np.pad(x, pads + [(0, 0)] * (x.ndim - 2), constant_values=fill)
    return sliding_window_view(padded, window, axis=(0, 1))[::stride, ::stride]


def convolve1d(
    signal: Sequence[float] | np.ndarray, kernel: Sequence[float] | np.ndarray, mode: str = "full"
) -> np.ndarray:
    """Discrete convolution from its definition: ``(x * w)[n] = sum_k x[k] w[n - k]``.

    Notebook 05 starts here: the kernel is read backwards as it slides along the signal.
    ``mode="full"`` returns every ``n`` where the two overlap (``len(x) + len(w) - 1``
    values), ``"valid"`` only those where the kernel lies entirely inside the signal.
    Same results as ``np.convolve``.

    >>> convolve1d([1, 2, 3], [1, 10])
    array([ 1, 12, 23, 30])
    """
    x = _as_array("signal", signal, 1, "(length,)")
    w = _as_array("kernel", kernel, 1, "(length,)")
    _check_mode(mode, len(x), len(w))
    full = np.zeros(len(x) + len(w) - 1, dtype=np.result_type(x, w))
    for n in range(len(full)):
        for k in range(len(x)):
            if 0 <= n - k < len(w):
                full[n] += x[k] * w[n - k]
    return full if mode == "full" else full[len(w) - 1 : len(x)]


def correlate1d(
    signal: Sequence[float] | np.ndarray, kernel: Sequence[float] | np.ndarray, mode: str = "valid"
) -> np.ndarray:
    """Discrete cross-correlation from its definition: ``(x ⋆ w)[n] = sum_k x[n + k] w[k]``.

    The kernel slides along the signal *without* being flipped: each output is the dot
    product of the kernel with the stretch of signal under it. ``mode`` as in
    ``convolve1d``; same results as ``np.correlate``. Introduced in notebook 05.

    >>> correlate1d([1, 2, 3], [1, 10])
    array([21, 32])
    """
    x = _as_array("signal", signal, 1, "(length,)")
    w = _as_array("kernel", kernel, 1, "(length,)")
    _check_mode(mode, len(x), len(w))
    first = -(len(w) - 1) if mode == "full" else 0
    shifts = range(first, len(x) - len(w) + 1 if mode == "valid" else len(x))
    result = np.zeros(len(shifts), dtype=np.result_type(x, w))
    for index, n in enumerate(shifts):
        for k in range(len(w)):
            if 0 <= n + k < len(x):
                result[index] += x[n + k] * w[k]
    return result


def _check_mode(mode: str, signal_length: int, kernel_length: int) -> None:
    if mode not in ("full", "valid"):
        raise ValueError(f"mode must be 'full' or 'valid', got {mode!r}")
    if mode == "valid" and kernel_length > signal_length:
        raise ValueError(
            f"kernel of length {kernel_length} is longer than the signal of length {signal_length}; "
            "use mode='full' or a shorter kernel"
        )


def correlate2d(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: Padding = "valid") -> np.ndarray:
    """2D cross-correlation: what a deep-learning "convolution" layer computes.

    With ``x`` the image after padding, ``s`` the stride and a kh x kw kernel::

        out[i, j] = Σ_m Σ_n x[i·s + m, j·s + n] · kernel[m, n]      (0 ≤ m < kh, 0 ≤ n < kw)

    The kernel, unflipped, slides over the image ``s`` pixels at a time, and each output is
    the dot product of the kernel with the patch under it. Notebook 05 writes this as a
    double loop (``corr2d``); here all patches are taken at once and multiplied with one
    ``einsum``, which gives the same numbers far faster. ``padding`` is "valid" (none),
    "same" (Keras's rule, see ``padding_amounts``) or a number of zero pixels on every
    side. Equals ``scipy.signal.correlate2d`` (mode "valid" is ``padding="valid"``, mode
    "full" is ``padding=kernel_size - 1``) and ``keras.layers.Conv2D`` with this kernel as
    its only weight. Introduced in notebook 05.

    >>> correlate2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[-4, -4],
           [-4, -4]])
    """
    image = _as_array("image", image, 2, "(height, width)")
    kernel = _as_array("kernel", kernel, 2, "(height, width)")
    windows = _windows(image, kernel.shape, stride, padding, "kernel_size")
    return np.einsum("ijmn,mn->ij", windows, kernel)


def convolve2d(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: Padding = "valid") -> np.ndarray:
    """2D convolution in the mathematical sense: cross-correlation with the kernel rotated by 180°.

    The definition is ``(x * k)[i, j] = Σ_m Σ_n x[i - m, j - n] · k[m, n]``: the kernel is
    read backwards. For a kh x kw kernel, stride ``s`` and the padded image ``x``, that is::

        out[i, j] = Σ_m Σ_n x[i·s + m, j·s + n] · kernel[kh - 1 - m, kw - 1 - n]

    which is ``correlate2d`` with ``kernel[::-1, ::-1]``. Equals ``scipy.signal.convolve2d``
    for "valid" and for ``padding=kernel_size - 1`` (scipy's "full"). For even kernels with
    "same", Keras's rule (odd pixel after) can differ by one pixel from scipy's
    ``mode="same"``. Notebook 05.

    >>> convolve2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[4, 4],
           [4, 4]])
    """
    kernel = _as_array("kernel", kernel, 2, "(height, width)")
    return correlate2d(image, kernel[::-1, ::-1], stride, padding)


def conv2d_multichannel(
    image: np.ndarray,
    kernels: np.ndarray,
    bias: np.ndarray | Sequence[float] | None = None,
    stride: int = 1,
    padding: Padding = "valid",
) -> np.ndarray:
    """What ``keras.layers.Conv2D`` computes on one image with several channels.

    ``image`` is (height, width, C_in); ``kernels`` is (kh, kw, C_in, filters), Keras's
    own layout. With ``x`` the padded image and ``s`` the stride::

        out[i, j, f] = bias[f] + Σ_c Σ_m Σ_n x[i·s + m, j·s + n, c] · kernels[m, n, c, f]

    So output channel ``f`` is the sum over input channels ``c`` of
    ``correlate2d(image[..., c], kernels[..., c, f])``, plus ``bias[f]``: each filter is
    one kh x kw x C_in block of weights, hence ``(kh * kw * C_in + 1) * filters``
    parameters. Returns (out_h, out_w, filters). Introduced in notebook 05.
    """
    image = _as_array("image", image, 3, "(height, width, channels); for a grayscale image pass image[..., None]")
    kernels = _as_array("kernels", kernels, 4, "(kernel_height, kernel_width, in_channels, filters), Keras's layout")
    if kernels.shape[2] != image.shape[2]:
        raise ValueError(
            f"the kernels expect {kernels.shape[2]} input channels (kernels.shape[2]) but the image has "
            f"{image.shape[2]} (image.shape[2])"
        )
    windows = _windows(image, kernels.shape[:2], stride, padding, "kernel_size")  # (out_h, out_w, C_in, kh, kw)
    out = np.einsum("ijcmn,mncf->ijf", windows, kernels)
    if bias is None:
        return out
    bias = _as_array("bias", bias, 1, "(filters,)")
    if bias.shape != (kernels.shape[3],):
        raise ValueError(f"bias must have one value per filter, shape ({kernels.shape[3]},), got {bias.shape}")
    return out + bias


def pool2d(
    x: np.ndarray, pool_size: int = 2, stride: int | None = None, mode: str = "max", padding: str = "valid"
) -> np.ndarray:
    """Max or average pooling of a (height, width) or (height, width, channels) array.

    A p x p window (``p = pool_size``) moves ``s = stride`` pixels at a time (by default
    ``s = p``: windows side by side, no overlap), per channel::

        max:      out[i, j] = max  over 0 ≤ m, n < p of x[i·s + m, j·s + n]
        average:  out[i, j] = mean over 0 ≤ m, n < p of x[i·s + m, j·s + n]

    No weights: nothing to learn. Notebook 06 writes the max as a double loop
    (``max_pool2d``); here all windows are taken at once and reduced in one call. With
    ``padding="same"``, as in Keras, the padded positions are ignored (they neither win a
    max nor count in an average). Returns floats. Introduced in notebook 06.

    >>> pool2d(np.arange(1, 17).reshape(4, 4), 2, mode="average")
    array([[ 3.5,  5.5],
           [11.5, 13.5]])
    """
    x = _as_array("x", x, (2, 3), "(height, width) or (height, width, channels)")
    pool_size = check_positive_int("pool_size", pool_size)
    stride = pool_size if stride is None else check_positive_int("stride", stride)
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}, got {mode!r}")
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same' (as in Keras's pooling layers), got {padding!r}")
    windows = _windows(x.astype(np.float64), (pool_size, pool_size), stride, padding, "pool_size", fill=np.nan)
    reduce = np.nanmax if mode == "max" else np.nanmean
    return reduce(windows, axis=(-2, -1))


def global_pool(x: np.ndarray, mode: str = "average") -> float | np.ndarray:
    """One number per channel: the mean ("average") or largest value ("max") of a whole map.

    ``out[c] = max over all i, j of x[i, j, c]`` (or the mean): a pooling window as large
    as the map. A (height, width) map gives a float, a (height, width, channels) stack one
    value per channel, like ``GlobalAveragePooling2D`` / ``GlobalMaxPooling2D``. It forgets
    *where* a feature was, only *how much* (or how strongly) it was present. Notebook 06.

    >>> global_pool(np.arange(1, 17).reshape(4, 4), "max")
    16.0
    """
    x = _as_array("x", x, (2, 3), "(height, width) or (height, width, channels)")
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}, got {mode!r}")
    pooled = x.max(axis=(0, 1)) if mode == "max" else x.mean(axis=(0, 1))
    return float(pooled) if x.ndim == 2 else pooled.astype(np.float64)


def window_coverage(
    input_shape: tuple[int, int], window_size: int, stride: int = 1, padding: Padding = "valid"
) -> np.ndarray:
    """How many windows cover each input pixel (0 = the layer never looks at it).

    Notebook 05 uses it to show that stride 2 without padding can skip the last row and
    column; notebook 06 to show that AlexNet's 3x3 pools with stride 2 overlap.

    >>> window_coverage((5, 5), 2, stride=2)[:, -1]  # 2x2 windows, stride 2: the 5th column is skipped
    array([0, 0, 0, 0, 0])
    """
    if len(input_shape) != 2:
        raise ValueError(f"input_shape must be (height, width), got {tuple(input_shape)}")
    height, width = (check_positive_int(f"input_shape[{i}]", side) for i, side in enumerate(input_shape))
    pads = [padding_amounts(side, window_size, stride, padding) for side in (height, width)]
    out_h, out_w = (_output_size(side, window_size, stride, padding, "window_size") for side in (height, width))
    counts = np.zeros((height + sum(pads[0]), width + sum(pads[1])), dtype=np.int64)
    for i in range(out_h):
        for j in range(out_w):
            counts[i * stride : i * stride + window_size, j * stride : j * stride + window_size] += 1
    (top, _), (left, _) = pads
    return counts[top : top + height, left : left + width]


def conv_as_matrix(kernel: np.ndarray, input_shape: tuple[int, int]) -> np.ndarray:
    """The dense weight matrix whose product with a flattened image is the valid cross-correlation.

    Row ``i * out_w + j`` holds the kernel placed at position (i, j) of an all-zero image,
    flattened row by row. So ``conv_as_matrix(k, x.shape) @ x.ravel()`` equals
    ``correlate2d(x, k).ravel()``. Notebook 05 uses it to show a convolution *is* a
    fully connected layer whose weights are mostly zero (locality) and repeat in every row
    (weight sharing). Shape: (out_h * out_w, height * width).

    >>> conv_as_matrix([[1, -1]], (1, 3))
    array([[ 1., -1.,  0.],
           [ 0.,  1., -1.]])
    """
    kernel = _as_array("kernel", kernel, 2, "(height, width)")
    if len(input_shape) != 2:
        raise ValueError(f"input_shape must be (height, width), got {tuple(input_shape)}")
    height, width = (check_positive_int(f"input_shape[{i}]", side) for i, side in enumerate(input_shape))
    kh, kw = kernel.shape
    out_h = _output_size(height, kh, 1, "valid", "kernel height")
    out_w = _output_size(width, kw, 1, "valid", "kernel width")
    matrix = np.zeros((out_h * out_w, height * width))
    for i in range(out_h):
        for j in range(out_w):
            placed = np.zeros((height, width))
            placed[i : i + kh, j : j + kw] = kernel
            matrix[i * out_w + j] = placed.ravel()
    return matrix


def keras_conv2d(
    image: np.ndarray,
    kernels: np.ndarray,
    bias: np.ndarray | Sequence[float] | None = None,
    stride: int = 1,
    padding: Padding = "valid",
) -> np.ndarray:
    """Run ``keras.layers.Conv2D`` with ``kernels`` (and ``bias``) loaded as its weights.

    The same arguments and result as ``conv2d_multichannel``, computed by Keras, so the
    notebooks can compare the two. An integer ``padding`` becomes a ``ZeroPadding2D``
    layer in front of a "valid" convolution (Conv2D itself knows only "valid" and "same").
    Introduced in notebook 05.
    """
    image = _as_array("image", image, 3, "(height, width, channels); for a grayscale image pass image[..., None]")
    kernels = _as_array("kernels", kernels, 4, "(kernel_height, kernel_width, in_channels, filters), Keras's layout")
    padding = _check_padding(padding)
    conv = keras.layers.Conv2D(
        kernels.shape[3],
        tuple(int(side) for side in kernels.shape[:2]),
        strides=check_positive_int("stride", stride),
        padding=padding if isinstance(padding, str) else "valid",
        use_bias=bias is not None,
    )
    layers = [keras.Input(shape=image.shape)]
    if not isinstance(padding, str) and padding > 0:
        layers.append(keras.layers.ZeroPadding2D(padding))
    model = keras.Sequential([*layers, conv])
    conv.set_weights([kernels.astype(np.float32)] + ([] if bias is None else [np.asarray(bias, dtype=np.float32)]))
    return keras.ops.convert_to_numpy(model(image[None].astype(np.float32)))[0]


def keras_pool2d(
    x: np.ndarray, pool_size: int = 2, stride: int | None = None, mode: str = "max", padding: str = "valid"
) -> np.ndarray:
    """Run Keras's ``MaxPooling2D`` or ``AveragePooling2D`` on a (height, width[, channels]) array.

    The same arguments and result shape as ``pool2d``, computed by Keras. Notebook 06.
    """
    x = np.asarray(x)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be 2D (height, width) or 3D (height, width, channels), got shape {x.shape}")
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}, got {mode!r}")
    layer_class = keras.layers.MaxPooling2D if mode == "max" else keras.layers.AveragePooling2D
    stride = None if stride is None else check_positive_int("stride", stride)
    layer = layer_class(check_positive_int("pool_size", pool_size), strides=stride, padding=padding)
    batch = (x[..., None] if x.ndim == 2 else x)[None].astype(np.float32)
    pooled = keras.ops.convert_to_numpy(layer(batch))[0]
    return pooled[..., 0] if x.ndim == 2 else pooled
