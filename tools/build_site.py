"""Build the course website, ``build/site/``, from the notebooks' stored outputs.

The site shows the student view of every notebook, as a student reads the lesson: the
prose, the code and its stored outputs, figures and quizzes included, with

* the cells tagged ``solution`` and ``check`` left out (the instructor's answers and the
  proof of the lesson's claims, see ``tools/notebook_files.py``),
* each "write it yourself" answer replaced by its starter, and the checker's stored verdict
  (the instructor run's "✓ passed") removed,
* the Colab bootstrap cell left out and the ``NBVAL_IGNORE_OUTPUT`` markers removed, since
  they are machinery, not lesson,
* the Open-in-Colab badge replaced by an "Open in Colab" button (a plain link: the badge's
  image would be the one thing on the page loaded from the network), built like the badges
  from ``course_utils.colab``.

The pages are grouped as the course is: the landing page (``site/landing.md``), the ten
lessons in order, the optional companions, the instructor section (the guide and the
lecture errata from ``docs/``) and the benchmark. Nothing is executed (MyST-NB's
``nb_execution_mode = "off"``), so the build needs neither a kernel nor TensorFlow, and
nothing is fetched: MathJax comes from the ``jupyter-server-mathjax`` wheel.

    python tools/build_site.py                # build/site/index.html; warnings are errors
    python tools/build_site.py --keep-going   # report every warning before failing
    python -m http.server --directory build/site 8000   # then open http://localhost:8000

``tools/check_site.py`` opens every page of the result in headless Chromium.
"""

from __future__ import annotations

import argparse
import copy
import re
import shutil
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import nbformat

from course_utils import colab

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ is not a package: reach its modules
from make_student_notebooks import (
    COLAB_BADGE,
    answer_indices,
    exercise_problems,
    has_tag,
    use_starters,
)
from notebook_files import ANSWER_TAG, CHECK_TAG, COMPANION_DIR, NOTEBOOK_DIR, REPO, SOLUTION_TAG, course_notebooks

SITE_CONFIG = REPO / "site"  # conf.py, landing.md, _static/
DOCS = REPO / "docs"
DEFAULT_SOURCE = REPO / "build" / "site-src"
DEFAULT_OUTPUT = REPO / "build" / "site"
INSTRUCTOR_DOCUMENTS = ("instructor_guide.md", "lecture_errata.md")
REFERENCE_DOCUMENTS = ("benchmark.md",)
NBVAL_MARKER = re.compile(r"^# NBVAL_(IGNORE_OUTPUT|SKIP|CHECK_OUTPUT)\n", re.M)
HTML_ANCHOR = re.compile(r'^<a id="([\w-]+)"></a>$', re.M)  # the errata's anchors, e.g. <a id="e01"></a>
COLAB_BUTTON = '<a class="course-colab-button" href="{url}">Open in Colab</a>'


# ---------------------------------------------------------------------------------------------
# The student view of one notebook
# ---------------------------------------------------------------------------------------------


def colab_button(notebook_path: Path) -> str:
    """The HTML of a lesson page's "Open in Colab" button: a link to ``colab.badge_url``."""
    return COLAB_BUTTON.format(url=colab.badge_url(notebook_path))


def is_bootstrap_cell(cell: nbformat.NotebookNode) -> bool:
    """Whether ``cell`` is the Colab bootstrap cell that installs ``course_utils`` on Colab."""
    return cell.cell_type == "code" and cell.source == colab.bootstrap_cell_source()


def site_version(notebook: nbformat.NotebookNode, notebook_path: Path) -> nbformat.NotebookNode:
    """The page a student reads: the notebook without solutions, proof and machinery (see above).

    The argument is not changed. Raises ``ValueError`` when the notebook breaks the exercise
    convention (``make_student_notebooks.exercise_problems``), since its page could show an
    answer, or when its first cell has no Open-in-Colab badge to turn into the button.
    """
    problems = exercise_problems(notebook)
    if problems:
        raise ValueError(f"{notebook_path.name}: " + "; ".join(problems))
    notebook = copy.deepcopy(notebook)
    if not colab.badge_url_in(notebook.cells[0].source):
        raise ValueError(f"{notebook_path.name}: the first cell has no Open-in-Colab badge")
    for index in answer_indices(notebook):  # the checker's verdict belongs to the instructor's answer
        notebook.cells[index].outputs = []
        notebook.cells[index + 1].outputs = []
        notebook.cells[index + 1].execution_count = None
    use_starters(notebook)
    first = notebook.cells[0]
    first.source = COLAB_BADGE.sub(colab_button(notebook_path), first.source)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if not has_tag(cell, SOLUTION_TAG) and not has_tag(cell, CHECK_TAG) and not is_bootstrap_cell(cell)
    ]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = NBVAL_MARKER.sub("", cell.source)
    return notebook


