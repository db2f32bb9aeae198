import itertools
import re
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import course_utils
from course_utils._quiet import drop_tensorflow_info_lines
from course_utils.models import build_mlp, compile_classifier, layer_table
from course_utils.profile import current_profile

REPO = Path(__file__).resolve().parents[1]


def fake_devices(gpu_names):
    """A stand-in for ``tf.config.list_physical_devices`` on a machine with these GPUs."""

    def list_physical_devices(device_type=None):
        assert device_type == "GPU"
        return [
            tf.config.PhysicalDevice(name=f"/physical_device:GPU:{i}", device_type="GPU") for i in range(len(gpu_names))
        ]

    def get_device_details(device):
        return {"device_name": gpu_names[int(device.name.rsplit(":", 1)[1])], "compute_capability": (7, 5)}

    return list_physical_devices, get_device_details


@pytest.fixture
def gpus(monkeypatch):
    """Call with a list of GPU names to make TensorFlow see those GPUs (none: a CPU-only machine)."""
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    monkeypatch.delenv("COURSE_DATA", raising=False)

    def install(names):
        listing, details = fake_devices(names)
        monkeypatch.setattr(tf.config, "list_physical_devices", listing)
        monkeypatch.setattr(tf.config.experimental, "get_device_details", details)

    return install


def sanitized_by_nbval(text):
    """Apply the regex/replace pairs of tests/nbval_sanitize.cfg, as nbval does."""
    lines = (REPO / "tests" / "nbval_sanitize.cfg").read_text().splitlines()
    for regex, replace in itertools.pairwise(lines):
        if regex.startswith("regex: ") and replace.startswith("replace: "):
            text = re.sub(regex.removeprefix("regex: "), replace.removeprefix("replace: "), text)
    return text


def test_setup_prints_one_status_line(gpus, monkeypatch, capsys):
    gpus([])
    monkeypatch.setenv("COURSE_DATA", "subset")
    course_utils.setup(seed=3)
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1
    status = printed.strip()
    for part in ("Python 3.", "| Keras 3.", "| backend: TensorFlow 2.", f"course_utils {course_utils.__version__}"):
        assert part in status
    assert status.endswith(" | device: CPU | profile: fast | data: subset | seed: 3")
    assert sanitized_by_nbval(status) == "VERSIONS AND DEVICE | profile: fast | data: subset | seed: 3"


def test_setup_names_the_gpu_and_chooses_the_full_profile(gpus, capsys):
    gpus(["Tesla T4"])
    course_utils.setup()
    status = capsys.readouterr().out.strip()
    assert status.endswith(" | device: GPU (Tesla T4) | profile: full | data: auto | seed: 0")
    assert sanitized_by_nbval(status) == "VERSIONS AND DEVICE | profile: full | data: auto | seed: 0"


@pytest.mark.parametrize(("gpu_names", "expected"), [([], "fast"), (["Tesla T4"], "full"), (["A100", "A100"], "full")])
def test_profile_follows_the_hardware(gpus, gpu_names, expected):
    gpus(gpu_names)
    assert current_profile() == expected


@pytest.mark.parametrize(("value", "expected"), [("fast", "fast"), ("FULL", "full"), (" fast ", "fast"), ("", "full")])
def test_profile_variable_overrides_the_hardware(gpus, monkeypatch, value, expected):
    gpus(["Tesla T4"])
    monkeypatch.setenv("COURSE_PROFILE", value)
    assert current_profile() == expected


def test_unknown_profile_lists_the_valid_ones(gpus, monkeypatch, capsys):
    gpus([])
    monkeypatch.setenv("COURSE_PROFILE", "gpu")
    with pytest.raises(ValueError, match=r"unknown \$COURSE_PROFILE 'gpu'; valid profiles are fast, full"):
        current_profile()
    with pytest.raises(ValueError, match="valid profiles are fast, full"):
        course_utils.setup()
    assert capsys.readouterr().out == ""


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


