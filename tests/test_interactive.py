"""Tests for course_utils.interactive: the widget-or-static display of the convolution explorer."""

import sys

import ipywidgets
import pytest

from course_utils import interactive
from course_utils.plots import ConvolutionExplorer

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class Counter(interactive.WidgetView):
    """A minimal view: one label, a text of its own and, when asked, a picture."""

    def __init__(self, with_picture: bool = False):
        self.widget = ipywidgets.Label("3 clicks")
        self.with_picture = with_picture

    def __repr__(self) -> str:
        return "Counter at 3: run the notebook to click it."

    def static_bundle(self) -> dict[str, str]:
        bundle = super().static_bundle()
        return {**bundle, "image/png": "iVBORw0KGgo="} if self.with_picture else bundle


def test_ipywidgets_available_follows_the_import(monkeypatch):
    assert interactive.ipywidgets_available() is True
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    assert interactive.ipywidgets_available() is False


@pytest.mark.parametrize("with_picture", [False, True])
def test_display_carries_the_widget_and_its_static_version(with_picture):
    view = Counter(with_picture)
    bundle = view._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"] == view.widget.model_id
    assert bundle["text/plain"] == "Counter at 3: run the notebook to click it.", "the view's text, not the widget's"
    assert ("image/png" in bundle) is with_picture


def test_the_explorer_uses_it():
    assert issubclass(ConvolutionExplorer, interactive.WidgetView)
