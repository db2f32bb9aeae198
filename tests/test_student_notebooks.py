"""Tests for tools/make_student_notebooks.py: no solution reaches a student, every starter gets a "not yet".

Until the course notebooks have "write it yourself" exercises, ``exercise_notebook()`` below
is one: a small instructor notebook built with ``add_exercise``, as notebook owners build
theirs. The kernel tests run it (and every course notebook that has exercises) as a student
copy and as the instructor's version.
"""

import copy
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from tool_loader import load_tool

from course_utils import colab
from course_utils.checkers import NOT_YET_MARK, PASSED_MARK

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = load_tool("notebook_files").course_notebooks()  # the lessons, then their companions in extras/


make_student_notebooks = load_tool("make_student_notebooks")


def is_solution(cell):
    return "solution" in cell.get("metadata", {}).get("tags", [])


def is_answer(cell):
    return "answer" in cell.get("metadata", {}).get("tags", [])


def is_check(cell):
    return "check" in cell.get("metadata", {}).get("tags", [])


def instructor_notebook():
    """An instructor notebook with executed code cells and solutions in code and markdown."""
    ran = new_code_cell(
        "print(2 + 2)",
        execution_count=1,
        outputs=[new_output("stream", name="stdout", text="4\n")],
        metadata={"tags": ["nbval-ignore-output"], "execution": {"iopub.execute_input": "2025-01-01T00:00:00Z"}},
    )
    plotted = new_code_cell(
        "x = 3\nx",
        execution_count=2,
        outputs=[new_output("execute_result", data={"text/plain": "3"}, execution_count=2)],
        metadata={"scrolled": True},
    )
    cells = [
        new_markdown_cell("# 01 · Demo\n\n**Purpose:** a test."),
        ran,
        plotted,
        new_markdown_cell("## Exercises\n1. Add 2 and 2.\n2. Explain why."),
        new_markdown_cell("### Solutions", metadata={"tags": ["solution"]}),
        new_code_cell(
            "answer = 2 + 2\nanswer",
            execution_count=3,
            outputs=[new_output("execute_result", data={"text/plain": "4"}, execution_count=3)],
            metadata={"tags": ["solution"]},
        ),
        new_markdown_cell("Because addition is addition.", metadata={"tags": ["exercise", "solution"]}),
        new_markdown_cell("Good luck!"),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    notebook.metadata["accelerator"] = "GPU"
    return notebook


CORRELATE_SOLUTION = '''\
def correlate_by_entries(image, kernel):
    """2D cross-correlation, 'valid': the kernel slides over the image without flipping."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out'''

IMAGE_SIDE_SOLUTION = '''\
def largest_image_side(budget, units):
    """The largest n for which Dense(units) on an n x n image has at most budget parameters."""
    return math.isqrt((budget - units) // units) if budget >= units else 0'''

IMAGE_SIDE_STARTER = '''\
def largest_image_side(budget, units):
    """The largest n for which Dense(units) on an n x n image has at most budget parameters."""
    # hint: n * n * units + units <= budget
    ...'''

MODEL_SOLUTION = """\
model = keras.Sequential(
    [keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3), keras.layers.Flatten(), keras.layers.Dense(10)]
)"""

MODEL_STARTER = "model = ...  # keras.Sequential([...]) with 54,170 parameters"
MODEL_CHECK = 'check_model(model, params=54_170, output_shape=(None, 10), layer_types=["Conv2D", "Flatten", "Dense"])'

SETUP_IMPORTS = """\
import math

import keras
import numpy as np

from course_utils.checkers import check_correlate_by_entries, check_largest_image_side, check_model"""


def exercise_notebook(name="99_exercise_demo.ipynb", setup_imports=SETUP_IMPORTS):
    """A course-like instructor notebook with three checked exercises (two functions, one model)."""
    cells = [
        new_markdown_cell(f"# 99 · Demo\n\n{colab.badge_markdown(f'notebooks/{name}')}\n\n**Purpose:** a test."),
        new_markdown_cell("## Setup"),
        new_code_cell(colab.bootstrap_cell_source()),
        new_code_cell("import course_utils\n\ncourse_utils.setup(seed=0)"),
        new_code_cell(setup_imports),
        new_markdown_cell("## 1. A section"),
        new_code_cell("digits = np.arange(10)\nprint(digits.sum())"),
        new_markdown_cell(
            "## Exercises\n1. Write `correlate_by_entries`.\n2. Write `largest_image_side`.\n3. Build a model."
        ),
        new_markdown_cell("## Solutions", metadata={"tags": ["solution"]}),
        new_markdown_cell("**3.** One convolution is enough.", metadata={"tags": ["solution"]}),
    ]
    notebook = new_notebook(cells=cells, metadata=copy.deepcopy(instructor_notebook().metadata))
    make_student_notebooks.add_exercise(
        notebook, "check_correlate_by_entries(correlate_by_entries)", CORRELATE_SOLUTION
    )
    make_student_notebooks.add_exercise(
        notebook, "check_largest_image_side(largest_image_side)", IMAGE_SIDE_SOLUTION, IMAGE_SIDE_STARTER
    )
    make_student_notebooks.add_exercise(notebook, MODEL_CHECK, MODEL_SOLUTION, MODEL_STARTER)
    return notebook


def assert_is_student_version(student, instructor):
    """No solution, no output, no Colab link; answers hold starters; every other cell unchanged, in order."""
    kept = [cell for cell in instructor.cells if not is_solution(cell) and not is_check(cell)]
    assert len(student.cells) == len(kept)
    for index, (copied, original) in enumerate(zip(student.cells, kept, strict=True)):
        if is_answer(original):
            assert copied.source == make_student_notebooks.starter_of(original) and is_answer(copied)
            assert "course" not in copied.metadata, "the starter metadata stays with the instructor"
        elif index > 0:
            assert copied.source == original.source
    solutions = {cell.source.strip() for cell in instructor.cells if is_solution(cell) or is_answer(cell)}
    leaked = [cell.source for cell in student.cells if cell.source.strip() in solutions - {""}]
    assert not leaked, f"solution text in the student copy: {leaked}"
    for cell in student.cells:
        assert colab.badge_url_in(cell.source) is None, "a link that opens the instructor notebook"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


# ------------------------------------------------------------------------- student copies


def test_student_version_drops_solutions_outputs_and_counts():
    instructor = instructor_notebook()
    untouched = copy.deepcopy(instructor)
    student = make_student_notebooks.student_version(instructor)
    assert instructor == untouched, "the instructor notebook must not change"
    assert_is_student_version(student, instructor)
    assert len(student.cells) == len(instructor.cells) - 3


def test_student_version_leaves_out_check_cells():
    notebook = instructor_notebook()
    notebook.cells.insert(3, new_code_cell("# @title Check\nassert x == 3", metadata={"tags": ["check"]}))
    student = make_student_notebooks.student_version(notebook)
    assert not any(is_check(cell) for cell in student.cells)
    assert "assert x == 3" not in "\n".join(cell.source for cell in student.cells)
    assert_is_student_version(student, notebook)


def test_student_version_keeps_tags_and_notebook_metadata_but_not_run_traces():
    student = make_student_notebooks.student_version(instructor_notebook())
    ran, plotted = student.cells[1], student.cells[2]
    assert ran.metadata == {"tags": ["nbval-ignore-output"]}
    assert plotted.metadata == {}
    assert student.metadata.kernelspec.name == "python3" and student.metadata.accelerator == "GPU"


def test_student_version_replaces_answers_by_starters_and_keeps_checkers():
    instructor = exercise_notebook()
    student = make_student_notebooks.student_version(instructor)
    assert_is_student_version(student, instructor)
    answers = [i for i, cell in enumerate(student.cells) if is_answer(cell)]
    assert [student.cells[i].source for i in answers] == [
        make_student_notebooks.starter_from_solution(CORRELATE_SOLUTION),
        IMAGE_SIDE_STARTER,
        MODEL_STARTER,
    ]
    assert [student.cells[i + 1].source for i in answers] == [
        "check_correlate_by_entries(correlate_by_entries)",
        "check_largest_image_side(largest_image_side)",
        MODEL_CHECK,
    ]
    assert "np.sum(" not in "".join(cell.source for cell in student.cells), "the loop of the solution leaked"


def test_student_copy_says_how_to_open_it_on_colab_instead_of_the_badge():
    instructor = exercise_notebook()
    first = make_student_notebooks.student_version(instructor).cells[0].source
    assert colab.badge_url_in(instructor.cells[0].source) is not None
    assert colab.badge_url_in(first) is None and colab.BADGE_IMAGE not in first
    assert make_student_notebooks.OPEN_ON_COLAB in first and "File → Upload notebook" in first
    assert first == instructor.cells[0].source.replace(
        colab.badge_markdown("notebooks/99_exercise_demo.ipynb"), make_student_notebooks.OPEN_ON_COLAB
    )


def test_a_colab_link_outside_the_badge_stops_the_copy():
    notebook = instructor_notebook()
    notebook.cells[3].source += f"\n\nSee [this notebook]({colab.badge_url('notebooks/01_demo.ipynb')})."
    with pytest.raises(ValueError, match="cell 3 links to https://colab"):
        make_student_notebooks.student_version(notebook)


def test_a_notebook_that_breaks_the_convention_gets_no_student_copy(tmp_path, capsys):
    notebook = exercise_notebook()
    answer = next(cell for cell in notebook.cells if is_answer(cell))
    del answer.metadata["course"]
    with pytest.raises(ValueError, match="has no starter"):
        make_student_notebooks.student_version(notebook)
    source = tmp_path / "99_exercise_demo.ipynb"
    nbformat.write(notebook, source)
    assert make_student_notebooks.main([str(source), "--output", str(tmp_path / "student")]) == 1
    assert "no student copies written: 99_exercise_demo.ipynb: answer cell" in capsys.readouterr().err
    assert not (tmp_path / "student" / source.name).exists()


def test_command_writes_valid_student_notebooks(tmp_path, capsys):
    source = tmp_path / "instructor" / "01_demo.ipynb"
    source.parent.mkdir()
    nbformat.write(instructor_notebook(), source)
    assert make_student_notebooks.main([str(source), "--output", str(tmp_path / "student")]) == 0
    assert "1 student notebooks written" in capsys.readouterr().out
    student = nbformat.read(tmp_path / "student" / "01_demo.ipynb", as_version=4)
    nbformat.validate(student)
    assert_is_student_version(student, nbformat.read(source, as_version=4))


def test_the_copy_never_overwrites_the_instructor_notebook(tmp_path, capsys):
    source = tmp_path / "01_demo.ipynb"
    nbformat.write(instructor_notebook(), source)
    before = source.read_text()
    assert make_student_notebooks.main([str(source), "--output", str(tmp_path)]) == 1
    assert "the student copy would overwrite it" in capsys.readouterr().err
    assert source.read_text() == before


def test_missing_notebook_is_reported(tmp_path, capsys):
    assert make_student_notebooks.main([str(tmp_path / "99_missing.ipynb"), "--output", str(tmp_path)]) == 2
    assert "no such notebook" in capsys.readouterr().err


def test_course_notebooks_reach_students_without_solutions(tmp_path):
    assert NOTEBOOKS, "no notebooks found in notebooks/"
    assert make_student_notebooks.main(["--output", str(tmp_path)]) == 0
    copies = sorted(tmp_path.glob("*.ipynb")) + sorted(tmp_path.glob("extras/*.ipynb"))
    assert [copy.relative_to(tmp_path) for copy in copies] == [
        path.relative_to(REPO / "notebooks") for path in NOTEBOOKS
    ]
    for path in NOTEBOOKS:
        student = nbformat.read(tmp_path / path.relative_to(REPO / "notebooks"), as_version=4)
        nbformat.validate(student)
        assert_is_student_version(student, nbformat.read(path, as_version=4))
        assert make_student_notebooks.OPEN_ON_COLAB in student.cells[0].source


# ------------------------------------------------------------------------- the convention and add_exercise


def test_add_exercise_inserts_answer_and_checker_before_the_solutions():
    notebook = exercise_notebook()
    solutions = make_student_notebooks.heading_index(notebook, "## Solutions")
    assert [cell.source for cell in notebook.cells[solutions - 6 : solutions]] == [
        CORRELATE_SOLUTION,
        "check_correlate_by_entries(correlate_by_entries)",
        IMAGE_SIDE_SOLUTION,
        "check_largest_image_side(largest_image_side)",
        MODEL_SOLUTION,
        MODEL_CHECK,
    ]
    answer, checker = notebook.cells[solutions - 6 : solutions - 4]
    assert answer.metadata == {
        "tags": ["answer"],
        "course": {"starter": make_student_notebooks.starter_from_solution(CORRELATE_SOLUTION)},
    }
    assert checker.metadata == {} and checker.cell_type == "code"
    assert make_student_notebooks.exercise_problems(notebook) == []
    nbformat.validate(notebook)


def test_starter_keeps_the_signature_and_docstring():
    signature = '@staticmethod\ndef area(\n    width,\n    height,\n):\n    """Area of a rectangle."""\n'
    solution, expected = signature + "    return width * height", signature + "    ..."
    assert make_student_notebooks.starter_from_solution(solution) == expected
    assert make_student_notebooks.starter_from_solution(CORRELATE_SOLUTION) == "\n".join(
        [*CORRELATE_SOLUTION.splitlines()[:2], "    ..."]
    )


@pytest.mark.parametrize(
    ("solution", "message"),
    [
        ("model = keras.Sequential([])", "one function definition; pass starter="),
        ("def f(x):\n    return x", "give f a docstring"),
        ('import numpy as np\n\n\ndef f(x):\n    """Doc."""\n    return x', "one function definition"),
    ],
)
def test_starter_cannot_be_guessed_for_other_solutions(solution, message):
    with pytest.raises(ValueError, match=message):
        make_student_notebooks.starter_from_solution(solution)


def test_add_exercise_needs_a_checker_call_and_the_sections():
    with pytest.raises(ValueError, match="check must call a check_"):
        make_student_notebooks.add_exercise(exercise_notebook(), "correlate_by_entries(1, 2)", CORRELATE_SOLUTION)
    with pytest.raises(ValueError, match="needs '## Exercises' and '## Solutions' headings"):
        make_student_notebooks.add_exercise(
            new_notebook(), "check_correlate_by_entries(correlate_by_entries)", CORRELATE_SOLUTION
        )


def break_first_exercise(change):
    """The exercise notebook after ``change(notebook, answer_index)``; returns its convention problems."""
    notebook = exercise_notebook()
    change(notebook, make_student_notebooks.answer_indices(notebook)[0])
    return make_student_notebooks.exercise_problems(notebook)


def move_answer_into_section_1(notebook, index):
    notebook.cells.insert(6, notebook.cells.pop(index + 1))
    notebook.cells.insert(6, notebook.cells.pop(index + 1))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (move_answer_into_section_1, "answer cell 6 must lie between the '## Exercises' and '## Solutions' headings"),
        (lambda nb, i: nb.cells[i].metadata.pop("course"), "has no starter"),
        (lambda nb, i: nb.cells[i].metadata.course.update(starter=nb.cells[i].source), "equal to its solution"),
        (lambda nb, i: nb.cells[i].metadata.course.update(starter="def f(:\n    ..."), "not valid Python"),
        (lambda nb, i: nb.cells.pop(i + 1), "must be followed by a checker cell"),
        (lambda nb, i: nb.cells[i + 1].metadata.update(tags=["solution"]), "must be followed by a checker cell"),
        (
            lambda nb, i: nb.cells[4].update(source="import numpy as np"),
            "import check_correlate_by_entries in the '## Setup'",
        ),
        (
            lambda nb, i: nb.cells.__setitem__(i, new_markdown_cell("x", metadata=nb.cells[i].metadata)),
            "is a markdown cell",
        ),
    ],
)
def test_exercise_problems_name_each_breach(change, problem):
    problems = break_first_exercise(change)
    assert any(problem in text for text in problems), problems