def test_lecture_cnn_layers_and_parameters():
    from course_utils.models import build_cnn

    model = build_cnn()
    shapes = {layer.name: layer.output.shape for layer in model.layers}
    assert shapes["conv_1"] == (None, 26, 26, 32) and shapes["pool_2"] == (None, 5, 5, 64)
    assert shapes["flatten"] == (None, 1_600)
    assert model.count_params() == 320 + 18_496 + 204_928 + 1_290 == 225_034


def test_cnn_variants_from_arguments():
    from course_utils.models import build_cnn

    from_2d = build_cnn(input_shape=(28, 28))
    assert from_2d.layers[0].name == "add_channel" and from_2d.count_params() == 225_034
    global_pooled = build_cnn(global_pooling=True)
    assert global_pooled.get_layer("global_pool").output.shape == (None, 64)
    assert global_pooled.count_params() == 320 + 18_496 + (64 * 128 + 128) + 1_290
    no_pool = build_cnn(pooling=None, dense_units=None)
    assert no_pool.get_layer("flatten").output.shape == (None, 24 * 24 * 64)
    average = build_cnn(pooling="average")
    assert isinstance(average.get_layer("pool_1"), keras.layers.AveragePooling2D)
    rgb = build_cnn(input_shape=(32, 32, 3), conv_filters=(8,), num_classes=4)
    assert rgb.output_shape == (None, 4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_shape": (8, 8, 1), "conv_filters": (4, 4, 4)}, "input 8x8 is too small for 3 conv/pool stages"),
        ({"input_shape": (4, 4), "kernel_size": 5}, "input 4x4 is too small for 2 conv stages with 5x5 kernels"),
        ({"input_shape": (28,)}, "input_shape must be"),
        ({"pooling": "min"}, "pooling must be one of"),
        ({"conv_filters": ()}, "at least one convolutional layer"),
        ({"conv_filters": (32, 0)}, r"conv_filters\[1\] must be a positive integer"),
        ({"dense_units": -1}, "dense_units must be a positive integer"),
    ],
)
def test_build_cnn_rejects_bad_arguments_before_keras_does(kwargs, message):
    from course_utils.models import build_cnn

    with pytest.raises(ValueError, match=message):
        build_cnn(**kwargs)


def test_train_and_evaluate_reports_progress_and_numbers(capsys):
    from course_utils.models import train_and_evaluate

    rng = np.random.default_rng(0)
    x = rng.random((80, 4, 4)).astype("float32")
    y = (x[:, :2].mean(axis=(1, 2)) > x[:, 2:].mean(axis=(1, 2))).astype("int64")
    keras.utils.set_random_seed(0)
    result = train_and_evaluate(build_mlp((4, 4), (16,), 2, name="tiny"), (x, y), (x, y), epochs=30, batch_size=16)
    counted = " ".join(str(epoch) for epoch in range(1, 31))
    assert re.fullmatch(
        rf"tiny: epoch {counted} \| \d+\.\d\d s/epoch \| test accuracy \d\.\d{{3}}\n", capsys.readouterr().out
    )
    assert result.model.name == "tiny" and result.model.optimizer.iterations.numpy() == 30 * 5
    assert result.test_accuracy > 0.75 and result.seconds_per_epoch > 0
    assert len(result.history.history["loss"]) == 30
    assert 0 <= result.final_train_accuracy <= 1
    with pytest.raises(ValueError, match="images and labels differ in length: train 80 vs 79"):
        train_and_evaluate(build_mlp((4, 4)), (x, y[:79]), (x, y))
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        train_and_evaluate(build_mlp((4, 4)), (x, y), (x, y), epochs=0)


@pytest.mark.parametrize(("profile", "epoch_lines"), [("fast", 0), ("full", 3)])
def test_train_and_evaluate_shows_every_epoch_under_the_full_profile(monkeypatch, capsys, profile, epoch_lines):
    from course_utils.models import train_and_evaluate

    monkeypatch.setenv("COURSE_PROFILE", profile)
    x = np.random.default_rng(0).random((32, 4, 4)).astype("float32")
    y = (x.mean(axis=(1, 2)) > 0.5).astype("int64")
    train_and_evaluate(build_mlp((4, 4), (8,), 2, name="tiny"), (x, y), (x, y), epochs=3, batch_size=16)
    printed = capsys.readouterr().out
    assert printed.count("Epoch ") == epoch_lines
    expected_last = "tiny: epoch 1 2 3 | " if profile == "fast" else "tiny: 3 epochs | "
    assert printed.rstrip().splitlines()[-1].startswith(expected_last)
    assert len(printed.splitlines()) == 1 + 2 * epoch_lines  # Keras: "Epoch 1/3" and a line of numbers


