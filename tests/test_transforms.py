import numpy as np
import pytest

from course_utils.transforms import flat_index, make_pixel_permutation, permute_pixels, rotate_images, shift_images


@pytest.fixture
def batch():
    return np.random.default_rng(0).integers(0, 256, size=(3, 6, 5), dtype=np.uint8)


def test_flat_index_is_row_major_like_numpy():
    image = np.arange(28 * 28).reshape(28, 28)
    for row, col in [(0, 0), (10, 10), (10, 11), (11, 10), (27, 27)]:
        assert flat_index(row, col) == image[row, col] == image.ravel().tolist().index(image[row, col])
    assert flat_index(10, 10) == 290 and flat_index(11, 10) == 318
    assert flat_index(1, 2, width=5) == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [((0, 28), "col 28 is outside an image 28 pixels wide"), ((-1, 0), "row must be a non-negative integer")],
)
def test_flat_index_rejects_pixels_outside_the_image(args, message):
    with pytest.raises(ValueError, match=message):
        flat_index(*args)


def test_permutation_is_fixed_by_seed_and_complete():
    first, again, other = make_pixel_permutation(784, 1), make_pixel_permutation(784, 1), make_pixel_permutation(784, 2)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    np.testing.assert_array_equal(np.sort(first), np.arange(784))


def test_permute_pixels_moves_pixels_and_can_be_undone(batch):
    permutation = make_pixel_permutation(30, seed=0)
    scrambled = permute_pixels(batch, permutation)
    assert scrambled.shape == batch.shape and scrambled.dtype == batch.dtype
    np.testing.assert_array_equal(scrambled.reshape(3, -1), batch.reshape(3, -1)[:, permutation])
    np.testing.assert_array_equal(permute_pixels(scrambled, np.argsort(permutation)), batch)
    np.testing.assert_array_equal(np.sort(scrambled.ravel()), np.sort(batch.ravel()))


def test_permute_pixels_keeps_channels_together():
    images = np.random.default_rng(1).random((2, 4, 4, 3))
    permutation = make_pixel_permutation(16, seed=3)
    scrambled = permute_pixels(images, permutation)
    np.testing.assert_array_equal(scrambled.reshape(2, 16, 3), images.reshape(2, 16, 3)[:, permutation])


@pytest.mark.parametrize(
    ("permutation", "message"),
    [
        (np.arange(29), r"permutation must have 30 entries for 6x5 images, got \(29,\)"),
        (np.zeros(30, dtype=int), "every index 0..29 exactly once"),
    ],
)
def test_permute_pixels_rejects_bad_permutations(batch, permutation, message):
    with pytest.raises(ValueError, match=message):
        permute_pixels(batch, permutation)


def test_shift_moves_content_and_fills_with_zeros():
    image = np.zeros((1, 5, 5), dtype=np.uint8)
    image[0, 1, 1] = 9
    right_down = shift_images(image, dx=2, dy=1)
    assert right_down[0, 2, 3] == 9 and right_down.sum() == 9
    left_up = shift_images(image, dx=-1, dy=-1)
    assert left_up[0, 0, 0] == 9
    gone = shift_images(image, dx=-2)
    assert gone.sum() == 0
    np.testing.assert_array_equal(shift_images(image), image)
    assert image[0, 1, 1] == 9  # the input is untouched


def test_shift_agrees_with_numpy_roll_away_from_the_edges(batch):
    shifted = shift_images(batch, dx=2, dy=-1)
    rolled = np.roll(batch, shift=(-1, 2), axis=(1, 2))
    np.testing.assert_array_equal(shifted[:, :-1, 2:], rolled[:, :-1, 2:])
    assert not shifted[:, -1, :].any() and not shifted[:, :, :2].any()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dx": 5}, "dx=5 moves the image entirely out of its 5-pixel frame"),
        ({"dy": -6}, "dy=-6 moves the image entirely out of its 6-pixel frame"),
        ({"dx": 1.5}, "dx must be an integer number of pixels"),
    ],
)
def test_shift_rejects_impossible_shifts(batch, kwargs, message):
    with pytest.raises(ValueError, match=message):
        shift_images(batch, **kwargs)


def test_transforms_reject_single_images():
    with pytest.raises(ValueError, match=r"pass image\[None\]"):
        shift_images(np.zeros((28, 28)), dx=1)


def test_rotation_quarter_turn_matches_rot90_and_keeps_dtype():
    image = np.zeros((1, 5, 5), dtype=np.uint8)
    image[0, 1, 1], image[0, 0, 3] = 200, 100
    rotated = rotate_images(image, 90)
    np.testing.assert_array_equal(rotated, np.rot90(image, k=1, axes=(1, 2)))
    assert rotated.dtype == np.uint8
    np.testing.assert_array_equal(rotate_images(image, 0), image)


def test_rotation_of_floats_keeps_the_frame_and_rejects_nan():
    images = np.random.default_rng(0).random((2, 8, 8)).astype(np.float32)
    rotated = rotate_images(images, 30)
    assert rotated.shape == images.shape and rotated.dtype == np.float32
    with pytest.raises(ValueError, match="degrees must be a finite number"):
        rotate_images(images, float("nan"))


def test_ink_extents_measure_the_box_around_the_ink():
    from course_utils.transforms import ink_extents

    images = np.zeros((3, 6, 5), "float32")
    images[0, 1:4, 2] = 1.0  # a vertical stroke: 3 tall, 1 wide
    images[1, 0, 0] = images[1, 5, 4] = 0.5  # two corners: the whole frame
    heights, widths = ink_extents(images)
    assert heights.tolist() == [3, 6, 0] and widths.tolist() == [1, 5, 0]
