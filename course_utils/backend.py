"""What differs between Keras's backends (TensorFlow, JAX, PyTorch), in one place.

Keras 3 runs the same model code on all three; the course's lessons are written in Keras and
``keras.ops`` only. Five things still depend on the backend, and live here:

- the device it trains on (``describe_device``, ``gpu_available``), named in ``setup()``'s status line;
- how runs are made repeatable (``make_deterministic``): each backend has its own switch;
- how many training steps one call may run (``steps_per_execution``): PyTorch's trainer takes one;
- TensorFlow's retracing hints, dropped (``WithoutRetracingHints``);
- how a gradient is taken (``value_and_gradients``): each backend has its own automatic
  differentiation. Notebook 01 shows the function of the backend in use; 01, 07 and 09b
  measure gradients with it.

TensorFlow stays the default (``KERAS_BACKEND`` unset) and the backend of the stored outputs.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import random
from collections.abc import Callable, Sequence

import numpy as np

from course_utils._quiet import import_backend_quietly

BACKEND = import_backend_quietly()  # before Keras, so that TensorFlow's start-up lines never reach a notebook
import keras  # noqa: E402

# Training steps per call into the backend in compile_classifier. Measured on the 2-core CPU with
# TensorFlow, the lecture CNN's 5 epochs on 4,000 digits: 10.2 s with 1 step per call, 6.3-7.2 s
# with 10, 5.3-6.1 s with 125 (one call per epoch); the weights are the same. 100 keeps nearly all
# of that gain. Keras's PyTorch trainer runs one step per call and refuses more.
STEPS_PER_EXECUTION = {"tensorflow": 100, "jax": 100, "torch": 1}


def backend() -> str:
    """The name of the backend Keras runs on: "tensorflow", "jax" or "torch"."""
    return keras.backend.backend()


def _tensorflow_device() -> str | None:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name) if gpus else None


def _jax_device() -> str | None:
    import jax

    device = jax.devices()[0]
    return device.device_kind if device.platform == "gpu" else None


def _torch_device() -> str | None:
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


GPU_NAMES: dict[str, Callable[[], str | None]] = {
    "tensorflow": _tensorflow_device,
    "jax": _jax_device,
    "torch": _torch_device,
}


def describe_device() -> str:
    """Name the device the backend trains on: "GPU (its name)", or "CPU"."""
    name = GPU_NAMES[backend()]()
    return f"GPU ({name})" if name else "CPU"


def gpu_available() -> bool:
    """Whether the backend sees a GPU."""
    return GPU_NAMES[backend()]() is not None


def make_deterministic() -> None:
    """Switch the backend to deterministic kernels, so that the same seed gives the same weights.

    TensorFlow: ``enable_op_determinism``. JAX: XLA's deterministic GPU ops, a flag read when JAX
    starts (set in ``course_utils._quiet``; on a CPU, JAX is deterministic anyway). PyTorch:
    ``use_deterministic_algorithms`` (cuBLAS's workspace variable is set in ``course_utils._quiet``).
    """
    name = backend()
    if name == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    elif name == "torch":
        import torch

        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.benchmark = False


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and Keras (which seeds the backend), and make the backend's ops deterministic."""
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (students may call the legacy np.random.* functions)
    keras.utils.set_random_seed(seed)
    make_deterministic()


BACKEND_TITLES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


def versions() -> str:
    """Keras's version and the backend's, for ``setup()``'s status line: "Keras 3.15.1 | backend: JAX 0.10.2"."""
    name = backend()
    return f"Keras {keras.__version__} | backend: {BACKEND_TITLES[name]} {importlib.import_module(name).__version__}"


class WithoutRetracingHints(logging.Filter):
    """Drops TensorFlow's "N out of the last M calls ... triggered tf.function retracing" warning.

    Comparisons over several seeds (notebooks 08-10) deliberately build one Keras model after
    another, and every new model traces its own training step once. TensorFlow counts those
    traces across models, and after a few short fits it warns about tf.functions "created
    repeatedly in a loop": advice for library authors that a student can do nothing about.
    Every other TensorFlow warning passes.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def drop_retracing_hints() -> None:
    """Install ``WithoutRetracingHints`` on TensorFlow's logger, once (only TensorFlow traces)."""
    if backend() != "tensorflow":
        return
    import tensorflow as tf

    tensorflow_logger = tf.get_logger()
    if not any(isinstance(existing, WithoutRetracingHints) for existing in tensorflow_logger.filters):
        tensorflow_logger.addFilter(WithoutRetracingHints())


def steps_per_execution() -> int:
    """Training steps per call into the backend: many where the backend allows it (``STEPS_PER_EXECUTION``)."""
    return STEPS_PER_EXECUTION[backend()]


def _tensorflow_gradients(
    loss: Callable[[], object],
    variables: Sequence[keras.Variable],
) -> tuple[object, list]:
    """TensorFlow records the operations on a tape, then plays it backwards."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        value = loss()
    return value, tape.gradient(value, list(variables))


def _jax_gradients(
    loss: Callable[[], object],
    variables: Sequence[keras.Variable],
) -> tuple[object, list]:
    """JAX differentiates a pure function of the variables' values (jax.value_and_grad)."""
    import jax

    def loss_at(values: list) -> object:
        with keras.StatelessScope(state_mapping=list(zip(variables, values, strict=True))):
            return loss()

    return jax.value_and_grad(loss_at)([variable.value for variable in variables])


def _torch_gradients(
    loss: Callable[[], object],
    variables: Sequence[keras.Variable],
) -> tuple[object, list]:
    """PyTorch records the operations as they run; autograd walks them backwards."""
    import torch

    value = loss()
    return value, list(torch.autograd.grad(value, [variable.value for variable in variables]))


def _checked_scalar(loss: Callable[[], object]) -> Callable[[], object]:
    """``loss`` made to refuse a non-scalar value before any backend tries to differentiate it."""

    def scalar_loss() -> object:
        value = loss()
        if len(keras.ops.shape(value)) != 0:
            raise ValueError("loss() must return a scalar: sum or average it, e.g. keras.ops.sum(...)")
        return value

    return scalar_loss


GRADIENTS = {"tensorflow": _tensorflow_gradients, "jax": _jax_gradients, "torch": _torch_gradients}


def value_and_gradients(
    loss: Callable[[], object], variables: Sequence[keras.Variable]
) -> tuple[float, list[np.ndarray]]:
    """The value of ``loss()`` and its gradient with respect to each variable, as NumPy arrays.

    ``loss`` is a function without arguments that returns a scalar and reads the variables
    (a model's weights, or a ``keras.Variable`` holding an input); the backend's own automatic
    differentiation takes the gradient (``gradient_source`` shows how). Used in notebooks 01,
    07 and 09b. Every variable must be trainable: TensorFlow and PyTorch track only those.
    """
    variables = list(variables)
    if not variables:
        raise ValueError("variables is empty: name the keras.Variable(s) to differentiate with respect to")
    frozen = [variable.path for variable in variables if not variable.trainable]
    if frozen:
        raise ValueError(f"gradients need trainable variables; not trainable: {', '.join(frozen)}")
    value, gradients = GRADIENTS[backend()](_checked_scalar(loss), variables)
    return float(keras.ops.convert_to_numpy(value)), [keras.ops.convert_to_numpy(g) for g in gradients]


def gradient_source() -> str:
    """The source of the function that takes gradients on the backend in use (printed in notebook 01)."""
    return inspect.getsource(GRADIENTS[backend()])
