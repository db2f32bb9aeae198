"""Tests for course_utils.backend: the course on TensorFlow, JAX and PyTorch.

Each backend is tried in a fresh Python (Keras picks its backend once, at import); a backend
that is not installed is skipped. The README's set-up installs TensorFlow only; CI's jax and
torch jobs install the other two and run this file.
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from course_utils._quiet import import_backend_quietly
from course_utils.backend import STEPS_PER_EXECUTION, value_and_gradients

BACKENDS = ("tensorflow", "jax", "torch")

# Seeds, builds and trains a small CNN for one epoch, takes two gradients, and prints what the
# tests compare as JSON: the status line, the trained weights' checksum, and the gradients.
PROBE = """
import json, numpy as np, keras
import course_utils
from course_utils.backend import steps_per_execution, value_and_gradients
from course_utils.models import build_cnn, compile_classifier

course_utils.setup(seed=SEED)
images = np.random.default_rng(0).random((64, 28, 28, 1), dtype=np.float32)
labels = np.arange(64) % 10
model = build_cnn(conv_filters=(4,), dense_units=8)
compile_classifier(model)
model.fit(images, labels, epochs=1, batch_size=16, verbose=0)
weights = np.concatenate([w.ravel() for w in model.get_weights()]).astype(np.float64)

z = keras.Variable(np.linspace(-3, 3, 7), dtype="float32")
_, (slope,) = value_and_gradients(lambda: keras.ops.sum(keras.activations.sigmoid(z)), [z])
dense = keras.layers.Dense(3)
x = np.ones((2, 4), dtype=np.float32)
dense(x)
total, (kernel_gradient,) = value_and_gradients(lambda: keras.ops.sum(dense(x)), [dense.kernel])
print(json.dumps({
    "checksum": float(weights @ np.random.default_rng(1).random(weights.size)),
    "steps": steps_per_execution(),
    "slope": slope.tolist(),
    "kernel_gradient": kernel_gradient.tolist(),
}))
"""


def run_probe(backend: str, seed: int) -> tuple[str, dict]:
    """Run PROBE under ``backend`` in a new process; return its status line and its JSON."""
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed (CI's {backend} job installs it)")
    environment = {**os.environ, "KERAS_BACKEND": backend, "COURSE_DATA": "subset", "COURSE_PROFILE": "fast"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.replace("SEED", str(seed))],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    status, report = result.stdout.strip().splitlines()
    return status, json.loads(report)


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_backend_names_itself_repeats_a_seed_and_takes_true_gradients(backend):
    status, first = run_probe(backend, seed=5)
    title = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}[backend]
    assert f"| backend: {title} " in status and "| device: " in status
    _, again = run_probe(backend, seed=5)
    _, other = run_probe(backend, seed=6)
    assert again["checksum"] == first["checksum"], "the same seed must give the same trained weights"
    assert other["checksum"] != first["checksum"], "another seed must give other weights"
    assert first["steps"] == STEPS_PER_EXECUTION[backend]
    sigmoid = 1 / (1 + np.exp(-np.linspace(-3, 3, 7)))
    np.testing.assert_allclose(first["slope"], sigmoid * (1 - sigmoid), atol=1e-6)
    np.testing.assert_allclose(first["kernel_gradient"], np.full((4, 3), 2.0))  # d/dW of sum(xW + b), x all ones


def test_an_unknown_backend_is_refused_with_the_choices(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "mxnet")
    with pytest.raises(
        ValueError, match="KERAS_BACKEND='mxnet' is not one the course runs on: choose one of tensorflow"
    ):
        import_backend_quietly()


def test_value_and_gradients_explains_what_it_cannot_differentiate():
    dense = keras.layers.Dense(2)
    x = np.ones((1, 3), dtype=np.float32)
    dense(x)
    with pytest.raises(ValueError, match="variables is empty"):
        value_and_gradients(lambda: keras.ops.sum(dense(x)), [])
    frozen = keras.Variable(np.ones(3), trainable=False)
    with pytest.raises(ValueError, match="gradients need trainable variables"):
        value_and_gradients(lambda: keras.ops.sum(frozen), [frozen])
    with pytest.raises(ValueError, match="loss\\(\\) must return a scalar"):
        value_and_gradients(lambda: dense(x), [dense.kernel])


REPO = Path(__file__).resolve().parents[1]
ONE_BACKEND = re.compile(r"\btf\.|import tensorflow|\.numpy\(\)|GradientTape|\bjax\.|\btorch\.")


def code_of_notebooks_and_helpers() -> dict[str, str]:
    """The code cells of every notebook and every helper module, except course_utils/backend.py."""
    sources = {}
    for path in sorted(REPO.glob("notebooks/**/*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        sources[str(path.relative_to(REPO))] = "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "code"
        )
    for path in sorted((REPO / "course_utils").rglob("*.py")):
        if path.name not in ("backend.py", "_quiet.py"):  # the two modules that are about the backends
            sources[str(path.relative_to(REPO))] = path.read_text()
    return sources


def test_lessons_and_helpers_speak_keras_not_one_backend():
    found = {
        name: sorted({match.group() for match in ONE_BACKEND.finditer(code)})
        for name, code in code_of_notebooks_and_helpers().items()
        if ONE_BACKEND.search(code)
    }
    assert found == {}, "use keras.ops, keras.ops.convert_to_numpy and course_utils.backend instead"