def test_random_translation_wrapper_shifts_only_in_training():
    from course_utils.models import with_random_translation

    base = build_mlp(name="base")
    augmented = with_random_translation(base, max_fraction=0.25)
    assert augmented.name == "base_augmented" and augmented.count_params() == base.count_params()
    images = np.zeros((4, 28, 28), "float32")
    images[:, 10:18, 10:18] = 1.0
    translate = augmented.get_layer(index=1)
    as_image = images[..., None]
    np.testing.assert_array_equal(translate(as_image, training=False).numpy(), as_image)
    moved = translate(as_image, training=True).numpy()
    assert not np.allclose(moved, as_image)
    np.testing.assert_allclose(augmented(images, training=False).numpy(), base(images).numpy(), rtol=1e-6)


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_random_translation_wrapper_rejects_bad_fractions(fraction):
    from course_utils.models import with_random_translation

    with pytest.raises(ValueError, match="max_fraction must lie strictly between 0 and 1"):
        with_random_translation(build_mlp(), max_fraction=fraction)


def test_random_translation_wrapper_rejects_non_image_models():
    from course_utils.models import with_random_translation

    vector_model = build_mlp(input_shape=(784,))
    with pytest.raises(ValueError, match=r"its input shape is \(784,\)"):
        with_random_translation(vector_model)


def test_cnn_regularization_options():
    from course_utils.models import build_cnn

    plain = build_cnn()
    assert plain.losses == [] and not any(isinstance(layer, keras.layers.Dropout) for layer in plain.layers)
    penalized = build_cnn(l2=1e-3)
    kernels = [layer.kernel.numpy() for layer in penalized.layers if hasattr(layer, "kernel")]
    assert len(penalized.losses) == 4
    assert float(sum(penalized.losses)) == pytest.approx(1e-3 * sum(float(np.sum(k**2)) for k in kernels), rel=1e-5)
    dropped = build_cnn(dropout=0.5)
    assert dropped.layers[-2].name == "dropout" and dropped.layers[-2].rate == 0.5
    normalized = build_cnn(batch_norm=True, batch_norm_momentum=0.9)
    names = [layer.name for layer in normalized.layers]
    assert names[:4] == ["conv_1", "batch_norm_1", "relu_1", "pool_1"]
    assert normalized.get_layer("batch_norm_2").momentum == 0.9
    assert normalized.get_layer("conv_1").activation is keras.activations.linear
    assert normalized.count_params() == 225_034 + 4 * (32 + 64)  # gamma, beta, moving mean and variance


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"l2": -0.1}, "l2 must be a non-negative penalty factor"),
        ({"dropout": 1.0}, r"dropout must be a rate in \[0, 1\)"),
        ({"batch_norm": True, "batch_norm_momentum": 1.5}, r"batch_norm_momentum must lie in \[0, 1\)"),
    ],
)
def test_cnn_regularization_options_are_validated(kwargs, message):
    from course_utils.models import build_cnn

    with pytest.raises(ValueError, match=message):
        build_cnn(**kwargs)


def test_accuracy_counts_correct_predictions():
    from course_utils.models import accuracy

    model = build_mlp((2,), hidden_units=(), num_classes=2, name="sign")
    model.set_weights([np.array([[1.0, -1.0], [0.0, 0.0]], "float32"), np.zeros(2, "float32")])
    images = np.array([[1.0, 0.0], [-1.0, 0.0], [2.0, 0.0], [-3.0, 0.0]], "float32")  # class 0 iff first > 0
    assert accuracy(model, images, np.array([0, 1, 0, 1])) == 1.0
    assert accuracy(model, images, np.array([0, 0, 0, 0]), batch_size=3) == 0.5
    with pytest.raises(ValueError, match="4 images but 3 labels"):
        accuracy(model, images, np.array([0, 1, 0]))
    with pytest.raises(ValueError, match="no images to score"):
        accuracy(model, images[:0], np.array([]))


