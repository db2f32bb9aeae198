"""Numbers in prose never contradict the outputs.

A decimal number quoted in a notebook's Markdown (``0.914``, ``3.6%``, ``1.5 times``) must appear in
that notebook: in a stored output or in its code. A number that appears in neither was typed
by hand, and goes stale the day a re-run changes the output. Training-dependent sentences are
therefore printed by code; ranges that the asserts enforce are written in the code too.

The instructor guide is held to the same rule: the numbers in its section on notebook NN must
appear in notebook NN (or its companions in notebooks/extras/).

``ALLOWED`` lists the exceptions: values derived by hand from printed ones, dates, version
numbers and published figures. Each entry says why it may stand.
"""

import re
from pathlib import Path

import nbformat
import pytest
from tool_loader import load_tool

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = load_tool("notebook_files").course_notebooks()
GUIDE = REPO / "docs" / "instructor_guide.md"

DECIMAL = re.compile(r"(?<![\w.,])\d+\.\d+(?![\w.]*\d)")
URL = re.compile(r"\]\([^)]*\)|https?://\S+|<[^>]+>")

# notebook stem -> {number as written: why it is not in the outputs}
ALLOWED: dict[str, dict[str, str]] = {
    "*": {
        "0.5": "one half, as in 'a 0.5 probability' or a dropout rate set in code",
    },
}


def decimals_in(markdown: str) -> list[str]:
    """The decimal numbers a piece of Markdown quotes, ignoring link targets and URLs."""
    return DECIMAL.findall(URL.sub(" ", markdown))


def numbers_shown(notebook: nbformat.NotebookNode) -> set[float]:
    """Every number that the notebook's code or stored outputs contain, as floats."""
    texts = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        texts.append(cell.source)
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            data = output.get("data", {})
            texts.extend(str(data.get(kind, "")) for kind in ("text/plain", "text/markdown", "text/html"))
    return {float(number.replace(",", "")) for number in re.findall(r"\d[\d,]*\.?\d*", "\n".join(texts))}


def unexplained(numbers: list[str], shown: set[float], allowed: dict[str, str]) -> list[str]:
    """The quoted numbers that neither the notebook shows nor the allow-list explains."""
    return [number for number in numbers if float(number) not in shown and number not in allowed]


def allowed_for(stem: str) -> dict[str, str]:
    return {**ALLOWED["*"], **ALLOWED.get(stem, {})}


def test_decimals_in_reads_numbers_not_links_or_versions_of_urls():
    text = "Accuracy 0.914, top-5 3.6% and 1.5 times faster; see [paper](https://arxiv.org/abs/1708.07747) v2.1.0"
    assert decimals_in(text) == ["0.914", "3.6", "1.5"]


def test_a_number_the_outputs_do_not_show_is_reported():
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "print(accuracy)", outputs=[nbformat.v4.new_output("stream", name="stdout", text="0.914\n")]
            ),
        ]
    )
    shown = numbers_shown(notebook)
    assert unexplained(["0.914", "0.92"], shown, {}) == ["0.92"]
    assert unexplained(["0.92"], shown, {"0.92": "derived"}) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_number_in_the_prose_is_shown_by_the_notebook(path):
    notebook = nbformat.read(path, as_version=4)
    shown = numbers_shown(notebook)
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            for number in unexplained(decimals_in(cell.source), shown, allowed_for(path.stem)):
                problems.append(f"cell {index}: {number}")
    assert not problems, (
        "numbers quoted in Markdown that no output or code of the notebook shows "
        "(print them from code, state the asserted range, or explain them in ALLOWED): " + "; ".join(problems)
    )


def guide_sections() -> dict[str, str]:
    """The instructor guide's text per notebook number ("01" … "10"), from its '## NN · Title' headings."""
    sections: dict[str, str] = {}
    current = None
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## (\d\d) · ", line)
        if heading:
            current = heading.group(1)
        elif line.startswith("## "):
            current = None
        if current:
            sections[current] = sections.get(current, "") + line + "\n"
    return sections


@pytest.mark.parametrize("number", [f"{n:02d}" for n in range(1, 11)])
def test_the_guide_quotes_only_numbers_its_notebook_shows(number):
    section = guide_sections().get(number)
    assert section, f"the instructor guide has no '## {number} · …' section"
    notebooks = [path for path in NOTEBOOKS if path.name.startswith(number)]
    shown = set().union(*(numbers_shown(nbformat.read(path, as_version=4)) for path in notebooks))
    stem = notebooks[0].stem
    problems = unexplained(decimals_in(section), shown, allowed_for(stem))
    assert not problems, f"the guide's section {number} quotes numbers its notebook does not show: {problems}"
