"""Tests for tools/slides.py: slide types from a notebook's structure, and the reveal.js decks."""

import copy
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from tool_loader import load_tool

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


slides = load_tool("slides")


def slide_types(notebook):
    return [cell.metadata.slideshow.slide_type for cell in notebook.cells]


def lecture_notebook():
    """A small notebook shaped like the course's, with the expected slide type of each cell."""
    cells_and_types = [
        (new_markdown_cell("# 01 · Title\n\n**Purpose:** a test."), "slide"),
        (new_markdown_cell("## Setup"), "slide"),
        (new_code_cell("import course_utils"), "-"),
        (new_markdown_cell("An explanation after a code cell."), "subslide"),
        (new_markdown_cell("More text right after markdown."), "-"),
        (new_code_cell("x = 1"), "-"),
        (new_markdown_cell("### A subsection"), "subslide"),
        (new_code_cell("y = 2"), "-"),
        (new_markdown_cell("Closing words of section 1.\n\n## 2. The next section"), "slide"),
        (new_markdown_cell("```python\n# a comment in a fenced block, not a heading\n```"), "-"),
        (new_markdown_cell("#### A minor heading is not a new slide"), "-"),
        (new_code_cell("z = 3"), "-"),
        (new_markdown_cell("## Summary\n\n### Exercises"), "slide"),
    ]
    notebook = new_notebook(cells=[cell for cell, _ in cells_and_types])
    return notebook, [slide_type for _, slide_type in cells_and_types]


def test_slide_types_follow_the_headings_and_the_code_cells():
    notebook, expected = lecture_notebook()
    slides.assign_slide_types(notebook)
    assert slide_types(notebook) == expected


def test_assigning_twice_changes_nothing():
    notebook, _ = lecture_notebook()
    slides.assign_slide_types(notebook)
    once = copy.deepcopy(notebook)
    slides.assign_slide_types(notebook)
    assert notebook == once


def test_hand_set_skip_and_notes_and_other_metadata_are_kept():
    notebook, expected = lecture_notebook()
    notebook.cells[1].metadata["slideshow"] = {"slide_type": "skip"}
    notebook.cells[5].metadata["slideshow"] = {"slide_type": "notes"}
    notebook.cells[5].metadata["tags"] = ["solution"]
    notebook.cells[3].metadata["slideshow"] = {"slide_type": "fragment"}  # not hand-set: recomputed
    slides.assign_slide_types(notebook)
    assert slide_types(notebook) == [*expected[:1], "skip", *expected[2:5], "notes", *expected[6:]]
    assert notebook.cells[5].metadata.tags == ["solution"]


def test_top_heading_level():
    assert slides.top_heading_level("text\n\n## Two\n\n# One") == 1
    assert slides.top_heading_level("### Three\nplain") == 3
    assert slides.top_heading_level("#hashtag, not a heading") == 0
    assert slides.top_heading_level("~~~\n## inside a fence\n~~~\nplain") == 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_course_section_opens_a_slide(path):
    notebook = nbformat.read(path, as_version=4)
    slides.assign_slide_types(notebook)
    sections = [
        cell for cell in notebook.cells if re.search(r"^## ", cell.source, re.M) and cell.cell_type == "markdown"
    ]
    assert sections, "a course notebook has H2 sections"
    assert {cell.metadata.slideshow.slide_type for cell in [notebook.cells[0], *sections]} == {"slide"}


def write_notebook(directory, name="01_demo.ipynb"):
    notebook, _ = lecture_notebook()
    notebook.cells[9] = new_markdown_cell("Deck text with a formula $z = w x + b$.")
    path = directory / name
    nbformat.write(notebook, path)
    return path


def test_deck_has_one_section_per_slide_and_subslide_and_the_reveal_prefix(tmp_path):
    path = write_notebook(tmp_path)
    assets = slides.DeckAssets.from_cdn(reveal_prefix="https://course.example/reveal.js")
    (deck,) = slides.build_decks([path], tmp_path / "decks", assets)
    text = deck.read_text(encoding="utf-8")
    assert deck.name == "01_demo.slides.html"
    # a slide is an outer <section> around the <section> of its first subslide
    assert text.count("<section") == 2 * 4 + 2  # 4 slides, 2 further subslides
    assert '"https://course.example/reveal.js/dist/reveal.js"' in text
    assert 'href="https://course.example/reveal.js/dist/reveal.css"' in text
    assert "Deck text with a formula" in text and "2. The next section" in text
    index = (tmp_path / "decks" / "index.html").read_text(encoding="utf-8")
    assert '<a href="01_demo.slides.html">01 · Title</a>' in index


def test_offline_decks_refuse_to_build_without_the_npm_files(tmp_path, capsys):
    path = write_notebook(tmp_path)
    assert slides.main([str(path), "--offline", "--output", str(tmp_path / "decks")]) == 2
    assert "npm install --prefix" in capsys.readouterr().err
    assert not (tmp_path / "decks" / "01_demo.slides.html").exists()


def test_offline_decks_load_every_script_from_node_modules(tmp_path):
    path, output = write_notebook(tmp_path), tmp_path / "decks"
    for relative in slides.OFFLINE_PACKAGES.values():
        (output / "node_modules" / relative).parent.mkdir(parents=True, exist_ok=True)
        (output / "node_modules" / relative).write_text("// stand-in for the npm file", encoding="utf-8")
    assert slides.main([str(path), "--offline", "--output", str(output)]) == 0
    text = (output / "01_demo.slides.html").read_text(encoding="utf-8")
    for url in (
        '"node_modules/reveal.js/dist/reveal.js"',
        'src="node_modules/requirejs/require.js"',
        'src="node_modules/jquery/dist/jquery.min.js"',
        'src="node_modules/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"',
    ):
        assert url in text
    assert "unpkg.com" not in text
    assert not re.search(r'src="https?://', text), "every classic script is local"


def test_missing_notebook_is_reported(tmp_path, capsys):
    assert slides.main([str(tmp_path / "99_missing.ipynb"), "--output", str(tmp_path)]) == 2
    assert "no such notebook" in capsys.readouterr().err
