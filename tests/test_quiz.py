"""Tests for course_utils.quiz: the shipped quiz files, answer checking, the text and the page."""

import copy
import html
import json
import re
import sys
from pathlib import Path

import pytest

from course_utils import quiz

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))

VALID = {
    "title": "Test quiz",
    "questions": [
        {
            "question": "Which number is even?",
            "options": ["1", "2", "3"],
            "answer": 1,
            "explanation": "2 = 2·1.",
            "feedback": ["1 is odd.", "", "3 is odd."],
            "kind": "recall",
        },
        {
            "question": "Which letter is a vowel?",
            "options": ["b", "c", "e", "f"],
            "answer": 2,
            "explanation": "e is a <vowel> & the others are not.",
            "feedback": ["b is a consonant.", "c is a consonant.", "", 'f is a "consonant".'],
            "kind": "apply",
        },
    ],
}
VALID_TEXT = """Self-check quiz · 99 · Test quiz

1. Which number is even?
   a) 1
   b) 2
   c) 3

2. Which letter is a vowel?
   a) b
   b) c
   c) e
   d) f"""


def write_quiz(folder: Path, content: object, name: str = "99_test.json") -> Path:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


@pytest.fixture
def test_quiz(tmp_path):
    return quiz.load_quiz_file(write_quiz(tmp_path, VALID))


# --- the shipped quizzes -------------------------------------------------------------------


def test_there_is_one_quiz_per_notebook():
    assert NOTEBOOKS, "no notebooks found"
    assert quiz.available_quizzes() == [path.stem for path in NOTEBOOKS]


@pytest.mark.parametrize("name", quiz.available_quizzes())
def test_shipped_quiz_is_valid_and_follows_the_course_format(name):
    loaded = quiz.load_quiz(name)
    assert loaded.name == name
    assert 4 <= len(loaded.questions) <= 6, "the course asks for 4-6 questions per notebook"
    answers = [question.answer for question in loaded.questions]
    assert len(set(answers)) >= 3, f"the correct options should not sit in the same places: {answers}"


@pytest.mark.parametrize("notebook_path", NOTEBOOKS, ids=lambda path: path.name)
def test_quiz_title_matches_the_notebook_title(notebook_path):
    first_cell = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"][0]
    heading = re.search(r"^# (\d\d) · (.+)$", "".join(first_cell["source"]), re.M)
    assert heading, "the notebook's first cell should hold '# NN · title'"
    assert quiz.load_quiz(heading.group(1)).title == heading.group(2)


def test_package_data_ships_the_quiz_files():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    setuptools_config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    shipped = set()
    for package, patterns in setuptools_config.get("package-data", {}).items():
        if package in setuptools_config["packages"]:
            folder = REPO / package.replace(".", "/")
            shipped |= {path for pattern in patterns for path in folder.glob(pattern)}
    quiz_files = set((REPO / "course_utils" / "quizzes").glob("*.json"))
    quiz_files |= {REPO / "course_utils" / "quizzes" / name for name in quiz.PAGE_FILES}
    assert quiz_files, "no quiz files found"
    assert quiz_files <= shipped, f"not installed by pip: {sorted(path.name for path in quiz_files - shipped)}"


# --- loading by name ------------------------------------------------------------------------


def test_questions_carry_their_kind(test_quiz):
    assert [question.kind for question in test_quiz.questions] == ["recall", "apply"]


def test_load_quiz_accepts_the_number_or_the_name():
    assert quiz.load_quiz("07") == quiz.load_quiz("07_cnn_pipeline")


@pytest.mark.parametrize("name", ["11", "1", "ann_basics", "01_ann_basics.json", ""])
def test_unknown_quiz_names_list_the_available_ones(name):
    with pytest.raises(ValueError, match=r"no quiz named .*available quizzes: 01_ann_basics, .*10_ann_vs_cnn"):
        quiz.load_quiz(name)


def test_quiz_name_must_be_a_string():
    with pytest.raises(TypeError, match="as a string such as '01'"):
        quiz.load_quiz(1)


# --- checking answers -----------------------------------------------------------------------


def test_check_answer_right_and_wrong_by_letter_or_index(test_quiz, capsys):
    assert quiz.check_answer(test_quiz, 1, "b") is True
    assert "Question 1: (b) is correct. 2 = 2·1." in capsys.readouterr().out
    assert quiz.check_answer(test_quiz, 1, 1) is True
    assert quiz.check_answer(test_quiz, 2, " C ") is True
    capsys.readouterr()
    assert quiz.check_answer(test_quiz, 2, "d") is False
    assert capsys.readouterr().out == 'Question 2: (d) is not right: f is a "consonant". Try another option.\n'
    assert quiz.check_answer(test_quiz, 1, 0) is False


