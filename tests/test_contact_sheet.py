"""Tests for tools/contact_sheet.py: every stored figure on one offline page, labelled."""

import re
from pathlib import Path

import nbformat
from tool_loader import load_tool

REPO = Path(__file__).resolve().parents[1]
# A small notebook with four tiny PNG figures (3x2, 4x1, 1x5 and 2x2 pixels) under three
# headings. It is stored as .json, not .ipynb, so that nbval does not try to run it.
FIXTURE = REPO / "tests" / "fixtures" / "figures_notebook.json"

contact_sheet = load_tool("contact_sheet")


def stored_pngs(path):
    """The image/png outputs of a notebook, read without the tool."""
    notebook = nbformat.read(path, as_version=4)
    return [
        "".join(output.data["image/png"].split())
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


def test_figures_carry_their_cell_heading_and_size():
    figures = contact_sheet.figures_in(FIXTURE)
    assert [(figure.cell, figure.heading, figure.width, figure.height) for figure in figures] == [
        (3, "1. A red figure", 3, 2),
        (5, "1. A red figure", 4, 1),  # the Markdown cell between has no heading: the one above counts
        (5, "1. A red figure", 1, 5),
        (7, "1.1 A <small> heading & more", 2, 2),
    ]
    assert {figure.notebook for figure in figures} == {"figures_notebook.json"}
    assert [figure.png_base64 for figure in figures] == stored_pngs(FIXTURE)


def test_the_page_embeds_every_figure_with_its_label_and_loads_nothing(tmp_path, capsys):
    output = tmp_path / "sheet" / "contact_sheet.html"
    assert contact_sheet.main([str(FIXTURE), "--output", str(output)]) == 0
    assert "4 figures from 1 notebooks" in capsys.readouterr().out
    page = output.read_text(encoding="utf-8")
    sources = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert sources == stored_pngs(FIXTURE)
    assert "cell 3 · 1. A red figure · 3&times;2 px" in page
    assert "cell 5 · 1. A red figure · 1&times;5 px" in page
    assert "1.1 A &lt;small&gt; heading &amp; more · 2&times;2 px" in page, "headings are escaped"
    assert not re.search(r'(src|href)="(https?:)?//', page), "the page must open offline"
    assert "<script" not in page


def test_a_notebook_without_figures_is_listed_as_such(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# No figures")])
    path = tmp_path / "01_empty.ipynb"
    nbformat.write(notebook, path)
    output = tmp_path / "sheet.html"
    assert contact_sheet.main([str(path), "--output", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    assert "01_empty.ipynb (0)" in page and "No stored figures." in page
    assert "<img" not in page


def test_missing_notebook_is_reported(tmp_path, capsys):
    assert contact_sheet.main([str(tmp_path / "99_missing.ipynb"), "--output", str(tmp_path / "sheet.html")]) == 2
    assert "no such notebook" in capsys.readouterr().err
    assert not (tmp_path / "sheet.html").exists()


def test_the_course_sheet_shows_every_stored_figure(tmp_path):
    notebooks = contact_sheet.find_notebooks([])  # the lessons and their companions in notebooks/extras/
    assert len(notebooks) >= 10
    output = tmp_path / "contact_sheet.html"
    assert contact_sheet.main(["--output", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    expected = [png for path in notebooks for png in stored_pngs(path)]
    assert expected, "the course notebooks store figures"
    assert page.count("<img ") == len(expected)
    assert re.findall(r'<img src="data:image/png;base64,([^"]+)"', page) == expected
