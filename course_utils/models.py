"""Model builders for the course's networks, with arguments instead of copies for variants.

Introduced in notebook 01 (the lecture's MLP); the CNN and the training helper in
notebook 02.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from course_utils._quiet import import_backend_quietly
from course_utils.arithmetic import check_positive_int, conv_output_size
from course_utils.backend import steps_per_execution
from course_utils.data import shuffled_passes
from course_utils.profile import current_profile

import_backend_quietly()  # before Keras, so that TensorFlow's start-up lines never reach a notebook
import keras  # noqa: E402

POOLING_LAYERS = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}
# Images per prediction batch when testing: large batches, few calls (see ``accuracy``).
EVALUATION_BATCH_SIZE = 1000


def build_mlp(
    input_shape: Sequence[int] = (28, 28),
    hidden_units: Sequence[int] = (128,),
    num_classes: int = 10,
    activation: str = "relu",
    output_activation: str | None = "softmax",
    name: str = "mlp",
) -> keras.Sequential:
    """The lecture's fully connected network: Flatten -> Dense(hidden...) -> Dense(classes).

    The defaults give the MLP of notebook 01 (784 -> 128 ReLU -> 10 softmax, 101,770
    parameters). ``output_activation=None`` makes the last layer output raw scores
    (logits), which must then be trained with ``from_logits=True`` (see notebook 01's
    "common mistakes").
    """
    if len(input_shape) == 0:
        raise ValueError("input_shape must have at least one dimension, e.g. (28, 28)")
    for i, side in enumerate(input_shape):
        check_positive_int(f"input_shape[{i}]", side)
    num_classes = check_positive_int("num_classes", num_classes)
    layers: list[keras.layers.Layer] = [keras.Input(shape=tuple(input_shape)), keras.layers.Flatten(name="flatten")]
    for depth, units in enumerate(hidden_units, start=1):
        units = check_positive_int(f"hidden_units[{depth - 1}]", units)
        layers.append(keras.layers.Dense(units, activation=activation, name=f"hidden_{depth}"))
    layers.append(keras.layers.Dense(num_classes, activation=output_activation, name="output"))
    return keras.Sequential(layers, name=name)


def compile_classifier(model: keras.Model, learning_rate: float = 1e-3, from_logits: bool = False) -> None:
    """Compile for integer class labels: Adam, sparse categorical cross-entropy, accuracy.

    The same ``compile`` call that notebooks 01 and 07 write out, for comparisons of many
    models. ``from_logits`` must be True exactly when the model's last layer has no softmax.
    ``steps_per_execution`` runs many training steps per call into the backend where it allows
    (``course_utils.backend.steps_per_execution``): the same updates and results, less Python
    overhead per step on a CPU.
    """
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution(),
    )


def layer_table(model: keras.Model) -> str:
    """A plain-text table of a built model: layer name, type, output shape, parameters.

    Like ``model.summary()``, but plain text, so it reads the same in a terminal, in
    JupyterLab and in a stored notebook (``summary()`` also emits an empty rich HTML block
    in Jupyter). Introduced in notebook 01.
    """
    if not model.built:
        raise ValueError(f"model {model.name!r} is not built yet: give it a keras.Input or call it on data first")
    rows = [
        (layer.name, type(layer).__name__, str(layer.output.shape), f"{layer.count_params():,}")
        for layer in model.layers
    ]
    header = ("layer", "type", "output shape", "parameters")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]

    def line(cells: tuple[str, ...]) -> str:
        text = [cell.ljust(width) for cell, width in zip(cells[:3], widths[:3], strict=True)]
        return "  ".join([*text, cells[3].rjust(widths[3])])

    rule = "-" * len(line(header))
    body = [line(header), rule, *(line(row) for row in rows), rule]
    trainable = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    body.append(f"total parameters: {model.count_params():,} (trainable {trainable:,})")
    return "\n".join(body)


def build_cnn(
    input_shape: Sequence[int] = (28, 28, 1),
    conv_filters: Sequence[int] = (32, 64),
    kernel_size: int = 3,
    pooling: str | None = "max",
    global_pooling: bool = False,
    dense_units: int | None = 128,
    num_classes: int = 10,
    l2: float = 0.0,
    dropout: float = 0.0,
    batch_norm: bool = False,
    batch_norm_momentum: float = 0.99,
    name: str = "cnn",
) -> keras.Sequential:
    """The lecture's CNN: [Conv2D(3x3, ReLU) -> MaxPool(2)] per entry of ``conv_filters``,
    then Flatten -> Dense(128, ReLU) -> Dense(classes, softmax).

    Variants come from arguments: ``pooling=None`` drops the pooling layers, "average" uses
    average pooling; ``global_pooling=True`` replaces Flatten by GlobalAveragePooling2D
    (one number per feature map, which forgets *where* a feature was found);
    ``dense_units=None`` drops the hidden dense layer. A 2D ``input_shape`` such as
    (28, 28) adds a Reshape layer, so the CNN takes the same arrays as the MLP.

    Regularization (notebook 08): ``l2`` adds ``l2 * sum(w**2)`` for every conv and dense
    kernel to the loss; ``dropout`` adds a Dropout layer of that rate before the output
    layer (after the dense layers, where the lecture recommends it); ``batch_norm`` puts a
    BatchNormalization layer between each convolution and its ReLU, whose moving averages
    of the batch statistics decay by ``batch_norm_momentum`` per step (Keras's default
    0.99 needs several hundred steps to forget its initial values; notebook 08 shows the
    effect on a small training set).
    """
    if len(input_shape) not in (2, 3):
        raise ValueError(f"input_shape must be (height, width) or (height, width, channels), got {tuple(input_shape)}")
    for i, side in enumerate(input_shape):
        check_positive_int(f"input_shape[{i}]", side)
    if pooling is not None and pooling not in POOLING_LAYERS:
        raise ValueError(f"pooling must be one of {sorted(POOLING_LAYERS)} or None, got {pooling!r}")
    if len(conv_filters) == 0:
        raise ValueError("conv_filters must name at least one convolutional layer")
    kernel_size = check_positive_int("kernel_size", kernel_size)
    num_classes = check_positive_int("num_classes", num_classes)
    if not l2 >= 0:
        raise ValueError(f"l2 must be a non-negative penalty factor, got {l2!r}")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a rate in [0, 1), got {dropout!r}")
    if not 0 <= batch_norm_momentum < 1:
        raise ValueError(f"batch_norm_momentum must lie in [0, 1), got {batch_norm_momentum!r}")
    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    _check_cnn_fits(tuple(input_shape[:2]), len(conv_filters), kernel_size, pooling is not None)

    layers: list[keras.layers.Layer] = [keras.Input(shape=tuple(input_shape))]
    if len(input_shape) == 2:
        layers.append(keras.layers.Reshape((*input_shape, 1), name="add_channel"))
    for depth, filters in enumerate(conv_filters, start=1):
        filters = check_positive_int(f"conv_filters[{depth - 1}]", filters)
        if batch_norm:
            layers.append(
                keras.layers.Conv2D(filters, kernel_size, kernel_regularizer=regularizer, name=f"conv_{depth}")
            )
            layers.append(keras.layers.BatchNormalization(momentum=batch_norm_momentum, name=f"batch_norm_{depth}"))
            layers.append(keras.layers.Activation("relu", name=f"relu_{depth}"))
        else:
            layers.append(
                keras.layers.Conv2D(
                    filters, kernel_size, activation="relu", kernel_regularizer=regularizer, name=f"conv_{depth}"
                )
            )
        if pooling is not None:
            layers.append(POOLING_LAYERS[pooling](2, name=f"pool_{depth}"))
    layers.append(
        keras.layers.GlobalAveragePooling2D(name="global_pool")
        if global_pooling
        else keras.layers.Flatten(name="flatten")
    )
    if dense_units is not None:
        units = check_positive_int("dense_units", dense_units)
        layers.append(keras.layers.Dense(units, activation="relu", kernel_regularizer=regularizer, name="dense"))
    if dropout > 0:
        layers.append(keras.layers.Dropout(dropout, name="dropout"))
    layers.append(keras.layers.Dense(num_classes, activation="softmax", kernel_regularizer=regularizer, name="output"))
    return keras.Sequential(layers, name=name)


def architecture(network: keras.Model, settings: bool = False) -> list[tuple]:
    """Each layer's type, output shape and parameter count, in order: what makes two networks
    the same network.

    Notebooks 01, 04 and 07-09 write a lecture model out layer by layer and then assert that
    the course's builder makes the same one: ``architecture(built) == architecture(model)``.
    ``settings=True`` adds each layer's config (its name, activation, regularizer, dropout
    rate, ...), for networks whose layers differ in settings rather than in shape (notebooks
    08 and 09).
    """
    if not network.built:
        raise ValueError(f"model {network.name!r} is not built yet: give it a keras.Input or call it on data first")
    return [
        (type(layer).__name__, tuple(layer.output.shape), layer.count_params())
        + ((layer.get_config(),) if settings else ())
        for layer in network.layers
    ]


def fresh_copy(
    build: Callable[[], keras.Model],
    seed: int,
    reuse: keras.Model | None = None,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """The network ``build()`` makes after ``keras.utils.set_random_seed(seed)``, compiled with
    ``compile_classifier`` and untrained: in ``reuse`` if given, else in the new model.

    Keras traces a model's training step the first time the model is fit, which on a 2-core
    CPU costs about a second, as much as a short training run. Comparisons over several
    random seeds or training sizes (notebooks 03, 08, 08b, 09, 10 and 10c) therefore build
    each network once and pass it back as ``reuse``: everything a new model starts with is
    copied into it (weights, batch-norm statistics, the random state of dropout layers, the
    optimizer's step count and Adam's averages), so training it gives the weights a new model
    would reach.
    """
    new = _compiled_new(build, seed, learning_rate)
    if reuse is None:
        return new
    _copy_state(new, reuse)
    return reuse


def _compiled_new(build: Callable[[], keras.Model], seed: int, learning_rate: float) -> keras.Model:
    """The model ``build()`` makes after seeding with ``seed``, compiled, with Adam's initial state built."""
    keras.utils.set_random_seed(seed)
    new = build()
    compile_classifier(new, learning_rate)
    new.optimizer.build(new.trainable_variables)  # Adam's state before its first update
    return new


