"""One lesson fits one class: the numbered notebooks stay within the runner's length limits."""

import re
from pathlib import Path

import nbformat
import pytest
from tool_loader import load_tool

run_notebooks = load_tool("run_notebooks")
notebook_files = load_tool("notebook_files")
LESSONS = sorted(notebook_files.NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def make_notebook(markdown: list[str], code_cells: int = 0) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell(text) for text in markdown]
    cells += [nbformat.v4.new_code_cell("print(1)") for _ in range(code_cells)]
    return nbformat.v4.new_notebook(cells=cells)


def test_lesson_length_counts_markdown_words_and_all_cells():
    notebook = make_notebook(["# Title\nTwo words", "three more words here"], code_cells=2)
    assert run_notebooks.lesson_length(notebook) == (7, 4)


@pytest.mark.parametrize(
    ("folder", "words", "cells", "too_long"),
    [
        ("notebooks", run_notebooks.MAX_LESSON_WORDS, run_notebooks.MAX_LESSON_CELLS, False),
        ("notebooks", run_notebooks.MAX_LESSON_WORDS + 1, 10, True),
        ("notebooks", 100, run_notebooks.MAX_LESSON_CELLS + 1, True),
        ("extras", run_notebooks.MAX_LESSON_WORDS + 1, run_notebooks.MAX_LESSON_CELLS + 1, False),
    ],
)
def test_only_numbered_lessons_over_a_limit_are_too_long(folder, words, cells, too_long):
    result = run_notebooks.RunResult(Path(folder) / "05b_x.ipynb", 1.0, None, words, cells)
    assert result.too_long_for_a_class is too_long


def test_the_table_flags_a_lesson_that_is_too_long():
    result = run_notebooks.RunResult(Path("notebooks/05_x.ipynb"), 1.0, None, 3_000, 70)
    table = run_notebooks.format_table([result], max_seconds=60)
    assert "| 3,000 | 70 |" in table and "TOO LONG" in table


def test_companion_notebooks_are_found_after_the_lessons():
    found = notebook_files.course_notebooks()
    assert found[: len(LESSONS)] == LESSONS
    assert all(path.parent == notebook_files.COMPANION_DIR for path in found[len(LESSONS) :])


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_every_lesson_fits_one_class(path):
    words, cells = run_notebooks.lesson_length(nbformat.read(path, as_version=4))
    assert words <= run_notebooks.MAX_LESSON_WORDS, f"{words:,} markdown words: move a deep dive to notebooks/extras/"
    assert cells <= run_notebooks.MAX_LESSON_CELLS, f"{cells} cells: move a deep dive to notebooks/extras/"


# ------------------------------------------------------------------------- the instructor guide's plans

GUIDE = notebook_files.REPO / "docs" / "instructor_guide.md"
CLASS_MINUTES = 75


def guide_lesson_sections() -> dict[str, str]:
    """The guide's section of each lesson, by its number ("01" ... "10")."""
    parts = re.split(r"^## (\d\d) · .*$", GUIDE.read_text(), flags=re.M)
    return {number: body.split("\n## ")[0] for number, body in zip(parts[1::2], parts[2::2], strict=True)}


@pytest.mark.parametrize("number", [path.name[:2] for path in LESSONS])
def test_each_lesson_plan_adds_up_and_fits_one_class(number):
    """The card, the plan's heading and the overview state the sum of the plan's minutes, at most 75."""
    body = guide_lesson_sections()[number]
    table = body.split("| section | min | what happens |")[1].split("\n\n")[0]
    rows = re.findall(r"^\| ([^|]+) \| (\d+) \|", table, re.M)
    total = sum(int(minutes) for _, minutes in rows)
    assert total <= CLASS_MINUTES, f"lesson {number}'s plan takes {total} minutes: cut or move a section"
    assert any(name.startswith("Exercises") for name, _ in rows) and any("quiz" in name for name, _ in rows)
    assert f"> **Card: {total} minutes**" in body and f"**Class plan: {total} minutes" in body
    for line in ("> - **Ask:**", "> - **Show:**", "> - **If late, cut**"):
        assert line in body, f"lesson {number}'s card lacks {line!r}"
    assert re.search(rf"^\| {number} \| [^|]+ \| {total} min \|", GUIDE.read_text(), re.M), "the overview table"
