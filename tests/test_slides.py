"""Tests for tools/slides.py: slide types, decks that fit a 1280x720 screen, solutions kept out."""

import base64
import copy
import io
import math
import re
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from tool_loader import load_tool

from course_utils.colab import bootstrap_cell_source

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = [
    *sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")),
    *sorted((REPO / "notebooks" / "extras").glob("*.ipynb")),  # companion notebooks
]
INSTRUCTOR_TAGS = ("solution", "answer")

slides = load_tool("slides")


def slide_types(notebook):
    return [cell.metadata.slideshow.slide_type for cell in notebook.cells]


def stream(text):
    return new_output("stream", name="stdout", text=text)


def figure_output(width, height):
    """A display_data output holding a real PNG of ``width`` x ``height`` pixels."""
    buffer = io.BytesIO()
    plt.imsave(buffer, np.zeros((height, width)), format="png")
    data = base64.b64encode(buffer.getvalue()).decode()
    return new_output("display_data", data={"image/png": data, "text/plain": "<Figure>"})


def lecture_notebook():
    """A small notebook shaped like the course's, with the expected slide type of each cell."""
    cells_and_types = [
        (new_markdown_cell("# 01 · Title\n\n**Purpose:** a test."), "slide"),
        (new_markdown_cell("## Setup"), "slide"),
        (new_code_cell(bootstrap_cell_source()), "skip"),
        (new_code_cell("import course_utils\n\ncourse_utils.setup()", outputs=[stream("status\n")]), "-"),
        (new_code_cell("import numpy as np\nfrom course_utils import plots"), "skip"),
        (new_markdown_cell("An explanation after a code cell."), "subslide"),
        (new_markdown_cell("More text right after markdown."), "-"),
        (new_code_cell("# NBVAL_IGNORE_OUTPUT\nassert x == 1\nassert x > 0, 'positive'"), "skip"),
        (new_markdown_cell("Markdown after a skipped cell continues the step."), "-"),
        (new_code_cell("x = 1"), "-"),
        (new_markdown_cell("### A subsection"), "subslide"),
        (new_code_cell("y = 2"), "-"),
        (new_code_cell("# only a comment\n"), "skip"),
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


def test_hand_set_notes_and_other_metadata_are_kept_other_types_recomputed():
    notebook, expected = lecture_notebook()
    notebook.cells[9].metadata["slideshow"] = {"slide_type": "notes"}
    notebook.cells[9].metadata["tags"] = ["solution"]
    notebook.cells[5].metadata["slideshow"] = {"slide_type": "fragment"}
    notebook.cells[11].metadata["slideshow"] = {"slide_type": "skip"}  # the rules decide what is skipped
    slides.assign_slide_types(notebook)
    assert slide_types(notebook) == [*expected[:9], "notes", *expected[10:]]
    assert notebook.cells[9].metadata.tags == ["solution"]


@pytest.mark.parametrize(
    ("source", "skipped"),
    [
        (bootstrap_cell_source(), True),
        ('# Colab only: install\nif "google.colab" in str(get_ipython()):\n    %pip install -q x', True),
        ("import keras\nfrom course_utils import plots", True),
        ("assert accuracy >= 0.9, 'too low'", True),
        ("", True),
        ("# NBVAL_IGNORE_OUTPUT\n", True),
        ("assert accuracy >= 0.9\nprint(accuracy)", False),
        ("import keras\nmodel = keras.Sequential()", False),
        ("%env COURSE_PROFILE=fast", False),
        ("compile_classifier(model)", False),
    ],
)
def test_set_up_and_test_only_cells_have_nothing_to_present(source, skipped):
    assert slides.has_nothing_to_present(new_code_cell(source)) is skipped


def test_a_cell_with_an_output_is_presented_unless_it_is_colab_only():
    printed = [stream("a warning\n")]
    assert not slides.has_nothing_to_present(new_code_cell("import keras", outputs=printed))
    assert not slides.has_nothing_to_present(new_code_cell("assert True", outputs=printed))
    assert slides.has_nothing_to_present(new_code_cell(bootstrap_cell_source(), outputs=printed))


def test_markdown_is_always_presented():
    assert not slides.has_nothing_to_present(new_markdown_cell("import os"))


def test_top_heading_level():
    assert slides.top_heading_level("text\n\n## Two\n\n# One") == 1
    assert slides.top_heading_level("### Three\nplain") == 3
    assert slides.top_heading_level("#hashtag, not a heading") == 0
    assert slides.top_heading_level("~~~\n## inside a fence\n~~~\nplain") == 0


def test_cell_lines_count_wrapped_code_output_text_and_figures():
    code = new_code_cell("a = 1\n" + "b" * (slides.CODE_CHARS + 1), outputs=[stream("one\ntwo\n")])
    assert slides.cell_lines(code) == pytest.approx(3 + 2 + 2 * slides.CODE_BOX + slides.CELL_GAP)
    wide = new_code_cell("plt.show()", outputs=[figure_output(400, 100)])
    height = slides.FIGURE_WIDTH / 4  # drawn as wide as the slide
    assert height < slides.FIGURE_MAX_HEIGHT
    assert slides.cell_lines(wide) == pytest.approx(1 + height / slides.LINE_PX + 2 * slides.CODE_BOX + slides.CELL_GAP)
    tall = new_code_cell("plt.show()", outputs=[figure_output(100, 400)])
    height = slides.FIGURE_MAX_HEIGHT  # as tall as allowed, narrower than the slide
    assert slides.cell_lines(tall) == pytest.approx(1 + height / slides.LINE_PX + 2 * slides.CODE_BOX + slides.CELL_GAP)
    conclusion = "- **First.** " + "word " * 60 + "\n- **Second.** " + "word " * 60
    shown = nbformat.v4.new_output(
        "display_data", data={"text/markdown": conclusion, "text/plain": "<IPython.core.display.Markdown object>"}
    )
    printed = new_code_cell("display(Markdown(text))", outputs=[shown])
    assert slides.cell_lines(printed) == pytest.approx(
        1 + slides.CODE_BOX + slides.markdown_lines(conclusion) + slides.CELL_GAP
    )
    assert slides.markdown_lines(conclusion) > 4  # measured as the Markdown it shows, not its one-line stand-in


def test_markdown_lines_reflow_paragraphs_and_count_headings_and_tables():
    first, second = " ".join(["word"] * 20), " ".join(["text"] * 20)
    paragraph = f"{first}\n{second}"  # wrapped in the source, reflowed on the slide
    lines = math.ceil(len(f"{first} {second}") / slides.TEXT_CHARS)
    assert lines == 3
    assert slides.markdown_lines(paragraph) == pytest.approx(lines * slides.TEXT_LINE)
    assert slides.markdown_lines("## Heading\n\n- one\n- two") == pytest.approx(
        slides.HEADING_LINES[2] + slides.PARAGRAPH_GAP + 2 * slides.TEXT_LINE
    )
    assert slides.markdown_lines("[a link](https://example.org/a/very/long/target)") == slides.TEXT_LINE
    formulas = "$$a = b$$\n\n$$\nc = \\sum_k d_k\n$$"
    assert slides.markdown_lines(formulas) == pytest.approx(2 * slides.FORMULA_LINES + slides.PARAGRAPH_GAP)
    table = "| a | b |\n|---|---|\n| 1 | 2 |"
    assert slides.markdown_lines(table) == pytest.approx(2 * (slides.TABLE_LINE + slides.TABLE_ROW_GAP))
    squeezed = "| name | text |\n|---|---|\n| x | " + " ".join(["long"] * 60) + " |"
    assert slides.markdown_lines(squeezed) > 3 * (slides.TABLE_LINE + slides.TABLE_ROW_GAP)


def subslide_lengths(notebook):
    return [sum(slides.cell_lines(cell) for cell in cells) for cells in slides.subslides(notebook)]


def test_a_run_of_cells_longer_than_a_screen_opens_new_subslides():
    code = "\n".join(f"value_{i} = {i}" for i in range(10))
    notebook = new_notebook(cells=[new_markdown_cell("## Section"), *[new_code_cell(code) for _ in range(6)]])
    slides.assign_slide_types(notebook)
    assert slide_types(notebook) == ["slide", "-", "subslide", "-", "subslide", "-", "subslide"]
    assert max(subslide_lengths(notebook)) <= slides.MAX_SUBSLIDE_LINES


def test_cells_longer_than_a_screen_are_cut_into_pieces_that_fit():
    paragraphs = [f"Paragraph {i}: " + " ".join(["text"] * 30) for i in range(30)]
    long_markdown = new_markdown_cell("## A long section\n\n" + "\n\n".join(paragraphs))
    code = "\n\n".join("\n".join(f"row_{block}_{i} = {i}" for i in range(8)) for block in range(8))
    output = "".join(f"line {i}\n" for i in range(70))
    long_code = new_code_cell(code, outputs=[stream(output), figure_output(300, 200)])
    notebook = new_notebook(cells=[long_markdown, long_code])
    deck = slides.deck_notebook(notebook)

    assert max(subslide_lengths(deck)) <= slides.MAX_SUBSLIDE_LINES
    markdown = [cell.source for cell in deck.cells if cell.cell_type == "markdown"]
    assert len(markdown) > 1 and "\n\n".join(markdown) == long_markdown.source
    pieces = [cell for cell in deck.cells if cell.cell_type == "code"]
    shown_code = [cell.source for cell in pieces if not cell.metadata.get("transient", {}).get("remove_source")]
    assert "\n\n".join(shown_code) == code
    outputs = [out for cell in pieces for out in cell.outputs]
    assert len(outputs) > 2 and "".join(out.text for out in outputs[:-1]) == output
    assert outputs[-1] == long_code.outputs[-1], "the figure comes last"
    assert len({cell.id for cell in deck.cells}) == len(deck.cells), "every piece has its own cell id"
    assert notebook.cells == [long_markdown, long_code], "the notebook itself is not changed"


def test_a_table_longer_than_a_screen_is_cut_between_rows_under_its_header():
    header = "| network | what it shows |\n|---|---|"
    rows = [f"| net {i} | " + " ".join(["words"] * 25) + " |" for i in range(30)]
    summary = new_markdown_cell("## Summary\n\n" + header + "\n" + "\n".join(rows))
    deck = slides.deck_notebook(new_notebook(cells=[summary]))
    assert max(subslide_lengths(deck)) <= slides.MAX_SUBSLIDE_LINES
    assert deck.cells[0].source.startswith("## Summary\n\n" + header + "\n| net 0 |"), "the heading keeps rows"
    tables = [cell.source.split("\n\n")[-1] for cell in deck.cells]
    assert len(tables) > 1 and all(table.startswith(header + "\n") for table in tables)
    assert [line for table in tables for line in table.splitlines()[2:]] == rows


def test_instructor_cells_are_left_out_of_student_decks():
    notebook, _ = lecture_notebook()
    notebook.cells[9].metadata["tags"] = ["solution"]
    notebook.cells[11].metadata["tags"] = ["answer", "other"]
    student = [cell.source for cell in slides.deck_notebook(notebook).cells]
    instructor = [cell.source for cell in slides.deck_notebook(notebook, with_solutions=True).cells]
    assert "x = 1" not in student and "y = 2" not in student
    assert instructor == [cell.source for cell in notebook.cells]


def test_check_cells_are_skipped_even_in_a_plain_nbconvert_deck():
    check = nbformat.v4.new_code_cell("# @title Check\nx = 1\nassert x == 1", metadata={"tags": ["check"]})
    assert slides.has_nothing_to_present(check)


def test_check_cells_are_left_out_of_every_deck():
    notebook, _ = lecture_notebook()
    notebook.cells[9].metadata["tags"] = ["check"]
    for with_solutions in (False, True):
        shown = [cell.source for cell in slides.deck_notebook(notebook, with_solutions).cells]
        assert notebook.cells[9].source not in shown


def test_a_deck_shows_the_quiz_as_text_cut_into_screens():
    from course_utils import quiz

    shown = quiz.QuizDisplay(quiz.load_quiz("06"))
    cell = new_code_cell('show_quiz("06_pooling")')
    cell.outputs = [new_output("display_data", data=shown._repr_mimebundle_())]
    notebook, _ = lecture_notebook()
    notebook.cells.append(cell)
    pieces = [piece for piece in slides.deck_notebook(notebook).cells if piece.cell_type == "code"]
    outputs = [output for piece in pieces for output in piece.outputs if output.output_type == "display_data"]
    assert len(outputs) > 1, "the quiz's text is cut into several screens"
    assert all(set(output.data) == {"text/plain"} for output in outputs)
    assert "".join(output.data["text/plain"] for output in outputs).count("\n   a) ") == 6
    assert cell.outputs[0].data.keys() == {"text/plain", "text/html"}, "the notebook itself is not changed"


def instructor_cells(cells):
    return [cell for cell in cells if set(INSTRUCTOR_TAGS) & set(cell.metadata.get("tags", []))]


@pytest.mark.parametrize("with_solutions", [False, True], ids=["student", "instructor"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_course_decks_follow_the_rules(path, with_solutions):
    notebook = nbformat.read(path, as_version=4)
    deck = slides.deck_notebook(notebook, with_solutions)
    longest = max(subslide_lengths(deck))
    assert longest <= slides.MAX_SUBSLIDE_LINES, f"a sub-slide of {longest:.1f} lines does not fit the screen"
    for cell in deck.cells:
        hidden = cell.metadata.slideshow.slide_type == "skip"
        assert hidden == slides.has_nothing_to_present(cell), cell.source[:80]
    expected = with_solutions and bool(instructor_cells(notebook.cells))
    assert bool(instructor_cells(deck.cells)) == expected, "solution cells only in instructor decks"


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
    notebook.cells[14] = new_markdown_cell("Deck text with a formula $z = w x + b$.")
    notebook.cells.append(new_markdown_cell("**Solution:** instructor text", metadata={"tags": ["solution"]}))
    notebook.cells.append(new_code_cell("answer_code = 42", metadata={"tags": ["answer"]}))
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


def test_deck_is_laid_out_for_a_1280x720_projector(tmp_path):
    (deck,) = slides.build_decks([write_notebook(tmp_path)], tmp_path / "decks", slides.DeckAssets.from_cdn())
    text = deck.read_text(encoding="utf-8")
    settings = re.search(r"Reveal\.initialize\(\{(.*?)\}\);", text, re.S).group(1)
    assert re.search(r"width: 1280,\s*height: 720,\s*margin: 0\.02,", settings)
    assert f"--jp-content-font-size1: {slides.TEXT_PX}px" in text and f"--jp-code-font-size: {slides.CODE_PX}px" in text
    assert re.search(r"\.jp-RenderedImage img \{\s*margin: 0;\s*width: 100%;", text), "figures as wide as the slide"
    assert "google.colab" not in text, "the Colab bootstrap cell is not shown"


def test_student_decks_leave_out_solutions_and_instructor_decks_go_elsewhere(tmp_path, capsys):
    path = write_notebook(tmp_path)
    student_dir, instructor_dir = tmp_path / "student", tmp_path / "instructor"
    assert slides.main([str(path), "--output", str(student_dir)]) == 0
    assert slides.main([str(path), "--with-solutions", "--output", str(instructor_dir)]) == 0
    assert "not for students" in capsys.readouterr().out
    student = (student_dir / "01_demo.slides.html").read_text(encoding="utf-8")
    instructor = (instructor_dir / "01_demo.instructor.slides.html").read_text(encoding="utf-8")
    for text in ("instructor text", "answer_code"):
        assert text not in student
        assert text in instructor
    assert "<title>01_demo (instructor, with solutions) slides</title>" in instructor
    assert "solutions included" in (instructor_dir / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in instructor_dir.glob("*.slides.html")] == ["01_demo.instructor.slides.html"]
    assert slides.parse_arguments(["--with-solutions"]).output == slides.DEFAULT_INSTRUCTOR_OUTPUT
    assert slides.parse_arguments([]).output == slides.DEFAULT_OUTPUT != slides.DEFAULT_INSTRUCTOR_OUTPUT


def presented_solution_ids(path):
    """The ids of the cells of a notebook that are tagged solution and would be on a slide."""
    notebook = nbformat.read(path, as_version=4)
    return [
        cell.id
        for cell in notebook.cells
        if "solution" in cell.metadata.get("tags", []) and not slides.has_nothing_to_present(cell)
    ]


def test_real_deck_has_no_solution_cell_unless_asked(tmp_path):
    path = next(path for path in reversed(NOTEBOOKS) if presented_solution_ids(path))
    solution_ids = presented_solution_ids(path)
    assets = slides.DeckAssets.from_cdn()
    (student,) = slides.build_decks([path], tmp_path / "student", assets)
    (instructor,) = slides.build_decks([path], tmp_path / "instructor", assets, with_solutions=True)
    student_html, instructor_html = student.read_text(encoding="utf-8"), instructor.read_text(encoding="utf-8")
    assert "celltag_solution" not in student_html and "celltag_solution" in instructor_html
    for cell_id in solution_ids:
        assert f'id="cell-id={cell_id}' not in student_html
        assert f'id="cell-id={cell_id}' in instructor_html


def test_cdn_decks_say_that_they_need_internet(tmp_path, capsys):
    assert slides.main([str(write_notebook(tmp_path)), "--output", str(tmp_path / "decks")]) == 0
    out = capsys.readouterr().out
    assert "unstyled" in out and "--offline" in out and "npm install --prefix" in out


def test_offline_decks_refuse_to_build_without_the_npm_files(tmp_path, capsys):
    path = write_notebook(tmp_path)
    assert slides.main([str(path), "--offline", "--output", str(tmp_path / "decks")]) == 2
    assert "npm install --prefix" in capsys.readouterr().err
    assert not (tmp_path / "decks" / "01_demo.slides.html").exists()


def test_offline_decks_load_every_script_from_node_modules(tmp_path, capsys):
    path, output = write_notebook(tmp_path), tmp_path / "decks"
    for relative in slides.OFFLINE_PACKAGES.values():
        (output / "node_modules" / relative).parent.mkdir(parents=True, exist_ok=True)
        (output / "node_modules" / relative).write_text("// stand-in for the npm file", encoding="utf-8")
    assert slides.main([str(path), "--offline", "--output", str(output)]) == 0
    assert "unstyled" not in capsys.readouterr().out
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
