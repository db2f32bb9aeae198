"""The lesson and its proof: teaching cells show the idea, collapsed check cells prove it.

A check cell (tag ``check``) holds the asserts of the teaching cell above it, with the
calibration notes of training-dependent checks. These tests keep the roles apart in every
notebook, keep speed machinery and most errata out of the lessons' prose, and make sure
every link a notebook keeps works wherever the notebook is opened.
"""

import ast
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
from tool_loader import load_tool

from course_utils import colab

notebook_files = load_tool("notebook_files")
REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = notebook_files.course_notebooks()
LESSONS = [path for path in NOTEBOOKS if path.parent == notebook_files.NOTEBOOK_DIR]
GUIDE = REPO / "docs" / "instructor_guide.md"
ERRATA = REPO / "docs" / "lecture_errata.md"

MAX_ASSERTS_PER_LESSON = 8  # outside check cells: only the asserts that are themselves the lesson
MAX_CALLOUTS_PER_LESSON = 2
CALLOUT = "**Lecture check"
# Speed devices: the helpers' docstrings and the README explain them, never a lesson.
SPEED_DEVICES = re.compile(
    r"steps.per.execution|fresh_copy|shuffled.passes|already_compiled|\btrac(e|es|ed|ing)\b|retrac|onednn"
    r"|one long epoch|compiled (once|model per)|reset for every",
    re.I,
)
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
GITHUB_BLOB = f"https://github.com/{colab.REPOSITORY}/blob/{colab.BRANCH}/"
ERRATUM_ID = re.compile(r"#(e\d\d)\)")


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def is_check(cell) -> bool:
    return notebook_files.CHECK_TAG in tags(cell)


def teaching_code_cells(notebook):
    """Code cells a student reads: neither check cells nor the instructor's solutions and answers."""
    instructor = {notebook_files.CHECK_TAG, notebook_files.SOLUTION_TAG, notebook_files.ANSWER_TAG}
    return [cell for cell in notebook.cells if cell.cell_type == "code" and not instructor & set(tags(cell))]


def assert_count(source: str) -> int:
    return len(re.findall(r"^\s*assert\b", source, re.M))


def comments(source: str) -> str:
    return "\n".join(line.split("#", 1)[1] for line in source.splitlines() if "#" in line)


# --------------------------------------------------------------------------- check cells


def test_check_cells_are_collapsed_titled_and_silent(notebook):
    checks = [cell for cell in notebook.cells if is_check(cell)]
    assert checks, "a notebook proves its claims in check cells"
    for cell in checks:
        assert cell.cell_type == "code"
        for key, value in notebook_files.CHECK_CELL_METADATA.items():
            assert cell.metadata.get(key) == value, f"run tools/run_notebooks.py to collapse:\n{cell.source[:80]}"
        assert cell.source.startswith(notebook_files.CHECK_TITLE), "a check cell opens with its Colab form title"
        assert assert_count(cell.source), f"a check cell checks something:\n{cell.source[:120]}"
        assert cell.outputs == [], f"a check cell prints nothing:\n{cell.source[:120]}"


def test_teaching_cells_hold_at_most_one_assert_and_no_calibration(notebook, notebook_path):
    for cell in teaching_code_cells(notebook):
        assert assert_count(cell.source) <= 1, f"move the asserts to a check cell:\n{cell.source[:200]}"
    for cell in notebook.cells:
        if not is_check(cell):
            assert "alibrat" not in cell.source, f"calibration notes belong in check cells:\n{cell.source[:200]}"
    if notebook_path in LESSONS:
        total = sum(assert_count(cell.source) for cell in teaching_code_cells(notebook))
        assert total <= MAX_ASSERTS_PER_LESSON, f"{total} asserts outside check cells"


def defined_names(source: str) -> set[str]:
    """Names a cell's top-level statements bind (assignments, loops, functions, imports)."""
    names = set()
    for statement in ast.parse(source).body:
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in statement.names)
        else:
            for node in ast.walk(statement):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
    return names


def loaded_names(source: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}


def python_source(cell) -> str:
    """A code cell's source with IPython's % and ! lines as ``pass``, so that ``ast`` can parse it."""
    lines = cell.source.splitlines()
    return "\n".join(
        line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
        for line in lines
    )


def test_student_copies_need_nothing_from_a_check_cell(notebook):
    """Student copies leave check cells out: no later teaching cell may use a name only a check cell binds."""
    bound_by_lesson: set[str] = set()
    bound_only_by_checks: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type != "code" or notebook_files.SOLUTION_TAG in tags(cell):
            continue
        source = python_source(cell)
        if is_check(cell):
            bound_only_by_checks |= defined_names(source) - bound_by_lesson
            continue
        missing = (loaded_names(source) & bound_only_by_checks) - defined_names(source) - {"_"}
        assert not missing, f"{sorted(missing)} come from a check cell, used in:\n{cell.source[:200]}"
        bound_by_lesson |= defined_names(source)
        bound_only_by_checks -= bound_by_lesson


# --------------------------------------------------------------------------- the prose


