"""Tests for the course website: tools/build_site.py (the student view) and tools/check_site.py.

The unit tests run with the README's ``pytest``. The tests marked ``site`` build the whole
site with Sphinx and open every page in headless Chromium; they take about two minutes and
need Chromium, so the README's ``pytest`` leaves them out and CI's ``site`` job runs them:
``pytest -m site``.
"""

import html
import re
import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell
from tool_loader import load_tool

from course_utils import colab

build_site = load_tool("build_site")
check_site = load_tool("check_site")
notebook_files = load_tool("notebook_files")
REPO = notebook_files.REPO


def site_page(notebook_path):
    """The site version of a course notebook, read from the repository."""
    return build_site.site_version(nbformat.read(notebook_path, as_version=4), notebook_path.relative_to(REPO))


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


# --- the student view of a notebook ------------------------------------------------------------


def test_a_page_leaves_out_solutions_checks_and_the_bootstrap(notebook_path):
    page = site_page(notebook_path)
    assert not [cell for cell in page.cells if {"solution", "check"} & set(tags(cell))]
    assert not [cell for cell in page.cells if cell.source == colab.bootstrap_cell_source()]
    assert not [cell for cell in page.cells if cell.cell_type == "code" and "NBVAL_" in cell.source]


def test_a_page_keeps_every_other_cell_and_its_outputs(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    kept = [
        cell
        for cell in notebook.cells[1:]
        if not {"solution", "check", "answer"} & set(tags(cell)) and cell.source != colab.bootstrap_cell_source()
    ]
    page = [cell for cell in site_page(notebook_path).cells[1:] if "answer" not in tags(cell)]
    assert len(page) == len(kept)
    checkers = {index + 1 for index, cell in enumerate(notebook.cells) if "answer" in tags(cell)}
    for original, shown in zip(kept, page, strict=True):
        if notebook.cells.index(original) not in checkers:
            assert shown.get("outputs", []) == original.get("outputs", [])


def test_answers_become_starters_and_the_instructor_verdicts_go():
    path = REPO / "notebooks" / "05_convolution.ipynb"
    notebook = nbformat.read(path, as_version=4)
    page = site_page(path)
    answers = [cell for cell in page.cells if "answer" in tags(cell)]
    starters = [cell.metadata["course"]["starter"] for cell in notebook.cells if "answer" in tags(cell)]
    assert [cell.source for cell in answers] == starters and answers
    for answer in answers:
        checker = page.cells[page.cells.index(answer) + 1]
        assert answer.outputs == [] and checker.outputs == [] and checker.source.startswith("check_")
    assert "passed all" not in "".join(str(cell.get("outputs", "")) for cell in page.cells)


def test_the_badge_becomes_a_colab_button_for_the_notebook(notebook_path):
    first = site_page(notebook_path).cells[0].source
    url = colab.badge_url(notebook_path.relative_to(REPO))
    assert f'<a class="course-colab-button" href="{url}">Open in Colab</a>' in first
    assert colab.BADGE_IMAGE not in first, "the badge's image would be loaded from the network"


def test_a_notebook_that_could_leak_an_answer_is_refused():
    notebook = nbformat.read(REPO / "notebooks" / "05_convolution.ipynb", as_version=4)
    answer = next(cell for cell in notebook.cells if "answer" in tags(cell))
    del answer.metadata["course"]  # no starter: the page would show the solution
    with pytest.raises(ValueError, match=r"05_convolution.ipynb: answer cell \d+ has no starter"):
        build_site.site_version(notebook, REPO / "notebooks" / "05_convolution.ipynb")


def test_a_notebook_without_a_badge_is_refused():
    notebook = nbformat.v4.new_notebook(cells=[new_markdown_cell("# 99 · Title"), new_code_cell("x = 1")])
    with pytest.raises(ValueError, match="the first cell has no Open-in-Colab badge"):
        build_site.site_version(notebook, REPO / "notebooks" / "99_test.ipynb")


# --- the other pages ---------------------------------------------------------------------------


def test_the_errata_anchors_become_targets_and_links_references():
    assert (
        build_site.site_document('Text\n<a id="e01"></a>\n\n### E01 · A title\n')
        == "Text\n(e01)=\n\n### E01 · A title\n"
    )
    assert build_site.site_link("see [E13](lecture_errata.md#e13) and [E02](#e02)") == "see [E13](#e13) and [E02](#e02)"
    assert build_site.site_link("[the errata](lecture_errata.md)") == "[the errata](lecture_errata.md)"


def test_the_landing_page_lists_every_notebook_in_course_order():
    landing = build_site.landing_page(notebook_files.course_notebooks())
    pages = re.findall(r"^(notebooks/\S+|docs/\S+)$", landing, re.M)
    lessons = [path.relative_to(REPO).with_suffix("").as_posix() for path in notebook_files.course_notebooks()]
    assert pages == [*lessons, "docs/instructor_guide", "docs/lecture_errata", "docs/benchmark"]
    assert landing.index(":caption: Lessons") < landing.index(":caption: Companions (optional)")
    assert f"github.com/{colab.REPOSITORY}" in landing


# --- what the browser check looks for, without a browser ---------------------------------------


def test_hidden_lines_are_lines_of_solutions_the_page_does_not_show():
    path = REPO / "notebooks" / "06_pooling.ipynb"
    lines = check_site.hidden_lines(path)
    shown = "\n".join(cell.source for cell in site_page(path).cells)
    assert len(lines) > 20 and not [line for line in lines if line in shown]


@pytest.fixture
def tiny_site(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "index.html").write_text('<h1 id="top">Course</h1>', encoding="utf-8")
    (tmp_path / "docs" / "guide.html").write_text('<section id="pooling"><a name="old"></a></section>', "utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("href", "problem"),
    [
        ("docs/guide.html#pooling", None),
        ("docs/guide.html#old", None),
        ("#top", None),
        ("https://colab.research.google.com/github/x/y", None),
        ("docs/guide.html#pooling-layers", "no element with id 'pooling-layers' on docs/guide.html"),
        ("docs/missing.html", "leads to a missing page 'docs/missing.html'"),
        ("#nowhere", "no element with id 'nowhere' on index.html"),
    ],
)
def test_internal_links_must_reach_a_page_and_an_anchor(tiny_site, href, problem):
    check_site.ids_of.cache_clear()
    found = check_site.internal_link_problem(tiny_site, "http://127.0.0.1:8000/", "index.html", href)
    assert found == problem if problem is None else problem in found


# --- the whole site, built and opened in Chromium (CI's site job: pytest -m site) ---------------


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    status = build_site.build_site(notebook_files.course_notebooks(), folder / "source", folder / "site")
    assert status == 0, "Sphinx reported warnings or errors: run python tools/build_site.py --keep-going"
    return folder / "site"


@pytest.mark.site
def test_every_page_passes_the_browser_check(built_site):
    pages = check_site.site_pages(built_site)
    assert len([page for page in pages if page.startswith("notebooks/")]) == len(notebook_files.course_notebooks())
    assert check_site.check_site(built_site, pages) == []


@pytest.fixture
def broken_copy(built_site, tmp_path):
    """A copy of the built site to break on purpose."""
    return shutil.copytree(built_site, tmp_path / "site")


def edit_page(site, page, old, new):
    path = site / page
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.site
def test_the_check_fails_on_a_link_to_a_missing_anchor(broken_copy):
    page = "notebooks/06_pooling.html"
    edit_page(broken_copy, page, "<article", '<a href="05_convolution.html#no-such-section">see</a><article')
    problems = check_site.check_site(broken_copy, [page])
    missing = "no element with id 'no-such-section' on notebooks/05_convolution.html"
    assert problems == [f"{page}: link '05_convolution.html#no-such-section': {missing}"]


@pytest.mark.site
def test_the_check_fails_when_a_quiz_stops_responding(broken_copy):
    page = "notebooks/06_pooling.html"
    edit_page(broken_copy, page, 'option.addEventListener("click"', 'option.addEventListener("dblclick"')
    problems = check_site.check_site(broken_copy, [page])
    assert len(problems) == 2 * 6, "each of the 6 questions: neither click answered"
    assert all(problem.startswith(f"{page}: quiz question ") for problem in problems)
    assert sum("not why it is wrong" in problem for problem in problems) == 6


@pytest.mark.site
def test_the_check_fails_on_solution_text_and_a_wrong_colab_button(broken_copy):
    page = "notebooks/06_pooling.html"
    line = check_site.hidden_lines(REPO / "notebooks" / "06_pooling.ipynb")[0]
    edit_page(broken_copy, page, "<section id=", f"<p>{html.escape(line)}</p><section id=")
    button = f'class="course-colab-button" href="{colab.badge_url("notebooks/06_pooling.ipynb")}"'
    edit_page(broken_copy, page, button, button.replace("06_pooling", "05_convolution"))
    problems = check_site.check_site(broken_copy, [page])
    assert any("shows a line of a solution or check cell" in problem for problem in problems)
    assert any("the Colab button opens" in problem for problem in problems)


@pytest.mark.site
def test_the_quiz_answers_clicks_in_jupyterlab(tmp_path):
    """The same quiz output, run in a real JupyterLab: a wrong and a right click give their messages."""
    import socket
    import subprocess
    import sys
    import time

    from playwright.sync_api import sync_playwright

    from course_utils import quiz

    notebook = nbformat.v4.new_notebook(
        cells=[new_code_cell('from course_utils.quiz import show_quiz\nshow_quiz("06")')]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "quiz.ipynb")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.token=",
         "--ServerApp.password=", f"--ServerApp.root_dir={tmp_path}", "--ServerApp.allow_root=True"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    first = quiz.load_quiz("06").questions[0]
    wrong = next(index for index in range(len(first.options)) if index != first.answer)
    try:
        time.sleep(5)
        with sync_playwright() as playwright:
            browser = check_site.launch(playwright, check_site.DEFAULT_CHROMIUM)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/lab/tree/quiz.ipynb", timeout=60_000)
            page.wait_for_selector(".jp-Notebook .jp-Cell .jp-InputArea-editor", timeout=60_000)
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)  # the kernel is ready
            page.locator(".jp-Cell .jp-InputArea-editor").first.click()
            page.keyboard.press("Shift+Enter")
            question = page.locator(".course-quiz-question").first
            question.wait_for(timeout=60_000)
            options, feedback = question.locator(".course-quiz-option"), question.locator(".course-quiz-feedback")
            options.nth(wrong).click()
            wrong_message = feedback.inner_text()
            options.nth(first.answer).click()
            right_message = feedback.inner_text()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    letters = quiz.LETTERS
    assert wrong_message == f"({letters[wrong]}) is not right: {first.feedback[wrong]} Try another option."
    assert right_message == f"({letters[first.answer]}) is correct. {first.explanation}"
