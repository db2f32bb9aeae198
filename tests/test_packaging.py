"""course_utils installed from a wheel, as ``pip install`` from GitHub or Colab installs it: no repository needed.

The editable install (``pip install -e .``) that the rest of the tests run against is checked
in test_data.py, which expects the subsets in the repository's ``data/`` folder.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
# What a build of the package reads: pyproject.toml names README.md and maps data/ into the package.
PACKAGE_SOURCES = ["pyproject.toml", "README.md", "course_utils", "data"]

LOAD_FROM_THE_INSTALL = """
import json
import sys

import course_utils
from course_utils import data

loaded = {}
for name, dataset in data.DATASETS.items():
    (x_train, _), (x_test, _) = data.load_dataset(name, "subset", verbose=False)
    loaded[name] = {"file": str(data.subset_file(dataset)), "train": len(x_train), "test": len(x_test)}
print(json.dumps({
    "package": course_utils.__file__,
    "loaded": loaded,
    "tensorflow_imported": "tensorflow" in sys.modules,
    "sys_path": sys.path,
}))
"""


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def build_wheel(destination: Path) -> Path:
    """Build the wheel from a copy of the sources, so that the build leaves nothing in the repository."""
    source = destination / "source"
    source.mkdir()
    for name in PACKAGE_SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(destination), str(source)])
    (wheel,) = destination.glob("course_utils-*.whl")
    return wheel


def test_a_wheel_install_loads_both_subsets_without_the_repository(tmp_path):
    wheel = build_wheel(tmp_path)
    site = tmp_path / "site"
    run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site), str(wheel)])
    # -S: no site-packages, so the editable install of this repository is invisible; NumPy comes
    # from its own folder. The working directory is the temporary folder, not the repository.
    numpy_folder = Path(np.__file__).resolve().parents[1]
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("COURSE_", "PYTHON"))}
    environment["PYTHONPATH"] = os.pathsep.join([str(site), str(numpy_folder)])
    result = run([sys.executable, "-S", "-c", LOAD_FROM_THE_INSTALL], cwd=tmp_path, env=environment)
    report = json.loads(result.stdout)

    assert Path(report["package"]).is_relative_to(site)
    for name, loaded in report["loaded"].items():
        assert Path(loaded["file"]).is_relative_to(site / "course_utils" / "datasets"), name
        assert (loaded["train"], loaded["test"]) == (4_000, 1_000), name
    assert set(report["loaded"]) == {"mnist", "fashion_mnist"}
    assert not report["tensorflow_imported"]
    other_copies = [entry for entry in report["sys_path"] if (Path(entry or tmp_path) / "course_utils").exists()]
    assert other_copies == [str(site)]
