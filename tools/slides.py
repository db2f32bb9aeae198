"""Slide metadata for the course notebooks, and one reveal.js deck per notebook.

Two parts:

* ``assign_slide_types(notebook)`` gives every cell the ``slideshow.slide_type`` that
  Jupyter's slide tools read (``jupyter nbconvert --to slides``, JupyterLab's and RISE's
  slideshows). The type follows from the notebook's structure, so every notebook gets the
  same kind of deck without hand-tagging, and running it twice changes nothing:

  =====================================================  ============
  cell                                                   slide type
  =====================================================  ============
  the first cell (the title)                             ``slide``
  markdown holding an H1 or H2 heading                   ``slide``
  markdown holding an H3 heading (and no H1 or H2)       ``subslide``
  other markdown right after a code cell                 ``subslide``
  any other cell (code, markdown after markdown)         ``-``
  a cell already set to ``skip`` or ``notes`` by hand    kept
  =====================================================  ============

  So each section (H2) opens a new slide, and each "explain, then run" step of it is a
  subslide below (the explanation together with the code and output it introduces).
  Fragments are not used: nbconvert shows a code cell's input and output as one block,
  and a click per cell slows a lecture down more than it helps. A heading reads best at
  the top of its cell: text above it in the same cell opens the slide it starts.

* The command builds the decks into one folder, with an ``index.html`` that lists them::

      python tools/slides.py                                   # all notebooks -> build/slides
      python tools/slides.py notebooks/05_convolution.ipynb --output /tmp/decks
      python tools/slides.py --offline                         # no internet needed (see below)

  Open ``build/slides/index.html`` in a browser. Arrow keys move between slides (down for
  the subslides of a section), Esc shows an overview, F goes full screen. A slide taller
  than the screen scrolls.

What a deck needs to display
----------------------------
A deck is one HTML file with its figures embedded, but the page loads four scripts and
style sheets. By default they come from CDNs, so a deck needs internet access:

* reveal.js 4 (the slideshow itself), from unpkg;
* require.js, which loads reveal.js: without it the page shows plain, unstyled text;
* MathJax 2, which typesets the formulas (``$...$``); without it they stay raw LaTeX;
* jQuery, used to make long slides scroll.

For a classroom without internet, fetch the four once with npm (79 MB, mostly MathJax's
fonts; ``build/`` is not committed) and build with ``--offline``, which points the decks
at ``node_modules/`` next to them::

    npm install --prefix build/slides reveal.js@4.0.2 requirejs@2.3.8 jquery@2.2.4 mathjax@2.7.7
    python tools/slides.py --offline

Then open ``build/slides/index.html`` directly (checked in headless Chromium with no
internet: slides, formulas and scrolling work). If a browser refuses to load local fonts or
scripts from ``file://`` pages (Firefox can), serve the folder instead::

    python -m http.server --directory build/slides 8000    # then open http://localhost:8000

One more script stays on its CDN: nbconvert's loader for Mermaid diagrams, which the
notebooks do not use; offline it fails silently. ``--reveal-prefix URL`` moves only
reveal.js (for example to a copy on a course server) and leaves the others on their CDNs.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package: reach its modules
from notebook_files import REPO, find_notebooks

DEFAULT_OUTPUT = REPO / "build" / "slides"
HAND_SET_TYPES = frozenset({"skip", "notes"})
HEADING = re.compile(r"(#{1,6})\s")
FENCES = ("```", "~~~")
NPM_PREFIX = "node_modules"
# The npm packages --offline expects, and the file of each that a deck loads.
OFFLINE_PACKAGES = {
    "reveal.js@4.0.2": "reveal.js/dist/reveal.js",
    "requirejs@2.3.8": "requirejs/require.js",
    "jquery@2.2.4": "jquery/dist/jquery.min.js",
    "mathjax@2.7.7": "mathjax/MathJax.js",
}
# Logical slide size in pixels (reveal.js scales it to the screen). Wider than nbconvert's
# 960x700 so that a code line of 120 characters (the repository's line length) fits.
DECK_SIZE = (1400, 1000)
MATHJAX_CONFIG = "?config=TeX-AMS_CHTML-full,Safe"  # the configuration nbconvert asks its CDN for


def top_heading_level(source: str) -> int:
    """Level of the highest Markdown heading in ``source`` (1 for H1), 0 if it has none.

    Lines inside fenced code blocks are not headings, even when they start with ``#``.
    """
    levels = []
    in_fence = False
    for line in source.splitlines():
        if line.lstrip().startswith(FENCES):
            in_fence = not in_fence
        elif not in_fence and (match := HEADING.match(line)):
            levels.append(len(match.group(1)))
    return min(levels, default=0)


def slide_type_of(cell: nbformat.NotebookNode, index: int, previous: nbformat.NotebookNode | None) -> str:
    """The slide type of the cell at position ``index``, by the rules in this module's docstring."""
    current = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    if current in HAND_SET_TYPES:
        return current
    if index == 0:
        return "slide"
    if cell.cell_type != "markdown":
        return "-"
    level = top_heading_level(cell.source)
    if level in (1, 2):
        return "slide"
    if level == 3 or (previous is not None and previous.cell_type == "code"):
        return "subslide"
    return "-"


