"""Slide metadata for the course notebooks, and reveal.js decks made for a projector.

Three parts:

* ``assign_slide_types(notebook)`` gives every cell the ``slideshow.slide_type`` that
  Jupyter's slide tools read (``jupyter nbconvert --to slides``, JupyterLab's and RISE's
  slideshows). The type follows from the notebook's cells, so every notebook gets the same
  kind of deck without hand-tagging, and running it twice changes nothing. The first rule
  that applies wins:

  ===========================================================  ============
  cell                                                         slide type
  ===========================================================  ============
  a cell set to ``notes`` by hand (speaker notes)               kept
  a code cell with nothing to present (see below)               ``skip``
  the first cell shown (the title)                              ``slide``
  markdown holding an H1 or H2 heading                          ``slide``
  markdown holding an H3 heading (and no H1 or H2)              ``subslide``
  other markdown right after a code cell that is shown          ``subslide``
  a cell that would make its sub-slide too long for the screen  ``subslide``
  any other cell (code, markdown after markdown)                ``-``
  ===========================================================  ============

  So each section (H2) opens a new slide, and each "explain, then run" step of it is a
  sub-slide below (the explanation together with the code and output it introduces).
  Code cells with nothing to present are set-up and tests, not the lesson: cells that only
  work on Colab (first line ``# Colab only``, like the bootstrap cell
  ``course_utils.colab.bootstrap_cell_source()``), and cells without output whose
  statements are all imports, all ``assert``, or none. Cell lengths are counted in lines (``cell_lines``): the
  Markdown, code and output text of a cell in the deck's typography, and figures by their
  height, at most ``MAX_SUBSLIDE_LINES`` per sub-slide. Fragments are not used: a click per
  cell slows a lecture down more than it helps. To keep a cell off the slides by hand, make
  it speaker notes.

* ``deck_notebook(notebook, with_solutions)`` is the notebook a deck shows: without the
  cells tagged ``solution`` or ``answer`` (exercise solutions, and the instructor's code of
  a "write it yourself" exercise; instructor decks keep them), with every cell too long for
  one screen cut into pieces that fit (Markdown between paragraphs, a long table between
  rows under a repeated header, code at blank lines, outputs one by one and long text
  outputs at blank lines), and with the slide types above.

* The command builds the decks into one folder, with an ``index.html`` that lists them::

      python tools/slides.py                                   # all notebooks -> build/slides
      python tools/slides.py notebooks/05_convolution.ipynb --output /tmp/decks
      python tools/slides.py --offline                         # no internet needed (see below)
      python tools/slides.py --with-solutions                  # instructor decks -> build/slides-instructor

  Open ``build/slides/index.html`` in a browser. Arrow keys move between slides (down for
  the sub-slides of a section), Esc shows an overview, F goes full screen. The decks are
  laid out for a 1280x720 projector: slides of that size, 26 px text, 20 px code, figures
  as wide as the slide. The default decks leave the solutions out, so they can go to
  students; instructor decks (``--with-solutions``) go to their own folder, and their file
  names and titles say "instructor".

What a deck needs to display
----------------------------
A deck is one HTML file with its figures embedded, but the page loads four scripts and
style sheets. By default they come from CDNs, so a deck needs internet access; offline it
turns into one long unstyled page:

* reveal.js 4 (the slideshow itself), from unpkg;
* require.js, which loads reveal.js: without it the page shows plain, unstyled text;
* MathJax 2, which typesets the formulas (``$...$``); without it they stay raw LaTeX;
* jQuery, used to make a slide scroll if it is still too long.

For a classroom without internet, fetch the four once with npm (79 MB, mostly MathJax's
fonts; ``build/`` is not committed) and build with ``--offline``, which points the decks
at ``node_modules/`` next to them::

    npm install --prefix build/slides reveal.js@4.0.2 requirejs@2.3.8 jquery@2.2.4 mathjax@2.7.7
    python tools/slides.py --offline

Then open ``build/slides/index.html`` directly (checked in headless Chromium with no
internet: slides, formulas and scrolling work; ``tools/measure_slides.mjs`` measures every
sub-slide's height and font sizes there). If a browser refuses to load local fonts or
scripts from ``file://`` pages (Firefox can), serve the folder instead::

    python -m http.server --directory build/slides 8000    # then open http://localhost:8000

One more script stays on its CDN: nbconvert's loader for Mermaid diagrams, which the
notebooks do not use; offline it fails silently. ``--reveal-prefix URL`` moves only
reveal.js (for example to a copy on a course server) and leaves the others on their CDNs.
"""