def _copy_state(source: keras.Model, target: keras.Model) -> None:
    """Copy every variable of ``source`` and its optimizer into the same network ``target``."""
    if getattr(target, "optimizer", None) is None:
        raise ValueError(f"reuse ({target.name!r}) must be compiled: pass a model that fresh_copy returned")
    target.optimizer.build(target.trainable_variables)
    targets = target.variables + target.optimizer.variables
    sources = source.variables + source.optimizer.variables
    if [tuple(variable.shape) for variable in targets] != [tuple(variable.shape) for variable in sources]:
        raise ValueError(f"reuse ({target.name!r}) is not the network that build() makes: its variables differ")
    for variable, value in zip(targets, sources, strict=True):
        variable.assign(value)


# new_model's compiled networks, one per architecture and learning rate (see new_model).
_REUSABLE: dict[str, keras.Model] = {}


def _without_names(value):
    """``value`` (a layer config, or lists and dicts of them) without the automatic layer names."""
    if isinstance(value, dict):
        return {key: _without_names(item) for key, item in value.items() if key != "name"}
    if isinstance(value, (list, tuple)):
        return [_without_names(item) for item in value]
    return value


def new_model(build: Callable[[], keras.Model], seed: int, learning_rate: float = 1e-3) -> keras.Model:
    """The network ``build()`` makes with random seed ``seed``, compiled with ``compile_classifier``, untrained.

    Introduced in notebook 08, and used wherever a lesson trains the same network with several
    random seeds or training sizes (notebooks 03, 08, 09 and 10, companions 08b and 10c): the
    lesson reads "a new model for this seed, train it, test it".

    Speed: Keras traces a model's training step the first time the model is fit, which on a
    2-core CPU costs about a second, as much as a short training run. So this function keeps
    the first compiled model of each architecture (layer types, shapes and settings) and
    learning rate, and resets it to the state ``build()`` gives a new model with this seed
    (``fresh_copy``): weights, batch-norm statistics, dropout's random state and the optimizer's
    state. Training it gives the weights a new model would reach, without the tracing. The
    model it returns is therefore reset by the next call for the same architecture: score it,
    or copy its weights (``model.get_weights()``), before asking for the next one.
    """
    new = _compiled_new(build, seed, learning_rate)
    key = repr((_without_names(architecture(new, settings=True)), float(learning_rate)))
    reusable = _REUSABLE.setdefault(key, new)
    if reusable is not new:
        _copy_state(new, reusable)
    return reusable


