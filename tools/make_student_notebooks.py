"""Make the student notebooks: solutions removed, answers replaced by starters, outputs cleared.

The notebooks in ``notebooks/`` are the instructor's versions. Answers live in two kinds of cell:

* **Solution cells.** Every cell from the ``## Solutions`` heading on is tagged ``solution``
  (the heading too). The student copy drops them.
* **Answer cells** of "write it yourself" exercises, in the ``## Exercises`` section: a code
  cell tagged ``answer`` whose source is the instructor's solution and whose metadata holds
  what the students get instead, the *starter* (signature, docstring, ``...``), at
  ``cell.metadata["course"]["starter"]``. The cell right after it is the *checker cell*, a
  code cell tagged neither ``answer`` nor ``solution``, that calls a checker from
  ``course_utils.checkers``, e.g. ``check_correlate2d(correlate2d)``; the checker is imported
  in the notebook's ``## Setup`` section, and the two cells use nothing else defined outside
  it. The instructor notebook shows "✓ ... passed"; a student copy shows "✗ not yet: ..."
  until the student writes the answer. ``add_exercise`` inserts such a pair, so nobody
  writes the metadata by hand; ``exercise_problems`` lists the breaches of these rules (the
  notebook checks run it, and no student copy is made from a notebook that breaks them).

A student copy is the instructor notebook with

1. every answer cell's source replaced by its starter (the ``answer`` tag stays, the
   starter metadata goes) and the checker cells kept;
2. the Open-in-Colab badge replaced by a note on opening the copy on Colab (see below);
3. nbconvert's preprocessors applied: ``TagRemovePreprocessor`` drops the ``solution`` cells
   and the ``check`` cells (the proof of the lesson's claims, which the instructor's copy keeps),
   ``ClearOutputPreprocessor`` empties outputs and execution counts, and
   ``ClearMetadataPreprocessor`` drops the traces a run leaves in code cells' metadata,
   keeping their ``tags`` and ``slideshow``; the notebook's metadata (kernel, Colab GPU) stays.

The badge of an instructor notebook opens that notebook, solutions included, on GitHub.
The copies are handed out as files (``build/`` is not committed) and are published nowhere a
badge could point to, so the copy drops the badge and says instead how to open the file on
Colab (*File → Upload notebook*). Its first code cell, the Colab bootstrap, installs
``course_utils`` there just as for the instructor notebook.

    python tools/make_student_notebooks.py                     # all notebooks -> build/student
    python tools/make_student_notebooks.py notebooks/05_convolution.ipynb --output /tmp/student
    python tools/make_student_notebooks.py --execute-exercises # + run Setup and exercise cells (seconds)
    python tools/make_student_notebooks.py --execute           # + run every copy top to bottom (minutes)

Both ``--execute`` options fail unless every cell runs without an error and every checker
of a copy answers "not yet" to its starter.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import NotebookExporter
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from course_utils import colab
from course_utils.checkers import NOT_YET_MARK

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package: reach its modules
from notebook_files import ANSWER_TAG, CHECK_TAG, COMPANION_DIR, NOTEBOOK_DIR, REPO, SOLUTION_TAG, find_notebooks

DEFAULT_OUTPUT = REPO / "build" / "student"
COURSE_METADATA = "course"  # cell.metadata["course"]["starter"] holds an answer cell's starter
STARTER_KEY = "starter"
SETUP_HEADING, EXERCISES_HEADING, SOLUTIONS_HEADING = "## Setup", "## Exercises", "## Solutions"
CHECKER_CALL = re.compile(r"^(check_\w+)\(", re.M)
KEPT_CELL_METADATA = {"tags", "slideshow"}
COLAB_BADGE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\(" + re.escape(colab.COLAB_GITHUB_PREFIX) + r"[^)]*\)")
OPEN_ON_COLAB = (
    "**On Colab:** open [colab.research.google.com](https://colab.research.google.com), choose "
    "*File → Upload notebook* and pick this file; its first code cell installs the course."
)
RESET_NAMESPACE = "%reset -f"  # between notebooks run in one kernel: no name leaks from one to the next
DEFAULT_CELL_TIMEOUT = 600


# ---------------------------------------------------------------------------------------------
# The exercise convention
# ---------------------------------------------------------------------------------------------


def has_tag(cell: nbformat.NotebookNode, tag: str) -> bool:
    """Whether ``cell`` carries the tag ``tag``."""
    return tag in cell.get("metadata", {}).get("tags", [])


def starter_of(cell: nbformat.NotebookNode) -> str | None:
    """The starter stored in an answer cell's metadata, or None."""
    return cell.get("metadata", {}).get(COURSE_METADATA, {}).get(STARTER_KEY)