from __future__ import annotations

import argparse
import ast
import base64
import copy
import html
import math
import re
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import nbformat
from nbconvert import SlidesExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package: reach its modules
from notebook_files import ANSWER_TAG, CHECK_TAG, REPO, SOLUTION_TAG, find_notebooks

DEFAULT_OUTPUT = REPO / "build" / "slides"
DEFAULT_INSTRUCTOR_OUTPUT = REPO / "build" / "slides-instructor"
HIDDEN_TYPES = frozenset({"skip", "notes"})  # slide types whose cells are not on a slide
# Cells only instructors see: exercise solutions, and the instructor's code of a "write it
# yourself" exercise whose student copy is a starter (tools/make_student_notebooks.py).
INSTRUCTOR_TAGS = frozenset({SOLUTION_TAG, ANSWER_TAG})
# Check cells prove the lesson's claims; no deck shows them, not even the instructor's.
NEVER_SHOWN_TAGS = frozenset({CHECK_TAG})
QUIZ_HTML_START = '<div class="course-quiz"'  # how course_utils.quiz.quiz_html begins
COLAB_ONLY = "# Colab only"  # the first words of a cell that does something only on Colab
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
MATHJAX_CONFIG = "?config=TeX-AMS_CHTML-full,Safe"  # the configuration nbconvert asks its CDN for

# The deck's layout, in the pixels of a 1280x720 projector (reveal.js scales the slide to
# other screens). DECK_CSS below sets these sizes; cell_lines estimates heights from them,
# with margins measured in Chromium (tools/measure_slides.mjs).
DECK_SIZE = (1280, 720)
TEXT_PX, TABLE_PX, CODE_PX = 26, 22, 20  # font sizes of Markdown text, of tables, of code and text output
LINE_PX = 25  # one line of code (20 px, line height 1.25): the unit of cell_lines
TEXT_LINE, TABLE_LINE = 1.45, 1.25  # a line of Markdown text and of a table cell, in lines of code
TEXT_CHARS, TABLE_CHARS, CODE_CHARS = 88, 100, 96  # characters that fit across the slide
TABLE_CELL_PADDING, TABLE_ROW_GAP = 2, 0.5  # a table cell's padding in characters, a row's in lines
HEADING_LINES = {1: 3.0, 2: 2.3, 3: 2.0}  # an H1, H2, H3 with its margins, in lines of code
PARAGRAPH_GAP = 0.4  # the space between paragraphs, in lines of code
FORMULA_LINES = 4.5  # a displayed formula ($$...$$) with its margins, in lines of code
CODE_BOX = 0.6  # the padding around a cell's code, and around each text output
CELL_GAP = 0.6  # the space between two cells, in lines of code
FIGURE_WIDTH, FIGURE_MAX_HEIGHT = 1240, 540  # a figure as wide as the slide, at most this tall
MAX_SUBSLIDE_LINES = 25  # 25 x 25 px = 625 px: 720 px less the 55-70 px of a sub-slide's margins, less a spare line
CELL_ROOM = MAX_SUBSLIDE_LINES - CELL_GAP  # the most one cell may take: a whole sub-slide
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](target) and ![alt](image) show only their text
MARKUP = re.compile(r"\*\*|__|`")  # emphasis and code marks take no room
LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+\.)\s")
TABLE_RULE = re.compile(r"\s*\|?[\s:|-]+\|?\s*")  # the |---|---| line under a table's header