# ------------------------------------------------------------------------- running the exercises (kernels)


def leaky_notebook():
    """Exercises that use numpy without importing it in their own Setup section."""
    imports = "from course_utils.checkers import check_correlate_by_entries, check_largest_image_side, check_model"
    return exercise_notebook(name="98_leaky.ipynb", setup_imports=imports)


@pytest.fixture(scope="module")
def executed_exercises():
    """One kernel runs: the fixture as a student copy and as the instructor's version, a notebook
    that relies on names from another one, and every course notebook with exercises as a student copy."""
    notebooks = {
        "student": make_student_notebooks.student_version(exercise_notebook()),
        "instructor": exercise_notebook(),
        "leaky": leaky_notebook(),  # runs after notebooks that import numpy as np
    }
    for path in NOTEBOOKS:
        instructor = nbformat.read(path, as_version=4)
        if make_student_notebooks.answer_indices(instructor):
            notebooks[path.name] = make_student_notebooks.student_version(instructor)
    return make_student_notebooks.run_exercises(notebooks)


def test_every_starter_gets_not_yet_and_no_cell_raises(executed_exercises):
    student = executed_exercises["student"]
    assert make_student_notebooks.verdict_problems(student, NOT_YET_MARK) == []
    verdicts = [make_student_notebooks.output_text(cell) for cell in student.cells if cell.source.startswith("check_")]
    assert verdicts == [
        f"{NOT_YET_MARK}: correlate_by_entries returned None: replace the `...` in its body with your code and "
        "`return` the result.",
        f"{NOT_YET_MARK}: largest_image_side returned None: replace the `...` in its body with your code and "
        "`return` the result.",
        f"{NOT_YET_MARK}: the model is still the starter: build it with keras.Sequential([...]) and run that cell.",
    ]


