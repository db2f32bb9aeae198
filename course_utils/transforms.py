"""Image transformations for the course's experiments: shifts, pixel permutations, rotations.

Introduced in notebooks 02 (permutation, row-major indices) and 04 (shifts, rotations);
notebook 10 reuses them. Every function works on a batch of images shaped
(n, height, width) or (n, height, width, channels) and returns a new array of the same
shape and dtype; the input is never modified.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from course_utils.arithmetic import check_non_negative_int, check_positive_int


def _check_batch(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(
            f"images must be a batch shaped (n, height, width) or (n, height, width, channels), got {images.shape}; "
            "for one image pass image[None]"
        )
    return images


def flat_index(row: int, col: int, width: int = 28) -> int:
    """Position of pixel (row, col) in the row-major flattened image: ``row * width + col``.

    Counting from 0, as NumPy and Keras's ``Flatten`` do.

    >>> flat_index(10, 10)
    290
    """
    row = check_non_negative_int("row", row)
    col = check_non_negative_int("col", col)
    width = check_positive_int("width", width)
    if col >= width:
        raise ValueError(f"col {col} is outside an image {width} pixels wide (valid columns 0..{width - 1})")
    return row * width + col


def make_pixel_permutation(num_pixels: int, seed: int = 0) -> np.ndarray:
    """A fixed random reordering of ``num_pixels`` pixel positions (a permutation of 0..n-1)."""
    num_pixels = check_positive_int("num_pixels", num_pixels)
    return np.random.default_rng(seed).permutation(num_pixels)


def permute_pixels(images: np.ndarray, permutation: np.ndarray) -> np.ndarray:
    """Scramble every image with the same pixel ``permutation``.

    Pixel ``permutation[k]`` of the flattened original lands at position ``k``. The images
    keep their shape, but neighbouring pixels are no longer neighbours.
    """
    images = _check_batch(images)
    height, width = images.shape[1:3]
    permutation = np.asarray(permutation)
    num_pixels = height * width
    if permutation.shape != (num_pixels,):
        raise ValueError(
            f"permutation must have {num_pixels} entries for {height}x{width} images, got {permutation.shape}"
        )
    if not np.array_equal(np.sort(permutation), np.arange(num_pixels)):
        raise ValueError(f"permutation must contain every index 0..{num_pixels - 1} exactly once")
    flat = images.reshape(len(images), num_pixels, *images.shape[3:])
    return flat[:, permutation].reshape(images.shape)


def shift_images(images: np.ndarray, dx: int = 0, dy: int = 0) -> np.ndarray:
    """Move every image ``dx`` pixels right and ``dy`` pixels down, filling with zeros.

    Negative values move left and up. Pixels pushed over the edge are lost; nothing wraps
    around, as when a real object moves in the frame.
    """
    images = _check_batch(images)
    height, width = images.shape[1:3]
    for name, shift, size in (("dx", dx, width), ("dy", dy, height)):
        if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
            raise ValueError(f"{name} must be an integer number of pixels, got {shift!r}")
        if abs(shift) >= size:
            raise ValueError(f"{name}={shift} moves the image entirely out of its {size}-pixel frame")
    shifted = np.zeros_like(images)
    rows_to, rows_from = _overlap(dy, height)
    cols_to, cols_from = _overlap(dx, width)
    shifted[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return shifted


def _overlap(shift: int, size: int) -> tuple[slice, slice]:
    """Destination and source slices along one axis for a shift by ``shift`` pixels."""
    if shift >= 0:
        return slice(shift, size), slice(0, size - shift)
    return slice(0, size + shift), slice(-shift, size)


def rotate_images(images: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate every image counter-clockwise about its centre, keeping its size.

    Bilinear interpolation; corners that come from outside the frame are filled with zeros.
    """
    images = _check_batch(images)
    if not np.isfinite(degrees):
        raise ValueError(f"degrees must be a finite number, got {degrees!r}")
    rotated = ndimage.rotate(images.astype(np.float32), degrees, axes=(2, 1), reshape=False, order=1, cval=0.0)
    if np.issubdtype(images.dtype, np.integer):
        info = np.iinfo(images.dtype)
        rotated = np.clip(np.rint(rotated), info.min, info.max)
    return rotated.astype(images.dtype)


def ink_extents(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Height and width in pixels of each image's ink: the box around its non-zero pixels.

    Notebooks 04 and 07 use it to measure how tall and wide MNIST digits are (MNIST centres each
    digit in a 20x20 box), rather than assuming it. An image without ink has height and width 0.
    """
    ink = _check_batch(images) != 0
    if ink.ndim == 4:
        ink = ink.any(axis=3)  # ink in any channel
    return _extent(ink.any(axis=2)), _extent(ink.any(axis=1))


def _extent(ink: np.ndarray) -> np.ndarray:
    """Per row of a 2D boolean array: distance from its first to its last True, inclusive (0 if none)."""
    first = ink.argmax(axis=1)
    last = ink.shape[1] - 1 - ink[:, ::-1].argmax(axis=1)
    return np.where(ink.any(axis=1), last - first + 1, 0)
