"""Content checks on the shipped self-check quizzes, read as a student and an instructor would.

course_utils.quiz validates the format when a quiz loads (tests/test_quiz.py tests that). Here:
option lengths must not give the answer away, the correct options must be spread over a-d,
most questions must ask students to predict or apply rather than recall, no question may name
the lecture's source files, and the numbers that answers and explanations state are recomputed
with course_utils.arithmetic and Keras, so a wrong count or a changed Keras behaviour fails.
"""

import dataclasses
import re
from collections import Counter

import keras
import numpy as np
import pytest

from course_utils import quiz
from course_utils.architectures import VGG16_BLOCKS
from course_utils.arithmetic import (
    conv2d_multiply_adds,
    conv2d_params,
    conv_output_size,
    dense_params,
    flatten_size,
    mlp_params,
    receptive_fields,
)
from course_utils.convolution import correlate1d, pool2d
from course_utils.models import build_cnn, build_mlp
from course_utils.transforms import flat_index, shift_images

QUIZZES = [quiz.load_quiz(name) for name in quiz.available_quizzes()]
QUESTIONS = [question for loaded in QUIZZES for question in loaded.questions]
LETTERS = "abcd"

MIN_QUESTIONS, MAX_QUESTIONS, OPTIONS = 5, 7, 4
# A student who always picks the longest (or the shortest) option should do about as well as
# one who guesses (25%): the correct option may be the longest, ties included, in at most 30%
# of the questions, and likewise the shortest.
MAX_LENGTH_TELL = 0.30
MAX_SHARE_PER_POSITION = 0.35  # so that "always answer c" does not pay either
MIN_PREDICT_OR_APPLY = 0.5
# Students read "the lecture notes", never the names of the files the lecture came in, and no
# question may credit the course with evidence it never measured. "seed" is left out entirely
# (a random seed is not quiz material), "slides" only as a noun, since a kernel slides.
FORBIDDEN = re.compile(
    r"\bdecks?\b|\bseeds?\b|\bseed's\b|\b(?:the|a|this|that|each|lecture|lecture's) slides?\b|course's evidence",
    re.IGNORECASE,
)


def lengths(question: quiz.Question) -> tuple[list[int], int]:
    """The options' lengths in characters, and the correct option's."""
    option_lengths = [len(option) for option in question.options]
    return option_lengths, option_lengths[question.answer]


def share(count: int, total: int) -> str:
    """``count`` of ``total`` as a message reads it: "14 of 60 (23%)"."""
    return f"{count} of {total} ({count / total:.0%})"


# --- structure and balance ------------------------------------------------------------------


@pytest.mark.parametrize("loaded", QUIZZES, ids=lambda loaded: loaded.name)
def test_every_quiz_has_5_to_7_questions_with_4_options(loaded):
    assert MIN_QUESTIONS <= len(loaded.questions) <= MAX_QUESTIONS
    assert all(len(question.options) == OPTIONS for question in loaded.questions)


@pytest.mark.parametrize(("name", "pick"), [("longest", max), ("shortest", min)])
def test_option_lengths_do_not_give_the_answer_away(name, pick):
    hits = [question.text for question in QUESTIONS if lengths(question)[1] == pick(lengths(question)[0])]
    assert len(hits) <= MAX_LENGTH_TELL * len(QUESTIONS), (
        f"the correct option is the {name} (ties included) in {share(len(hits), len(QUESTIONS))} of the "
        f"questions; vary the lengths of the right and the wrong options. First ones: {hits[:3]}"
    )


def test_correct_options_are_spread_over_the_positions():
    positions = Counter(LETTERS[question.answer] for question in QUESTIONS)
    assert set(positions) == set(LETTERS), f"some position is never the answer: {dict(positions)}"
    letter, count = positions.most_common(1)[0]
    assert count <= MAX_SHARE_PER_POSITION * len(QUESTIONS), (
        f"({letter}) is correct in {share(count, len(QUESTIONS))} of the questions"
    )


