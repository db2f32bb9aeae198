"""What importing course_utils costs, and that TensorFlow starts without a word.

Each check runs in a fresh Python, as a notebook kernel or a tool starts, without the
TensorFlow log variables that course_utils may already have set in this test process.
"""

import os
import subprocess
import sys

import pytest

from course_utils._quiet import QUIET_ENVIRONMENT

LIGHT_MODULES = [
    "course_utils",
    "course_utils.colab",
    "course_utils.quiz",
    "course_utils.arithmetic",
    "course_utils.data",
    "course_utils.profile",
    "course_utils.checkers",  # imports Keras only inside the model checker
]
KERAS_MODULES = [
    "course_utils.models",
    "course_utils.architectures",
    "course_utils.convolution",
    "course_utils.plots",
]
HEAVY_MODULES_LOADED = "import sys; print(sorted(name for name in ('keras', 'tensorflow') if name in sys.modules))"
# The first operation on a device is where TensorFlow logs its run-time lines (CPU features, CUDA).
RUN_A_LAYER = """
import keras
import numpy as np

keras.layers.Dense(2)(np.zeros((1, 4), "float32"))
"""


def fresh_python(code):
    """Run ``code`` in a new interpreter with a student's environment: no TensorFlow log settings."""
    environment = {name: value for name, value in os.environ.items() if name not in QUIET_ENVIRONMENT}
    environment.update(COURSE_PROFILE="fast", COURSE_DATA="subset")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_light_modules_do_not_import_tensorflow(module):
    assert fresh_python(f"import {module}\n{HEAVY_MODULES_LOADED}").stdout == "[]\n"


def test_the_subsets_load_without_tensorflow():
    code = "from course_utils.data import load_dataset\nload_dataset('mnist')\nload_dataset('fashion_mnist')\n"
    result = fresh_python(code + HEAVY_MODULES_LOADED)
    assert result.stdout.splitlines()[-1] == "[]"


def test_setup_starts_tensorflow_silently_in_the_notebooks_order():
    code = "import course_utils\n\ncourse_utils.setup(seed=0)\n" + RUN_A_LAYER + HEAVY_MODULES_LOADED
    result = fresh_python(code)
    assert result.stderr == ""
    assert result.stdout.endswith("| profile: fast | data: subset | seed: 0\n['keras', 'tensorflow']\n")


@pytest.mark.parametrize("module", KERAS_MODULES)
def test_keras_modules_start_tensorflow_silently_when_imported_first(module):
    result = fresh_python(f"import {module}\n" + RUN_A_LAYER)
    assert result.stderr == "", f"{module} must call import_tensorflow_quietly() before `import keras`"