DECK_CSS = f"""
/* A theme for a 1280x720 projector: large text and code, figures as wide as the slide. */
:root {{
  --jp-content-font-size1: {TEXT_PX}px;
  --jp-content-line-height: 1.35;
  --jp-code-font-size: {CODE_PX}px;
  --jp-code-line-height: 1.25;
  --jp-cell-padding: 0;
}}
.reveal .slides section {{ padding: 0; }}
.reveal .jp-RenderedHTMLCommon {{ padding-right: 0; }}
.reveal .jp-RenderedHTMLCommon h1 {{ font-size: 44px; margin: 0 0 0.3em; }}
.reveal .jp-RenderedHTMLCommon h2 {{ font-size: 38px; margin: 0 0 0.3em; }}
.reveal .jp-RenderedHTMLCommon h3 {{ font-size: 32px; margin: 0 0 0.3em; }}
.reveal .jp-RenderedHTMLCommon p, .reveal .jp-RenderedHTMLCommon ul, .reveal .jp-RenderedHTMLCommon ol {{
  margin: 0 0 0.4em;
}}
.reveal .jp-RenderedHTMLCommon table {{ font-size: {TABLE_PX}px; }}
.reveal .jp-Cell {{ margin-bottom: {CELL_GAP * LINE_PX:.0f}px; }}
.reveal pre, .reveal div.highlight > pre, .reveal div.jp-OutputArea-output > pre {{
  font-size: {CODE_PX}px;
  line-height: 1.25;
  width: 100%;
  padding: 0.1em 0.3em;
  white-space: pre-wrap;        /* a long line wraps instead of running off the slide */
  overflow-wrap: break-word;
}}
.reveal .jp-RenderedImage img {{
  margin: 0;
  width: 100%;
  height: auto;
  max-height: {FIGURE_MAX_HEIGHT}px;
  object-fit: contain;          /* a tall figure keeps its shape and is centred */
}}
"""

