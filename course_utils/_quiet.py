"""Import Keras's backend without the C++ log noise that would otherwise land in notebooks.

Keras 3 runs on TensorFlow (the course's default and the backend of its stored outputs),
JAX or PyTorch, chosen by ``KERAS_BACKEND`` before Keras is first imported
(``import_backend_quietly``). The rest of this module is about TensorFlow, the noisy one.

TensorFlow reads ``TF_CPP_MIN_LOG_LEVEL`` and ``TF_ENABLE_ONEDNN_OPTS`` only when it is
first imported, so they are set here, before anything imports it. oneDNN stays ON: its CPU
kernels train the lecture CNN with about a third less CPU time on a 2-core machine (measured
for the speed budget of the notebooks), and with ``enable_op_determinism`` the results are
still the same run to run. It announces itself with an informational line, dropped below. Some builds still write
informational lines (``I0000 ... cudart_stub.cc ... Could not find cuda drivers``) from
C++ before its logger reads those variables. Those lines go straight to file descriptor 2,
past Python, and Jupyter would store them in the notebook. We capture descriptor 2 during
the import, drop only informational C++ log lines, and pass everything else on, so a real
warning or error is never lost.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
from types import ModuleType

QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "1",
    "KERAS_BACKEND": "tensorflow",
    # Read when JAX or PyTorch first starts a GPU, so they are set here, before either is imported:
    # cuBLAS needs a fixed workspace for PyTorch's deterministic algorithms (course_utils.backend).
    "CUBLAS_WORKSPACE_CONFIG": ":4096:8",
}
BACKENDS = ("tensorflow", "jax", "torch")
"""The Keras backends the course runs on (``KERAS_BACKEND``)."""
XLA_DETERMINISM_FLAG = "--xla_gpu_deterministic_ops=true"
"""XLA's switch for deterministic GPU kernels (JAX's determinism, read when JAX starts)."""

# "I0000 00:00:1795301894.996968 1807 cudart_stub.cc:31] ..." is an absl INFO line; the
# preamble "WARNING: All log messages before absl::InitializeLog() ..." announces them.
_NOISE = re.compile(r"^(I\d{4} \d\d:\d\d:[\d.]+\s+\d+ \S+\] |WARNING: All log messages before absl)")


def set_quiet_environment() -> None:
    """Set ``QUIET_ENVIRONMENT`` and XLA's determinism flag, unless the user chose other values."""
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    xla_flags = os.environ.get("XLA_FLAGS", "")
    if "xla_gpu_deterministic_ops" not in xla_flags:
        os.environ["XLA_FLAGS"] = f"{xla_flags} {XLA_DETERMINISM_FLAG}".strip()


def import_backend_quietly() -> str:
    """Prepare the environment and import TensorFlow quietly where it is installed; return the backend's name.

    Every module of ``course_utils`` that imports Keras calls this first. The backend is
    ``$KERAS_BACKEND`` (TensorFlow when unset); an unknown name is refused here, with the choices.
    On JAX and PyTorch, Keras still imports an installed TensorFlow (for ``tf.data`` and its
    seed), so TensorFlow is imported quietly then too; without it (a JAX-only GPU machine) nothing is.
    """
    set_quiet_environment()
    backend = os.environ["KERAS_BACKEND"].strip().lower()
    if backend not in BACKENDS:
        raise ValueError(
            f"KERAS_BACKEND={backend!r} is not one the course runs on: choose one of {', '.join(BACKENDS)}"
        )
    if backend == "tensorflow" or importlib.util.find_spec("tensorflow") is not None:
        import_tensorflow_quietly()
    return backend


def drop_tensorflow_info_lines(text: str) -> str:
    """Return ``text`` without TensorFlow's informational C++ log lines."""
    kept = [line for line in text.splitlines(keepends=True) if not _NOISE.match(line)]
    return "".join(kept)


def import_tensorflow_quietly() -> ModuleType:
    """Import TensorFlow, filtering its informational start-up lines from stderr."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    set_quiet_environment()
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            captured.seek(0)
            rest = drop_tensorflow_info_lines(captured.read().decode(errors="replace"))
            if rest:
                sys.stderr.write(rest)
    return tensorflow