def checker_called(cell: nbformat.NotebookNode) -> str | None:
    """The ``check_...`` function a checker cell calls, or None if the cell is not a checker cell."""
    if cell.cell_type != "code" or any(has_tag(cell, tag) for tag in (ANSWER_TAG, SOLUTION_TAG, CHECK_TAG)):
        return None
    call = CHECKER_CALL.search(cell.source)
    return call.group(1) if call else None


def heading_index(notebook: nbformat.NotebookNode, heading: str) -> int | None:
    """Index of the first Markdown cell that starts with ``heading``, or None."""
    return next(
        (
            i
            for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "markdown" and cell.source.startswith(heading)
        ),
        None,
    )


def section_cells(notebook: nbformat.NotebookNode, heading: str) -> list[nbformat.NotebookNode]:
    """The cells after ``heading`` up to the next ``## `` heading; empty when the heading is missing."""
    start = heading_index(notebook, heading)
    if start is None:
        return []
    cells = []
    for cell in notebook.cells[start + 1 :]:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            break
        cells.append(cell)
    return cells


def answer_indices(notebook: nbformat.NotebookNode) -> list[int]:
    """Indices of the answer cells, in order."""
    return [i for i, cell in enumerate(notebook.cells) if has_tag(cell, ANSWER_TAG)]


def _starter_problem(cell: nbformat.NotebookNode) -> str | None:
    starter = starter_of(cell)
    if not isinstance(starter, str) or not starter.strip():
        return f"has no starter: store it in metadata['{COURSE_METADATA}']['{STARTER_KEY}'] (add_exercise does)"
    if starter.strip() == cell.source.strip():
        return "has a starter equal to its solution"
    try:
        ast.parse(starter)
    except SyntaxError as error:
        return f"has a starter that is not valid Python ({error.msg}, line {error.lineno})"
    return None


def exercise_problems(notebook: nbformat.NotebookNode) -> list[str]:
    """Every breach of the exercise convention (see the module docstring); empty when there is none."""
    cells = notebook.cells
    exercises, solutions = heading_index(notebook, EXERCISES_HEADING), heading_index(notebook, SOLUTIONS_HEADING)
    setup_code = "\n".join(cell.source for cell in section_cells(notebook, SETUP_HEADING) if cell.cell_type == "code")
    problems = []
    for i in answer_indices(notebook):
        where = f"answer cell {i}"
        if cells[i].cell_type != "code":
            problems.append(f"{where} is a {cells[i].cell_type} cell; only code cells can be answers")
        if exercises is None or solutions is None or not exercises < i < solutions:
            problems.append(f"{where} must lie between the '{EXERCISES_HEADING}' and '{SOLUTIONS_HEADING}' headings")
        starter_problem = _starter_problem(cells[i])
        if starter_problem:
            problems.append(f"{where} {starter_problem}")
        checker = checker_called(cells[i + 1]) if i + 1 < len(cells) else None
        if checker is None:
            problems.append(f"{where} must be followed by a checker cell that calls a check_... function")
        elif not re.search(rf"\b{checker}\b", setup_code):
            problems.append(f"{where}: import {checker} in the '{SETUP_HEADING}' section")
    return problems


def starter_from_solution(solution: str) -> str:
    """The starter of a function exercise: the solution's ``def`` line(s) and docstring, then ``...``.

    For a solution made of the lines ``def double(x):``, a docstring and ``return 2 * x``,
    the starter is the first two lines followed by ``...``, indented like the body.
    """
    tree = ast.parse(solution)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        raise ValueError("a starter can be derived only from a solution that is one function definition; pass starter=")
    function = tree.body[0]
    if ast.get_docstring(function) is None:
        raise ValueError(f"give {function.name} a docstring: the starter keeps it to tell students what to write")
    docstring = function.body[0]
    first_line = min([function.lineno, *(decorator.lineno for decorator in function.decorator_list)])
    kept = solution.splitlines()[first_line - 1 : docstring.end_lineno]
    return "\n".join([*kept, " " * docstring.col_offset + "..."])


