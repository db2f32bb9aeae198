"""Checks on the stored notebooks that nbval itself does not make."""

import ast
import configparser
import copy
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from tool_loader import load_tool

from course_utils import colab
from course_utils.checkers import PASSED_MARK

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
NOTEBOOKS = load_tool("notebook_files").course_notebooks()  # the lessons, then their companions in extras/
# The lecture notes are "the lecture notes" to students, never the names of their source files.
SOURCE_FILE_NAMES = re.compile(r"seed 00[0-4]|the seed's|the seeds|\bdecks?\b|\bseeds? [0-9]\b", re.I)
TENSORFLOW_LOG_LINE = re.compile(
    r"^[IWEF]\d{4} \d\d:\d\d:|absl::InitializeLog|oneDNN custom operations|^WARNING:tensorflow:", re.M
)


def load_run_notebooks():
    return load_tool("run_notebooks")


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def test_opens_with_title_objectives_and_run_time(notebook):
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    assert len(re.findall(r"^# ", first.source, re.M)) == 1, "exactly one H1 title in the first cell"
    for part in ("**Purpose:**", "**You will learn to**", "**Run time:**"):
        assert part in first.source


def readme_run_times():
    """The README's table of notebooks: {notebook file name: measured run time in seconds}."""
    rows = re.findall(r"^\| \w+ \| \[[^]]+\]\(notebooks/(?:extras/)?([\w.]+\.ipynb)\).*\| (\d+) s \|$", README, re.M)
    return {name: int(seconds) for name, seconds in rows}


def test_readme_lists_every_notebook_with_its_run_time():
    assert sorted(readme_run_times()) == sorted(path.name for path in NOTEBOOKS)


def test_run_time_in_the_notebook_is_the_readme_time_rounded(notebook, notebook_path):
    measured = readme_run_times()[notebook_path.name]
    stated = int(re.search(r"\*\*Run time:\*\* about (\d+) s ", notebook.cells[0].source).group(1))
    assert stated == 5 * round(measured / 5), f"the README measured {measured} s: say about {5 * round(measured / 5)} s"


def test_first_code_cell_is_the_colab_bootstrap_then_setup(notebook):
    first, second = code_cells(notebook)[:2]
    assert first.source == colab.bootstrap_cell_source(), "paste course_utils.colab.bootstrap_cell_source()"
    assert first.outputs == [], "the bootstrap prints nothing outside Colab"
    assert second.source.startswith("import course_utils") and "course_utils.setup(" in second.source


def test_badge_opens_this_very_notebook(notebook_path):
    first = nbformat.read(notebook_path, as_version=4).cells[0]
    assert colab.badge_url_in(first.source) == colab.badge_url(notebook_path.relative_to(REPO))


def test_colab_asks_for_a_gpu(notebook):
    for key, value in colab.COLAB_METADATA.items():
        assert notebook.metadata.get(key) == value


def is_lesson(notebook_path: Path) -> bool:
    """A numbered lesson, as opposed to an optional companion notebook in notebooks/extras/."""
    return notebook_path.parent.name == "notebooks"


def test_has_summary_quiz_exercises_and_tagged_solutions(notebook, notebook_path):
    """Lessons end with Summary, Exercises, quiz, Solutions; companions may leave the quiz out.

    The quiz comes after the exercises, so that no question gives away what an exercise asks
    students to find out.
    """
    headings = [line for cell in notebook.cells if cell.cell_type == "markdown" for line in cell.source.splitlines()]
    order = ["## Summary", "## Exercises", "## Self-check quiz", "## Solutions"]
    if not is_lesson(notebook_path):
        order.remove("## Self-check quiz")
    positions = [next(i for i, line in enumerate(headings) if line.startswith(h)) for h in order]
    assert positions == sorted(positions), f"sections must come in the order {order}"
    solutions_start = next(i for i, c in enumerate(notebook.cells) if c.source.startswith("## Solutions"))
    assert all("solution" in cell.metadata.get("tags", []) for cell in notebook.cells[solutions_start:])
    assert not any("solution" in cell.metadata.get("tags", []) for cell in notebook.cells[:solutions_start])
    quiz_cells = [cell for cell in code_cells(notebook) if cell.source.startswith("show_quiz(")]
    if is_lesson(notebook_path):
        assert len(quiz_cells) == 1 and quiz_cells[0].source == f'show_quiz("{notebook_path.stem}")'


