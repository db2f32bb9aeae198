"""The Colab support: badges, the install cell (run against a faked Colab shell), metadata."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from course_utils import colab

REPO = Path(__file__).resolve().parents[1]


class FakeShell:
    """A stand-in for the IPython shell that ``get_ipython()`` returns: records the magics it runs."""

    def __init__(self, class_path):
        self.class_path = class_path
        self.magics = []

    def __str__(self):
        return f"<{self.class_path} object at 0x7f3a2c1d5e50>"  # like object.__repr__ of the real shells

    def run_line_magic(self, name, line):
        self.magics.append((name, line))


COLAB_SHELL = "google.colab._shell.Shell"
OTHER_SHELLS = ["ipykernel.zmqshell.ZMQInteractiveShell", "IPython.terminal.interactiveshell.TerminalInteractiveShell"]


def run_bootstrap(shell):
    """Run the cell as IPython does: translate ``%pip`` into Python, then execute it."""
    python_source = TransformerManager().transform_cell(colab.bootstrap_cell_source())
    exec(python_source, {"get_ipython": lambda: shell})


def test_bootstrap_pip_installs_the_pinned_tag_on_colab(capsys):
    shell = FakeShell(COLAB_SHELL)
    run_bootstrap(shell)
    assert shell.magics == [("pip", f"install -q git+https://github.com/{colab.REPOSITORY}.git@{colab.INSTALL_REF}")]
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("class_path", OTHER_SHELLS)
def test_bootstrap_does_nothing_outside_colab(class_path, capsys):
    shell = FakeShell(class_path)
    run_bootstrap(shell)
    assert shell.magics == []
    assert capsys.readouterr() == ("", "")


def test_bootstrap_follows_the_constants(monkeypatch):
    monkeypatch.setattr(colab, "REPOSITORY", "someone/fork")
    monkeypatch.setattr(colab, "INSTALL_REF", "v9.9.9")
    shell = FakeShell(COLAB_SHELL)
    run_bootstrap(shell)
    assert shell.magics == [("pip", "install -q git+https://github.com/someone/fork.git@v9.9.9")]


def ruff_on_notebook_cell(command, source):
    """Run ``ruff <command>`` on a one-cell notebook holding ``source``, as ruff checks the course's notebooks."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    options = ["--config", str(REPO / "pyproject.toml"), "--stdin-filename", "cell.ipynb"]
    return subprocess.run(
        [sys.executable, "-m", "ruff", *command, *options],
        input=nbformat.writes(notebook),
        capture_output=True,
        text=True,
    )


def test_bootstrap_source_is_a_short_clean_notebook_cell():
    source = colab.bootstrap_cell_source()
    assert len(source.splitlines()) <= 3
    assert not source.endswith("\n") and source.startswith("# Colab only:")
    assert "import course_utils" not in source and "from course_utils" not in source  # not installed yet on Colab
    for command in (["check"], ["format", "--check"]):
        result = ruff_on_notebook_cell(command, source)
        assert result.returncode == 0, result.stdout + result.stderr


def test_readme_shows_the_cell_as_it_is():
    readme = (REPO / "README.md").read_text()
    assert colab.bootstrap_cell_source() in readme, "paste bootstrap_cell_source() into the README's On Colab section"


def test_ruff_check_of_a_cell_can_fail():
    result = ruff_on_notebook_cell(["check"], "import os\n%pip install -q numpy")
    assert result.returncode == 1 and "F401" in result.stdout


def test_install_ref_is_the_released_version():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert f"v{version}" == colab.INSTALL_REF, "tag the release and set INSTALL_REF to it in course_utils/colab.py"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REPOSITORY", "cnn-course", "REPOSITORY must look like 'owner/name'"),
        ("BRANCH", "main branch", "BRANCH must be a branch or tag name"),
        ("INSTALL_REF", "v0.1.0 --upgrade", "INSTALL_REF must be a branch or tag name"),
    ],
)
def test_mistyped_constants_are_reported(monkeypatch, name, value, message):
    monkeypatch.setattr(colab, name, value)
    with pytest.raises(ValueError, match=message):
        colab.bootstrap_cell_source()
    with pytest.raises(ValueError, match=message):
        colab.badge_url("notebooks/01_ann_basics.ipynb")


