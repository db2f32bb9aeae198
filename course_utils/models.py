"""Model builders for the course's networks, with arguments instead of copies for variants.

Introduced in notebook 01 (the lecture's MLP).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from course_utils.arithmetic import check_positive_int


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

    ``from_logits`` must be True exactly when the model's last layer has no softmax.
    """
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
        metrics=["accuracy"],
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
    trainable = sum(int(weight.numpy().size) for weight in model.trainable_weights)
    body.append(f"total parameters: {model.count_params():,} (trainable {trainable:,})")
    return "\n".join(body)
