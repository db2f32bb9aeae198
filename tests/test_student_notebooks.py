"""Tests for tools/make_student_notebooks.py: no solution reaches a student, no output is stored."""

import copy
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from tool_loader import load_tool

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


make_student_notebooks = load_tool("make_student_notebooks")


def is_solution(cell):
    return "solution" in cell.get("metadata", {}).get("tags", [])


def instructor_notebook():
    """An instructor notebook with executed code cells and solutions in code and markdown."""
    ran = new_code_cell(
        "print(2 + 2)",
        execution_count=1,
        outputs=[new_output("stream", name="stdout", text="4\n")],
        metadata={"tags": ["nbval-ignore-output"], "execution": {"iopub.execute_input": "2025-01-01T00:00:00Z"}},
    )
    plotted = new_code_cell(
        "x = 3\nx",
        execution_count=2,
        outputs=[new_output("execute_result", data={"text/plain": "3"}, execution_count=2)],
        metadata={"scrolled": True},
    )
    cells = [
        new_markdown_cell("# 01 · Demo\n\n**Purpose:** a test."),
        ran,
        plotted,
        new_markdown_cell("## Exercises\n1. Add 2 and 2.\n2. Explain why."),
        new_markdown_cell("### Solutions", metadata={"tags": ["solution"]}),
        new_code_cell(
            "answer = 2 + 2\nanswer",
            execution_count=3,
            outputs=[new_output("execute_result", data={"text/plain": "4"}, execution_count=3)],
            metadata={"tags": ["solution"]},
        ),
        new_markdown_cell("Because addition is addition.", metadata={"tags": ["exercise", "solution"]}),
        new_markdown_cell("Good luck!"),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.metadata["accelerator"] = "GPU"
    return notebook


def assert_is_student_version(student, instructor):
    """No solution cell, no output, no execution count; every other cell's source unchanged, in order."""
    assert not [cell for cell in student.cells if is_solution(cell)], "a solution cell reached the students"
    assert [cell.source for cell in student.cells] == [
        cell.source for cell in instructor.cells if not is_solution(cell)
    ]
    solutions = {cell.source.strip() for cell in instructor.cells if is_solution(cell) and cell.source.strip()}
    leaked = [cell.source for cell in student.cells if cell.source.strip() in solutions]
    assert not leaked, f"solution text in an untagged cell: {leaked}"
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


def test_student_version_drops_solutions_outputs_and_counts():
    instructor = instructor_notebook()
    untouched = copy.deepcopy(instructor)
    student = make_student_notebooks.student_version(instructor)
    assert instructor == untouched, "the instructor notebook must not change"
    assert_is_student_version(student, instructor)
    assert len(student.cells) == len(instructor.cells) - 3


def test_student_version_keeps_tags_and_notebook_metadata_but_not_run_traces():
    student = make_student_notebooks.student_version(instructor_notebook())
    ran, plotted = student.cells[1], student.cells[2]
    assert ran.metadata == {"tags": ["nbval-ignore-output"]}
    assert plotted.metadata == {}
    assert student.metadata.kernelspec.name == "python3" and student.metadata.accelerator == "GPU"


def test_command_writes_valid_student_notebooks(tmp_path, capsys):
    source = tmp_path / "instructor" / "01_demo.ipynb"
    source.parent.mkdir()
    nbformat.write(instructor_notebook(), source)
    assert make_student_notebooks.main([str(source), "--output", str(tmp_path / "student")]) == 0
    assert "1 student notebooks written" in capsys.readouterr().out
    student = nbformat.read(tmp_path / "student" / "01_demo.ipynb", as_version=4)
    nbformat.validate(student)
    assert_is_student_version(student, nbformat.read(source, as_version=4))


def test_missing_notebook_is_reported(tmp_path, capsys):
    assert make_student_notebooks.main([str(tmp_path / "99_missing.ipynb"), "--output", str(tmp_path)]) == 2
    assert "no such notebook" in capsys.readouterr().err


def test_course_notebooks_reach_students_without_solutions(tmp_path):
    assert NOTEBOOKS, "no notebooks found in notebooks/"
    assert make_student_notebooks.main(["--output", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.glob("*.ipynb")) == [path.name for path in NOTEBOOKS]
    for path in NOTEBOOKS:
        student = nbformat.read(tmp_path / path.name, as_version=4)
        nbformat.validate(student)
        assert_is_student_version(student, nbformat.read(path, as_version=4))