def solution_and_check_sources(notebook: nbformat.NotebookNode) -> list[str]:
    """The sources the site must not show: solution cells, check cells and instructor answers.

    ``tools/check_site.py`` looks for their distinctive lines in every page.
    """
    return [
        cell.source
        for cell in notebook.cells
        if has_tag(cell, SOLUTION_TAG) or has_tag(cell, CHECK_TAG) or has_tag(cell, ANSWER_TAG)
    ]


# ---------------------------------------------------------------------------------------------
# The instructor documents and the landing page
# ---------------------------------------------------------------------------------------------


def site_document(markdown: str) -> str:
    """A document of ``docs/`` as a site page: its HTML anchors become MyST targets.

    The errata mark each entry with ``<a id="e01"></a>`` so that links work on GitHub;
    Sphinx only resolves a link such as ``lecture_errata.md#e01`` to a target it knows,
    ``(e01)=``, which gives the same anchor in the HTML.
    """
    return HTML_ANCHOR.sub(r"(\1)=", markdown)


def site_link(markdown: str) -> str:
    """Links to a target of the errata, ``lecture_errata.md#e01`` or ``#e01``, as MyST references."""
    return re.sub(r"\]\((?:lecture_errata\.md)?#(e\d\d)\)", r"](#\1)", markdown)


def page_name(path: Path) -> str:
    """The page of a notebook in the site, relative to its root: ``notebooks/extras/05b_…``."""
    return path.relative_to(REPO).with_suffix("").as_posix()


def toctree(caption: str, pages: list[str]) -> str:
    """A MyST toctree directive listing ``pages`` under ``caption`` in the left navigation."""
    return "\n".join(["```{toctree}", f":caption: {caption}", ":maxdepth: 1", "", *pages, "```", ""])


def landing_page(notebooks: list[Path]) -> str:
    """``site/landing.md`` (``__REPOSITORY__`` becomes ``colab.REPOSITORY``, owner/name, and
    ``__REPOSITORY_NAME__`` its name), then the navigation:
    lessons, companions, the instructor section and the reference."""
    lessons = [page_name(path) for path in notebooks if path.parent == NOTEBOOK_DIR]
    companions = [page_name(path) for path in notebooks if path.parent == COMPANION_DIR]
    landing = (SITE_CONFIG / "landing.md").read_text(encoding="utf-8")
    landing = landing.replace("__REPOSITORY_NAME__", colab.REPOSITORY.split("/")[1])
    landing = landing.replace("__REPOSITORY__", colab.REPOSITORY)
    return "\n".join(
        [
            landing,
            toctree("Lessons", lessons),
            toctree("Companions (optional)", companions),
            toctree("For instructors", [f"docs/{Path(name).stem}" for name in INSTRUCTOR_DOCUMENTS]),
            toctree("Reference", [f"docs/{Path(name).stem}" for name in REFERENCE_DOCUMENTS]),
        ]
    )


def copy_mathjax(static: Path) -> None:
    """Copy MathJax 2.7 from the ``jupyter-server-mathjax`` wheel to ``static/mathjax``."""
    source = Path(str(resources.files("jupyter_server_mathjax") / "static"))
    if not (source / "MathJax.js").is_file():
        raise FileNotFoundError(f"MathJax.js not found in {source}: pip install jupyter-server-mathjax")
    shutil.copytree(source, static / "mathjax")


def write_sources(notebooks: list[Path], source: Path) -> None:
    """Write everything Sphinx reads into ``source`` (emptied first): config, pages, static files."""
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(SITE_CONFIG, source, ignore=shutil.ignore_patterns("landing.md", "__pycache__"))
    copy_mathjax(source / "_static")
    (source / "index.md").write_text(landing_page(notebooks), encoding="utf-8")
    for path in notebooks:
        target = source / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(site_version(nbformat.read(path, as_version=4), path), target)
    (source / "docs").mkdir()
    for name in (*INSTRUCTOR_DOCUMENTS, *REFERENCE_DOCUMENTS):
        page = site_link(site_document((DOCS / name).read_text(encoding="utf-8")))
        (source / "docs" / name).write_text(page, encoding="utf-8")


def build_site(notebooks: list[Path], source: Path, output: Path, keep_going: bool = False) -> int:
    """Write the sources and run Sphinx with warnings as errors; return Sphinx's exit code."""
    write_sources(notebooks, source)
    if output.exists():
        shutil.rmtree(output)
    command = [sys.executable, "-m", "sphinx", "-W", "-b", "html", "-q", str(source), str(output)]
    if keep_going:
        command.insert(3, "--keep-going")
    return subprocess.call(command, cwd=REPO)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="where the Sphinx sources are written")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the site is written")
    parser.add_argument("--keep-going", action="store_true", help="report every warning before failing")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        status = build_site(course_notebooks(), args.source.resolve(), args.output.resolve(), args.keep_going)
    except (ValueError, FileNotFoundError) as error:
        print(f"build_site: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    if status == 0:
        print(f"site built in {seconds:.0f} s: {args.output / 'index.html'}")
    else:
        print(f"build_site: Sphinx failed (exit code {status}) after {seconds:.0f} s", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