def test_architecture_tells_equal_networks_from_different_ones():
    from course_utils.models import architecture, build_cnn

    written_out = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu", name="conv_1"),
            keras.layers.MaxPooling2D(2, name="pool_1"),
            keras.layers.Conv2D(64, 3, activation="relu", name="conv_2"),
            keras.layers.MaxPooling2D(2, name="pool_2"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(128, activation="relu", name="dense"),
            keras.layers.Dense(10, activation="softmax", name="output"),
        ]
    )
    assert architecture(build_cnn()) == architecture(written_out)
    assert architecture(build_cnn(), settings=True) == architecture(written_out, settings=True)
    assert architecture(build_cnn(dense_units=64)) != architecture(written_out)
    assert architecture(build_cnn(dropout=0.5)) != architecture(written_out)  # one layer more
    # the same shapes and counts, another setting: only settings=True tells them apart
    assert architecture(build_cnn(l2=0.01)) == architecture(written_out)
    assert architecture(build_cnn(l2=0.01), settings=True) != architecture(written_out, settings=True)
    with pytest.raises(ValueError, match="not built"):
        architecture(keras.Sequential([keras.layers.Dense(2)]))


def _tiny_regularized_cnn():
    from course_utils.models import build_cnn

    return build_cnn((12, 12), conv_filters=(4,), dense_units=8, dropout=0.5, batch_norm=True, name="tiny")


def test_fresh_copy_reused_trains_like_a_new_model():
    from course_utils.models import fresh_copy

    rng = np.random.default_rng(0)
    images, labels = rng.random((64, 12, 12)).astype("float32"), np.arange(64) % 10
    reused = fresh_copy(_tiny_regularized_cnn, seed=0)
    reused.fit(images, labels, epochs=2, batch_size=16, verbose=0)  # weights, BN statistics, Adam state all move
    assert fresh_copy(_tiny_regularized_cnn, seed=1, reuse=reused) is reused
    reused.fit(images, labels, epochs=2, batch_size=16, verbose=0)
    new = fresh_copy(_tiny_regularized_cnn, seed=1)
    new.fit(images, labels, epochs=2, batch_size=16, verbose=0)
    for after_reuse, after_new in zip(reused.get_weights(), new.get_weights(), strict=True):
        np.testing.assert_array_equal(after_reuse, after_new)
    other_seed = fresh_copy(_tiny_regularized_cnn, seed=2)
    assert not np.array_equal(other_seed.get_weights()[0], new.get_weights()[0])


def test_fresh_copy_rejects_a_model_it_cannot_reset():
    from course_utils.models import build_mlp, fresh_copy

    with pytest.raises(ValueError, match="must be compiled"):
        fresh_copy(_tiny_regularized_cnn, seed=0, reuse=_tiny_regularized_cnn())
    other = fresh_copy(lambda: build_mlp((12, 12), hidden_units=(8,)), seed=0)
    with pytest.raises(ValueError, match="not the network that build"):
        fresh_copy(_tiny_regularized_cnn, seed=0, reuse=other)


def test_train_and_evaluate_times_the_median_epoch_and_the_whole_fit(monkeypatch):
    from course_utils import models

    ticks = iter(range(100))  # every clock reading one second later than the one before
    monkeypatch.setattr(models.time, "perf_counter", lambda: next(ticks))
    x = np.random.default_rng(0).random((32, 4, 4)).astype("float32")
    y = (x.mean(axis=(1, 2)) > 0.5).astype("int64")
    result = models.train_and_evaluate(build_mlp((4, 4), (8,), 2), (x, y), (x, y), epochs=3, batch_size=16)
    # readings: fit starts 0; epochs 1-2, 3-4, 5-6 (1 s each); fit ends 7
    assert result.seconds_per_epoch == 1 and result.fit_seconds == 7