@pytest.mark.parametrize(
    "path",
    ["notebooks/01_ann_basics.ipynb", REPO / "notebooks" / "01_ann_basics.ipynb", "./notebooks/01_ann_basics.ipynb"],
)
def test_badge_url_points_at_the_notebook_on_the_branch(path):
    assert colab.badge_url(path) == (
        f"https://colab.research.google.com/github/{colab.REPOSITORY}/blob/{colab.BRANCH}/notebooks/01_ann_basics.ipynb"
    )


@pytest.mark.parametrize(
    "path",
    ["notebooks/extras/05b_convolution_in_depth.ipynb", REPO / "notebooks/extras/05b_convolution_in_depth.ipynb"],
)
def test_badge_url_of_a_companion_notebook_keeps_the_extras_folder(path):
    assert colab.badge_url(path).endswith(f"/blob/{colab.BRANCH}/notebooks/extras/05b_convolution_in_depth.ipynb")


def test_badge_url_follows_repository_and_branch(monkeypatch):
    monkeypatch.setattr(colab, "REPOSITORY", "someone/fork")
    monkeypatch.setattr(colab, "BRANCH", "v0.2.0")
    assert colab.badge_url("notebooks/10_ann_vs_cnn.ipynb") == (
        "https://colab.research.google.com/github/someone/fork/blob/v0.2.0/notebooks/10_ann_vs_cnn.ipynb"
    )


@pytest.mark.parametrize(
    "path",
    [
        "01_ann_basics.ipynb",
        "docs/01_ann_basics.ipynb",
        "notebooks/1_ann_basics.ipynb",
        "notebooks/01-ann-basics.ipynb",
        "notebooks/01_ANN_basics.ipynb",
        "notebooks/01_ann_basics.py",
        "notebooks/",
        "notebooks/05b_convolution_in_depth.ipynb",
        "notebooks/extras/05_convolution.ipynb",
    ],
)
def test_badge_url_rejects_paths_that_are_not_course_notebooks(path):
    with pytest.raises(ValueError, match=r"is not a course notebook path: expected notebooks/NN_name\.ipynb"):
        colab.badge_url(path)


def test_badge_url_rejects_non_paths():
    with pytest.raises(TypeError, match="notebook_path must be a str or path, got int"):
        colab.badge_url(1)


def test_badge_markdown_is_the_standard_badge_and_round_trips():
    markdown = colab.badge_markdown("notebooks/05_convolution.ipynb")
    assert markdown == (
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{colab.REPOSITORY}/blob/{colab.BRANCH}/notebooks/05_convolution.ipynb)"
    )
    cell = f"# Convolution\n\n{markdown}\n\n**Purpose:** see (https://example.org) too."
    assert colab.badge_url_in(cell) == colab.badge_url("notebooks/05_convolution.ipynb")
    assert colab.badge_url_in(cell) != colab.badge_url("notebooks/06_pooling.ipynb")


def test_badge_url_in_reads_colab_html_badges_and_reports_absent_ones():
    url = "https://colab.research.google.com/github/a/b/blob/main/notebooks/02_x.ipynb"
    html = f'<a href="{url}" target="_parent"><img src="{colab.BADGE_IMAGE}" alt="Open In Colab"/></a>'
    assert colab.badge_url_in(html) == url
    assert colab.badge_url_in("# Title\n\nNo badge, only " + colab.BADGE_IMAGE) is None
    with pytest.raises(TypeError, match="markdown must be the cell's text as a str, got list"):
        colab.badge_url_in(["# Title"])


def test_colab_metadata_requests_a_gpu_and_is_plain_json():
    assert json.loads(json.dumps(colab.COLAB_METADATA)) == {
        "accelerator": "GPU",
        "colab": {"gpuType": "T4", "provenance": []},
    }