def fit_passes(
    model: keras.Model,
    images: np.ndarray,
    labels: np.ndarray,
    passes: float,
    batch_size: int = 32,
    seed: int = 0,
) -> keras.Model:
    """Train a compiled ``model`` for ``passes`` passes over the training set, each in a new random order.

    Introduced in notebook 08 (300 training digits); notebook 09 and companions 08b and 10c
    train small sets the same way. ``passes`` may be fractional (companion 10c gives every
    training size the same number of updates). Returns the model, trained.

    Speed: ``fit`` for ``passes`` epochs would pay Keras's set-up of an epoch once per pass,
    and on a few hundred images that costs as much as the epoch's training. So the passes are
    laid end to end (``course_utils.data.shuffled_passes``) and trained as one long epoch:
    the same updates, except for the one batch that straddles two passes.
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    if not passes > 0:
        raise ValueError(f"passes must be positive, got {passes!r}")
    order = shuffled_passes(len(images), max(1, round(passes * len(images))), seed)
    model.fit(images[order], labels[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return model


def _check_cnn_fits(size: tuple[int, int], stages: int, kernel_size: int, pooled: bool) -> None:
    """Raise a clear error when the image is too small for the stack of conv/pool stages."""
    height, width = size
    for stage in range(1, stages + 1):
        try:
            height = conv_output_size(height, kernel_size)
            width = conv_output_size(width, kernel_size)
        except ValueError:
            raise ValueError(
                f"input {size[0]}x{size[1]} is too small for {stages} conv stages with {kernel_size}x{kernel_size} "
                f"kernels: stage {stage} gets a {height}x{width} map. Use fewer conv_filters or a larger image."
            ) from None
        if pooled:
            height, width = height // 2, width // 2
            if min(height, width) == 0:
                raise ValueError(
                    f"input {size[0]}x{size[1]} is too small for {stages} conv/pool stages: after stage {stage} "
                    "nothing is left. Use fewer conv_filters, pooling=None, or a larger image."
                )


def with_random_translation(model: keras.Model, max_fraction: float = 0.2, seed: int = 0) -> keras.Sequential:
    """Wrap ``model`` so that every training batch is shifted at random (data augmentation).

    Introduced in notebook 04. Each image moves by up to ``max_fraction`` of its height and
    width, filling with zeros. ``RandomTranslation`` is only active during ``fit``; at test
    time the wrapper passes images through unchanged, so accuracies stay comparable.
    """
    if not 0 < max_fraction < 1:
        raise ValueError(f"max_fraction must lie strictly between 0 and 1, got {max_fraction!r}")
    input_shape = tuple(model.input_shape[1:])
    if len(input_shape) not in (2, 3):
        raise ValueError(f"model must take images (height, width[, channels]), its input shape is {input_shape}")
    with_channel = input_shape if len(input_shape) == 3 else (*input_shape, 1)
    translate = keras.layers.RandomTranslation(max_fraction, max_fraction, fill_mode="constant", seed=seed)
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Reshape(with_channel, name="as_image"),
            translate,
            keras.layers.Reshape(input_shape, name="as_input"),
            model,
        ],
        name=f"{model.name}_augmented",
    )


def accuracy(
    model: keras.Model, images: np.ndarray, labels: np.ndarray, batch_size: int = EVALUATION_BATCH_SIZE
) -> float:
    """Share of ``images`` whose predicted class equals ``labels``.

    Introduced in notebook 04, where a trained model is tested again and again on shifted
    or rotated copies of the test digits without retraining. It predicts batch by batch with
    ``predict_on_batch``: ``model.predict`` sets up a data pipeline on every call, which on a
    2-core CPU costs more than predicting 1,000 digits with the lecture's MLP. Every new batch
    shape makes TensorFlow trace the prediction step again, which costs time, so when
    one model scores sets of different sizes, pass a ``batch_size`` that divides them all
    (notebook 08 scores 300 and 1,000 digits in batches of 100).
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    if len(images) == 0:
        raise ValueError("no images to score")
    batch_size = check_positive_int("batch_size", batch_size)
    predicted = np.concatenate(
        [
            keras.ops.convert_to_numpy(model.predict_on_batch(images[start : start + batch_size])).argmax(axis=1)
            for start in range(0, len(images), batch_size)
        ]
    )
    return float(np.mean(predicted == np.asarray(labels)))


