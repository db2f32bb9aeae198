"""One colour and one marker per model across the whole course; line styles for conditions.

Introduced in notebook 02, where the MLP and the CNN first appear side by side. A student
who has seen the MLP in orange with circles and the CNN in blue with squares finds them
again in every later figure. Conditions (original or permuted pixels, training or
validation data, with augmentation) never get a colour of their own: they change the line
style, the marker fill and the bar hatching of the model's colour.

A series named after a model may add a condition after " + ", ", " or in parentheses::

>>> model_style("MLP + augmentation").color == model_style("mlp").color
True
>>> model_style("CNN (permuted pixels)").linestyle
'--'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from course_utils.plots.style import NEUTRAL_COLOR, OKABE_ITO, TOL_MUTED


@dataclass(frozen=True)
class ModelStyle:
    """The colour and the marker of one model."""

    color: str
    marker: str


@dataclass(frozen=True)
class ConditionStyle:
    """How a condition changes a model's look: line style, bar hatching, filled or open markers."""

    linestyle: str
    hatch: str
    filled: bool


@dataclass(frozen=True)
class SeriesStyle:
    """Everything needed to draw one series: a model's colour and marker in one condition."""

    color: str
    marker: str = "o"
    linestyle: str = "-"
    hatch: str = ""
    filled: bool = True

    def line_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Axes.plot`` and ``Axes.errorbar``."""
        return {
            "color": self.color,
            "marker": self.marker,
            "linestyle": self.linestyle,
            "markerfacecolor": self.color if self.filled else "white",
            "markeredgecolor": self.color,
        }

    def bar_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Axes.bar``: filled bars, or white bars hatched in the colour."""
        return {
            "facecolor": self.color if self.filled else "white",
            "edgecolor": self.color,
            "hatch": self.hatch,
            "linewidth": 1.5,
        }


MODEL_STYLES: dict[str, ModelStyle] = {
    # the course's own models: MLPs in warm colours, CNNs in cool ones (Okabe-Ito)
    "MLP": ModelStyle(OKABE_ITO["orange"], "o"),
    "CNN": ModelStyle(OKABE_ITO["blue"], "s"),
    "global-pooling CNN": ModelStyle(OKABE_ITO["bluish green"], "D"),
    "capacity-matched MLP": ModelStyle(OKABE_ITO["vermillion"], "v"),
    "small CNN": ModelStyle(OKABE_ITO["sky blue"], "^"),
    "Keras example convnet": ModelStyle(OKABE_ITO["reddish purple"], "P"),
    # the classic architectures of notebook 09 (Tol muted)
    "LeNet-5": ModelStyle(TOL_MUTED["olive"], "X"),
    "AlexNet": ModelStyle(TOL_MUTED["wine"], "*"),
    "VGG-16": ModelStyle(TOL_MUTED["indigo"], "h"),
    "GoogLeNet": ModelStyle(TOL_MUTED["teal"], "p"),
    "ResNet-18": ModelStyle(TOL_MUTED["rose"], ">"),
}
"""The course's models by their canonical names. Every colour is different."""

MODEL_ALIASES = {
    "ANN": "MLP",
    "big MLP": "MLP",  # notebook 03's wider MLP, the MLP of its memorisation experiment
    "lecture MLP": "MLP",
    "lecture CNN": "CNN",
    "GAP CNN": "global-pooling CNN",
    "LeNet": "LeNet-5",
    "VGG": "VGG-16",
    "ResNet": "ResNet-18",
    "Keras convnet": "Keras example convnet",
}
"""Other names the notebooks use for the same models."""

BASELINE = ConditionStyle("-", "", filled=True)
ALTERED = ConditionStyle("--", "//", filled=False)

CONDITION_STYLES: dict[str, ConditionStyle] = {
    "original": BASELINE,
    "permuted": ALTERED,
    "training": BASELINE,
    "validation": ALTERED,
    "test": ALTERED,
    "augmented": ALTERED,
}
"""Conditions: the reference one solid and filled, the changed one dashed, open and hatched.

No figure of the course shows two changed conditions of the same model, so they share one style."""