def test_check_answer_by_quiz_name():
    first = quiz.load_quiz("01").questions[0]
    assert quiz.check_answer("01", 1, first.answer) is True
    assert quiz.check_answer("01_ann_basics", 1, (first.answer + 1) % len(first.options)) is False


@pytest.mark.parametrize("number", [0, 3, -1, True, 1.0])
def test_check_answer_rejects_question_numbers_out_of_range(test_quiz, number):
    with pytest.raises(ValueError, match=r"question_number must be 1 to 2 for quiz 99_test"):
        quiz.check_answer(test_quiz, number, "a")


@pytest.mark.parametrize("choice", [3, -1, "d", "ab", "", True, 1.0, None])
def test_check_answer_rejects_choices_out_of_range(test_quiz, choice):
    with pytest.raises(ValueError, match=r"question 1 has 3 options: choose an option index 0 to 2 or a letter a to c"):
        quiz.check_answer(test_quiz, 1, choice)


# --- plain text -------------------------------------------------------------------------------


def test_quiz_text_numbers_questions_and_letters_options(test_quiz):
    assert quiz.quiz_text(test_quiz) == VALID_TEXT


def test_quiz_text_wraps_long_lines_under_their_number_or_letter(tmp_path):
    content = copy.deepcopy(VALID)
    content["questions"][0]["question"] = "word " * 30
    content["questions"][0]["options"][0] = "option " * 20
    lines = quiz.quiz_text(quiz.load_quiz_file(write_quiz(tmp_path, content))).splitlines()
    assert max(len(line) for line in lines) <= quiz.TEXT_WIDTH
    assert lines[2].startswith("1. word") and lines[3].startswith("   word")
    first_option = next(i for i, line in enumerate(lines) if line.startswith("   a) option"))
    assert lines[first_option + 1].startswith("      option")


def test_show_quiz_prints_plain_text_and_how_to_check(capsys):
    quiz.show_quiz("01", interactive=False)
    out = capsys.readouterr().out
    assert out.startswith(quiz.quiz_text(quiz.load_quiz("01")) + "\n\nTo check an answer")
    assert 'check_answer("01_ann_basics", 1, "b")' in out


def test_show_quiz_prints_text_without_ipython(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "IPython.display", None)  # makes the import fail
    quiz.show_quiz("02")
    assert capsys.readouterr().out.startswith("Self-check quiz · 02 · Loss of spatial structure")


# --- the quiz in a page -----------------------------------------------------------------------