def add_exercise(notebook: nbformat.NotebookNode, check: str, solution: str, starter: str | None = None) -> int:
    """Insert a "write it yourself" exercise at the end of the Exercises section; return the answer cell's index.

    ``solution`` is the instructor's answer, ``check`` the checker cell's source (e.g.
    ``"check_correlate2d(correlate2d)"``), ``starter`` what students get instead of the
    solution; it defaults to ``starter_from_solution(solution)`` for a function with a
    docstring. Write the exercise's Markdown text first: the pair lands after it, just
    before the ``## Solutions`` heading. Import the checker in the Setup section. Then
    store the outputs with ``tools/run_notebooks.py`` as for any other change::

        notebook = nbformat.read(path, as_version=4)
        add_exercise(notebook, "check_correlate2d(correlate2d)", solution_source)
        nbformat.write(notebook, path)
    """
    if not CHECKER_CALL.search(check):
        raise ValueError(f"check must call a check_... function on a line of its own, got {check!r}")
    solutions = heading_index(notebook, SOLUTIONS_HEADING)
    if heading_index(notebook, EXERCISES_HEADING) is None or solutions is None:
        raise ValueError(f"the notebook needs '{EXERCISES_HEADING}' and '{SOLUTIONS_HEADING}' headings")
    starter = starter_from_solution(solution) if starter is None else starter
    answer = new_code_cell(solution, metadata={"tags": [ANSWER_TAG], COURSE_METADATA: {STARTER_KEY: starter}})
    notebook.cells[solutions:solutions] = [answer, new_code_cell(check)]
    return solutions


# ---------------------------------------------------------------------------------------------
# Student copies
# ---------------------------------------------------------------------------------------------


def student_exporter() -> NotebookExporter:
    """A notebook-to-notebook exporter that drops solution and check cells, outputs and run traces."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {SOLUTION_TAG, CHECK_TAG}
    config.ClearOutputPreprocessor.enabled = True
    config.ClearMetadataPreprocessor.enabled = True
    config.ClearMetadataPreprocessor.clear_notebook_metadata = False
    config.ClearMetadataPreprocessor.preserve_cell_metadata_mask = KEPT_CELL_METADATA
    return NotebookExporter(config=config)


def use_starters(notebook: nbformat.NotebookNode) -> None:
    """Replace every answer cell's solution by its starter, in place."""
    for i in answer_indices(notebook):
        cell = notebook.cells[i]
        cell.source = starter_of(cell)
        del cell.metadata[COURSE_METADATA]


def replace_colab_badge(notebook: nbformat.NotebookNode) -> None:
    """Swap the Open-in-Colab badge for a note on uploading the copy to Colab, in place.

    Raises ``ValueError`` when any other cell still links to a notebook on Colab.
    """
    if notebook.cells and notebook.cells[0].cell_type == "markdown":
        notebook.cells[0].source = COLAB_BADGE.sub(OPEN_ON_COLAB, notebook.cells[0].source)
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown" and colab.badge_url_in(cell.source):
            raise ValueError(f"cell {i} links to {colab.badge_url_in(cell.source)}: remove the link")