@dataclass
class TrainingResult:
    """What one training run produced: the trained model, its history and the numbers the
    notebooks report."""

    model: keras.Model
    history: keras.callbacks.History
    test_accuracy: float
    test_loss: float
    seconds_per_epoch: float
    fit_seconds: float

    @property
    def final_train_accuracy(self) -> float:
        return float(self.history.history["accuracy"][-1])


def train_and_evaluate(
    model: keras.Model,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    epochs: int = 5,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    verbose: int | None = None,
    already_compiled: bool = False,
) -> TrainingResult:
    """Compile, train and test a classifier the same way for every model in a comparison.

    Introduced in notebook 02. Prints one line per model, growing as the epochs finish
    (``cnn: epoch 1 2 3 4 5 | 1.19 s/epoch | test accuracy 0.966``), so that a cell training
    several models shows its progress. ``verbose`` is passed to ``fit``; by default it is 2
    (Keras's line per epoch, with loss and accuracy) under the "full" profile, where an epoch
    on 60,000 images takes long enough that a student wants those numbers, and 0 under
    "fast".

    The speed reported, ``seconds_per_epoch``, is the median epoch's duration. A new model's
    first epoch also traces its training step (about a second on a 2-core CPU, once per
    model), which is not a cost of every epoch; the median leaves it out, so a model that
    was reused (``fresh_copy``) and a new one are timed alike. ``fit_seconds`` is the whole
    ``fit``, tracing included.

    ``already_compiled=True`` trains a model as ``fresh_copy`` compiled it (with the same
    learning rate), and a model from ``new_model`` is always trained that way: compiling
    again would throw away its traced training step, which is what reusing it saves
    (notebook 10).
    """
    if verbose is None:
        verbose = 2 if current_profile() == "full" else 0
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    (x_train, y_train), (x_test, y_test) = train, test
    if len(x_train) != len(y_train) or len(x_test) != len(y_test):
        raise ValueError(
            f"images and labels differ in length: train {len(x_train)} vs {len(y_train)}, "
            f"test {len(x_test)} vs {len(y_test)}"
        )
    if already_compiled or any(model is reusable for reusable in _REUSABLE.values()):
        check_compiled_with(model, learning_rate)
    else:
        compile_classifier(model, learning_rate)
    timer = EpochTimer()
    callbacks = [timer] if verbose else [timer, EpochCounter()]
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=verbose, callbacks=callbacks)
    fit_seconds = time.perf_counter() - start
    seconds_per_epoch = float(np.median(timer.seconds))
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=EVALUATION_BATCH_SIZE, verbose=0)
    summary = f"{seconds_per_epoch:.2f} s/epoch | test accuracy {test_accuracy:.3f}"
    print(f" | {summary}" if not verbose else f"{model.name}: {epochs} epochs | {summary}")
    return TrainingResult(model, history, float(test_accuracy), float(test_loss), seconds_per_epoch, fit_seconds)