def test_the_instructors_answers_pass_their_checkers(executed_exercises):
    assert make_student_notebooks.verdict_problems(executed_exercises["instructor"], PASSED_MARK) == []
    assert make_student_notebooks.verdict_problems(executed_exercises["student"], PASSED_MARK) != []


def test_each_notebook_runs_in_a_fresh_namespace(executed_exercises):
    problems = " | ".join(make_student_notebooks.verdict_problems(executed_exercises["leaky"], PASSED_MARK))
    assert (
        "correlate_by_entries(image=[[0, 1, 2], [3, 4, 5], [6, 7, 8]], kernel=[[1, 0], [0, -1]]) raised NameError"
        in problems
    )
    assert "cell 'model = keras.Sequential(' raised NameError: name 'keras' is not defined" in problems


def test_course_notebooks_student_copies_say_not_yet(executed_exercises):
    for name, executed in executed_exercises.items():
        if name.endswith(".ipynb"):
            assert make_student_notebooks.verdict_problems(executed, NOT_YET_MARK) == [], name


def test_notebooks_without_exercises_start_no_kernel():
    assert make_student_notebooks.run_exercises({"01_demo.ipynb": instructor_notebook()}) == {}


def test_execute_exercises_option_reports_each_copy(tmp_path, capsys, monkeypatch, executed_exercises):
    """The command's wiring, with the module's kernel run standing in for a new one."""
    source = tmp_path / "99_exercise_demo.ipynb"
    nbformat.write(exercise_notebook(), source)
    ran = {}

    def already_run(notebooks):
        ran.update(notebooks)
        return {name: executed_exercises["student"] for name in notebooks}

    monkeypatch.setattr(make_student_notebooks, "run_exercises", already_run)
    command = [str(source), "--output", str(tmp_path / "student"), "--execute-exercises"]
    assert make_student_notebooks.main(command) == 0
    assert list(ran) == [source.name], "it runs the copies it wrote"
    assert "99_exercise_demo.ipynb: ok, 3 checker(s) say not yet" in capsys.readouterr().out
    solved = {source.name: executed_exercises["instructor"]}
    monkeypatch.setattr(make_student_notebooks, "run_exercises", lambda notebooks: solved)
    assert make_student_notebooks.main(command) == 1
    assert "says '✓ correlate_by_entries passed all 9 checks" in capsys.readouterr().out


def test_execute_option_runs_the_copies_top_to_bottom(tmp_path, capsys):
    good, broken = tmp_path / "99_exercise_demo.ipynb", tmp_path / "97_broken.ipynb"
    nbformat.write(exercise_notebook(), good)
    failing = exercise_notebook(name=broken.name)
    failing.cells[6].source = "1 / 0"
    nbformat.write(failing, broken)
    output = str(tmp_path / "student")
    assert make_student_notebooks.main([str(good), str(broken), "--output", output, "--execute"]) == 1
    printed = capsys.readouterr().out
    assert "99_exercise_demo.ipynb: ok, 3 checker(s) say not yet" in printed
    assert "97_broken.ipynb: a cell raised ZeroDivisionError: division by zero" in printed
    copy_on_disk = nbformat.read(tmp_path / "student" / good.name, as_version=4)
    assert all(cell.get("outputs", []) == [] for cell in copy_on_disk.cells), "--execute must not store outputs"