def test_no_speed_machinery_in_a_lessons_prose_or_comments(notebook, notebook_path):
    for cell in notebook.cells:
        text = cell.source if cell.cell_type == "markdown" else comments(cell.source)
        found = SPEED_DEVICES.search(text)
        assert not found, f"{found.group(0)!r} explains a speed device: say it in a helper's docstring:\n{text[:200]}"


def test_at_most_two_lecture_checks_per_lesson(notebook):
    callouts = sum(cell.source.count(CALLOUT) for cell in notebook.cells if cell.cell_type == "markdown")
    assert callouts <= MAX_CALLOUTS_PER_LESSON, "keep the rest for the instructor (docs/lecture_errata.md)"


# --------------------------------------------------------------------------- links


def anchors_in(path: Path) -> set[str]:
    """The anchors a Markdown file or notebook offers: explicit ``<a id>``s and GitHub heading slugs."""
    if path.suffix == ".ipynb":
        text = "\n".join(
            cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"
        )
    else:
        text = path.read_text(encoding="utf-8")
    explicit = set(re.findall(r'<a id="([^"]+)"></a>', text))
    headings = re.findall(r"^#{1,6} (.+)$", text, re.M)
    slugs = {re.sub(r"[^\w\- ]", "", heading.lower()).strip().replace(" ", "-") for heading in headings}
    return explicit | slugs


def link_problem(target: str, notebook_path: Path) -> str | None:
    """Why a link of a notebook in ``notebooks/`` would not open, or None if it works there."""
    if target.startswith(GITHUB_BLOB):
        path, _, anchor = target[len(GITHUB_BLOB) :].partition("#")
        file = REPO / unquote(path)
    elif target.startswith(("http://", "https://", "mailto:")):
        return None  # another site: not ours to check offline
    elif target.startswith("#"):
        file, anchor = notebook_path, target[1:]
    else:
        path, _, anchor = urlparse(target).path, None, urlparse(target).fragment
        file = (notebook_path.parent / unquote(path)).resolve()
        if notebook_files.NOTEBOOK_DIR.resolve() not in file.parents:
            return "points outside notebooks/, the folder JupyterLab and the student copies serve"
    if not file.is_file():
        return f"{file} does not exist"
    if anchor and anchor not in anchors_in(file):
        return f"{file.name} has no anchor #{anchor}"
    return None


def test_every_link_opens_where_the_notebook_is_opened(notebook, notebook_path):
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for target in MARKDOWN_LINK.findall(cell.source):
            if target.startswith("https://colab.research.google.com/"):
                continue  # the badge: test_notebook_hygiene checks it
            problem = link_problem(target, notebook_path)
            assert problem is None, f"link {target}: {problem}"


def test_the_link_check_catches_a_missing_file_or_anchor():
    lesson = LESSONS[0]
    assert link_problem(GITHUB_BLOB + "docs/lecture_errata.md#e07", lesson) is None
    assert "no anchor" in link_problem(GITHUB_BLOB + "docs/lecture_errata.md#e99", lesson)
    assert "does not exist" in link_problem(GITHUB_BLOB + "docs/missing.md", lesson)
    assert "outside notebooks/" in link_problem("../docs/lecture_errata.md#e07", lesson)
    assert link_problem("extras/10c_data_efficiency.ipynb", notebook_files.NOTEBOOK_DIR / "10_ann_vs_cnn.ipynb") is None


# --------------------------------------------------------------------------- errata for the instructor


def errata_by_lesson() -> dict[str, tuple[set[str], set[str]]]:
    """The guide's "Errata by lesson" table: {lesson number: (callout ids, other ids)}."""
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide[guide.index('<a id="errata-by-lesson"></a>') :].split("\n\n")[3]
    table = {}
    for row in section.splitlines()[2:]:
        lesson, callouts, others = (cell.strip() for cell in row.strip("|").split("|"))
        table[lesson[:2]] = (set(ERRATUM_ID.findall(callouts)), set(ERRATUM_ID.findall(others)))
    return table


def test_the_guide_lists_every_erratum_and_each_lessons_callouts():
    table = errata_by_lesson()
    listed = set().union(*(callouts | others for callouts, others in table.values()))
    entries = set(re.findall(r'<a id="(e\d\d)"></a>', ERRATA.read_text(encoding="utf-8")))
    assert listed == entries, f"missing from the guide: {sorted(entries - listed)}; unknown: {sorted(listed - entries)}"
    for lesson in LESSONS:
        text = "\n".join(
            cell.source for cell in nbformat.read(lesson, as_version=4).cells if cell.cell_type == "markdown"
        )
        linked = {match for block in text.split(CALLOUT)[1:] for match in ERRATUM_ID.findall(block.split("\n\n")[0])}
        assert linked <= table[lesson.name[:2]][0], f"{lesson.name}: callouts {sorted(linked)} not in the guide's table"


CHECKER_CALL = re.compile(r"^check_\w+\(")
NAMES_ONLY = re.compile(r'^check_\w+\(\w+(, "[^"]+")?\)$')


def test_checker_calls_name_the_answer_never_the_expected_values(notebook):
    calls = [cell.source for cell in teaching_code_cells(notebook) if CHECKER_CALL.match(cell.source)]
    for call in calls:
        assert NAMES_ONLY.match(call), f"a checker call that shows expected values gives the answer away: {call}"