def test_show_quiz_displays_the_page_and_the_text(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    quiz.show_quiz("03")
    assert len(shown) == 1 and isinstance(shown[0], quiz.QuizDisplay)
    bundle = shown[0]._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/html"] == quiz.quiz_html(quiz.load_quiz("03"))


def test_the_text_part_is_the_quiz_and_how_to_check(test_quiz):
    assert quiz.QuizDisplay(test_quiz)._repr_mimebundle_()["text/plain"] == (
        VALID_TEXT + "\n\nTo check an answer, e.g. option (b) of question 1, run:\n"
        '    from course_utils.quiz import check_answer\n    check_answer("99_test", 1, "b")'
    )


def option_buttons(page: str) -> list[dict[str, str]]:
    """The option buttons of a quiz page: their attributes (unescaped) and their label."""
    buttons = []
    for match in re.finditer(r"<button ([^>]*)>([^<]*)</button>", page):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
        buttons.append({key: html.unescape(value) for key, value in attributes.items()} | {"label": match.group(2)})
    return buttons


def test_each_option_carries_the_message_check_answer_prints(test_quiz, capsys):
    buttons = option_buttons(quiz.quiz_html(test_quiz))
    assert [button["data-letter"] for button in buttons] == ["a", "b", "c", "a", "b", "c", "d"]
    assert [button["data-correct"] for button in buttons] == [
        "false",
        "true",
        "false",
        "false",
        "false",
        "true",
        "false",
    ]
    messages = []
    for number, letters in ((1, "abc"), (2, "abcd")):
        for letter in letters:
            quiz.check_answer(test_quiz, number, letter)
            messages.append(capsys.readouterr().out.removeprefix(f"Question {number}: ").replace("\n ", "").strip())
    shown = [" ".join(button["data-message"].split()) for button in buttons]
    assert shown == [" ".join(message.split()) for message in messages]
    assert buttons[3]["data-message"] == "(a) is not right: b is a consonant. Try another option."
    assert buttons[4]["label"] == "b) c"


def test_the_page_escapes_the_quiz_text(test_quiz):
    page = quiz.quiz_html(test_quiz)
    assert "e is a &lt;vowel&gt; &amp; the others are not." in page
    assert "f is a &quot;consonant&quot;." in page and 'f is a "consonant"' not in page


def test_the_page_is_self_contained_and_the_same_on_every_run(test_quiz, tmp_path):
    page = quiz.quiz_html(test_quiz)
    assert page == quiz.quiz_html(quiz.load_quiz_file(tmp_path / "99_test.json"))
    assert page.startswith('<div class="course-quiz" id="course-quiz-99_test">') and page.endswith("</div>")
    assert page.count("<script>") == 1 and page.count("<style>") == 1
    assert "http" not in page, "nothing is loaded from the network"
    assert 'document.getElementById("course-quiz-99_test")' in page
    assert re.findall(r'id="([^"]+)"', page) == [
        "course-quiz-99_test",
        "course-quiz-99_test-q1",
        "course-quiz-99_test-q2",
    ]


# --- broken quiz files ----------------------------------------------------------------------


def broken(change):
    """A copy of VALID with ``change`` applied to it."""
    content = copy.deepcopy(VALID)
    change(content)
    return content


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"title": "x", "questions": [}', r"99_test.json is not valid JSON: .* at line 1"),
        ([VALID], r"99_test.json: expected an object with the keys title, questions, got list"),
        (broken(lambda c: c.pop("title")), r"99_test.json: missing title"),
        (broken(lambda c: c.update(title=" ")), r"99_test.json: 'title' must be a non-empty string"),
        (broken(lambda c: c.update(questions=[])), r"99_test.json: 'questions' must be a non-empty list"),
        (
            broken(lambda c: c["questions"][1].update(anwser=2)),
            r"question 2: unknown key anwser \(the keys are question, options, answer, explanation, feedback, kind\)",
        ),
        (broken(lambda c: c["questions"][1].pop("explanation")), r"99_test.json, question 2: missing explanation"),
        (broken(lambda c: c["questions"][1].pop("kind")), r"99_test.json, question 2: missing kind"),
        (
            broken(lambda c: c["questions"][1].update(kind="remember")),
            r"question 2: 'kind' must be one of recall, predict, apply \(.*\), got 'remember'",
        ),
        (
            broken(lambda c: c["questions"][1].update(options=["b", "c"])),
            r"99_test.json, question 2: 'options' must be a list of 3 to 5 strings, got 2",
        ),
        (
            broken(lambda c: c["questions"][1].update(options=list("bcdfgh"))),
            r"question 2: 'options' must be a list of 3 to 5 strings, got 6",
        ),
        (
            broken(lambda c: c["questions"][1].update(options="b, c, e")),
            r"question 2: 'options' must be a list of 3 to 5 strings, got str",
        ),
        (broken(lambda c: c["questions"][1]["options"].__setitem__(0, "")), r"question 2: 'options\[0\]' must be"),
        (
            broken(lambda c: c["questions"][1]["options"].__setitem__(3, " E ")),
            r"question 2: the options must differ, but 'e' appears more than once",
        ),
        (
            broken(lambda c: c["questions"][1].update(answer=4)),
            r"question 2: 'answer' must be the 0-based index of the correct option, 0 to 3 for 4 options, got 4",
        ),
        (broken(lambda c: c["questions"][1].update(answer=-1)), r"question 2: 'answer' must be .* got -1"),
        (broken(lambda c: c["questions"][1].update(answer="2")), r"question 2: 'answer' must be .* got '2'"),
        (broken(lambda c: c["questions"][1].update(answer=True)), r"question 2: 'answer' must be .* got True"),
        (broken(lambda c: c["questions"][1].update(explanation="")), r"question 2: 'explanation' must be"),
        (broken(lambda c: c["questions"][1].pop("feedback")), r"99_test.json, question 2: missing feedback"),
        (
            broken(lambda c: c["questions"][1].update(feedback=["x", "y", ""])),
            r"question 2: 'feedback' must be a list of 4 strings, one per option: why that option is wrong",
        ),
        (
            broken(lambda c: c["questions"][1].update(feedback="b and c are consonants")),
            r"question 2: 'feedback' must be a list of 4 strings",
        ),
        (
            broken(lambda c: c["questions"][1]["feedback"].__setitem__(2, "e is a vowel.")),
            r'question 2: feedback\[2\] belongs to the correct option: leave it ""',
        ),
        (
            broken(lambda c: c["questions"][1]["feedback"].__setitem__(0, " ")),
            r"question 2: feedback\[0\] is empty: say why option \(a\) is wrong",
        ),
        (
            broken(lambda c: c["questions"][1].update(question="Which number is even?")),
            r"99_test.json, question 2: repeats question 1",
        ),
    ],
)
def test_broken_quiz_files_raise_errors_naming_the_file_and_question(tmp_path, content, message):
    with pytest.raises(ValueError, match=message):
        quiz.load_quiz_file(write_quiz(tmp_path, content))