# The deck template: nbconvert's reveal template with the course theme and reveal.js
# settings for a projector (slide size, a small margin, content at the top of the slide).
DECK_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_css -%}
<style type="text/css">{{ resources.deck_css }}</style>
{%- endblock html_head_css -%}
{% block footer_js %}
<script>
require(
    {waitSeconds: 15},
    ["{{ resources.reveal.url_prefix }}/dist/reveal.js", "{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"],
    function(Reveal, RevealNotes) {
        Reveal.initialize({
            controls: true,
            progress: true,
            history: true,
            transition: "slide",
            plugins: [RevealNotes],
            width: {{ resources.reveal.width }},
            height: {{ resources.reveal.height }},
            margin: 0.02,
            center: false,
        });
        // MathJax typesets hidden slides with zero size: typeset a slide again when it is shown.
        Reveal.addEventListener("slidechanged", function() {
            if (MathJax.Hub.getAllJax(Reveal.getCurrentSlide())) {
                MathJax.Hub.Rerender(Reveal.getCurrentSlide());
            }
        });
        // A sub-slide still taller than the screen scrolls (with a visible scroll bar).
        Reveal.addEventListener("slidechanged", function() {
            var height = $(".reveal").height() * 0.95;
            $("section.present").find("section")
                .filter(function() { return $(this).height() > height; })
                .css("height", "calc(95vh)")
                .css("overflow-y", "scroll");
        });
    }
);
</script>
{% endblock footer_js %}
"""
DECK_TEMPLATE_NAME = "course_deck.html.j2"


# --- Slide types ------------------------------------------------------------------------


def top_heading_level(source: str) -> int:
    """Level of the highest Markdown heading in ``source`` (1 for H1), 0 if it has none.

    Lines inside fenced code blocks are not headings, even when they start with ``#``.
    """
    levels = [level for level, _ in markdown_lines_outside_fences(source) if level > 0]
    return min(levels, default=0)


def markdown_lines_outside_fences(source: str) -> list[tuple[int, str]]:
    """Each line of a Markdown ``source`` with its heading level (0: not a heading).

    Lines in fenced code blocks, fences included, get level -1: they are code, not text.
    """
    lines = []
    in_fence = False
    for line in source.splitlines():
        if line.lstrip().startswith(FENCES):
            in_fence = not in_fence
            lines.append((-1, line))
        elif in_fence:
            lines.append((-1, line))
        else:
            match = HEADING.match(line)
            lines.append((len(match.group(1)) if match else 0, line))
    return lines


def has_nothing_to_present(cell: nbformat.NotebookNode) -> bool:
    """Whether a cell is set-up or a test rather than the lesson: a deck skips it.

    True for code cells that only work on Colab (their first line starts with
    ``COLAB_ONLY``, as the bootstrap cell ``course_utils.colab.bootstrap_cell_source()``
    does: in class it does nothing), for check cells (tagged ``check``: the proof, not the
    lesson), and for code cells without output whose statements are all imports, all
    ``assert``, or none at all (blank or only comments). Any other cell with an output, and
    Markdown, are always presented.
    """
    if cell.cell_type != "code":
        return False
    if cell.source.startswith(COLAB_ONLY) or CHECK_TAG in cell.get("metadata", {}).get("tags", []):
        return True
    if cell.get("outputs"):
        return False
    try:
        statements = ast.parse(cell.source).body
    except SyntaxError:  # IPython syntax such as %env or !pip: keep the cell
        return False
    kinds = {type(statement) for statement in statements}
    return not kinds or kinds == {ast.Assert} or kinds <= {ast.Import, ast.ImportFrom}


def wrapped_lines(text: str, width: int) -> int:
    """How many screen lines ``text`` takes when lines longer than ``width`` characters wrap."""
    return sum(max(1, math.ceil(len(line) / width)) for line in text.splitlines())


def code_box_lines(text: str) -> float:
    """Height of code or of a text output in the deck, in lines of code: wrapped lines and padding."""
    return wrapped_lines(text, CODE_CHARS) + CODE_BOX


def visible_text(markdown: str) -> str:
    """The characters a line of Markdown shows: link targets and emphasis marks dropped."""
    return MARKUP.sub("", LINK.sub(r"\1", markdown))


def markdown_blocks(source: str) -> list[tuple[str, str]]:
    """The pieces a Markdown cell renders as, in order, each as ``(kind, text)``.

    Kinds: ``"h1"`` to ``"h6"`` (a heading), ``"text"`` (a paragraph or a list item, its
    source lines joined as the browser reflows them), ``"row"`` (a table row), ``"code"``
    (a line of a fenced block), ``"math"`` (a displayed formula, ``$$...$$``, over one or
    more lines) and ``"gap"`` (a blank line between paragraphs).
    """
    blocks: list[tuple[str, str]] = []
    in_math = False
    for level, line in markdown_lines_outside_fences(source):
        if in_math or line.lstrip().startswith("$$"):
            if not in_math:
                blocks.append(("math", line))
            closes = line.rstrip().endswith("$$") and (in_math or len(line.strip()) > 2)
            in_math = not closes
        elif level == -1:
            blocks.append(("code", line))
        elif level:
            blocks.append((f"h{level}", line))
        elif not line.strip():
            blocks.append(("gap", ""))
        elif line.lstrip().startswith("|"):
            if not TABLE_RULE.fullmatch(line):
                blocks.append(("row", line))
        elif blocks and blocks[-1][0] == "text" and not LIST_ITEM.match(line):
            blocks[-1] = ("text", f"{blocks[-1][1]} {line.strip()}")
        else:
            blocks.append(("text", line.strip()))
    return blocks


def table_lines(rows: list[str]) -> float:
    """Estimated height of a Markdown table in the deck, in lines of code.

    The browser's automatic table layout, roughly: columns get the width of their longest
    cell when the table fits on the slide (``TABLE_CHARS`` characters), otherwise the width
    of their longest word plus a share of the rest in proportion to how much they hold, and
    each row is as tall as its most wrapped cell.
    """
    cells = [[visible_text(cell).strip() for cell in row.strip().strip("|").split("|")] for row in rows]
    columns = [[row[index] if index < len(row) else "" for row in cells] for index in range(max(map(len, cells)))]
    widest = [max(len(cell) for cell in column) + TABLE_CELL_PADDING for column in columns]
    if sum(widest) > TABLE_CHARS:
        longest_word = [max(len(word) for cell in column for word in [*cell.split(), ""]) for column in columns]
        narrowest = [word + TABLE_CELL_PADDING for word in longest_word]
        spare, wanted = TABLE_CHARS - sum(narrowest), sum(widest) - sum(narrowest)
        widest = [low + max(spare, 0) * (high - low) / wanted for low, high in zip(narrowest, widest, strict=True)]
    row_lines = [
        max(math.ceil(len(cell) / max(width - TABLE_CELL_PADDING, 1)) for cell, width in zip(row, widest, strict=False))
        for row in cells
    ]
    return sum(TABLE_LINE * max(lines, 1) + TABLE_ROW_GAP for lines in row_lines)


def markdown_lines(source: str) -> float:
    """Estimated height of a Markdown cell in the deck, in lines of code.

    A paragraph or list item takes ``TEXT_LINE`` for every ``TEXT_CHARS`` characters it
    shows, a heading ``HEADING_LINES``, a displayed formula ``FORMULA_LINES``, a blank line
    ``PARAGRAPH_GAP``, a table as ``table_lines`` says, and fenced code a line each.
    """
    total, table = 0.0, []
    for kind, text in [*markdown_blocks(source), ("end", "")]:
        if kind == "row":
            table.append(text)
            continue
        if table:
            total += table_lines(table)
            table = []
        if kind == "text":
            total += TEXT_LINE * max(1, math.ceil(len(visible_text(text)) / TEXT_CHARS))
        elif kind == "gap":
            total += PARAGRAPH_GAP
        elif kind == "math":
            total += FORMULA_LINES
        elif kind == "code":
            total += wrapped_lines(text, CODE_CHARS)
        elif kind.startswith("h"):
            total += HEADING_LINES.get(int(kind[1]), TEXT_LINE)
    return total


def png_size(data: str) -> tuple[int, int]:
    """Width and height in pixels of a base64-encoded PNG, read from its header."""
    header = base64.b64decode("".join(data.split())[:64])
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image: an image/png output must start with the PNG signature")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def output_lines(output: nbformat.NotebookNode) -> float:
    """Estimated height of one cell output in the deck, in lines of code.

    A figure is drawn as wide as the slide (``FIGURE_WIDTH``) and at most
    ``FIGURE_MAX_HEIGHT`` tall; Markdown output is measured like a Markdown cell; text wraps at
    ``CODE_CHARS`` characters.
    """
    data = output.get("data", {})
    if "image/png" in data:
        width, height = png_size(data["image/png"])
        return min(FIGURE_WIDTH * height / width, FIGURE_MAX_HEIGHT) / LINE_PX + CODE_BOX
    if "text/markdown" in data:  # display(Markdown(...)): drawn as Markdown, not as its text/plain stand-in
        return markdown_lines(data["text/markdown"])
    text = output.get("text") or data.get("text/plain", "")
    return code_box_lines(text) if text else 0.0


def cell_lines(cell: nbformat.NotebookNode) -> float:
    """Estimated height of a cell in the deck, in lines of code (``LINE_PX`` pixels each).

    Markdown by ``markdown_lines``, code by its wrapped lines (unless its source is hidden),
    outputs by ``output_lines``, plus the gap that follows every cell.
    """
    if cell.cell_type == "markdown":
        return markdown_lines(cell.source) + CELL_GAP
    source_shown = not cell.metadata.get("transient", {}).get("remove_source", False)
    source = code_box_lines(cell.source) if source_shown else 0.0
    return source + sum(output_lines(output) for output in cell.get("outputs", [])) + CELL_GAP


def slide_types_of(cells: list[nbformat.NotebookNode]) -> list[str]:
    """The slide type of every cell, by the rules in this module's docstring."""
    types = []
    previous_kind = None  # the cell_type of the previous cell shown
    lines_in_subslide = 0.0
    for cell in cells:
        if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes":
            types.append("notes")
            continue
        if has_nothing_to_present(cell):
            types.append("skip")
            continue
        lines = cell_lines(cell)
        level = top_heading_level(cell.source) if cell.cell_type == "markdown" else 0
        opens_section = previous_kind is None or level in (1, 2)
        opens_step = level == 3 or (cell.cell_type == "markdown" and previous_kind == "code")
        overflows = lines_in_subslide + lines > MAX_SUBSLIDE_LINES
        slide_type = "slide" if opens_section else "subslide" if opens_step or overflows else "-"
        lines_in_subslide = lines if slide_type != "-" else lines_in_subslide + lines
        previous_kind = cell.cell_type
        types.append(slide_type)
    return types


