"""A contact sheet: every stored figure of every notebook on one HTML page, for review.

Reviewing figures one notebook at a time hides what they have in common (sizes, styles,
colours); this page shows all of them at once, each labelled with its notebook, the index
of the cell that made it (as in ``nbformat``: the first cell is 0), the nearest Markdown
heading above it, and its size in pixels::

    python tools/contact_sheet.py                        # -> build/contact_sheet.html
    python tools/contact_sheet.py notebooks/05_convolution.ipynb --output /tmp/sheet.html

A figure is an ``image/png`` output stored in a notebook; nothing is executed, so run
``tools/run_notebooks.py`` first when the outputs are stale. The page embeds every image
(as a ``data:`` URI) and loads nothing, so it opens offline. It covers the course
notebooks and the companion notebooks in ``notebooks/extras/``. ``build/`` is not committed.
"""

from __future__ import annotations

import argparse
import html
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package: reach its modules
from notebook_files import NOTEBOOK_DIR, REPO, find_notebooks
from slides import markdown_lines_outside_fences, png_size

DEFAULT_OUTPUT = REPO / "build" / "contact_sheet.html"
PNG = "image/png"


@dataclass(frozen=True)
class Figure:
    """One stored figure: where it is, what it is under, and the image itself."""

    notebook: str
    cell: int
    heading: str
    width: int
    height: int
    png_base64: str


def notebook_label(path: Path) -> str:
    """How the page names a notebook: its path under ``notebooks/`` (``extras/...``), else its file name."""
    try:
        return path.resolve().relative_to(NOTEBOOK_DIR).as_posix()
    except ValueError:
        return path.name


def last_heading(source: str) -> str | None:
    """The text of the last Markdown heading in ``source`` (outside fenced code), or None."""
    headings = [line.lstrip("#").strip() for level, line in markdown_lines_outside_fences(source) if level > 0]
    return headings[-1] if headings else None


def figures_in(path: Path) -> list[Figure]:
    """Every ``image/png`` output of the notebook at ``path``, in order, with its labels."""
    notebook = nbformat.read(path, as_version=4)
    figures = []
    heading = "(no heading above)"
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            heading = last_heading(cell.source) or heading
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PNG in data:
                png = "".join(data[PNG].split())  # nbformat may store base64 over several lines
                width, height = png_size(png)
                figures.append(Figure(notebook_label(path), index, heading, width, height, png))
    return figures


def figure_html(figure: Figure) -> str:
    """One labelled figure: the image, embedded, above its notebook, cell, heading and size."""
    label = f"{figure.notebook} · cell {figure.cell} · {figure.heading}"
    return (
        f'<figure><img src="data:{PNG};base64,{figure.png_base64}" alt="{html.escape(label)}">\n'
        f"<figcaption><b>{html.escape(figure.notebook)}</b> · cell {figure.cell} · "
        f"{html.escape(figure.heading)} · {figure.width}&times;{figure.height} px</figcaption></figure>"
    )


def contact_sheet(figures_by_notebook: dict[str, list[Figure]]) -> str:
    """The whole page: a section per notebook (saying so when it has no figure), no scripts."""
    total = sum(len(figures) for figures in figures_by_notebook.values())
    sections = []
    for name, figures in figures_by_notebook.items():
        body = "\n".join(map(figure_html, figures)) or "<p>No stored figures.</p>"
        sections.append(f"<section><h2>{html.escape(name)} ({len(figures)})</h2>\n{body}\n</section>")
    joined = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Contact sheet: every stored figure</title>
<style>
body {{ font-family: sans-serif; margin: 1em 2em; }}
section {{ display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; border-top: 1px solid #ccc; }}
section h2 {{ flex-basis: 100%; margin: 0.6em 0 0; }}
figure {{ margin: 0; max-width: 100%; }}
figure img {{ display: block; max-width: 100%; border: 1px solid #ddd; }}
figcaption {{ font-size: 14px; color: #333; margin-top: 0.3em; }}
</style></head>
<body>
<h1>Contact sheet: {total} stored figures in {len(figures_by_notebook)} notebooks</h1>
<p>Each figure is shown at its stored size (narrowed to the window if wider), with its notebook,
the index of the cell that made it (the first cell is 0), the nearest heading above it and its size.</p>
{joined}
</body>
</html>
"""


def write_contact_sheet(paths: list[Path], output: Path) -> int:
    """Write the contact sheet of the notebooks at ``paths`` to ``output``; return the number of figures."""
    figures_by_notebook = {notebook_label(path): figures_in(path) for path in paths}
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(contact_sheet(figures_by_notebook), encoding="utf-8")
    return sum(len(figures) for figures in figures_by_notebook.values())


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line: notebooks and the output file."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="notebooks to show (default: notebooks/*.ipynb and notebooks/extras/)"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the HTML file (build/contact_sheet.html)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the command; return 0 on success, 2 for a missing notebook."""
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    paths = find_notebooks(arguments.notebooks)
    if paths is None:
        return 2
    count = write_contact_sheet(paths, arguments.output)
    print(f"{count} figures from {len(paths)} notebooks written to {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
