"""Execute the course notebooks top to bottom, store their outputs, and time them.

This is the only way stored outputs are made: a clean kernel per notebook, the shipped
data (``COURSE_DATA=subset`` unless ``--data`` says otherwise), and the seeds set by
``course_utils.setup()``. It prints a table of wall times and fails when a notebook
raises or runs longer than ``--max-seconds`` (60 s, the course's budget on a 2-core CPU).

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

from course_utils.colab import COLAB_METADATA

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package: reach its modules
from notebook_files import find_notebooks
from slides import assign_slide_types

DEFAULT_MAX_SECONDS = 60.0
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass
class RunResult:
    """What happened to one notebook."""

    path: Path
    seconds: float
    error: str | None = None


def execute_notebook(path: Path, write: bool, cell_timeout: int) -> RunResult:
    """Run one notebook in a fresh kernel from its own folder; store the outputs if ``write``."""
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.pop("widgets", None)  # no widget state from an earlier interactive session
    notebook.metadata.update(copy.deepcopy(COLAB_METADATA))  # Colab opens it with a GPU runtime
    assign_slide_types(notebook)
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,  # widget ids are random: storing them would change the file on every run
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as failure:
        error = ANSI_ESCAPE.sub("", str(failure)).strip().splitlines()[-1]
    seconds = time.perf_counter() - start
    if write and error is None:
        drop_widget_views(notebook)
        nbformat.write(notebook, path)
    return RunResult(path, seconds, error)


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
    """A Markdown table of notebooks, wall times and verdicts, ready to paste in a note."""
    rows = ["| notebook | wall time (s) | result |", "|---|---:|---|"]
    for result in results:
        if result.error:
            verdict = f"FAILED: {result.error}"
        elif result.seconds > max_seconds:
            verdict = f"TOO SLOW (budget {max_seconds:.0f} s)"
        else:
            verdict = "ok"
        rows.append(f"| {result.path.name} | {result.seconds:.1f} | {verdict} |")
    rows.append(f"| total | {sum(r.seconds for r in results):.1f} | |")
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
    failed = any(r.error or r.seconds > arguments.max_seconds for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