def assign_slide_types(notebook: nbformat.NotebookNode) -> None:
    """Set ``cell.metadata.slideshow.slide_type`` on every cell of ``notebook``, in place.

    Deterministic and idempotent: the types depend only on the cells' kinds, sources and
    outputs (and on ``notes`` set by hand, which is kept), so the stored
    notebooks can carry them and a second call changes nothing. Other metadata is left
    alone. ``tools/run_notebooks.py`` calls it on every notebook it runs.
    """
    for cell, slide_type in zip(notebook.cells, slide_types_of(notebook.cells), strict=True):
        slideshow = cell.metadata.get("slideshow", {})
        cell.metadata["slideshow"] = nbformat.from_dict({**slideshow, "slide_type": slide_type})


def subslides(notebook: nbformat.NotebookNode) -> list[list[nbformat.NotebookNode]]:
    """The cells shown on each sub-slide, in order, as the slide types in the metadata say."""
    groups: list[list[nbformat.NotebookNode]] = []
    for cell in notebook.cells:
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if slide_type in HIDDEN_TYPES:
            continue
        if slide_type in ("slide", "subslide") or not groups:
            groups.append([])
        groups[-1].append(cell)
    return groups


# --- Splitting cells that are too long for one screen ----------------------------------


def blocks_at_blank_lines(source: str) -> list[str]:
    """``source`` cut at its blank lines (outside fenced code), blank lines dropped."""
    blocks, current, in_fence = [], [], False
    for line in source.splitlines():
        if line.lstrip().startswith(FENCES):
            in_fence = not in_fence
        if line.strip() or in_fence:
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def pack(pieces: list[str], size: Callable[[str], float], joiner: str) -> list[str]:
    """Join consecutive ``pieces`` with ``joiner`` into as few chunks as fit one screen by ``size``.

    A piece larger than a screen (``CELL_ROOM``) on its own becomes a chunk of its own.
    """
    chunks: list[str] = []
    for piece in pieces:
        if chunks and size(chunks[-1] + joiner + piece) <= CELL_ROOM:
            chunks[-1] += joiner + piece
        else:
            chunks.append(piece)
    return chunks