def test_every_lesson_has_a_checked_write_it_yourself_exercise(notebook, notebook_path):
    if is_lesson(notebook_path):
        answers = [cell for cell in code_cells(notebook) if "answer" in cell.metadata.get("tags", [])]
        assert answers, "add a 'write it yourself' exercise with a checker (tools/make_student_notebooks.add_exercise)"


def names_defined_by(source: str) -> set[str]:
    """Names a cell binds at its top level: functions, classes, assignments and imports."""
    python = "\n".join(  # IPython's %magics and !commands become `pass`, so that the cell parses as Python
        line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
        for line in source.splitlines()
    )
    names = set()
    for node in ast.parse(python).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name))
    return names


def test_an_answer_never_shadows_a_name_the_lesson_defines_or_imports(notebook):
    """A student's answer must not replace a helper the lesson uses: re-running an earlier cell would break."""
    answers = [cell for cell in code_cells(notebook) if "answer" in cell.metadata.get("tags", [])]
    others = [cell for cell in code_cells(notebook) if cell not in answers]
    taken = set().union(*(names_defined_by(cell.source) for cell in others))
    for answer in answers:
        shadowed = names_defined_by(answer.source) & taken
        assert not shadowed, (
            f"the answer cell redefines {sorted(shadowed)}, which the notebook already defines or imports"
        )


def test_students_read_about_the_lecture_notes_not_source_files(notebook):
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            found = SOURCE_FILE_NAMES.search(" ".join(cell.source.split()))
            assert not found, f"cell {index} says {found.group(0)!r}: call the source 'the lecture notes'"


@pytest.fixture(scope="module")
def student_tool():
    return load_tool("make_student_notebooks")


def test_exercise_cells_follow_the_convention(notebook, student_tool):
    """Answer cells (tagged "answer") sit in the Exercises section, carry a starter and are followed by a
    checker cell whose check_... function the Setup section imports (tools/make_student_notebooks.py)."""
    assert student_tool.exercise_problems(notebook) == []


def test_stored_checker_verdicts_say_passed(notebook, student_tool):
    """nbval compares outputs only: a stored "not yet" under the instructor's answer would pass it."""
    assert student_tool.verdict_problems(notebook, PASSED_MARK) == []


def test_slide_metadata_is_current(notebook):
    expected = copy.deepcopy(notebook)
    load_tool("slides").assign_slide_types(expected)
    assert [cell.metadata.get("slideshow") for cell in notebook.cells] == [
        cell.metadata.get("slideshow") for cell in expected.cells
    ], "run tools/run_notebooks.py to refresh the slide metadata"


def test_ruff_passes_on_notebooks():
    for command in (["check", "notebooks"], ["format", "--check", "notebooks"]):
        result = subprocess.run([sys.executable, "-m", "ruff", *command], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


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
    assert "| 01_a.ipynb | 12.0 | 0 | 0 | ok |" in table
    assert "| 02_b.ipynb | 75.0 | 0 | 0 | TOO SLOW (budget 60 s) |" in table
    assert "| 03_c.ipynb | 3.0 | 0 | 0 | FAILED: AssertionError: accuracy 0.5 |" in table
    assert table.endswith("| total | 90.0 | | | |")


def test_timing_tool_refuses_missing_notebooks(capsys):
    assert load_run_notebooks().main(["notebooks/99_missing.ipynb"]) == 2
    assert "no such notebook" in capsys.readouterr().err