@pytest.mark.parametrize("loaded", QUIZZES, ids=lambda loaded: loaded.name)
def test_at_least_half_of_each_quiz_asks_to_predict_or_apply(loaded):
    kinds = Counter(question.kind for question in loaded.questions)
    active = kinds["predict"] + kinds["apply"]
    assert active >= MIN_PREDICT_OR_APPLY * len(loaded.questions), (
        f"only {share(active, len(loaded.questions))} questions ask to predict or apply: {dict(kinds)}"
    )


@pytest.mark.parametrize("loaded", QUIZZES, ids=lambda loaded: loaded.name)
def test_the_kind_of_a_question_is_not_shown_to_students(loaded):
    relabelled = dataclasses.replace(
        loaded, questions=tuple(dataclasses.replace(question, kind="recall") for question in loaded.questions)
    )
    assert quiz.quiz_text(relabelled) == quiz.quiz_text(loaded)


@pytest.mark.parametrize("loaded", QUIZZES, ids=lambda loaded: loaded.name)
def test_no_question_names_the_lecture_files(loaded):
    texts = [loaded.title]
    for question in loaded.questions:
        texts += [question.text, *question.options, question.explanation]
    found = sorted({match.group(0) for text in texts for match in FORBIDDEN.finditer(text)})
    assert not found, f"say 'the lecture notes' instead of {found}"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda question: question.text[:40])
def test_every_explanation_teaches_more_than_the_answer(question):
    sentences = [part for part in re.split(r"(?<=[.!?])\s+", question.explanation) if part]
    assert len(sentences) >= 2, "explain why the answer is right and what the tempting wrong answer misses"


# --- the numbers are right ------------------------------------------------------------------


def plain(text: str) -> str:
    """``text`` with the multiplication and minus signs the quizzes typeset written as ASCII x and -."""
    return text.replace("\N{MULTIPLICATION SIGN}", "x").replace("\N{MINUS SIGN}", "-")


def find(notebook: str, fragment: str) -> quiz.Question:
    """The one question of a notebook's quiz whose text contains ``fragment`` (in ASCII)."""
    matches = [question for question in quiz.load_quiz(notebook).questions if fragment in plain(question.text)]
    assert len(matches) == 1, f"{len(matches)} questions of quiz {notebook} contain {fragment!r}"
    return matches[0]


def correct(notebook: str, fragment: str) -> str:
    """The correct option of that question, in ASCII."""
    question = find(notebook, fragment)
    return plain(question.options[question.answer])


def square(side: int, *channels: int) -> str:
    """A square shape, e.g. 12x12, or 8x8x8 with channels."""
    return "x".join(str(n) for n in (side, side, *channels))


def lecture_cnn_flatten_size(side: int) -> int:
    """Values after the lecture CNN's two conv 3x3 + max-pool 2 stages on a square image."""
    for _ in range(2):
        side = conv_output_size(conv_output_size(side, 3), 2, stride=2)
    return flatten_size((side, side, 64))


def lenet_flatten_size(side: int) -> int:
    """Values after LeNet-5's C1, S2, C3 (16 maps), S4 on a square image."""
    for _ in range(2):
        side = conv_output_size(conv_output_size(side, 5), 2, stride=2)
    return flatten_size((side, side, 16))