def student_version(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version of an instructor notebook; the argument is not changed.

    Raises ``ValueError`` listing the problems when the notebook breaks the exercise
    convention, since a copy made from it could hand out a solution.
    """
    problems = exercise_problems(notebook)
    if problems:
        raise ValueError("; ".join(problems))
    notebook = copy.deepcopy(notebook)
    use_starters(notebook)
    replace_colab_badge(notebook)
    text, _ = student_exporter().from_notebook_node(notebook)
    return nbformat.reads(text, as_version=4)


def make_student_notebooks(paths: list[Path], output_dir: Path) -> list[Path]:
    """Write the student version of each notebook into ``output_dir`` under the same name.

    Companion notebooks go to ``output_dir/extras/``, as in the course, so that a lesson's link
    to its companion still works in the copies.
    """
    written = []
    for path in paths:
        try:
            student = student_version(nbformat.read(path, as_version=4))
        except ValueError as error:
            raise ValueError(f"{path.name}: {error}") from error
        target = output_dir / path.name
        if path.resolve().parent == COMPANION_DIR.resolve():
            target = output_dir / COMPANION_DIR.name / path.name
        if target.resolve() == path.resolve():
            raise ValueError(f"{path.name}: the student copy would overwrite it; choose another --output folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(student, target)
        written.append(target)
    return written


# ---------------------------------------------------------------------------------------------
# Running the exercises
# ---------------------------------------------------------------------------------------------


def output_text(cell: nbformat.NotebookNode) -> str:
    """What a code cell showed: printed text, the value of its last line, or the error it raised."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def _raised(cell: nbformat.NotebookNode) -> bool:
    return any(output.output_type == "error" for output in cell.get("outputs", []))


def verdict_problems(notebook: nbformat.NotebookNode, expected_mark: str) -> list[str]:
    """Problems of an executed notebook: cells that raised, and checker verdicts that do not start
    with ``expected_mark`` ("✗ not yet" for a student copy, "✓" for an instructor notebook)."""
    problems = [
        f"cell {(cell.source.splitlines() or [''])[0]!r} raised {output_text(cell)}"
        for cell in notebook.cells
        if _raised(cell)
    ]
    for i in answer_indices(notebook):
        answer, checker = notebook.cells[i], notebook.cells[i + 1]
        verdict = output_text(checker)
        if not _raised(answer) and not _raised(checker) and not verdict.startswith(expected_mark):
            problems.append(f"{checker.source.strip()!r} says {verdict.strip()!r}, not {expected_mark!r}")
    return problems


def exercise_run(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Copies of the cells that run a notebook's exercises: the Setup section's code, then each
    answer cell and its checker cell. Empty for a notebook without exercises."""
    indices = answer_indices(notebook)
    if not indices:
        return []
    setup = [cell for cell in section_cells(notebook, SETUP_HEADING) if cell.cell_type == "code"]
    pairs = [notebook.cells[j] for i in indices for j in (i, i + 1)]
    return copy.deepcopy(setup + pairs)


def run_exercises(
    notebooks: dict[str, nbformat.NotebookNode], cell_timeout: int = DEFAULT_CELL_TIMEOUT
) -> dict[str, nbformat.NotebookNode]:
    """Run the Setup and exercise cells of several notebooks in ONE kernel; return each one's executed cells.

    Much faster than running the notebooks: TensorFlow is imported once, and nothing else
    runs. The kernel's namespace is reset before each notebook, so an exercise that relies on
    a name its own notebook does not define fails here as it would for a student. Errors are
    recorded in the cells' outputs (see ``verdict_problems``); notebooks without exercises
    are left out.
    """
    runs = {name: exercise_run(notebook) for name, notebook in notebooks.items()}
    runs = {name: cells for name, cells in runs.items() if cells}
    if not runs:
        return {}
    combined = new_notebook(
        cells=[cell for cells in runs.values() for cell in [new_code_cell(RESET_NAMESPACE), *cells]]
    )
    NotebookClient(
        combined,
        timeout=cell_timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    ).execute()
    executed, start = {}, 0
    for name, cells in runs.items():
        start += 1  # the reset cell
        executed[name] = new_notebook(cells=combined.cells[start : start + len(cells)])
        start += len(cells)
    return executed


def execute_copy(path: Path, cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> list[str]:
    """Run a student copy top to bottom in a fresh kernel (not saved); return what went wrong."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=cell_timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except CellExecutionError as failure:
        return [f"a cell raised {failure.ename}: {failure.evalue}"]
    return verdict_problems(notebook, NOT_YET_MARK)


def report(results: dict[str, list[str]], copies: dict[str, nbformat.NotebookNode]) -> bool:
    """Print one line per student copy; return True when all are fine."""
    for name, problems in results.items():
        checkers = len(answer_indices(copies[name]))
        print(f"{name}: " + ("; ".join(problems) if problems else f"ok, {checkers} checker(s) say not yet"))
    return not any(results.values())


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line: notebooks, output folder, and what to execute."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="instructor notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the student notebooks")
    execute = parser.add_mutually_exclusive_group()
    execute.add_argument(
        "--execute-exercises", action="store_true", help="run the Setup and exercise cells of every copy, one kernel"
    )
    execute.add_argument("--execute", action="store_true", help="run every copy top to bottom (not saved)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 on success, 1 for a notebook that breaks the rules or fails to run, 2 if missing."""
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    paths = find_notebooks(arguments.notebooks)
    if paths is None:
        return 2
    try:
        written = make_student_notebooks(paths, arguments.output)
    except ValueError as error:
        print(f"no student copies written: {error}", file=sys.stderr)
        return 1
    print(f"{len(written)} student notebooks written to {arguments.output}")
    os.environ.setdefault("COURSE_PROFILE", "fast")  # as for the instructor notebooks' stored outputs
    os.environ.setdefault("COURSE_DATA", "subset")
    copies = {path.name: nbformat.read(path, as_version=4) for path in written}
    if arguments.execute_exercises:
        executed = run_exercises(copies)
        return 0 if report({name: verdict_problems(nb, NOT_YET_MARK) for name, nb in executed.items()}, copies) else 1
    if arguments.execute:
        results = {}
        for path in written:
            start = time.perf_counter()
            results[path.name] = execute_copy(path)
            print(f"ran {path.name} in {time.perf_counter() - start:.0f} s", flush=True)
        return 0 if report(results, copies) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
