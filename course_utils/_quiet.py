"""Import TensorFlow without the C++ log noise that would otherwise land in notebooks.

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

import os
import re
import sys
import tempfile
from types import ModuleType

QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "1",
    "KERAS_BACKEND": "tensorflow",
}

# "I0000 00:00:1795301894.996968 1807 cudart_stub.cc:31] ..." is an absl INFO line; the
# preamble "WARNING: All log messages before absl::InitializeLog() ..." announces them.
_NOISE = re.compile(r"^(I\d{4} \d\d:\d\d:[\d.]+\s+\d+ \S+\] |WARNING: All log messages before absl)")


def set_quiet_environment() -> None:
    """Set TensorFlow's log variables unless the user chose other values."""
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


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