CONDITION_ALIASES = {
    "original pixels": "original",
    "permuted pixels": "permuted",
    "train": "training",
    "val": "validation",
    "augmentation": "augmented",
    "with augmentation": "augmented",
}

_CONDITION_SEPARATOR = re.compile(r"\s*\+\s*|,\s+|\s*\(")


def _key(name: str) -> str:
    """Case, spaces, hyphens and underscores do not matter: "LeNet-5", "lenet5" and "LENET 5" match."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


_MODEL_KEYS = {_key(name): name for name in MODEL_STYLES} | {_key(alias): name for alias, name in MODEL_ALIASES.items()}
_CONDITION_KEYS = {_key(name): name for name in CONDITION_STYLES} | {
    _key(alias): name for alias, name in CONDITION_ALIASES.items()
}


def split_series_name(name: str) -> tuple[str | None, str | None]:
    """The canonical model and condition of a series name, e.g. "MLP + augmentation" -> ("MLP", "augmented").

    The model is None when the name does not start with a known model. A known model
    followed by an unknown condition raises a ``ValueError``, since it is most likely a typo.
    """
    if not isinstance(name, str):
        raise TypeError(f"a series name must be a string, got {name!r}")
    parts = _CONDITION_SEPARATOR.split(name.strip(), maxsplit=1)
    model = _MODEL_KEYS.get(_key(parts[0]))
    if model is None or len(parts) == 1:
        return model, None
    condition = _CONDITION_KEYS.get(_key(parts[1].rstrip(") ")))
    if condition is None:
        raise ValueError(
            f"unknown condition {parts[1].rstrip(') ')!r} in {name!r}: after a model's name, write one of "
            f"{', '.join([*CONDITION_STYLES, *CONDITION_ALIASES])}, or name the series without the model"
        )
    return model, condition


def condition_style(name: str, index: int | None = None) -> ConditionStyle:
    """The style of a condition such as "permuted pixels" or "validation".

    A name the course does not list raises a ``ValueError``, unless ``index`` gives its
    position among the conditions of a figure: then the first (``index`` 0) gets the
    reference style and the others the changed one, so "before" and "after" still differ.
    """
    condition = _CONDITION_KEYS.get(_key(name))
    if condition is not None:
        return CONDITION_STYLES[condition]
    if index is None:
        raise ValueError(f"unknown condition {name!r}; the conditions are {', '.join(CONDITION_STYLES)}")
    return BASELINE if index == 0 else ALTERED


def canonical_model(name: str) -> str:
    """The model's name as ``MODEL_STYLES`` spells it: "lenet5" -> "LeNet-5"; unknown names raise."""
    model, _ = split_series_name(name)
    if model is None:
        raise ValueError(
            f"{name!r} is not one of the course's models: {', '.join(MODEL_STYLES)}. "
            "Add it to MODEL_STYLES in course_utils/plots/model_styles.py, or draw it without a model's colour."
        )
    return model


def model_style(name: str, fallback: str | None = None) -> SeriesStyle:
    """The style of a series named after a model, with an optional condition.

    ``model_style("CNN")`` is the CNN's colour and marker, solid and filled;
    ``model_style("CNN (permuted pixels)")`` the same colour and marker, dashed, open and
    hatched. A name that is not a model raises a ``ValueError`` listing the models, unless
    ``fallback`` gives a colour to draw it in (then with circles and solid lines).
    """
    model, condition = split_series_name(name)
    if model is None and fallback is not None:
        return SeriesStyle(fallback)
    look = CONDITION_STYLES[condition] if condition else BASELINE
    return styled(MODEL_STYLES[canonical_model(name)], look)


def styled(model: ModelStyle, condition: ConditionStyle) -> SeriesStyle:
    """A model's colour and marker in a condition's line style, hatching and marker fill."""
    return SeriesStyle(model.color, model.marker, condition.linestyle, condition.hatch, condition.filled)


NEUTRAL_MODEL = ModelStyle(NEUTRAL_COLOR, "o")
"""The look of a legend key that stands for a condition, not a model."""


def is_model(name: str) -> bool:
    """Whether a series name starts with one of the course's models."""
    return split_series_name(name)[0] is not None