def test_train_and_evaluate_keeps_the_traced_step_of_an_already_compiled_model():
    from course_utils.models import fresh_copy, train_and_evaluate

    x = np.random.default_rng(0).random((32, 4, 4)).astype("float32")
    y = (x.mean(axis=(1, 2)) > 0.5).astype("int64")
    build = lambda: build_mlp((4, 4), (8,), 2, name="tiny")  # noqa: E731
    model = fresh_copy(build, seed=0, learning_rate=0.01)
    train_and_evaluate(model, (x, y), (x, y), epochs=2, batch_size=16, learning_rate=0.01, already_compiled=True)
    traced = model.train_function
    fresh_copy(build, seed=1, reuse=model, learning_rate=0.01)
    train_and_evaluate(model, (x, y), (x, y), epochs=2, batch_size=16, learning_rate=0.01, already_compiled=True)
    assert model.train_function is traced and model.optimizer.iterations.numpy() == 2 * 2
    train_and_evaluate(model, (x, y), (x, y), epochs=1, batch_size=16, learning_rate=0.01)
    assert model.train_function is not traced  # compiled again: a new optimizer, traced anew
    with pytest.raises(ValueError, match=r"compiled with learning rate 0\.01, not 0\.001"):
        train_and_evaluate(fresh_copy(build, 0, learning_rate=0.01), (x, y), (x, y), already_compiled=True)
    with pytest.raises(ValueError, match="is not compiled"):
        train_and_evaluate(build(), (x, y), (x, y), already_compiled=True)


def test_setup_drops_only_the_retracing_hint(capsys, caplog):
    course_utils.setup(seed=0)
    course_utils.setup(seed=0)  # a second call adds no second filter
    capsys.readouterr()
    logger = tf.get_logger()
    from course_utils.backend import WithoutRetracingHints

    assert sum(isinstance(existing, WithoutRetracingHints) for existing in logger.filters) == 1
    with caplog.at_level("WARNING", logger="tensorflow"):
        logger.warning("5 out of the last 5 calls to <function f> triggered tf.function retracing. Tracing is …")
        logger.warning("a real warning")
    assert [record.getMessage() for record in caplog.records] == ["a real warning"]


def test_new_model_reuses_one_compiled_model_per_architecture_and_trains_like_a_new_one():
    from course_utils.models import fit_passes, fresh_copy, new_model

    rng = np.random.default_rng(0)
    images, labels = rng.random((48, 12, 12)).astype("float32"), np.arange(48) % 10
    first = new_model(_tiny_regularized_cnn, seed=0)
    fit_passes(first, images, labels, passes=2, batch_size=16, seed=0)
    again = new_model(_tiny_regularized_cnn, seed=1)
    assert again is first, "the same architecture and learning rate: the same compiled model, reset"
    fit_passes(again, images, labels, passes=2, batch_size=16, seed=1)
    reference = fresh_copy(_tiny_regularized_cnn, seed=1)
    fit_passes(reference, images, labels, passes=2, batch_size=16, seed=1)
    for reused, new in zip(again.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(reused, new)
    assert new_model(_tiny_regularized_cnn, seed=0, learning_rate=0.01) is not first, "another learning rate"
    other = new_model(lambda: build_mlp((12, 12), hidden_units=(8,)), seed=0)
    assert other is not first and other.count_params() != first.count_params()


def test_fit_passes_makes_one_update_per_batch_of_every_pass():
    from course_utils.models import fit_passes, new_model

    images, labels = np.random.default_rng(0).random((40, 4, 4)).astype("float32"), np.arange(40) % 2
    model = new_model(lambda: build_mlp((4, 4), (8,), 2), seed=0)
    start = int(model.optimizer.iterations.numpy())
    assert fit_passes(model, images, labels, passes=3, batch_size=10, seed=0) is model
    assert int(model.optimizer.iterations.numpy()) - start == 3 * 40 // 10
    fit_passes(model, images, labels, passes=0.5, batch_size=10, seed=0)  # a budget of updates, not of passes
    assert int(model.optimizer.iterations.numpy()) - start == 12 + 2
    with pytest.raises(ValueError, match="passes must be positive"):
        fit_passes(model, images, labels, passes=0)
    with pytest.raises(ValueError, match="40 images but 39 labels"):
        fit_passes(model, images, labels[:-1], passes=1)
