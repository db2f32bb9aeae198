"""Widgets that still show something useful where no widget can be drawn.

The course's interactive view, the convolution explorer (notebook 05), displays as
ipywidgets in JupyterLab, Jupyter Notebook and Colab. Elsewhere no widget is drawn: in
GitHub's or nbviewer's rendering of a saved notebook, in a terminal, in the automated runs
(nbval, ``tools/run_notebooks.py``, which store no widget), and after a browser reload once
the widget is gone. Whether the widget is drawn is decided by the front end, not guessed in
the kernel: the display carries the widget *and* a static version (text, and a picture where
there is one), and each front end shows the richest part it can draw. The static part is the
same on every run, so stored outputs stay stable.
"""

from __future__ import annotations

from typing import Any


def ipywidgets_available() -> bool:
    """Whether ``ipywidgets`` can be imported (it comes with the course's dev extra)."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


class WidgetView:
    """Base class of an interactive view: an ipywidgets ``widget`` plus its static version.

    A subclass sets ``self.widget`` and defines ``__repr__`` (the plain text); it overrides
    ``static_bundle`` to add a picture. Used by ``plots.ConvolutionExplorer`` (notebook 05).
    """

    widget: Any

    def static_bundle(self) -> dict[str, str]:
        """The parts shown where the widget is not drawn, by MIME type: here the plain text."""
        return {"text/plain": repr(self)}

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        return {**bundle, **self.static_bundle()}
