"""Tests for course_utils.checkers: every checker with a right, a wrong, an unfinished and a crashing answer.

The right answers are written the way a student would (loops, lists, float arrays), not
taken from the reference, so the tests show that a checker accepts honest student code.
"""

import warnings

import keras
import numpy as np
import pytest

from course_utils import checkers
from course_utils.checkers import NOT_YET_MARK, PASSED_MARK, Case, CheckResult, check_function, check_model

# ------------------------------------------------------------------------- student-style answers


def correlate2d_loops(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def strided_correlate2d_loops(image, kernel, stride, padding):
    padded = np.pad(image, padding)
    kh, kw = kernel.shape
    out = np.zeros(((padded.shape[0] - kh) // stride + 1, (padded.shape[1] - kw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(padded[i * stride : i * stride + kh, j * stride : j * stride + kw] * kernel)
    return out


def average_pooling_conv_built(pool_size):
    layer = keras.layers.Conv2D(1, pool_size, strides=pool_size, use_bias=False)
    layer.build((None, None, None, 1))
    layer.set_weights([np.full((pool_size, pool_size, 1, 1), 1 / pool_size**2)])
    return layer


def largest_image_side_search(budget, units):
    side = 0
    while (side + 1) ** 2 * units + units <= budget:
        side += 1
    return side


def shift_image_slices(image, dx, dy):
    height, width = image.shape
    shifted = np.zeros_like(image)
    shifted[max(dy, 0) : height + min(dy, 0), max(dx, 0) : width + min(dx, 0)] = image[
        max(-dy, 0) : height - max(dy, 0), max(-dx, 0) : width - max(dx, 0)
    ]
    return shifted


def cross_entropy_stable(logits, label):
    shifted = logits - np.max(logits)
    return np.log(np.sum(np.exp(shifted))) - shifted[label]


def inverted_dropout_mask(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return x * keep / (1 - rate)


# (checker, exercise name, right answer, wrong answer, a fragment of the hint the wrong answer gets)
EXERCISES = [
    (
        checkers.check_correlate_by_entries,
        "correlate_by_entries",
        correlate2d_loops,
        lambda image, kernel: correlate2d_loops(image, kernel[::-1, ::-1]),
        "that is a convolution",
    ),
    (
        checkers.check_strided_correlate2d,
        "strided_correlate2d",
        strided_correlate2d_loops,
        lambda image, kernel, stride, padding: strided_correlate2d_loops(image, kernel, stride, 0),
        "pad the image",
    ),
    (
        checkers.check_average_pooling_conv,
        "average_pooling_conv",
        average_pooling_conv_built,
        lambda pool_size: keras.layers.Conv2D(1, pool_size, kernel_initializer=keras.initializers.Constant(0.25)),
        "strides=pool_size",
    ),
    (
        checkers.check_largest_image_side,
        "largest_image_side",
        largest_image_side_search,
        lambda budget, units: largest_image_side_search(budget + units, units),
        "each unit also has a bias",
    ),
    (
        checkers.check_pixel_position,
        "pixel_position",
        lambda index, width: (index // width, index % width),
        lambda index, width: (index % width, index // width),
        "rows come first",
    ),
    (
        checkers.check_shift_image,
        "shift_image",
        shift_image_slices,
        lambda image, dx, dy: np.roll(image, (dy, dx), axis=(0, 1)),
        "np.roll wraps around",
    ),
    (
        checkers.check_cross_entropy,
        "cross_entropy",
        cross_entropy_stable,
        lambda logits, label: -np.log(np.exp(logits[label]) / np.sum(np.exp(logits))),
        "subtract the largest logit first",
    ),
    (
        checkers.check_inverted_dropout,
        "inverted_dropout",
        inverted_dropout_mask,
        lambda x, rate, rng: x * (rng.random(x.shape) >= rate),
        "scale the kept values by 1 / (1 - rate)",
    ),
]
IDS = [exercise[1] for exercise in EXERCISES]


def starter(*args):
    """What a student copy holds before the student writes anything."""
    ...


def not_implemented(*args):
    raise NotImplementedError


def crashing(*args):
    return 1 / 0


def assert_not_yet(result, *fragments):
    assert isinstance(result, CheckResult) and not result.passed and not result
    assert result.message.startswith(f"{NOT_YET_MARK}: "), result.message
    assert len(result.message.splitlines()) <= 2, result.message
    for fragment in fragments:
        assert fragment in result.message, result.message


# ------------------------------------------------------------------------- every exercise checker


@pytest.mark.parametrize(("checker", "name", "right", "wrong", "hint"), EXERCISES, ids=IDS)
def test_right_answer_passes(checker, name, right, wrong, hint):
    result = checker(right)
    assert result.passed and result, result.message
    assert result.message.startswith(f"{PASSED_MARK} {name} passed all ") and result.message.count("\n") == 0
    assert str(result) == repr(result) == result.message
    assert result.inputs == {}


@pytest.mark.parametrize(("checker", "name", "right", "wrong", "hint"), EXERCISES, ids=IDS)
def test_wrong_answer_gets_not_yet_with_its_input_and_a_hint(checker, name, right, wrong, hint):
    result = checker(wrong)
    assert_not_yet(result, f"{name}(", "expected")
    assert result.message.splitlines()[1].startswith("  Hint: ") and hint in result.message.splitlines()[1]
    assert result.inputs, "the failing input is kept for the student to rerun"


@pytest.mark.parametrize(("checker", "name", "right", "wrong", "hint"), EXERCISES, ids=IDS)
def test_unfinished_answer_says_not_yet(checker, name, right, wrong, hint):
    assert_not_yet(checker(starter), f"{name} returned None: replace the `...`")
    for unfinished in (not_implemented, lambda *args: ..., ...):
        assert_not_yet(checker(unfinished), f"{name} is still the starter")


@pytest.mark.parametrize(("checker", "name", "right", "wrong", "hint"), EXERCISES, ids=IDS)
def test_crashing_answer_becomes_a_hint(checker, name, right, wrong, hint):
    assert_not_yet(checker(crashing), f"{name}(", "raised ZeroDivisionError: division by zero")


@pytest.mark.parametrize(("checker", "name", "right", "wrong", "hint"), EXERCISES, ids=IDS)
def test_verdicts_are_deterministic(checker, name, right, wrong, hint):
    for answer in (right, wrong):
        assert checker(answer).message == checker(answer).message


# ------------------------------------------------------------------------- the generic core


def test_pass_message_counts_checks_and_names_each_kind_once():
    cases = [Case("small", (1,)), Case("negative", (-2,)), Case("small", (3,))]
    result = check_function(lambda x: 2 * x, "double", ("x",), lambda x: 2 * x, cases, checkers.same_integer)
    assert result.message == f"{PASSED_MARK} double passed all 3 checks (small, negative)."


def test_the_first_differing_input_is_reported():
    cases = [Case("ok", (1,)), Case("bad", (5,)), Case("also bad", (6,))]
    result = check_function(lambda x: min(x, 4) * 2, "double", ("x",), lambda x: 2 * x, cases, checkers.same_integer)
    assert result.message == f"{NOT_YET_MARK}: double(x=5) returned 8; expected 10."
    assert result.inputs == {"x": 5}


def test_a_wrong_answer_without_a_known_mistake_gets_no_hint():
    result = checkers.check_largest_image_side(lambda budget, units: budget // units)
    assert result.message == f"{NOT_YET_MARK}: largest_image_side(budget=100,480, units=128) returned 785; expected 28."


def test_a_missing_return_on_a_later_input_names_that_input():
    def sometimes(x):
        if x > 0:
            return 2 * x

    cases = [Case("positive", (1,)), Case("negative", (-1,))]
    result = check_function(sometimes, "double", ("x",), lambda x: 2 * x, cases, checkers.same_integer)
    assert_not_yet(result, "double(x=-1) returned None: some path through double ends without `return`")


def test_a_function_that_changes_its_input_is_told_so():
    def doubles_in_place(values):
        values *= 2
        return values

    cases = [Case("small", (np.array([1, 2]),))]
    result = check_function(doubles_in_place, "double", ("values",), lambda v: 2 * v, cases, checkers.close_arrays())
    assert_not_yet(result, "changed its argument values")
    assert np.array_equal(cases[0].args[0], [1, 2]), "the checker must not let a student change its cases"


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (42, "correlate_by_entries should be a function, got 42"),
        (lambda image, kernel: "done", "returned 'done'; expected an array of shape (2, 2)"),
        (lambda image, kernel: [[1, 2], [3]], "returned [[1, 2], [3]]; expected an array"),
        (lambda image, kernel: np.zeros((2, 2), dtype=bool), "expected an array of shape (2, 2)"),
        (lambda image, kernel: np.zeros(3), "returned an array of shape (3,); expected shape (2, 2)"),
    ],
)
def test_wrong_types_become_hints(answer, fragment):
    assert_not_yet(checkers.check_correlate_by_entries(answer), fragment)


def test_integers_must_not_be_floats():
    result = checkers.check_largest_image_side(lambda budget, units: ((budget - units) / units) ** 0.5)
    assert_not_yet(result, "largest_image_side(budget=100,480, units=128) returned 28.0, a float")


def test_large_arrays_report_the_first_wrong_position():
    def off_at_the_corner(image, kernel):
        out = correlate2d_loops(image, kernel)
        if out.size > 20:
            out[-1, -1] += 1
        return out

    assert_not_yet(
        checkers.check_correlate_by_entries(off_at_the_corner), "image=<28x28 array>", "wrong value at [25, 25]"
    )


def test_shift_image_keeps_the_dtype():
    result = checkers.check_shift_image(lambda image, dx, dy: shift_image_slices(image, dx, dy).astype(float))
    assert_not_yet(result, "returned dtype float64; expected uint8", "np.zeros_like(image)")


def test_numerical_warnings_stay_out_of_the_notebook():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = checkers.check_cross_entropy(
            lambda logits, label: -np.log(np.exp(logits[label]) / np.exp(logits).sum())
        )
    assert not result.passed and caught == []


def test_describe_value_shows_small_values_and_large_shapes():
    assert checkers.describe_value(np.array([[1, 2], [3, 4]])) == "[[1, 2], [3, 4]]"
    assert checkers.describe_value(np.array([0.5, 1.25])) == "[0.5, 1.25]"
    assert checkers.describe_value(np.zeros((28, 28))) == "<28x28 array>"
    assert checkers.describe_value([np.ones(2), np.zeros((5, 5))]) == "[[1, 1], <5x5 array>]"
    assert checkers.describe_value(list(range(30))) == "<list of 30 items>"
    assert checkers.format_number(100_480) == "100,480" and checkers.format_number(0.1 + 0.2) == "0.3"


# ------------------------------------------------------------------------- models


@pytest.fixture(scope="module")
def small_cnn():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(8, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


SMALL_CNN_LAYERS = ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
SMALL_CNN_PARAMS = (3 * 3 * 1 + 1) * 8 + (13 * 13 * 8 + 1) * 10


def test_right_model_passes(small_cnn):
    result = check_model(small_cnn, params=SMALL_CNN_PARAMS, output_shape=(None, 10), layer_types=SMALL_CNN_LAYERS)
    assert result.passed, result.message
    assert result.message == (
        f"{PASSED_MARK} the model passed all 3 checks (layers Conv2D → MaxPooling2D → Flatten → Dense, "
        "output shape (None, 10), the parameter count)."
    )
    layer_classes = [keras.layers.Conv2D, keras.layers.MaxPooling2D, "Flatten", keras.layers.Dense]
    assert check_model(small_cnn, params_within=(10_000, 20_000), layer_types=layer_classes).passed


@pytest.mark.parametrize(
    ("requirements", "fragment"),
    [
        ({"params": 101_770}, f"the model has {SMALL_CNN_PARAMS:,} parameters, not the number the exercise asks for."),
        ({"params_within": (1, 1_000)}, "expected between 1 and 1,000."),
        ({"output_shape": (None, 12)}, "the model's output shape is (None, 10); expected (None, 12)."),
        (
            {"layer_types": ["Conv2D", "Flatten", "Dense"]},
            "layers are Conv2D → MaxPooling2D → Flatten → Dense; expected",
        ),
    ],
)
def test_wrong_model_gets_not_yet(small_cnn, requirements, fragment):
    assert_not_yet(check_model(small_cnn, **requirements), fragment)


@pytest.mark.parametrize(
    ("model", "fragment"),
    [
        (..., "the model is still the starter"),
        (None, "the model is still the starter"),
        ([keras.layers.Dense(10)], "expected a Keras model, got [a Dense]: wrap the layers in keras.Sequential"),
        (keras.Sequential([keras.layers.Dense(10)]), "start the list of layers with keras.Input(shape=...)"),
    ],
)
def test_unfinished_model_says_not_yet(model, fragment):
    assert_not_yet(check_model(model, params=10), fragment)


def test_a_model_keras_cannot_describe_becomes_a_hint():
    class Subclassed(keras.Model):
        def call(self, inputs):
            return inputs

    model = Subclassed()
    model.build((None, 3))
    assert_not_yet(check_model(model, output_shape=(None, 3)), "Keras could not describe the model")


@pytest.mark.parametrize(
    "requirements",
    [{}, {"params": 10, "params_within": (1, 20)}, {"params_within": (20, 10)}, {"output_shape": (10,)}],
)
def test_a_badly_set_exercise_is_the_instructors_error(small_cnn, requirements):
    with pytest.raises(ValueError, match=r"params|output_shape"):
        check_model(small_cnn, **requirements)


@pytest.mark.parametrize(("checker", "name", "right", "wrong", "hint"), EXERCISES, ids=IDS)
def test_the_courses_own_function_is_not_an_answer(checker, name, right, wrong, hint):
    """A student copy imports course helpers: an answer cell that was never run leaves the course's function."""
    import course_utils.arithmetic
    import course_utils.convolution

    course_functions = [
        getattr(module, attribute)
        for module in (course_utils.convolution, course_utils.arithmetic, checkers)
        for attribute in dir(module)
        if callable(getattr(module, attribute))
        and getattr(getattr(module, attribute), "__module__", "").startswith("course_utils")
    ]
    for function in [*course_functions[:5], course_utils.convolution.correlate2d, course_utils.arithmetic.dense_params]:
        assert_not_yet(checker(function), "the course's own", "run that cell")


def test_an_exercise_model_is_checked_against_the_values_kept_in_the_checkers(small_cnn):
    from course_utils.checkers import MODEL_EXERCISES, check_exercise_model

    deeper = keras.Sequential(
        [keras.Input((28, 28, 1))]
        + [
            layer
            for filters in (32, 64, 128)
            for layer in (keras.layers.Conv2D(filters, 3, activation="relu"), keras.layers.MaxPooling2D(2))
        ]
        + [
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    result = check_exercise_model(deeper, "07 third conv stage")
    assert result.passed, result.message
    assert "110,474" not in result.message, "the verdict does not print the count the student was asked to predict"
    assert_not_yet(check_exercise_model(small_cnn, "07 third conv stage"), "layers")
    with pytest.raises(ValueError, match="no model exercise"):
        check_exercise_model(deeper, "07 a fourth stage")
    assert set(MODEL_EXERCISES) == {"07 third conv stage", "09 small VGG", "10 deep MLP"}


# ------------------------------------------------------------------------- checkers with their own loop


@pytest.mark.parametrize(
    ("answer", "fragments"),
    [
        (
            lambda x, rate, rng: np.where(rng.random(x.shape) < rate, x / (1 - rate), 0),
            ["set 79.8%", "not the share kept"],
        ),
        (lambda x, rate, rng: x * (rng.random(x.shape) >= rate) * (1 - rate), ["0.5 times", "do not multiply"]),
        (lambda x, rate, rng: x / (1 - rate), ["set 0.0% of the values to 0", "a random share `rate`"]),
        (
            lambda x, rate, rng: x * (np.random.default_rng(1).random(x.shape) >= rate) / (1 - rate),
            ["the same values with another generator", "draw the mask from rng"],
        ),
    ],
)
def test_dropout_is_judged_by_its_statistics(answer, fragments):
    assert_not_yet(checkers.check_inverted_dropout(answer), "inverted_dropout(x=", *fragments)


def test_dropout_may_draw_its_mask_in_any_way():
    def binomial_mask(x, rate, rng):
        return x * rng.binomial(1, 1 - rate, size=x.shape) / (1 - rate)

    assert checkers.check_inverted_dropout(binomial_mask).passed


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda k: keras.layers.Conv2D(1, k, strides=k, kernel_initializer="ones"), "divides it by pool_size²"),
        (
            lambda k: keras.layers.Conv2D(
                1, k, strides=k, kernel_initializer=keras.initializers.Constant(1 / k**2), bias_initializer="ones"
            ),
            "set the bias to 0",
        ),
        (lambda k: keras.layers.AveragePooling2D(k), "expected a keras.layers.Conv2D"),
        (lambda k: keras.layers.Conv2D(1, k, strides=k), "the same fixed value"),
    ],
)
def test_average_pooling_conv_explains_what_differs(answer, fragment):
    assert_not_yet(checkers.check_average_pooling_conv(answer), "average_pooling_conv(pool_size=2)", fragment)


def test_an_initializer_is_as_good_as_set_weights():
    def constant_kernel(pool_size):
        initializer = keras.initializers.Constant(1 / pool_size**2)
        return keras.layers.Conv2D(1, pool_size, strides=pool_size, kernel_initializer=initializer, use_bias=False)

    assert checkers.check_average_pooling_conv(constant_kernel).passed


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda index, width: [index // width, index % width], None),
        (lambda index, width: np.array(divmod(index, width)), None),
        (lambda index, width: (index / width, index % width), "floats"),
        (lambda index, width: index // width, "expected the pair (0, 0)"),
    ],
)
def test_pixel_position_takes_any_pair_of_whole_numbers(answer, fragment):
    result = checkers.check_pixel_position(answer)
    if fragment is None:
        assert result.passed, result.message
    else:
        assert_not_yet(result, fragment)
