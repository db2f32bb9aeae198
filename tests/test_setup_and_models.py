import keras
import numpy as np
import pytest

import course_utils
from course_utils._quiet import drop_tensorflow_info_lines
from course_utils.models import build_mlp, compile_classifier, layer_table


def test_setup_prints_one_status_line(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DATA", "subset")
    course_utils.setup(seed=3)
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1
    status = printed.strip()
    for part in ("Python 3.", "TensorFlow ", "Keras 3.", f"course_utils {course_utils.__version__}", "device: CPU"):
        assert part in status
    assert status.endswith("data: subset | seed: 3")


def test_setup_makes_initial_weights_reproducible(capsys):
    course_utils.setup(seed=7)
    first = build_mlp().get_weights()[0]
    course_utils.setup(seed=7)
    second = build_mlp().get_weights()[0]
    course_utils.setup(seed=8)
    third = build_mlp().get_weights()[0]
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, third)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_setup_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        course_utils.setup(seed=seed)


def test_tensorflow_info_lines_are_dropped_and_the_rest_kept():
    noise = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "I0000 00:00:1795301894.996968    1807 cudart_stub.cc:31] Could not find cuda drivers on your machine.\n"
    )
    real = "E0000 00:00:1.0 12 cuda.cc:1] failed call to cuInit\nSomeWarning: keep me\n"
    assert drop_tensorflow_info_lines(noise + real) == real


def test_lecture_mlp_has_101770_parameters():
    model = build_mlp()
    assert model.count_params() == 101_770
    assert model.output_shape == (None, 10)
    assert [layer.name for layer in model.layers] == ["flatten", "hidden_1", "output"]
    assert model.layers[-1].activation is keras.activations.softmax


def test_mlp_variants_come_from_arguments():
    deep = build_mlp(input_shape=(32, 32, 3), hidden_units=(256, 64), num_classes=5, activation="sigmoid")
    assert deep.count_params() == (3072 * 256 + 256) + (256 * 64 + 64) + (64 * 5 + 5)
    assert deep.layers[1].activation is keras.activations.sigmoid
    logits = build_mlp(output_activation=None)
    assert logits.layers[-1].activation is keras.activations.linear
    linear = build_mlp(hidden_units=())
    assert linear.count_params() == 7_850


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_shape": ()}, "input_shape must have at least one dimension"),
        ({"input_shape": (28, -28)}, r"input_shape\[1\] must be a positive integer"),
        ({"num_classes": 0}, "num_classes must be a positive integer"),
        ({"hidden_units": (128, 0)}, r"hidden_units\[1\] must be a positive integer"),
    ],
)
def test_build_mlp_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_mlp(**kwargs)


def test_compile_classifier_trains_on_logits_and_probabilities():
    x = np.random.default_rng(0).random((64, 4, 4)).astype("float32")
    y = (x.mean(axis=(1, 2)) > 0.5).astype("int64")
    for output_activation, from_logits in (("softmax", False), (None, True)):
        model = build_mlp((4, 4), (8,), 2, output_activation=output_activation)
        compile_classifier(model, 0.01, from_logits)
        assert model.loss.get_config()["from_logits"] is from_logits
        history = model.fit(x, y, epochs=3, verbose=0)
        assert history.history["loss"][-1] < history.history["loss"][0]


def test_compile_classifier_rejects_bad_learning_rate():
    with pytest.raises(ValueError, match="learning_rate must be positive"):
        compile_classifier(build_mlp(), learning_rate=0)


def test_layer_table_lists_every_layer_with_its_parameters():
    table = layer_table(build_mlp())
    lines = table.splitlines()
    assert lines[0].split() == ["layer", "type", "output", "shape", "parameters"]
    assert lines[2].split() == ["flatten", "Flatten", "(None,", "784)", "0"]
    assert lines[3].split() == ["hidden_1", "Dense", "(None,", "128)", "100,480"]
    assert lines[4].split() == ["output", "Dense", "(None,", "10)", "1,290"]
    assert lines[-1] == "total parameters: 101,770 (trainable 101,770)"


def test_layer_table_needs_a_built_model():
    unbuilt = keras.Sequential([keras.layers.Dense(3)], name="unbuilt")
    with pytest.raises(ValueError, match="model 'unbuilt' is not built yet"):
        layer_table(unbuilt)
