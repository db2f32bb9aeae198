"""Self-check quizzes: a few multiple-choice questions at the end of every lesson.

The questions live in JSON files in
``course_utils/quizzes/`` (one per notebook, named like the notebook: ``01_ann_basics.json``),
not in code, so an instructor can edit or add questions without touching Python.

A quiz file holds one object::

    {
      "title": "ANN basics",
      "questions": [
        {
          "question": "How many parameters ...?",
          "options": ["100,480", "101,770", "101,632"],
          "answer": 1,
          "explanation": "784*128+128 + 128*10+10 = 101,770 ...",
          "feedback": ["That leaves out the biases ...", "", "That counts ..."],
          "kind": "apply"
        }
      ]
    }

``answer`` is the 0-based index of the correct option; each question has 3 to 5 distinct
options. ``explanation`` says why the correct option is right; ``feedback`` holds, for each
option in order, why it is wrong, so that a student who picks it learns something before
trying again (the correct option's entry is ``""``: its explanation is shown). ``kind``
says what the question asks a student to do (one of ``KINDS``): "recall" a fact the notebook
showed, "predict" what happens when something changes, or "apply" a formula or rule to a
new case; it lets the course check its balance and is never shown to students.
``load_quiz`` checks all of this and names the file and the question when something
is wrong. In a notebook, ``show_quiz("01_ann_basics")`` shows the quiz as buttons to click
(``quiz_html``: the same page works in JupyterLab, on Colab and on the course website);
anywhere, ``check_answer("01", 1, "b")`` checks one answer and prints the same message:

>>> quiz = load_quiz("01")
>>> quiz.name
'01_ann_basics'
>>> quiz_text(quiz).splitlines()[0]
'Self-check quiz · 01 · ANN basics: from one neuron to a digit classifier'
"""

from __future__ import annotations

import html
import json
import string
import textwrap
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

QUIZ_SUFFIX = ".json"
MIN_OPTIONS, MAX_OPTIONS = 3, 5
LETTERS = string.ascii_lowercase[:MAX_OPTIONS]
TEXT_WIDTH = 88
QUIZ_KEYS = ("title", "questions")
QUESTION_KEYS = ("question", "options", "answer", "explanation", "feedback", "kind")
KINDS = ("recall", "predict", "apply")
PAGE_FILES = ("quiz.css", "quiz.js")  # beside the JSON files: the quiz's style and its click handler


@dataclass(frozen=True)
class Question:
    """One multiple-choice question: its text, the options, the correct option's index, why it
    is right, why each other option is wrong (``feedback``, ``""`` for the correct one), and its
    kind ("recall", "predict" or "apply", see ``KINDS``)."""

    text: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    feedback: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Quiz:
    """The self-check quiz of one notebook; ``name`` is the notebook's name, e.g. "01_ann_basics"."""

    name: str
    title: str
    questions: tuple[Question, ...]


def quiz_directory() -> Path:
    """The folder of quiz files shipped inside the installed package."""
    return Path(str(resources.files("course_utils") / "quizzes"))


def available_quizzes() -> list[str]:
    """Names of the shipped quizzes, sorted: ["01_ann_basics", "02_spatial_structure", ...]."""
    return sorted(path.stem for path in quiz_directory().glob(f"*{QUIZ_SUFFIX}"))


def _non_empty_text(value: object, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: '{key}' must be a non-empty string, got {value!r}")
    return value.strip()


def _check_keys(entry: object, expected: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected an object with the keys {', '.join(expected)}, got {type(entry).__name__}")
    missing = [key for key in expected if key not in entry]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)} (the keys are {', '.join(expected)})")
    unknown = sorted(set(entry) - set(expected))
    if unknown:
        raise ValueError(f"{where}: unknown key {', '.join(unknown)} (the keys are {', '.join(expected)})")
    return entry


def _parse_question(entry: object, where: str) -> Question:
    entry = _check_keys(entry, QUESTION_KEYS, where)
    text = _non_empty_text(entry["question"], where, "question")
    options = entry["options"]
    if not isinstance(options, list) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        count = len(options) if isinstance(options, list) else type(options).__name__
        raise ValueError(f"{where}: 'options' must be a list of {MIN_OPTIONS} to {MAX_OPTIONS} strings, got {count}")
    options = tuple(_non_empty_text(option, where, f"options[{i}]") for i, option in enumerate(options))
    normalised = [" ".join(option.lower().split()) for option in options]
    duplicates = sorted({option for option in normalised if normalised.count(option) > 1})
    if duplicates:
        raise ValueError(f"{where}: the options must differ, but {duplicates[0]!r} appears more than once")
    answer = entry["answer"]
    if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(options):
        raise ValueError(
            f"{where}: 'answer' must be the 0-based index of the correct option, "
            f"0 to {len(options) - 1} for {len(options)} options, got {answer!r}"
        )
    explanation = _non_empty_text(entry["explanation"], where, "explanation")
    feedback = _parse_feedback(entry["feedback"], len(options), answer, where)
    kind = entry["kind"]
    if kind not in KINDS:
        raise ValueError(
            f"{where}: 'kind' must be one of {', '.join(KINDS)} (recall a fact from the notebook, predict what "
            f"happens when something changes, apply a rule to a new case), got {kind!r}"
        )
    return Question(text, options, answer, explanation, feedback, kind)


