"""The Colab support of issue 6: badges, the bootstrap cell (run against a faked Colab), metadata."""

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from course_utils import colab

REPO = Path(__file__).resolve().parents[1]


class RecordedRuns:
    """A stand-in for ``subprocess.run`` that records each command instead of running it."""

    def __init__(self):
        self.calls = []

    def __call__(self, command, **kwargs):
        self.calls.append((command, kwargs))
        return subprocess.CompletedProcess(command, 0)


@pytest.fixture
def runs(monkeypatch):
    recorder = RecordedRuns()
    monkeypatch.setattr(subprocess, "run", recorder)
    monkeypatch.setenv("COURSE_DATA_DIR", "value before the cell")  # restored after the test
    return recorder


@pytest.fixture
def on_colab(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))


def run_bootstrap():
    exec(colab.bootstrap_cell_source(), {"__name__": "__main__"})


def test_bootstrap_clones_the_pinned_ref_installs_without_upgrading_and_sets_the_data_folder(
    runs, on_colab, monkeypatch, capsys
):
    monkeypatch.setattr("os.path.isdir", lambda path: False)
    run_bootstrap()
    assert runs.calls == [
        (
            [
                "git",
                "-c",
                "advice.detachedHead=false",
                "clone",
                "-q",
                "--depth",
                "1",
                "--branch",
                colab.INSTALL_REF,
                f"https://github.com/{colab.REPOSITORY}.git",
                "/content/cnn-course",
            ],
            {"check": True},
        ),
        ([sys.executable, "-m", "pip", "install", "-q", "/content/cnn-course"], {"check": True}),
    ]
    assert os.environ["COURSE_DATA_DIR"] == "/content/cnn-course/data"
    assert capsys.readouterr().out == (
        f"Colab: installed course_utils from {colab.REPOSITORY} at {colab.INSTALL_REF}; "
        "data in /content/cnn-course/data\n"
    )


def test_bootstrap_reuses_an_existing_clone(runs, on_colab, monkeypatch, tmp_path, capsys):
    clone = tmp_path / "cnn-course"
    clone.mkdir()
    monkeypatch.setattr(colab, "CLONE_DIR", str(clone))
    run_bootstrap()
    assert runs.calls == [([sys.executable, "-m", "pip", "install", "-q", str(clone)], {"check": True})]
    assert os.environ["COURSE_DATA_DIR"] == f"{clone}/data"
    assert (
        capsys.readouterr().out
        == f"Colab: installed course_utils from the existing clone {clone}; data in {clone}/data\n"
    )


def test_bootstrap_follows_the_constants(runs, on_colab, monkeypatch, tmp_path):
    monkeypatch.setattr(colab, "REPOSITORY", "someone/fork")
    monkeypatch.setattr(colab, "INSTALL_REF", "v9.9.9")
    monkeypatch.setattr(colab, "CLONE_DIR", str(tmp_path / "absent"))
    run_bootstrap()
    clone_command = runs.calls[0][0]
    assert clone_command[-3:] == ["v9.9.9", "https://github.com/someone/fork.git", str(tmp_path / "absent")]


def test_bootstrap_does_nothing_outside_colab(runs, monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    run_bootstrap()
    assert runs.calls == []
    assert capsys.readouterr() == ("", "")
    assert os.environ["COURSE_DATA_DIR"] == "value before the cell"


def test_a_failing_command_stops_the_bootstrap(on_colab, monkeypatch):
    def fail(command, **kwargs):
        assert kwargs == {"check": True}
        raise subprocess.CalledProcessError(128, command)

    monkeypatch.setattr(subprocess, "run", fail)
    monkeypatch.setattr("os.path.isdir", lambda path: False)
    with pytest.raises(subprocess.CalledProcessError):
        run_bootstrap()


def test_bootstrap_source_is_a_clean_notebook_cell():
    source = colab.bootstrap_cell_source()
    assert not source.endswith("\n") and source.startswith("# Colab only:")
    assert "import course_utils" not in source and "from course_utils" not in source  # not installed yet on Colab
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--config", str(REPO / "pyproject.toml"), "-"],
            input=source + "\n",
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_install_ref_is_the_released_version():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert f"v{version}" == colab.INSTALL_REF, "tag the release and set INSTALL_REF to it in course_utils/colab.py"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REPOSITORY", "cnn-course", "REPOSITORY must look like 'owner/name'"),
        ("BRANCH", "main branch", "BRANCH must be a branch or tag name"),
        ("INSTALL_REF", "3f2a9c1", "git clone --branch does not accept commit hashes"),
        ("CLONE_DIR", "content/cnn-course", "CLONE_DIR must be an absolute path"),
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
