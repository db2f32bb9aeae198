"""Execute the course notebooks top to bottom, store their outputs, and time them.

This is the only way stored outputs are made: a clean kernel per notebook, the shipped
data (``COURSE_DATA=subset`` unless ``--data`` says otherwise), and the seeds set by
``course_utils.setup()``. It prints a table of wall times and lesson lengths (markdown words
and cells) and fails when a notebook raises, runs longer than ``--max-seconds`` (60 s, the
course's hard limit on a 2-core CPU; the target is 45 s), or a numbered lesson is longer than
one class (``lesson_length``; companion notebooks in ``notebooks/extras/`` are exempt).

    python tools/run_notebooks.py                       # all notebooks, outputs written
    python tools/run_notebooks.py notebooks/01_ann_basics.ipynb --no-write   # time only
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from course_utils.colab import COLAB_METADATA

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package: reach its modules
from notebook_files import COMPANION_DIR, collapse_check_cells, find_notebooks, is_check_cell
from slides import assign_slide_types

DEFAULT_MAX_SECONDS = 60.0
# One lesson fits one 45-60 minute class: at most this much markdown and this many cells.
MAX_LESSON_WORDS = 2_200
MAX_LESSON_CELLS = 60
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass
class RunResult:
    """What happened to one notebook."""

    path: Path
    seconds: float
    error: str | None = None
    words: int = 0
    cells: int = 0

    @property
    def too_long_for_a_class(self) -> bool:
        """A numbered lesson over the class-length limits (companions in extras/ may be longer)."""
        is_lesson = self.path.parent.name != COMPANION_DIR.name
        return is_lesson and (self.words > MAX_LESSON_WORDS or self.cells > MAX_LESSON_CELLS)


def lesson_length(notebook: nbformat.NotebookNode) -> tuple[int, int]:
    """Markdown words and cells of a notebook: what a class has to read and step through.

    Check cells do not count: they are collapsed, and neither slides nor student copies show them.

    A word is any whitespace-separated token with a letter or digit in it, so Markdown syntax
    such as ``#``, ``-`` or ``|`` does not count.
    """
    words = sum(
        sum(any(character.isalnum() for character in token) for token in cell.source.split())
        for cell in notebook.cells
        if cell.cell_type == "markdown"
    )
    return words, sum(not is_check_cell(cell) for cell in notebook.cells)


def execute_notebook(path: Path, write: bool, cell_timeout: int) -> RunResult:
    """Run one notebook in a fresh kernel from its own folder; store the outputs if ``write``."""
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.pop("widgets", None)  # no widget state from an earlier interactive session
    notebook.metadata.update(copy.deepcopy(COLAB_METADATA))  # Colab opens it with a GPU runtime
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,  # widget ids are random: storing them would change the file on every run
        shutdown_kernel="immediate",  # the outputs are in `notebook` already: a graceful stop costs ~1 s more
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as failure:
        error = ANSI_ESCAPE.sub("", str(failure)).strip().splitlines()[-1]
    seconds = time.perf_counter() - start
    if write and error is None:
        merge_stream_outputs(notebook)
        drop_widget_views(notebook)
        assign_slide_types(notebook)  # after the run: the slide rules look at the new outputs
        collapse_check_cells(notebook)
        nbformat.write(notebook, path)
    return RunResult(path, seconds, error, *lesson_length(notebook))


def merge_stream_outputs(notebook: nbformat.NotebookNode) -> None:
    """Store consecutive pieces of stdout (or of stderr) as one output, as Jupyter shows them.

    A line printed piece by piece, such as the epoch counter of ``train_and_evaluate``
    (``cnn: epoch 1 2 3 4 5 | ...``), arrives as one stream message per piece; nbconvert's
    preprocessor joins them.
    """
    CoalesceStreamsPreprocessor().preprocess(notebook, {})


def drop_widget_views(notebook: nbformat.NotebookNode) -> None:
    """Keep only the text of widget outputs (quizzes, explorers).

    A stored widget view points at a model that no longer exists once the kernel is gone,
    so JupyterLab would show an error where the text fallback reads fine; its random model
    id would also change the file on every run.
    """
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


def format_table(results: list[RunResult], max_seconds: float) -> str:
    """A Markdown table of notebooks, wall times, lesson lengths and verdicts, ready to paste in a note."""
    rows = ["| notebook | wall time (s) | markdown words | cells | result |", "|---|---:|---:|---:|---|"]
    for result in results:
        if result.error:
            verdict = f"FAILED: {result.error}"
        elif result.seconds > max_seconds:
            verdict = f"TOO SLOW (budget {max_seconds:.0f} s)"
        elif result.too_long_for_a_class:
            verdict = f"TOO LONG (limit {MAX_LESSON_WORDS:,} words, {MAX_LESSON_CELLS} cells)"
        else:
            verdict = "ok"
        rows.append(f"| {result.path.name} | {result.seconds:.1f} | {result.words:,} | {result.cells} | {verdict} |")
    rows.append(f"| total | {sum(r.seconds for r in results):.1f} | | | |")
    return "\n".join(rows)


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--no-write", action="store_true", help="only time the notebooks, keep stored outputs")
    parser.add_argument("--data", default="subset", choices=["subset", "full", "auto"], help="COURSE_DATA for the run")
    parser.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS, help="time budget per notebook")
    parser.add_argument("--cell-timeout", type=int, default=600, help="seconds before a single cell is stopped")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    paths = find_notebooks(arguments.notebooks)
    if paths is None:
        return 2
    os.environ["COURSE_DATA"] = arguments.data
    os.environ["COURSE_PROFILE"] = "fast"  # stored outputs show the CPU profile, as CI runs them
    results = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        results.append(execute_notebook(path.resolve(), not arguments.no_write, arguments.cell_timeout))
    print(format_table(results, arguments.max_seconds))
    failed = any(r.error or r.seconds > arguments.max_seconds or r.too_long_for_a_class for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