def assign_slide_types(notebook: nbformat.NotebookNode) -> None:
    """Set ``cell.metadata.slideshow.slide_type`` on every cell of ``notebook``, in place.

    Deterministic and idempotent: the types depend only on the cells' kinds and sources
    (and on ``skip``/``notes`` set by hand, which are kept), so the stored notebooks can
    carry them and a second call changes nothing. Other metadata is left alone.
    """
    types = [
        slide_type_of(cell, index, notebook.cells[index - 1] if index else None)
        for index, cell in enumerate(notebook.cells)
    ]
    for cell, slide_type in zip(notebook.cells, types, strict=True):
        slideshow = cell.metadata.get("slideshow", {})
        cell.metadata["slideshow"] = nbformat.from_dict({**slideshow, "slide_type": slide_type})


@dataclass(frozen=True)
class DeckAssets:
    """Where a deck loads reveal.js, require.js, jQuery and MathJax from (URLs or relative paths)."""

    reveal_prefix: str
    require_js: str
    jquery: str
    mathjax: str

    @classmethod
    def from_cdn(cls, reveal_prefix: str | None = None) -> DeckAssets:
        """nbconvert's CDN defaults, optionally with reveal.js from ``reveal_prefix``."""
        defaults = SlidesExporter()
        return cls(
            reveal_prefix=reveal_prefix or defaults.reveal_url_prefix,
            require_js=defaults.require_js_url,
            jquery=defaults.jquery_url,
            mathjax=defaults.mathjax_url,
        )

    @classmethod
    def from_node_modules(cls) -> DeckAssets:
        """Paths into ``node_modules/`` next to the decks, as ``npm install --prefix <output>`` lays it out."""
        files = {package.split("@")[0]: f"{NPM_PREFIX}/{path}" for package, path in OFFLINE_PACKAGES.items()}
        return cls(
            reveal_prefix=f"{NPM_PREFIX}/reveal.js",
            require_js=files["requirejs"],
            jquery=files["jquery"],
            mathjax=files["mathjax"] + MATHJAX_CONFIG,
        )


def missing_offline_files(output_dir: Path) -> list[str]:
    """The npm packages whose files ``--offline`` decks in ``output_dir`` would load but cannot find."""
    return [package for package, path in OFFLINE_PACKAGES.items() if not (output_dir / NPM_PREFIX / path).is_file()]


def notebook_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """The text of the first H1 heading in the notebook's first cell, or ``fallback``."""
    if notebook.cells:
        for line in notebook.cells[0].source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return fallback


def build_deck(path: Path, output_dir: Path, assets: DeckAssets) -> tuple[Path, str]:
    """Write the reveal.js deck of one notebook into ``output_dir``; return its path and title.

    Slide types are assigned on the fly, so a deck is right even for a notebook whose
    stored metadata is missing or stale. Input and output prompts ("In [3]:") are left out.
    """
    notebook = nbformat.read(path, as_version=4)
    assign_slide_types(notebook)
    exporter = SlidesExporter(
        reveal_url_prefix=assets.reveal_prefix,
        require_js_url=assets.require_js,
        jquery_url=assets.jquery,
        mathjax_url=assets.mathjax,
        reveal_scroll=True,
        reveal_width=str(DECK_SIZE[0]),
        reveal_height=str(DECK_SIZE[1]),
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
    deck = output_dir / f"{path.stem}{exporter.file_extension}"
    deck.write_text(body, encoding="utf-8")
    return deck, notebook_title(notebook, path.stem)


def index_page(decks: list[tuple[Path, str]]) -> str:
    """A plain HTML page (no scripts, readable offline) linking to every deck."""
    items = "\n".join(
        f'  <li><a href="{html.escape(deck.name)}">{html.escape(title)}</a></li>' for deck, title in decks
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Why CNNs beat plain ANNs on images: slides</title>
<style>body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.6; }}</style></head>
<body>
<h1>Why CNNs beat plain ANNs on images: slides</h1>
<p>One deck per notebook. Arrow keys move between slides (down: the steps of a section),
Esc shows an overview, F goes full screen.</p>
<ul>
{items}
</ul>
</body>
</html>
"""


def build_decks(paths: list[Path], output_dir: Path, assets: DeckAssets) -> list[Path]:
    """Build one deck per notebook and an ``index.html`` into ``output_dir``; return the deck paths."""
    output_dir.mkdir(parents=True, exist_ok=True)
    decks = [build_deck(path, output_dir, assets) for path in paths]
    (output_dir / "index.html").write_text(index_page(decks), encoding="utf-8")
    return [deck for deck, _ in decks]


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line: notebooks, output folder, and where decks load their scripts from."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to convert (default: notebooks/*.ipynb)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the decks (build/slides)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--reveal-prefix", help="URL or relative path of reveal.js 4 (default: nbconvert's CDN)")
    source.add_argument(
        "--offline",
        action="store_true",
        help="load reveal.js, require.js, jQuery and MathJax from node_modules/ in the output folder",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the command; return 0 on success, 2 for a missing notebook or missing offline files."""
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    paths = find_notebooks(arguments.notebooks)
    if paths is None:
        return 2
    if arguments.offline:
        absent = missing_offline_files(arguments.output)
        if absent:
            print(
                f"--offline needs {', '.join(absent)} in {arguments.output / NPM_PREFIX}; install them with\n"
                f"  npm install --prefix {arguments.output} {' '.join(OFFLINE_PACKAGES)}",
                file=sys.stderr,
            )
            return 2
        assets = DeckAssets.from_node_modules()
    else:
        assets = DeckAssets.from_cdn(arguments.reveal_prefix)
    decks = build_decks(paths, arguments.output, assets)
    print(f"{len(decks)} decks and index.html written to {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