def check_compiled_with(model: keras.Model, learning_rate: float) -> None:
    """Raise a clear error unless ``model`` is compiled with an optimizer at ``learning_rate``."""
    if getattr(model, "optimizer", None) is None:
        raise ValueError(f"model {model.name!r} is not compiled: use fresh_copy, or leave already_compiled False")
    compiled_rate = float(model.optimizer.get_config()["learning_rate"])
    if not np.isclose(compiled_rate, learning_rate):
        raise ValueError(
            f"model {model.name!r} was compiled with learning rate {compiled_rate:g}, not {learning_rate:g}: "
            "pass that learning rate to fresh_copy"
        )


class EpochTimer(keras.callbacks.Callback):
    """Records each epoch's duration in seconds (``seconds``), for ``train_and_evaluate``."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._started)


class EpochCounter(keras.callbacks.Callback):
    """Counts the epochs on one line as they finish: ``cnn: epoch 1 2 3``.

    ``train_and_evaluate`` uses it when ``fit`` itself prints nothing, so that a cell which
    trains for several seconds shows its progress as it goes and still leaves one line per
    model in the notebook.
    """

    def on_train_begin(self, logs: dict | None = None) -> None:
        print(f"{self.model.name}: epoch", end="", flush=True)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        print(f" {epoch + 1}", end="", flush=True)
