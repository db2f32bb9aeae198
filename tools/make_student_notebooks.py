"""Make the student notebooks: solutions removed, outputs and execution counts cleared.

The notebooks in ``notebooks/`` are the instructor's versions: every exercise solution
lives in cells tagged ``solution`` (tag every cell of a solution, its heading too). This
command writes a copy of each notebook without those cells and without any stored output,
so students run every cell themselves::

    python tools/make_student_notebooks.py                         # all notebooks -> build/student
    python tools/make_student_notebooks.py notebooks/01_ann_basics.ipynb --output /tmp/student

It only uses nbconvert's own preprocessors, in this order:

1. ``TagRemovePreprocessor`` drops every cell tagged ``solution``;
2. ``ClearOutputPreprocessor`` empties the outputs and the execution counts of code cells;
3. ``ClearMetadataPreprocessor`` drops the traces a run leaves in code cells' metadata
   (timings, collapsed or scrolled outputs), keeping their ``tags`` and ``slideshow``
   entries; the notebook's own metadata (kernel, Colab settings) is kept.

The same can be done by hand with ``jupyter nbconvert --to notebook`` and these
preprocessors' options. ``build/`` is not committed: hand out the files it holds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbconvert import NotebookExporter
from traitlets.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package: reach its modules
from notebook_files import REPO, find_notebooks

DEFAULT_OUTPUT = REPO / "build" / "student"
SOLUTION_TAG = "solution"
KEPT_CELL_METADATA = {"tags", "slideshow"}


def student_exporter() -> NotebookExporter:
    """A notebook-to-notebook exporter whose preprocessors make a student version."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {SOLUTION_TAG}
    config.ClearOutputPreprocessor.enabled = True
    config.ClearMetadataPreprocessor.enabled = True
    config.ClearMetadataPreprocessor.clear_notebook_metadata = False
    config.ClearMetadataPreprocessor.preserve_cell_metadata_mask = KEPT_CELL_METADATA
    return NotebookExporter(config=config)


def student_version(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version of an instructor notebook; the argument is not changed."""
    text, _ = student_exporter().from_notebook_node(notebook)
    return nbformat.reads(text, as_version=4)


def make_student_notebooks(paths: list[Path], output_dir: Path) -> list[Path]:
    """Write the student version of each notebook into ``output_dir`` under the same name."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        target = output_dir / path.name
        nbformat.write(student_version(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line: notebooks and output folder."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="instructor notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the student notebooks")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the command; return 0 on success, 2 for a missing notebook."""
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    paths = find_notebooks(arguments.notebooks)
    if paths is None:
        return 2
    written = make_student_notebooks(paths, arguments.output)
    print(f"{len(written)} student notebooks written to {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