COMPUTED_ANSWERS = [
    ("01", "Dense(64, ReLU)", f"{mlp_params(784, [64, 10]):,}"),
    ("01", "x = [1.0, 2.0, 0.4]", f"{max(0.0, float(np.dot([0.8, 0.2, -0.5], [1.0, 2.0, 0.4]) + 0.1)):.1f}"),
    ("02", "64x64 image", str(flat_index(1, 0, width=64) - flat_index(0, 0, width=64))),
    ("03", "Conv2D(16, 5x5)", f"{conv2d_params(5, 3, 16):,}"),
    ("03", "100x100 RGB", f"{dense_params(flatten_size((100, 100, 3)), 64):,}"),
    ("03", "84x84", f"grow about {round(dense_params(84 * 84, 128) / dense_params(28 * 28, 128))} times"),
    ("05", "x = [3, 1, 4, 1, 5]", str(correlate1d([3, 1, 4, 1, 5], [1, 2]).tolist())),
    ("05", "5x5 kernel, stride 2", square(conv_output_size(28, 5, stride=2))),
    ("05", "15x15x1", square(conv_output_size(15, 3, stride=2, padding="same"), 8)),
    (
        "06",
        "4x4 map",
        str(pool2d(np.array([[1, 5, 2, 0], [3, 2, 8, 1], [0, 4, 6, 6], [7, 1, 2, 3]])).astype(int).tolist()),
    ),
    ("06", "12x12x20", f"{dense_params(flatten_size((conv_output_size(12, 2, stride=2),) * 2 + (20,)), 10):,}"),
    ("07", "32x32x1", f"{lecture_cnn_flatten_size(32):,}"),
    ("07", "Three 3x3", f"one {square(receptive_fields([(3, 1)] * 3)[-1])} convolution"),
    ("07", "after pool_2", square(receptive_fields([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)])[-1])),
    ("08", "w = [3, -4]", f"{0.01 * (3**2 + 4**2):.2f}"),  # Keras's L2(l) adds l * sum(w**2) (notebook 08)
    ("09", "128 channels", f"{2 * conv2d_params(3, 128, 128):,}"),
    ("09", "without the 2-pixel border", str(lenet_flatten_size(28))),
    ("09", "259x259x3", square(conv_output_size(259, 11, stride=4), 96)),
    ("09", "Dense(12)", f"{dense_params(512, 12):,}"),
    ("10", "60,000 training digits", f"{5 * -(-60_000 // 32):,}"),  # 5 epochs of ceil(60,000 / 32) updates
]


@pytest.mark.parametrize(("notebook", "fragment", "expected"), COMPUTED_ANSWERS, ids=lambda value: str(value)[:30])
def test_the_correct_option_states_the_computed_value(notebook, fragment, expected):
    assert correct(notebook, fragment) == expected


def test_the_lecture_cnn_on_32_pixel_images_flattens_as_computed():
    model = build_cnn(input_shape=(32, 32, 1))
    assert model.get_layer("flatten").output.shape[1] == lecture_cnn_flatten_size(32)
    assert f"{model.get_layer('dense').count_params():,}" in find("07", "32x32x1").explanation


def test_colour_input_changes_only_the_first_convolution():
    grey, colour = build_cnn(input_shape=(28, 28, 1)), build_cnn(input_shape=(28, 28, 3))
    changed = [
        layer.name for layer in grey.layers if layer.count_params() != colour.get_layer(layer.name).count_params()
    ]
    assert changed == ["conv_1"]
    assert f"{colour.get_layer('conv_1').count_params():,}" in correct("07", "28x28x3 colour")


def test_larger_images_grow_both_models_of_notebook_10():
    counts = {
        side: (build_mlp(input_shape=(side, side)).count_params(), build_cnn(input_shape=(side, side)).count_params())
        for side in (28, 56)
    }
    assert all(large > small for small, large in zip(counts[28], counts[56], strict=True))
    assert correct("10", "56x56").startswith("Both")
    explanation = find("10", "56x56").explanation
    assert all(f"{count:,}" in explanation for count in (*counts[28], *counts[56]))


def test_a_larger_image_keeps_the_parameters_but_multiplies_the_work():
    ratio = conv2d_multiply_adds(56, 3, 1, 32) / conv2d_multiply_adds(28, 3, 1, 32)
    assert round(ratio) == 4 and correct("03", "56x56x1").startswith("Same parameters, about 4 times")
    explanation = find("03", "56x56x1").explanation
    assert (
        f"{conv2d_multiply_adds(56, 3, 1, 32):,}" in explanation
        and f"{conv2d_multiply_adds(28, 3, 1, 32):,}" in explanation
    )