def _parse_feedback(feedback: object, count: int, answer: int, where: str) -> tuple[str, ...]:
    """Check ``feedback``: one string per option, why it is wrong; ``""`` for the correct one."""
    if not isinstance(feedback, list) or len(feedback) != count or not all(isinstance(f, str) for f in feedback):
        raise ValueError(
            f"{where}: 'feedback' must be a list of {count} strings, one per option: why that option is wrong "
            f'("" for the correct option, whose explanation is shown)'
        )
    if feedback[answer].strip():
        raise ValueError(
            f'{where}: feedback[{answer}] belongs to the correct option: leave it "" (the explanation is shown)'
        )
    for index, reason in enumerate(feedback):
        if index != answer and not reason.strip():
            raise ValueError(f"{where}: feedback[{index}] is empty: say why option ({LETTERS[index]}) is wrong")
    return tuple(reason.strip() for reason in feedback)


def load_quiz_file(path: str | Path) -> Quiz:
    """Read and validate one quiz file; the quiz is named after the file (without ``.json``).

    Every error names the file and, where it applies, the question number (counting from 1),
    so whoever edits a quiz knows what to fix. ``load_quiz`` uses this for the shipped quizzes.
    """
    path = Path(path)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not valid JSON: {error.msg} at line {error.lineno}") from error
    content = _check_keys(content, QUIZ_KEYS, path.name)
    title = _non_empty_text(content["title"], path.name, "title")
    entries = content["questions"]
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path.name}: 'questions' must be a non-empty list of questions")
    questions = tuple(_parse_question(entry, f"{path.name}, question {n}") for n, entry in enumerate(entries, 1))
    texts = [question.text for question in questions]
    for number, question in enumerate(questions, 1):
        if texts.index(question.text) != number - 1:
            raise ValueError(f"{path.name}, question {number}: repeats question {texts.index(question.text) + 1}")
    return Quiz(path.stem, title, questions)


def load_quiz(notebook: str) -> Quiz:
    """The quiz of one notebook, by its number ("01") or its name ("01_ann_basics").

    Unknown names raise a ValueError that lists the available quizzes.
    """
    if not isinstance(notebook, str):
        raise TypeError(f"give the notebook as a string such as '01' or '01_ann_basics', got {notebook!r}")
    names = available_quizzes()
    matches = [name for name in names if notebook in (name, name.split("_", 1)[0])]
    if not matches:
        raise ValueError(f"no quiz named {notebook!r}; available quizzes: {', '.join(names)}")
    return load_quiz_file(quiz_directory() / f"{matches[0]}{QUIZ_SUFFIX}")


def _as_quiz(quiz_or_name: Quiz | str) -> Quiz:
    return quiz_or_name if isinstance(quiz_or_name, Quiz) else load_quiz(quiz_or_name)


def _question(quiz: Quiz, question_number: int) -> Question:
    count = len(quiz.questions)
    if not isinstance(question_number, int) or isinstance(question_number, bool) or not 1 <= question_number <= count:
        raise ValueError(
            f"question_number must be 1 to {count} for quiz {quiz.name} (questions count from 1), "
            f"got {question_number!r}"
        )
    return quiz.questions[question_number - 1]


def _choice_index(question: Question, question_number: int, choice: int | str) -> int:
    count = len(question.options)
    letters = LETTERS[:count]
    allowed = f"an option index 0 to {count - 1} or a letter {letters[0]} to {letters[-1]}"
    if isinstance(choice, str) and choice.strip().lower() in letters and len(choice.strip()) == 1:
        return letters.index(choice.strip().lower())
    if isinstance(choice, int) and not isinstance(choice, bool) and 0 <= choice < count:
        return choice
    raise ValueError(f"question {question_number} has {count} options: choose {allowed}, got {choice!r}")


def _feedback(question: Question, index: int) -> tuple[bool, str]:
    """Whether option ``index`` is right, and the message to show: the explanation, or why it is wrong."""
    if index == question.answer:
        return True, f"({LETTERS[index]}) is correct. {question.explanation}"
    return False, f"({LETTERS[index]}) is not right: {question.feedback[index]} Try another option."


def check_answer(quiz_or_name: Quiz | str, question_number: int, choice: int | str) -> bool:
    """Check one answer: True when ``choice`` is the correct option of question ``question_number``.

    ``question_number`` counts from 1, as the quiz prints it; ``choice`` is a letter ("a", "b",
    …, as printed) or the option's 0-based index. It also prints the message a click on the
    option shows in the page: the explanation when the answer is right, why it is wrong when
    it is not. This is the plain-text way to take the quiz, where no page can be shown.
    """
    quiz = _as_quiz(quiz_or_name)
    question = _question(quiz, question_number)
    correct, message = _feedback(question, _choice_index(question, question_number, choice))
    print(_wrapped(message, f"Question {question_number}: "))
    return correct


