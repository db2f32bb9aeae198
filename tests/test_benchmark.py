"""The benchmark tool: its reference model, its budgeted training, its report."""

import numpy as np
import pytest
from tool_loader import load_tool


@pytest.fixture(scope="module")
def benchmark():
    return load_tool("benchmark")


def test_reference_is_the_keras_example_convnet(benchmark):
    model = benchmark.build_keras_example_convnet()
    assert model.count_params() == 34_826  # the figure keras.io's mnist_convnet prints
    assert [type(layer).__name__ for layer in model.layers] == [
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dropout",
        "Dense",
    ]


def test_training_for_a_budget_stops_after_the_budget(benchmark):
    rng = np.random.default_rng(0)
    images = rng.random((64, 28, 28, 1)).astype("float32")
    labels = rng.integers(0, 10, 64)
    row = benchmark.train_for_budget(benchmark.build_keras_example_convnet(), (images, labels), (images, labels), 0.0)
    assert row.epochs == 1 and row.updates == 1 and row.notebook == "reference"
    capped = benchmark.train_for_budget(
        benchmark.build_keras_example_convnet(), (images, labels), (images, labels), 1e9, max_epochs=3
    )
    assert capped.epochs == 3 and capped.updates == 3 and 0 <= capped.test_accuracy <= 1


def test_report_states_the_comparison_from_the_numbers(benchmark):
    Row = benchmark.BenchmarkRow
    rows = [
        Row("01, 10", "MLP 784-128-10", 101_770, 5, 625, 1.0, 0.921),
        Row("10", "lecture CNN", 225_034, 5, 625, 4.0, 0.962),
        Row("reference", "keras_example_convnet", 34_826, 7, 224, 4.2, 0.952),
    ]
    report = benchmark.format_markdown(rows, "a test machine")
    assert "| 10 | lecture CNN | 225,034 | 5 | 625 | 4.0 | 0.962 |" in report
    assert "the course model is 0.010 ahead of the reference" in report
    assert "makes 224 weight updates in that time against the course CNN's 625" in report
    rows[2] = Row("reference", "keras_example_convnet", 34_826, 7, 224, 4.2, 0.990)
    assert "0.028 behind the reference" in benchmark.format_markdown(rows, "a test machine")


def test_benchmark_trains_every_model_on_a_small_run(benchmark):
    rows = benchmark.run_benchmark(train_size=200)
    assert [row.model for row in rows] == [
        "MLP 784-128-10",
        "lecture CNN",
        "LeNet-5 (32x32 input)",
        "keras_example_convnet",
    ]
    assert [row.parameters for row in rows] == [101_770, 225_034, 61_706, 34_826]
    assert rows[0].updates == 5 * 7 and rows[2].updates == 10 * 7
    assert all(0.1 < row.test_accuracy <= 1 and row.train_seconds > 0 for row in rows)