def test_a_dense_layer_computing_a_convolution_needs_one_weight_per_input_and_output():
    """Quiz 05: 784 pixels to 676 outputs of a 3x3 'valid' convolution."""
    outputs = conv_output_size(28, 3) ** 2
    assert correct("05", "computes the same 676 outputs").startswith(f"{784 * outputs:,} = 784 x {outputs}")


def test_a_blur_kernel_keeps_a_flat_patch():
    """Quiz 05: a learned kernel reproduces the blur, whose entries sum to 1."""
    blur = np.full((3, 3), 1 / 9)
    assert np.isclose(blur.sum(), 1.0)
    assert correct("05", "3x3 blur instead") == "about 1"


def test_a_shift_by_the_total_stride_moves_the_twice_pooled_map_by_one_cell():
    maps = np.maximum(np.random.default_rng(0).normal(size=(28, 28, 3)), 0)

    def pool_twice(x):
        return pool2d(pool2d(x, 2), 2)

    moved = shift_images(maps.transpose(2, 0, 1), dx=4).transpose(1, 2, 0)
    assert np.allclose(pool_twice(moved)[:, 1:], pool_twice(maps)[:, :-1])
    assert correct("06", "moves 4 pixels").startswith("the old pooled map moved one cell")


def test_dropout_before_batch_norm_shrinks_the_inference_variance_by_1_minus_p():
    rate = 0.2
    features = np.random.default_rng(2).normal(size=(4096, 8)).astype("float32")
    drop, norm = keras.layers.Dropout(rate, seed=1), keras.layers.BatchNormalization(momentum=0.0)
    training = float(np.var(norm(drop(features, training=True), training=True)))
    inference = float(np.var(norm(drop(features, training=False), training=False)))
    assert np.isclose(training, 1.0, atol=0.02) and np.isclose(inference, 1 - rate, atol=0.03)
    assert correct("08", "Dropout(0.2) feeds") == f"{1 - rate:.1f}"


def test_batch_norm_moving_mean_after_two_steps():
    norm = keras.layers.BatchNormalization(momentum=0.9)
    batch = np.array([[4.0], [6.0], [3.0], [7.0]], dtype="float32")  # mean 5
    for _ in range(2):
        norm(batch, training=True)
    assert correct("08", "momentum 0.9") == f"{float(norm.moving_mean.numpy()[0]):.2f}"


def test_early_stopping_stops_patience_epochs_after_the_best():
    validation_losses = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.55, 0.56, 0.57, 0.58, 0.59, 0.6]  # best after epoch 6

    class ReportValidationLoss(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = validation_losses[epoch]

    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(
        np.zeros((4, 1)),
        np.zeros((4, 1)),
        epochs=len(validation_losses),
        verbose=0,
        callbacks=[ReportValidationLoss(), stopper],
    )
    stopped, best = len(history.history["loss"]), stopper.best_epoch + 1
    assert correct("08", "EarlyStopping") == f"After epoch {stopped}, keeping epoch {best}'s weights"


def vgg16_convolution_params() -> int:
    """Parameters of VGG-16's 13 convolutions (its base), on RGB input."""
    total, in_channels = 0, 3
    for filters, convs in VGG16_BLOCKS:
        for _ in range(convs):
            total += conv2d_params(3, in_channels, filters)
            in_channels = filters
    return total


def test_transfer_head_and_the_vgg_change_that_saves_most():
    base = vgg16_convolution_params()
    assert f"{base + dense_params(512, 12):,}" in find("09", "Dense(12)").options, "the distractor counts the base too"
    fc1_flatten, fc1_pooled = dense_params(flatten_size((7, 7, 512)), 4096), dense_params(512, 4096)
    block5 = 3 * conv2d_params(3, 512, 512)
    assert fc1_flatten - fc1_pooled > block5
    assert correct("09", "remove the most parameters").startswith("Global pooling")
