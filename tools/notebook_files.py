"""What the course's command-line tools share: where the notebooks are, and which to use.

tools/ is not a package; each tool puts this folder on ``sys.path`` to import this module.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
# Optional companion notebooks (deep dives that do not fit a class), e.g. extras/05b_….ipynb.
COMPANION_DIR = NOTEBOOK_DIR / "extras"
# Cell tags of the instructor's code: an exercise's solution, and the answer of a "write it
# yourself" exercise (its student copy gets a starter). Student copies and decks leave both out.
SOLUTION_TAG = "solution"
ANSWER_TAG = "answer"
# Cell tag of a check cell: the proof beside a teaching cell (asserts, calibration notes,
# tolerances). nbval runs it like any other cell; JupyterLab shows it collapsed and Colab as a
# collapsed form (CHECK_CELL_METADATA, set by the runner); slides and student copies leave it out.
CHECK_TAG = "check"
CHECK_TITLE = "# @title "  # the first line of a check cell: Colab shows the rest as the form's title
CHECK_CELL_METADATA = {"jupyter": {"source_hidden": True}, "cellView": "form"}


def is_check_cell(cell) -> bool:
    """Whether ``cell`` (a notebook cell) is a check cell, tagged ``check``."""
    return CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def collapse_check_cells(notebook) -> None:
    """Give every check cell of ``notebook`` the metadata that shows it collapsed, in place."""
    for cell in notebook.cells:
        if is_check_cell(cell):
            cell.metadata.update(CHECK_CELL_METADATA)


def course_notebooks() -> list[Path]:
    """Every notebook of the course: the numbered lessons, then their companions in ``extras/``."""
    lessons = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    return lessons + sorted(COMPANION_DIR.glob("[0-9][0-9][a-z]_*.ipynb"))


def find_notebooks(requested: list[Path]) -> list[Path] | None:
    """The notebooks named on the command line, or all course notebooks if none are named.

    Prints which are missing and returns None when a named notebook does not exist, so a
    tool can stop with exit code 2 instead of failing halfway through.
    """
    paths = requested or course_notebooks()
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return None
    return paths
