"""Checks on the stored notebooks that nbval itself does not make."""

import configparser
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TENSORFLOW_LOG_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:|absl::InitializeLog|oneDNN custom operations", re.M)


def load_run_notebooks():
    spec = importlib.util.spec_from_file_location("run_notebooks", REPO / "tools" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_notebooks"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.fixture(params=NOTEBOOKS, ids=lambda path: path.name)
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def test_opens_with_title_objectives_and_run_time(notebook):
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert len(re.findall(r"^# ", first.source, re.M)) == 1, "exactly one H1 title in the first cell"
    for part in ("**Purpose:**", "**You will learn to**", "**Run time:**"):
        assert part in first.source


def test_first_code_cell_calls_setup(notebook):
    assert "course_utils.setup(" in code_cells(notebook)[0].source


def test_ends_with_summary_and_exercises(notebook):
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "## Summary" in markdown and "## Exercises" in markdown


def test_outputs_are_clean_and_complete(notebook):
    cells = code_cells(notebook)
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1)), "run top to bottom once"
    for cell in cells:
        for output in cell.outputs:
            assert output.output_type != "error", f"stored error in cell:\n{cell.source}"
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not TENSORFLOW_LOG_LINE.search(text), f"TensorFlow log line stored:\n{text}"
            assert output.get("name") != "stderr", f"stderr stored in cell:\n{cell.source}\n{text}"


def test_kernelspec_is_python3_and_metadata_is_clean(notebook):
    assert notebook.metadata.kernelspec.name == "python3"
    assert "widgets" not in notebook.metadata, "widget state changes on every run; run tools/run_notebooks.py"


def test_sanitizer_pairs_are_complete():
    config = configparser.ConfigParser()
    config.read(REPO / "tests" / "nbval_sanitize.cfg")
    assert config.sections()
    for section in config.sections():
        assert config[section].get("regex"), f"[{section}] has no regex"
        assert config[section].get("replace", "").strip(), f"[{section}] has an empty replace (nbval ignores it)"


def test_timing_table_flags_failures_and_slow_notebooks():
    run_notebooks = load_run_notebooks()
    results = [
        run_notebooks.RunResult(Path("01_a.ipynb"), 12.0),
        run_notebooks.RunResult(Path("02_b.ipynb"), 75.0),
        run_notebooks.RunResult(Path("03_c.ipynb"), 3.0, "AssertionError: accuracy 0.5"),
    ]
    table = run_notebooks.format_table(results, max_seconds=60)
    assert "| 01_a.ipynb | 12.0 | ok |" in table
    assert "| 02_b.ipynb | 75.0 | TOO SLOW (budget 60 s) |" in table
    assert "| 03_c.ipynb | 3.0 | FAILED: AssertionError: accuracy 0.5 |" in table
    assert table.endswith("| total | 90.0 | |")


def test_timing_tool_refuses_missing_notebooks(capsys):
    assert load_run_notebooks().main(["notebooks/99_missing.ipynb"]) == 2
    assert "no such notebook" in capsys.readouterr().err