def _wrapped(text: str, first_prefix: str) -> str:
    indent = " " * len(first_prefix)
    return textwrap.fill(text, TEXT_WIDTH, initial_indent=first_prefix, subsequent_indent=indent)


def _heading(quiz: Quiz) -> str:
    """The first line, numbered like the notebook's title: "Self-check quiz · 01 · ANN basics: ..."."""
    return f"Self-check quiz · {quiz.name.split('_', 1)[0]} · {quiz.title}"


def quiz_text(quiz: Quiz) -> str:
    """The quiz as plain text: a title line, then each numbered question with lettered options.

    No answers are shown. ``show_quiz`` shows it where no HTML can be drawn (a terminal, the
    text part of a saved notebook's output).
    """
    lines = [_heading(quiz)]
    for number, question in enumerate(quiz.questions, 1):
        lines += ["", _wrapped(question.text, f"{number}. ")]
        lines += [_wrapped(option, f"   {LETTERS[index]}) ") for index, option in enumerate(question.options)]
    return "\n".join(lines)


def _how_to_check(quiz: Quiz) -> str:
    return (
        "To check an answer, e.g. option (b) of question 1, run:\n"
        "    from course_utils.quiz import check_answer\n"
        f'    check_answer("{quiz.name}", 1, "b")'
    )


def _page_file(name: str) -> str:
    return (quiz_directory() / name).read_text(encoding="utf-8")


def _attribute(text: str) -> str:
    return html.escape(text, quote=True)


def _question_html(quiz: Quiz, number: int, question: Question) -> str:
    buttons = []
    for index, option in enumerate(question.options):
        correct, message = _feedback(question, index)
        buttons.append(
            f'<button type="button" class="course-quiz-option" data-letter="{LETTERS[index]}" '
            f'data-correct="{str(correct).lower()}" data-message="{_attribute(message)}">'
            f"{LETTERS[index]}) {html.escape(option)}</button>"
        )
    return "\n".join(
        [
            f'<li class="course-quiz-question" id="{quiz_id(quiz)}-q{number}">',
            f'<p class="course-quiz-text">{html.escape(question.text)}</p>',
            f'<div class="course-quiz-options" role="group" aria-label="options of question {number}">',
            *buttons,
            "</div>",
            '<p class="course-quiz-feedback" aria-live="polite"></p>',
            "</li>",
        ]
    )


def quiz_id(quiz: Quiz) -> str:
    """The HTML id of a quiz in a page, fixed by its name so that stored outputs never change."""
    return f"course-quiz-{quiz.name}"


def quiz_html(quiz: Quiz) -> str:
    """The quiz as one self-contained piece of HTML: style, questions, option buttons, script.

    A click on an option shows, under its question, the message ``check_answer`` prints: the
    explanation for the right option, why it is wrong for another (red, and struck through),
    so a student can try again. It needs nothing from the network and no kernel, so the same
    output works in JupyterLab (which runs the script of a trusted output: one the student
    ran), on Colab and on the course website (``tools/build_site.py``). The ids are fixed by
    the quiz's name, so the output is the same on every run (nbval compares it).
    """
    questions = [_question_html(quiz, number, question) for number, question in enumerate(quiz.questions, 1)]
    script = _page_file("quiz.js").replace("__QUIZ_ID__", quiz_id(quiz))
    return "\n".join(
        [
            f'<div class="course-quiz" id="{quiz_id(quiz)}">',
            f"<style>\n{_page_file('quiz.css')}</style>",
            f'<p class="course-quiz-title"><strong>{html.escape(_heading(quiz))}</strong></p>',
            '<p class="course-quiz-how">Click an option: a wrong one tells you why it is wrong, '
            "the right one explains.</p>",
            '<ol class="course-quiz-questions">',
            *questions,
            "</ol>",
            f"<script>\n{script}</script>",
            "</div>",
        ]
    )


class QuizDisplay:
    """What ``show_quiz`` displays: the clickable quiz (``quiz_html``) and its plain text.

    Each front end shows the richest part it can: JupyterLab, Colab and the course website
    the HTML; a terminal, and the text part of a stored output, the plain-text quiz and how
    to check an answer with ``check_answer``.
    """

    def __init__(self, quiz: Quiz):
        self.quiz = quiz

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": repr(self), "text/html": quiz_html(self.quiz)}

    def __repr__(self) -> str:
        return f"{quiz_text(self.quiz)}\n\n{_how_to_check(self.quiz)}"


def show_quiz(notebook: str | Quiz, interactive: bool = True) -> None:
    """Show a notebook's self-check quiz, e.g. ``show_quiz("01_ann_basics")``.

    With ``interactive=True`` (the default) it displays a ``QuizDisplay``: options to click
    where HTML is drawn, the plain-text quiz elsewhere. With ``interactive=False``, or without
    IPython, it prints the plain-text quiz and how to check an answer with ``check_answer``.
    """
    quiz = _as_quiz(notebook)
    try:
        from IPython.display import display
    except ImportError:  # plain Python without IPython: the text is all there is
        interactive = False
    if interactive:
        display(QuizDisplay(quiz))
    else:
        print(repr(QuizDisplay(quiz)))