def code_screens(text: str) -> list[str]:
    """Code or text output cut into screens: at blank lines where it can, else between lines."""
    lines = [chunk for block in blocks_at_blank_lines(text) for chunk in pack(block.splitlines(), code_box_lines, "\n")]
    return pack(lines, code_box_lines, "\n\n")


def piece_of(cell: nbformat.NotebookNode, number: int, **fields) -> nbformat.NotebookNode:
    """A copy of ``cell`` with ``fields`` replaced: piece ``number`` of a split cell (0 keeps the id)."""
    piece = nbformat.from_dict({**copy.deepcopy(cell), **copy.deepcopy(fields)})
    if number and "id" in piece:
        piece.id = f"{cell.id}-{number}"
    return piece


def markdown_pieces(block: str) -> list[tuple[str, str, str]]:
    """The pieces a block of Markdown may be cut into, as ``(text, joiner, text_alone)``.

    ``joiner`` joins the piece to the one before it on the same screen; ``text_alone`` is
    what the piece shows at the top of a new screen. A table is cut between rows, and each
    piece of it repeats the table's header; any other block stays whole.
    """
    lines = block.splitlines()
    if len(lines) <= 2 or not all(line.lstrip().startswith("|") for line in lines):
        return [(block, "\n\n", block)]
    header = "\n".join(lines[:2])  # the column names and the |---| line under them
    first = f"{header}\n{lines[2]}"
    return [(first, "\n\n", first)] + [(row, "\n", f"{header}\n{row}") for row in lines[3:]]


