"""Every figure stored in the notebooks is readable on a projector: not blank, at least 600 pixels wide.

The figures come from ``tools/run_notebooks.py``, which runs each notebook with the course
style of ``course_utils.plots.style`` (150 dpi). A blank PNG (one colour) is a figure whose
drawing failed; one narrower than 600 pixels is too small to read once projected.
"""

import base64
import io
import json
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MIN_WIDTH = 600


def stored_figures() -> list[tuple[str, str]]:
    """(id, base64 PNG) of every image/png output, the id naming the notebook and the cell index."""
    figures = []
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get("image/png")
                if png:
                    figures.append((f"{path.stem} cell {index}", "".join(png)))
    return figures


FIGURES = stored_figures()


def test_the_notebooks_store_figures():
    assert NOTEBOOKS, "no notebooks found"
    assert FIGURES, "no stored image/png output in any notebook"


@pytest.mark.parametrize(("where", "png"), FIGURES, ids=[where for where, _ in FIGURES])
def test_stored_figure_is_not_blank_and_wide_enough(where, png):
    image = Image.open(io.BytesIO(base64.b64decode(png)))
    assert image.format == "PNG"
    assert image.width >= MIN_WIDTH, f"{where}: {image.width} px wide, fewer than {MIN_WIDTH}"
    colors = image.convert("RGB").getcolors(maxcolors=1)  # None when there is more than one colour
    assert colors is None, f"{where}: the figure is blank (one colour)"