def split_markdown_cell(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """A Markdown cell too long for one screen as several cells, cut between paragraphs and table rows."""
    chunks: list[str] = []
    for block in blocks_at_blank_lines(cell.source):
        for text, joiner, text_alone in markdown_pieces(block):
            if chunks and markdown_lines(chunks[-1] + joiner + text) <= CELL_ROOM:
                chunks[-1] += joiner + text
            else:
                chunks.append(text_alone)
    return [piece_of(cell, number, source=chunk) for number, chunk in enumerate(chunks)]


def output_screens(output: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """A text output longer than a screen as several outputs, cut at blank lines; others as they are."""
    if output.output_type == "stream":
        text = output.text
    elif set(output.get("data", {})) == {"text/plain"}:
        text = output.data["text/plain"]
    else:
        return [output]
    if code_box_lines(text) <= CELL_ROOM:
        return [output]
    parts = []
    for chunk in code_screens(text):
        part = copy.deepcopy(output)
        if output.output_type == "stream":
            part.text = chunk + "\n"
        else:
            part.data["text/plain"] = chunk
        parts.append(part)
    return parts


def split_code_cell(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """A code cell too long for one screen as several cells that each fit.

    The source is cut at blank lines (between lines if a block is longer than a screen);
    the outputs follow the last piece of code while they fit, and go on in cells whose
    source is hidden (``transient.remove_source``, as nbconvert's ``TagRemovePreprocessor``
    marks them), a long text cut at blank lines.
    """
    pieces = [
        piece_of(cell, number, source=chunk, outputs=[]) for number, chunk in enumerate(code_screens(cell.source))
    ]
    hidden_source = {**cell.metadata, "transient": {**cell.metadata.get("transient", {}), "remove_source": True}}
    for part in (part for output in cell.outputs for part in output_screens(output)):
        if cell_lines(pieces[-1]) + output_lines(part) > MAX_SUBSLIDE_LINES:
            pieces.append(piece_of(cell, len(pieces), outputs=[], metadata=hidden_source))
        pieces[-1].outputs.append(part)
    return pieces


def fit_to_screen(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The cell as it is if it fits on one screen, else its pieces (a cell that cannot be cut stays whole)."""
    if cell_lines(cell) <= MAX_SUBSLIDE_LINES or has_nothing_to_present(cell):
        return [cell]
    if cell.cell_type == "markdown":
        return split_markdown_cell(cell)
    if cell.cell_type == "code":
        return split_code_cell(cell)
    return [cell]


def quiz_as_text(cell: nbformat.NotebookNode) -> None:
    """Keep only the text of a quiz output (``course_utils.quiz.QuizDisplay``), in place.

    The clickable quiz is one piece of HTML, taller than a slide and impossible to cut; its
    text can be cut into screens, one or two questions each, for the class to discuss.
    """
    for output in cell.get("outputs", []):
        html = output.get("data", {}).get("text/html", "")
        if html.startswith(QUIZ_HTML_START) and "text/plain" in output.data:
            del output.data["text/html"]


def deck_notebook(notebook: nbformat.NotebookNode, with_solutions: bool = False) -> nbformat.NotebookNode:
    """The notebook a deck shows; the argument is not changed.

    Cells tagged ``solution`` or ``answer`` are left out unless ``with_solutions`` (an
    instructor deck), check cells always, the quiz is shown as text (``quiz_as_text``), cells
    longer than a screen are split (``fit_to_screen``), and the slide types are assigned
    afresh, so a deck is right even for a notebook whose stored metadata is missing or stale.
    """
    deck = copy.deepcopy(notebook)
    left_out = NEVER_SHOWN_TAGS if with_solutions else NEVER_SHOWN_TAGS | INSTRUCTOR_TAGS
    shown = [cell for cell in deck.cells if not left_out & set(cell.metadata.get("tags", []))]
    for cell in shown:
        quiz_as_text(cell)
    deck.cells = [piece for cell in shown for piece in fit_to_screen(cell)]
    assign_slide_types(deck)
    return deck


# --- Decks ------------------------------------------------------------------------------


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


def deck_exporter(assets: DeckAssets) -> SlidesExporter:
    """nbconvert's reveal.js exporter with the course's template, size and asset locations.

    Input and output prompts ("In [3]:") are left out.
    """
    return SlidesExporter(
        extra_loaders=[jinja2.DictLoader({DECK_TEMPLATE_NAME: DECK_TEMPLATE})],
        template_file=DECK_TEMPLATE_NAME,
        reveal_url_prefix=assets.reveal_prefix,
        require_js_url=assets.require_js,
        jquery_url=assets.jquery,
        mathjax_url=assets.mathjax,
        reveal_width=str(DECK_SIZE[0]),
        reveal_height=str(DECK_SIZE[1]),
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def build_deck(path: Path, output_dir: Path, assets: DeckAssets, with_solutions: bool = False) -> tuple[Path, str]:
    """Write the reveal.js deck of one notebook into ``output_dir``; return its path and title.

    An instructor deck (``with_solutions``) is named ``NN_name.instructor.slides.html`` and
    its page title says that it holds the solutions.
    """
    notebook = deck_notebook(nbformat.read(path, as_version=4), with_solutions)
    exporter = deck_exporter(assets)
    name = f"{path.stem}.instructor" if with_solutions else path.stem
    label = f"{path.stem} (instructor, with solutions)" if with_solutions else path.stem
    resources = {"metadata": {"name": label}, "deck_css": DECK_CSS}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    deck = output_dir / f"{name}{exporter.file_extension}"
    deck.write_text(body, encoding="utf-8")
    title = notebook_title(notebook, path.stem)
    return deck, f"{title} (with solutions)" if with_solutions else title


def index_page(decks: list[tuple[Path, str]], with_solutions: bool) -> str:
    """A plain HTML page (no scripts, readable offline) linking to every deck."""
    heading = "Why CNNs beat plain ANNs on images: slides"
    if with_solutions:
        heading += " for instructors (solutions included: not for students)"
    items = "\n".join(
        f'  <li><a href="{html.escape(deck.name)}">{html.escape(title)}</a></li>' for deck, title in decks
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{html.escape(heading)}</title>
<style>body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.6; }}</style></head>
<body>
<h1>{html.escape(heading)}</h1>
<p>One deck per notebook. Arrow keys move between slides (down: the steps of a section),
Esc shows an overview, F goes full screen.</p>
<ul>
{items}
</ul>
</body>
</html>
"""


def build_decks(paths: list[Path], output_dir: Path, assets: DeckAssets, with_solutions: bool = False) -> list[Path]:
    """Build one deck per notebook and an ``index.html`` into ``output_dir``; return the deck paths."""
    output_dir.mkdir(parents=True, exist_ok=True)
    decks = [build_deck(path, output_dir, assets, with_solutions) for path in paths]
    (output_dir / "index.html").write_text(index_page(decks, with_solutions), encoding="utf-8")
    return [deck for deck, _ in decks]


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line: notebooks, output folder, solutions, and where decks load their scripts from."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to convert (default: all, extras/ too)")
    parser.add_argument(
        "--output", type=Path, help="folder for the decks (build/slides; with --with-solutions build/slides-instructor)"
    )
    parser.add_argument(
        "--with-solutions",
        action="store_true",
        help="instructor decks: keep the cells tagged solution or answer (not for students)",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--reveal-prefix", help="URL or relative path of reveal.js 4 (default: nbconvert's CDN)")
    source.add_argument(
        "--offline",
        action="store_true",
        help="load reveal.js, require.js, jQuery and MathJax from node_modules/ in the output folder",
    )
    arguments = parser.parse_args(argv)
    if arguments.output is None:
        arguments.output = DEFAULT_INSTRUCTOR_OUTPUT if arguments.with_solutions else DEFAULT_OUTPUT
    return arguments


def offline_install_command(output_dir: Path) -> str:
    """The npm command that fetches the scripts ``--offline`` decks in ``output_dir`` load."""
    return f"npm install --prefix {output_dir} {' '.join(OFFLINE_PACKAGES)}"


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
                f"  {offline_install_command(arguments.output)}",
                file=sys.stderr,
            )
            return 2
        assets = DeckAssets.from_node_modules()
    else:
        assets = DeckAssets.from_cdn(arguments.reveal_prefix)
    decks = build_decks(paths, arguments.output, assets, arguments.with_solutions)
    kind = "instructor decks (solutions included: not for students)" if arguments.with_solutions else "decks"
    print(f"{len(decks)} {kind} and index.html written to {arguments.output}")
    if not arguments.offline:
        print(
            "Note: these decks load reveal.js, require.js, MathJax and jQuery from the internet; without it they\n"
            "show one long unstyled page. For a room without internet, run once\n"
            f"  {offline_install_command(arguments.output)}\n"
            "then build again with --offline."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
