"""Checkers for the "write it yourself" exercises: a student's code against the course's reference.

Every notebook's Exercises section asks the student to write at least one function (a 2D
cross-correlation, an output size, a parameter count, ...) or to build a Keras model. The
cell after the answer calls a checker from this module, e.g. ``check_correlate2d(correlate2d)``.
The checker runs the student's function on a fixed list of inputs (a small worked example
first, then edge cases, then random inputs from a fixed seed), compares every result with
the reference in ``course_utils`` and returns a short verdict:

    ✓ correlate2d passed all 9 checks (a small example, 1x1 kernels, full-size kernels, ...).
    ✗ not yet: correlate2d(image=[[0, 1, 2], [3, 4, 5], [6, 7, 8]], kernel=[[1, 0], [0, -1]])
      returned [[4, 4], [4, 4]]; expected [[-4, -4], [-4, -4]].
      Hint: that is a convolution: cross-correlation slides the kernel as it is, without flipping it.

(The second verdict is one line in a notebook, wrapped here.)

A checker never raises on a half-written answer: the starter's ``...``, a
``NotImplementedError``, a missing ``return``, a wrong type or any exception becomes a
"not yet" that says what to fix. The inputs come from fixed seeds and the messages contain no
timings or addresses, so a notebook's stored verdict is the same on every run (nbval compares
it). Every verdict starts with ``PASSED_MARK`` or ``NOT_YET_MARK``.

Instructors write a new checker with ``check_function`` (a reference, the cases, a
comparison, the common mistakes) or, for models, use ``check_model``. The convention for
exercise cells in the notebooks is described in ``tools/make_student_notebooks.py``.

Keras (through ``course_utils.convolution``) is imported only inside the checkers that need
it, so importing this module, as the student-copy tool does, does not start TensorFlow.
"""

from __future__ import annotations

import copy
import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import scipy.signal
import scipy.special

from course_utils import arithmetic, transforms

PASSED_MARK = "✓"
NOT_YET_MARK = "✗ not yet"
SEED = 0
MAX_SHOWN_VALUES = 20  # arrays with more values are described by their shape
MAX_ERROR_LENGTH = 160


@dataclass(frozen=True)
class CheckResult:
    """A checker's verdict: ``passed``, and the ``message`` the student reads.

    Printing it, or leaving it as a cell's last expression, shows the message, so a
    notebook cell reads ``check_correlate2d(correlate2d)``; tests assert ``result.passed``
    (``bool(result)`` is the same). ``inputs`` holds the arguments of the first failed
    check, by parameter name, so a student can rerun exactly that input.
    """

    passed: bool
    message: str
    inputs: dict[str, Any] = field(default_factory=dict, compare=False)  # arrays: not comparable with ==

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.passed


class Case(NamedTuple):
    """One input to try: what kind of input it is (for the verdict) and the arguments, in order."""

    label: str
    args: tuple


class Mistake(NamedTuple):
    """A common wrong answer written as a function, and the hint shown when a student's result equals it."""

    hint: str
    answer: Callable[..., Any]


Comparison = Callable[[Any, Any], str | None]
"""Compares the reference's result (first) with the student's (second): None when they
agree, else what is wrong, phrased to follow "<call> ", e.g. "returned 27; expected 28"."""


# ---------------------------------------------------------------------------------------------
# Describing values in a verdict
# ---------------------------------------------------------------------------------------------


def format_number(value: Any) -> str:
    """A number as a verdict shows it: whole numbers with thousands separators, others to 6 digits."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):.6g}"
    return repr(value)


def _format_array(array: np.ndarray) -> str:
    """Nested-list text of a small array, e.g. ``[[0, 1], [2, 3.5]]``."""
    if array.ndim == 0:
        value = array.item()
        return str(value) if isinstance(value, int) else format_number(value)
    return "[" + ", ".join(_format_array(row) for row in array) + "]"


def describe_value(value: Any) -> str:
    """A short, deterministic description of an input or a result for a verdict."""
    if isinstance(value, np.ndarray):
        if value.size <= MAX_SHOWN_VALUES:
            return _format_array(value)
        return f"<{'x'.join(str(side) for side in value.shape)} array>"
    if isinstance(value, list):
        if len(value) > MAX_SHOWN_VALUES:
            return f"<list of {len(value)} items>"
        return "[" + ", ".join(describe_value(item) for item in value) + "]"
    if isinstance(value, numbers.Number):
        return format_number(value)
    if value is None or isinstance(value, (str, tuple)):
        return _shorten(repr(value))
    return f"a {type(value).__name__}"


def describe_call(name: str, parameters: Sequence[str], args: tuple) -> str:
    """``name(p1=..., p2=...)`` with the arguments described by ``describe_value``."""
    described = ", ".join(f"{parameter}={describe_value(arg)}" for parameter, arg in zip(parameters, args, strict=True))
    return f"{name}({described})"


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


def _not_yet(problem: str, hint: str | None = None, inputs: dict[str, Any] | None = None) -> CheckResult:
    message = f"{NOT_YET_MARK}: {problem}"
    if hint:
        message += f"\n  Hint: {hint}"
    return CheckResult(False, message, inputs or {})


# ---------------------------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------------------------


def _as_numeric_array(value: Any) -> np.ndarray | None:
    """``value`` (an array, nested list or tensor) as a NumPy array of numbers, else None."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        array = np.asarray(value)
    except Exception:  # ragged lists and other objects NumPy cannot convert
        return None
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        return None
    return array


def _as_number(value: Any) -> np.ndarray | None:
    """``value`` as a 0-d numeric array (a Python or NumPy number, a 0-d array or tensor), else None."""
    array = _as_numeric_array(value)
    return array if array is not None and array.ndim == 0 else None


def same_integer(expected: int, got: Any) -> str | None:
    """Comparison for counts and indices: ``got`` must be a whole number (not a float) equal to ``expected``."""
    number = _as_number(got)
    if number is None:
        return f"returned {describe_value(got)}; expected the whole number {format_number(expected)}"
    if not np.issubdtype(number.dtype, np.integer):
        return f"returned {number.item()!r}, a float; expected the whole number {format_number(expected)}"
    if number.item() != expected:
        return f"returned {format_number(number.item())}; expected {format_number(expected)}"
    return None


def close_numbers(rtol: float = 1e-6) -> Comparison:
    """Comparison for one real number, equal to the reference within relative tolerance ``rtol``."""

    def compare(expected: float, got: Any) -> str | None:
        number = _as_number(got)
        if number is None:
            return f"returned {describe_value(got)}; expected a number, {format_number(expected)}"
        if not np.isclose(number.item(), expected, rtol=rtol, atol=0.0):
            return f"returned {format_number(number.item())}; expected {format_number(expected)}"
        return None

    return compare


def close_arrays(rtol: float = 1e-5, atol: float = 1e-8, dtype_hint: str | None = None) -> Comparison:
    """Comparison for arrays: same shape, values within tolerance, and (with ``dtype_hint``) the same dtype.

    Lists and tensors count as arrays. Small results are shown in full; for larger ones the
    verdict names the first position that differs.
    """

    def compare(expected: np.ndarray, got: Any) -> str | None:
        expected = np.asarray(expected)
        array = _as_numeric_array(got)
        if array is None:
            return f"returned {describe_value(got)}; expected an array of shape {expected.shape}"
        if array.shape != expected.shape:
            return f"returned an array of shape {array.shape}; expected shape {expected.shape}"
        if dtype_hint is not None and array.dtype != expected.dtype:
            return f"returned dtype {array.dtype}; expected {expected.dtype}, {dtype_hint}"
        wrong = ~np.isclose(array, expected, rtol=rtol, atol=atol)
        if not wrong.any():
            return None
        if expected.size <= MAX_SHOWN_VALUES:
            return f"returned {describe_value(array)}; expected {describe_value(expected)}"
        position = tuple(int(i) for i in np.argwhere(wrong)[0])
        return (
            f"returned a wrong value at {list(position)}: expected {format_number(expected[position].item())}, "
            f"got {format_number(array[position].item())}"
        )

    return compare


def _same_result(first: Any, second: Any) -> bool:
    """Whether two results hold the same numbers (types aside); used to recognise a known mistake."""
    first_array, second_array = _as_numeric_array(first), _as_numeric_array(second)
    if first_array is None or second_array is None or first_array.shape != second_array.shape:
        return False
    return bool(np.allclose(first_array, second_array, rtol=1e-5, atol=1e-8, equal_nan=True))


# ---------------------------------------------------------------------------------------------
# The generic checker
# ---------------------------------------------------------------------------------------------


def _call_quietly(function: Callable[..., Any], args: tuple) -> Any:
    """Call ``function`` without NumPy's overflow warnings: the verdict reports the inf or nan itself."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*args)


def _starter_message(name: str) -> str:
    return f"{name} is still the starter: replace the `...` with your code, run that cell, then run this check again."


def _identical(original: Any, passed: Any) -> bool:
    """Whether an argument is unchanged: same type, and for arrays the same shape, dtype and values."""
    if isinstance(original, (list, tuple)):
        return (
            type(passed) is type(original)
            and len(passed) == len(original)
            and all(_identical(a, b) for a, b in zip(original, passed, strict=True))
        )
    if isinstance(original, np.ndarray):
        return (
            isinstance(passed, np.ndarray)
            and passed.shape == original.shape
            and passed.dtype == original.dtype
            and bool(np.array_equal(passed, original, equal_nan=True))
        )
    return passed == original


def _changed_argument(parameters: Sequence[str], before: tuple, after: tuple) -> str | None:
    """The name of the first argument the student's function modified, if any."""
    for parameter, original, passed in zip(parameters, before, after, strict=True):
        if not _identical(original, passed):
            return parameter
    return None


def _known_mistake(mistakes: Sequence[Mistake], args: tuple, got: Any) -> str | None:
    """The hint of the first mistake whose answer equals the student's result on ``args``."""
    for mistake in mistakes:
        try:
            wrong_answer = _call_quietly(mistake.answer, copy.deepcopy(args))
        except Exception:  # this mistake cannot even be made on this input
            continue
        if _same_result(wrong_answer, got):
            return mistake.hint
    return None


def _course_function(fn: Any) -> str | None:
    """The dotted name of ``fn`` if it comes from ``course_utils`` (imported, not written), else None."""
    module = getattr(fn, "__module__", None) or ""
    if module.split(".")[0] != "course_utils":
        return None
    return f"{module}.{getattr(fn, '__qualname__', getattr(fn, '__name__', '?'))}"


def _not_an_answer(fn: Any, name: str) -> CheckResult | None:
    """A "not yet" when ``fn`` cannot be the student's answer, else None.

    That is the starter's ``...``, something other than a function, or a function of
    ``course_utils`` (see ``check_function``).
    """
    if not callable(fn):
        if fn is Ellipsis:
            return _not_yet(_starter_message(name))
        return _not_yet(f"{name} should be a function, got {describe_value(fn)}: define it with `def {name}(...):`.")
    course_name = _course_function(fn)
    if course_name is not None:
        return _not_yet(
            f"{name} is the course's own {course_name}, not yours: write {name} in the answer cell above, "
            "run that cell, then run this check again."
        )
    return None


def _call_answer(fn: Any, name: str, call: str, args: tuple, inputs: dict[str, Any]) -> tuple[Any, CheckResult | None]:
    """``fn(*args)`` and None, or None and the "not yet" for a starter, an error or a missing result.

    For checkers that look at a result in their own way instead of through ``check_function``.
    """
    try:
        got = _call_quietly(fn, args)
    except NotImplementedError:
        return None, _not_yet(_starter_message(name))
    except Exception as error:  # any error in a half-written answer becomes a hint, never a crash
        return None, _not_yet(f"{call} raised {type(error).__name__}: {_shorten(str(error))}", inputs=inputs)
    if got is Ellipsis:
        return None, _not_yet(_starter_message(name))
    if got is None:
        return None, _not_yet(f"{name} returned None: replace the `...` in its body with your code and `return` it.")
    return got, None


def check_function(
    fn: Any,
    name: str,
    parameters: Sequence[str],
    reference: Callable[..., Any],
    cases: Sequence[Case],
    compare: Comparison,
    mistakes: Sequence[Mistake] = (),
) -> CheckResult:
    """Run a student's ``fn`` on every case, compare with ``reference``, and return the verdict.

    The core of every function checker in this module. For each case, in order, ``fn`` is
    called with deep copies of the arguments (so the reference sees the originals); the
    first case where it raises, returns nothing, changes its input or returns a result that
    ``compare`` rejects ends the check with a "not yet" naming that input. If the wrong
    result equals one of the ``mistakes``' answers, its hint is added. ``parameters`` name
    the arguments in the verdict, in the order of the exercise's signature.

    A function of ``course_utils`` itself is never the student's answer: when the answer cell
    was not run, the name may still be the course's helper that the notebook imported, and
    ``correlate2d = pool2d``-style shortcuts hand a course function over on purpose. Either
    gets a "not yet" that says so.
    """
    not_an_answer = _not_an_answer(fn, name)
    if not_an_answer is not None:
        return not_an_answer
    for index, case in enumerate(cases):
        inputs = dict(zip(parameters, case.args, strict=True))
        call = describe_call(name, parameters, case.args)
        passed_args = copy.deepcopy(case.args)
        try:
            got = _call_quietly(fn, passed_args)
        except NotImplementedError:
            return _not_yet(_starter_message(name))
        except Exception as error:  # any error in a half-written answer becomes a hint, never a crash
            return _not_yet(f"{call} raised {type(error).__name__}: {_shorten(str(error))}", inputs=inputs)
        if got is Ellipsis:
            return _not_yet(_starter_message(name))
        if got is None:
            if index == 0:
                return _not_yet(
                    f"{name} returned None: replace the `...` in its body with your code and `return` the result."
                )
            return _not_yet(f"{call} returned None: some path through {name} ends without `return`.", inputs=inputs)
        changed = _changed_argument(parameters, case.args, passed_args)
        if changed is not None:
            return _not_yet(
                f"{call} changed its argument {changed}: leave the input as it is and build a new result "
                "(e.g. start from a copy or from zeros).",
                inputs=inputs,
            )
        expected = reference(*case.args)
        problem = compare(expected, got)
        if problem is not None:
            return _not_yet(f"{call} {problem}.", _known_mistake(mistakes, case.args, got), inputs)
    kinds = ", ".join(dict.fromkeys(case.label for case in cases))
    return CheckResult(True, f"{PASSED_MARK} {name} passed all {len(cases)} checks ({kinds}).")


# ---------------------------------------------------------------------------------------------
# Exercise checkers: layer arithmetic, convolution and pooling (notebooks 03, 05 and 06)
# ---------------------------------------------------------------------------------------------


def _largest_image_side(budget: int, units: int) -> int:
    """The largest n for which ``Dense(units)`` on an n x n grayscale image has at most ``budget`` parameters."""
    return math.isqrt(max(budget - units, 0) // units)


def check_largest_image_side(fn: Any) -> CheckResult:
    """Check a student's ``largest_image_side(budget, units)`` (notebook 03).

    The largest side n such that ``Dense(units)`` on a flattened n x n grayscale image, with
    n·n·units weights and ``units`` biases, stays within ``budget`` parameters; 0 when not
    even a 1 x 1 image fits. The formula must be turned round, so the answer is not on the page.
    """
    rng = np.random.default_rng(SEED)
    cases = [
        Case("the lecture's hidden layer", (100_480, 128)),
        Case("one parameter short", (100_479, 128)),
        Case("a million parameters", (1_000_000, 128)),
        Case("a single unit", (50, 1)),
        Case("a budget too small for any image", (300, 256)),
        Case("a billion parameters", (1_000_000_000, 512)),
        *(Case("random budgets", (int(rng.integers(10_000, 10**8)), int(rng.integers(1, 1025)))) for _ in range(3)),
    ]
    mistakes = [
        Mistake(
            "each unit also has a bias: the layer has n·n·units + units parameters.",
            lambda budget, units: math.isqrt(budget // units),
        ),
        Mistake(
            "return the largest side that fits the budget, not the first one that exceeds it.",
            lambda budget, units: _largest_image_side(budget, units) + 1,
        ),
    ]
    return check_function(
        fn, "largest_image_side", ("budget", "units"), _largest_image_side, cases, same_integer, mistakes
    )


def _conv_cases(rng: np.random.Generator) -> tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]:
    """Two makers of test arrays from ``rng``: small whole numbers, and reals rounded to 2 digits."""

    def integers(shape: tuple[int, int], low: int = 0, high: int = 10) -> np.ndarray:
        return rng.integers(low, high, shape)

    def reals(shape: tuple[int, int]) -> np.ndarray:
        return np.round(rng.uniform(-1, 1, shape), 2)

    return integers, reals


_VALID_SHAPE_HINT = "'valid' keeps the kernel inside the image: the output has H - kh + 1 rows and W - kw + 1 columns."


def check_correlate_by_entries(fn: Any) -> CheckResult:
    """Check a student's ``correlate_by_entries(image, kernel)``: 2D cross-correlation, 'valid' (notebook 05).

    The exercise asks for a loop over the kernel's entries instead of the output positions;
    the checker compares results only. Reference: ``course_utils.convolution.correlate2d``
    (equal to ``scipy.signal.correlate2d(image, kernel, mode="valid")``).
    """
    from course_utils import convolution  # imports Keras, so only when this checker runs

    integers, reals = _conv_cases(np.random.default_rng(SEED))
    cases = [
        Case("a small example", (np.arange(9).reshape(3, 3), np.array([[1, 0], [0, -1]]))),
        Case("1x1 kernels", (integers((3, 4)), np.array([[2]]))),
        Case("full-size kernels", (integers((3, 3)), integers((3, 3), -2, 3))),
        Case("non-square inputs", (integers((4, 6)), integers((2, 3), -2, 3))),
        Case("non-square inputs", (integers((5, 3)), integers((3, 1), -2, 3))),
        Case("real-valued kernels", (integers((4, 4)), reals((2, 2)))),
        Case("random images", (reals((6, 6)), reals((3, 3)))),
        Case("random images", (reals((8, 5)), reals((3, 3)))),
        Case("a 28x28 image", (reals((28, 28)), reals((3, 3)))),
    ]
    mistakes = [
        Mistake(
            "that is a convolution: cross-correlation slides the kernel as it is, without flipping it.",
            convolution.convolve2d,
        ),
        Mistake(_VALID_SHAPE_HINT, lambda image, kernel: scipy.signal.correlate2d(image, kernel, mode="full")),
        Mistake(_VALID_SHAPE_HINT, lambda image, kernel: scipy.signal.correlate2d(image, kernel, mode="same")),
        Mistake(
            "your slices are one row and column short: each entry sees H - kh + 1 rows and W - kw + 1 columns.",
            lambda image, kernel: convolution.correlate2d(image, kernel)[:-1, :-1],
        ),
    ]
    return check_function(
        fn, "correlate_by_entries", ("image", "kernel"), convolution.correlate2d, cases, close_arrays(), mistakes
    )


def check_strided_correlate2d(fn: Any) -> CheckResult:
    """Check a student's ``strided_correlate2d(image, kernel, stride, padding)`` (notebook 05).

    Cross-correlation of a zero-padded image (``padding`` zero pixels on every side) with the
    kernel moving ``stride`` pixels at a time; windows that do not fit entirely are dropped.
    Reference: ``course_utils.convolution.correlate2d``, which equals ``keras.layers.Conv2D``.
    """
    from course_utils import convolution  # imports Keras, so only when this checker runs

    integers, reals = _conv_cases(np.random.default_rng(SEED))
    cases = [
        Case("a small example", (np.arange(16).reshape(4, 4), np.array([[1, 0], [0, -1]]), 2, 0)),
        Case("stride 1, no padding", (integers((5, 5)), integers((3, 3), -2, 3), 1, 0)),
        Case("padding", (integers((3, 3)), np.ones((3, 3), dtype=int), 1, 1)),
        Case("stride and padding", (integers((6, 6)), integers((3, 3), -2, 3), 2, 1)),
        Case("windows that do not fit at the edge", (integers((7, 7)), integers((3, 3), -2, 3), 3, 0)),
        Case("non-square inputs", (reals((6, 9)), reals((2, 3)), 2, 1)),
        Case("a 28x28 image", (reals((28, 28)), reals((3, 3)), 2, 1)),
    ]
    mistakes = [
        Mistake(
            "pad the image with `padding` rows and columns of zeros on every side first (np.pad).",
            lambda image, kernel, stride, padding: convolution.correlate2d(image, kernel, stride),
        ),
        Mistake(
            "move the window `stride` pixels at a time: output (i, j) starts at row i*stride and column j*stride.",
            lambda image, kernel, stride, padding: convolution.correlate2d(image, kernel, 1, padding),
        ),
        Mistake(
            "that is a convolution: cross-correlation slides the kernel as it is, without flipping it.",
            lambda image, kernel, stride, padding: convolution.correlate2d(image, kernel[::-1, ::-1], stride, padding),
        ),
        Mistake(
            "drop the windows that do not fit: the output side is (n + 2*padding - k) // stride + 1.",
            lambda image, kernel, stride, padding: convolution.correlate2d(image, kernel, stride, padding)[:-1, :-1],
        ),
    ]
    return check_function(
        fn,
        "strided_correlate2d",
        ("image", "kernel", "stride", "padding"),
        convolution.correlate2d,
        cases,
        close_arrays(),
        mistakes,
    )


def _pooled_by(layer: Any, maps: np.ndarray) -> np.ndarray:
    """``layer`` applied to a batch of one-channel maps, as a NumPy array."""
    import keras

    return keras.ops.convert_to_numpy(layer(maps))


def check_average_pooling_conv(fn: Any) -> CheckResult:
    """Check a student's ``average_pooling_conv(pool_size)``: a ``Conv2D`` that computes average pooling (notebook 06).

    The layer the student returns must be a ``keras.layers.Conv2D`` (one filter, one input
    channel) whose output equals ``keras.layers.AveragePooling2D(pool_size)``'s on batches
    of random maps of several sizes, i.e. a fixed kernel of 1 / pool_size² that moves
    pool_size pixels at a time, with no bias. A new layer is asked for in every case.
    """
    import keras

    name = "average_pooling_conv"
    not_an_answer = _not_an_answer(fn, name)
    if not_an_answer is not None:
        return not_an_answer
    rng = np.random.default_rng(SEED)
    cases = [
        Case("2x2 windows", (2, (2, 4, 4, 1))),
        Case("3x3 windows", (3, (1, 9, 9, 1))),
        Case("sizes that do not divide evenly", (2, (2, 7, 5, 1))),
        Case("4x4 windows on a digit-sized map", (4, (1, 28, 28, 1))),
    ]
    for pool_size, shape in (case.args for case in cases):
        call = f"{name}(pool_size={pool_size})"
        layer, problem = _call_answer(fn, name, call, (pool_size,), {"pool_size": pool_size})
        if problem is not None:
            return problem
        if not isinstance(layer, keras.layers.Conv2D):
            return _not_yet(
                f"{call} returned {describe_value(layer)}; expected a keras.layers.Conv2D.",
                "the exercise is to compute average pooling with a convolution: return a Conv2D layer.",
                {"pool_size": pool_size},
            )
        maps = np.round(rng.uniform(-1, 1, shape), 2).astype("float32")
        expected = _pooled_by(keras.layers.AveragePooling2D(pool_size), maps)
        try:
            got = _pooled_by(layer, maps)
        except Exception as error:  # e.g. a layer built for another number of channels
            problem = f"{call} returned a layer that fails on maps of shape {shape}: {type(error).__name__}"
            return _not_yet(f"{problem}: {_shorten(str(error))}", inputs={"pool_size": pool_size})
        if got.shape != expected.shape:
            hint = (
                "a pooling window moves by its own size: strides=pool_size."
                if got.shape[1] > expected.shape[1]
                else None
            )
            return _not_yet(
                f"{call} returned a layer whose output on maps of shape {shape} has shape {got.shape}; "
                f"expected {expected.shape}.",
                hint,
                {"pool_size": pool_size},
            )
        if not np.allclose(got, expected, rtol=1e-5, atol=1e-6):
            hint = None
            if np.allclose(got, expected * pool_size**2, rtol=1e-5, atol=1e-5):
                hint = f"that is the window's sum: an average divides it by pool_size² = {pool_size**2}."
            elif np.allclose(got - got.mean(), expected - expected.mean(), atol=1e-5):
                hint = "set the bias to 0 (or use_bias=False): pooling adds nothing to the average."
            return _not_yet(
                f"{call} returned a layer whose output on maps of shape {shape} differs from average pooling; "
                "expected the mean of each window.",
                hint or "every kernel weight must be the same fixed value, set before the layer is used.",
                {"pool_size": pool_size},
            )
    kinds = ", ".join(case.label for case in cases)
    return CheckResult(True, f"{PASSED_MARK} {name} passed all {len(cases)} checks ({kinds}).")


# ---------------------------------------------------------------------------------------------
# Exercise checkers: images as arrays (notebooks 02 and 04)
# ---------------------------------------------------------------------------------------------


def same_integer_pair(expected: tuple[int, int], got: Any) -> str | None:
    """Comparison for a pair of whole numbers such as (row, col): a tuple, list or array of two integers."""
    wanted = f"({expected[0]}, {expected[1]})"
    array = _as_numeric_array(got)
    if array is None or array.shape != (2,):
        return f"returned {describe_value(got)}; expected the pair {wanted}"
    if not np.issubdtype(array.dtype, np.integer):
        return f"returned {describe_value(got)}, floats; expected the whole numbers {wanted}"
    if tuple(array.tolist()) != tuple(expected):
        return f"returned {describe_value(got)}; expected {wanted}"
    return None


def _pixel_position(index: int, width: int) -> tuple[int, int]:
    """(row, col) of position ``index`` in a row-by-row flattened image ``width`` pixels wide."""
    return divmod(index, width)


def check_pixel_position(fn: Any) -> CheckResult:
    """Check a student's ``pixel_position(index, width)``: the (row, col) at ``index`` after ``Flatten`` (notebook 02).

    The inverse of ``course_utils.transforms.flat_index``, counting from 0: row ``index // width``,
    column ``index % width``.
    """
    rng = np.random.default_rng(SEED)
    cases = [
        Case("the first pixel", (0, 28)),
        Case("the end of the first row", (27, 28)),
        Case("the start of the second row", (28, 28)),
        Case("the last pixel", (783, 28)),
        Case("the lecture's example", (290, 28)),
        Case("other widths", (163, 32)),
        Case("a one-pixel-wide image", (7, 1)),
        *(Case("random positions", (int(rng.integers(0, 4096)), int(rng.integers(1, 65)))) for _ in range(3)),
    ]
    mistakes = [
        Mistake(
            "rows come first: the row is index // width and the column what is left, index % width.",
            lambda index, width: divmod(index, width)[::-1],
        ),
        Mistake(
            "count from 0, as NumPy does: index 0 is pixel (0, 0).",
            lambda index, width: (index // width + 1, index % width + 1),
        ),
        Mistake(
            "the column is what is left after the full rows: index % width, not index - width.",
            lambda index, width: (index // width, index - width),
        ),
    ]
    return check_function(fn, "pixel_position", ("index", "width"), _pixel_position, cases, same_integer_pair, mistakes)


def _shift_reference(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    return transforms.shift_images(image[None], dx=dx, dy=dy)[0]


def check_shift_image(fn: Any) -> CheckResult:
    """Check a student's ``shift_image(image, dx, dy)``: move one 2D image ``dx`` right and ``dy`` down.

    Pixels pushed out of the frame are lost and the uncovered ones are 0 (no wrap-around);
    the result keeps the input's shape and dtype. Reference:
    ``course_utils.transforms.shift_images`` on a batch of one. Notebook 04.
    """
    rng = np.random.default_rng(SEED)

    def digits(shape: tuple[int, int]) -> np.ndarray:
        return rng.integers(1, 10, shape).astype(np.uint8)  # no zeros, so every filled-in 0 shows

    cases = [
        Case("a small example", (np.arange(1, 10, dtype=np.uint8).reshape(3, 3), 1, 0)),
        Case("no shift", (digits((3, 3)), 0, 0)),
        Case("shifts down", (digits((4, 4)), 0, 1)),
        Case("shifts left and up", (digits((4, 4)), -1, -2)),
        Case("shifts to the edge of the frame", (digits((4, 5)), 4, -3)),
        Case("non-square images", (digits((3, 5)), 2, 1)),
        Case("float images", (np.round(rng.uniform(0, 1, (5, 5)), 2).astype(np.float32), -2, 1)),
        Case("a 28x28 digit", (digits((28, 28)), 3, -4)),
    ]
    mistakes = [
        Mistake(
            "pixels that leave the frame must not come back on the other side (np.roll wraps around): fill with 0.",
            lambda image, dx, dy: np.roll(image, (dy, dx), axis=(0, 1)),
        ),
        Mistake(
            "dx moves columns (right) and dy moves rows (down): you swapped them.",
            lambda image, dx, dy: _shift_reference(image, dy, dx),
        ),
        Mistake(
            "a positive dx moves the image right and a positive dy moves it down.",
            lambda image, dx, dy: _shift_reference(image, -dx, -dy),
        ),
    ]
    dtype_rule = close_arrays(dtype_hint="the input's dtype (np.zeros_like(image) keeps it)")
    return check_function(fn, "shift_image", ("image", "dx", "dy"), _shift_reference, cases, dtype_rule, mistakes)


# ---------------------------------------------------------------------------------------------
# Exercise checkers: the loss and dropout (notebooks 01 and 08)
# ---------------------------------------------------------------------------------------------


def _cross_entropy(logits: np.ndarray, label: int) -> float:
    """-log softmax(logits)[label], computed without overflow."""
    return float(-scipy.special.log_softmax(logits)[label])


def check_cross_entropy(fn: Any) -> CheckResult:
    """Check a student's ``cross_entropy(logits, label)``: the loss of one example from its logits (notebook 01).

    ``-log(softmax(logits)[label])``, what ``SparseCategoricalCrossentropy(from_logits=True)``
    computes for one example. It must be numerically stable: logits of 1000 must not overflow
    ``np.exp``, and a label whose probability rounds to 0 must give a large finite loss, not
    ``inf`` (take the log of softmax analytically: ``-(z_label - max z) + log Σ exp(z_k - max z)``).
    Reference: ``scipy.special.log_softmax``.
    """
    rng = np.random.default_rng(SEED)
    cases = [
        Case("a small example", (np.array([2.0, 1.0, 0.1]), 0)),
        Case("a less likely label", (np.array([2.0, 1.0, 0.1]), 2)),
        Case("equal logits", (np.zeros(10), 3)),
        Case("large logits", (np.array([1000.0, 1001.0, 1002.0]), 2)),
        Case("a label the network rules out", (np.array([0.0, -1000.0]), 1)),
        Case("random logits", (np.round(rng.normal(0, 5, 10), 2), 7)),
        Case("random logits", (np.round(rng.normal(0, 50, 10), 2), 4)),
    ]
    mistakes = [
        Mistake(
            "np.exp overflows, or a probability rounds to 0 and its log is -inf: subtract the largest logit first "
            "and take the log analytically, -(z[label] - max) + log(sum(exp(z - max))).",
            lambda logits, label: -np.log(np.exp(logits[label]) / np.sum(np.exp(logits))),
        ),
        Mistake(
            "the loss is minus the log-probability: 0 for a certain right answer, growing as it gets less likely.",
            lambda logits, label: -_cross_entropy(logits, label),
        ),
        Mistake(
            "use the probability of the true label, softmax(logits)[label], not of the most likely one.",
            lambda logits, label: _cross_entropy(logits, int(np.argmax(logits))),
        ),
    ]
    return check_function(
        fn, "cross_entropy", ("logits", "label"), _cross_entropy, cases, close_numbers(rtol=1e-6), mistakes
    )


# Inverted dropout is checked by its statistics: a student may draw the mask in any way from ``rng``.
DROPOUT_TOLERANCE = 0.02  # largest allowed |share of zeros - rate|; with 20,000 values, 7 standard deviations


def _dropout_problem(x: np.ndarray, rate: float, got: Any) -> tuple[str, str | None] | None:
    """What is wrong with ``got`` as inverted dropout of ``x`` (no zeros in ``x``), and a hint; None if nothing."""
    array = _as_numeric_array(got)
    if array is None or array.shape != x.shape:
        return f"returned {describe_value(got)}; expected an array of shape {x.shape}", None
    dropped = array == 0
    share = float(dropped.mean())
    kept, scale = array[~dropped], 1 / (1 - rate)
    if not np.allclose(kept, (x * scale)[~dropped], rtol=1e-5):
        hints = {
            1.0: "scale the kept values by 1 / (1 - rate), so that the expected output equals the input.",
            1 - rate: "divide the kept values by (1 - rate); do not multiply by it.",
        }
        ratio = float(np.median(kept / x[~dropped])) if kept.size else 0.0
        hint = next((text for factor, text in hints.items() if abs(ratio - factor) < 1e-6), None)
        return f"kept values {format_number(ratio)} times the input; expected {format_number(scale)} times", hint
    if abs(share - rate) > DROPOUT_TOLERANCE:
        hint = None
        if abs(share - (1 - rate)) <= DROPOUT_TOLERANCE:
            hint = "rate is the share of values dropped (set to 0), not the share kept."
        elif share == 0:
            hint = "set a random share `rate` of the values to 0."
        return f"set {share:.1%} of the values to 0; expected about {rate:.0%}", hint
    return None


def check_inverted_dropout(fn: Any) -> CheckResult:
    """Check a student's ``inverted_dropout(x, rate, rng)``: what ``Dropout(rate)`` does in training (notebook 08).

    Each value is set to 0 with probability ``rate`` and the others are divided by
    ``1 - rate`` (inverted dropout: the mean stays the same, so inference needs no rescaling).
    The mask is random, so the checker tests statistics, not exact values: every output is 0
    or the input times 1 / (1 - rate); the share of zeros is within ``DROPOUT_TOLERANCE`` of
    ``rate``; two calls draw two different masks from ``rng``; ``rate`` 0 keeps every value.
    """
    name = "inverted_dropout"
    not_an_answer = _not_an_answer(fn, name)
    if not_an_answer is not None:
        return not_an_answer
    values = np.random.default_rng(SEED).uniform(0.5, 1.5, (200, 100))  # no zeros: every 0 is a dropped value
    cases = [
        Case("a small example", (np.ones(20_000), 0.5)),
        Case("rate 0.2", (values.ravel(), 0.2)),
        Case("a batch of activations", (values, 0.5)),
        Case("rate 0.8", (values, 0.8)),
        Case("rate 0: nothing dropped", (values[:3, :4], 0.0)),
    ]
    for index, (x, rate) in enumerate(case.args for case in cases):
        inputs = {"x": x, "rate": rate}
        call = f"{name}(x={describe_value(x)}, rate={format_number(rate)}, rng=np.random.default_rng({index}))"
        passed_x = x.copy()
        got, problem = _call_answer(fn, name, call, (passed_x, rate, np.random.default_rng(index)), inputs)
        if problem is not None:
            return problem
        again, problem = _call_answer(fn, name, call, (x.copy(), rate, np.random.default_rng(index + 100)), inputs)
        if problem is not None:
            return problem
        if not _identical(x, passed_x):
            return _not_yet(
                f"{call} changed its argument x: build a new array (e.g. x * mask / (1 - rate)).", inputs=inputs
            )
        problem = _dropout_problem(x, rate, got)
        if problem is not None:
            return _not_yet(f"{call} {problem[0]}.", problem[1], inputs)
        if rate > 0 and np.array_equal(np.asarray(got) == 0, np.asarray(again) == 0):
            return _not_yet(
                f"{call} dropped the same values with another generator; expected a new random mask.",
                "draw the mask from rng (e.g. rng.random(x.shape) >= rate), so that every call drops other values.",
                inputs,
            )
    kinds = ", ".join(case.label for case in cases)
    return CheckResult(True, f"{PASSED_MARK} {name} passed all {len(cases)} checks ({kinds}).")


# ---------------------------------------------------------------------------------------------
# Models (notebooks 07-10)
# ---------------------------------------------------------------------------------------------


def _layer_names(layer_types: Sequence[str | type]) -> list[str]:
    return [kind if isinstance(kind, str) else kind.__name__ for kind in layer_types]


def _arrow(names: Sequence[str]) -> str:
    return " → ".join(names) if names else "(no layers)"


def _check_model_requirements(
    params: int | None,
    params_within: tuple[int, int] | None,
    output_shape: tuple[int | None, ...] | None,
    layer_types: Sequence[str | type] | None,
) -> None:
    """Raise ``ValueError`` when the exercise itself is set up wrongly (an instructor's mistake)."""
    if params is None and params_within is None and output_shape is None and layer_types is None:
        raise ValueError("give at least one of params, params_within, output_shape or layer_types to check")
    if params is not None and params_within is not None:
        raise ValueError("give params (an exact count) or params_within (a range), not both")
    if params is not None:
        arithmetic.check_non_negative_int("params", params)
    if params_within is not None and (len(params_within) != 2 or not 0 <= params_within[0] <= params_within[1]):
        raise ValueError(f"params_within must be a (low, high) pair with 0 <= low <= high, got {params_within!r}")
    if output_shape is not None and (not isinstance(output_shape, tuple) or output_shape[:1] != (None,)):
        raise ValueError(
            f"output_shape must be a tuple like model.output_shape, batch first: (None, 10); got {output_shape!r}"
        )


# The models of the "build it" exercises, named as their checker cells name them. The expected
# values live here, not in the notebook: a checker call that showed them would give the answer away.
MODEL_EXERCISES: dict[str, dict[str, Any]] = {
    # notebook 07, exercise 3: a third Conv2D(128, 3x3) + MaxPool(2) stage before Flatten
    "07 third conv stage": {
        "layer_types": ["Conv2D", "MaxPooling2D"] * 3 + ["Flatten", "Dense", "Dense"],
        "output_shape": (None, 10),
        "params": 110_474,
    },
    # notebook 09, exercise 2: a small VGG, two stages of two 3x3 convolutions
    "09 small VGG": {
        "layer_types": ["Conv2D", "Conv2D", "MaxPooling2D", "Conv2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense"],
        "output_shape": (None, 10),
        "params": 32_058,
    },
    # notebook 10, exercise 4: an MLP with two hidden layers within 10% of the lecture CNN's 225,034
    "10 deep MLP": {
        "layer_types": ["Flatten", "Dense", "Dense", "Dense"],
        "output_shape": (None, 10),
        "params_within": (202_530, 247_537),
    },
}


def check_exercise_model(model: Any, exercise: str) -> CheckResult:
    """Check the model a student built for one of the course's exercises (``MODEL_EXERCISES``).

    Used by notebooks 07, 09 and 10 so that the checker cell names the exercise, not the
    numbers the student has to find.
    """
    if exercise not in MODEL_EXERCISES:
        raise ValueError(f"no model exercise {exercise!r}: choose one of {', '.join(MODEL_EXERCISES)}")
    return check_model(model, **MODEL_EXERCISES[exercise])


def check_model(
    model: Any,
    *,
    params: int | None = None,
    params_within: tuple[int, int] | None = None,
    output_shape: tuple[int | None, ...] | None = None,
    layer_types: Sequence[str | type] | None = None,
) -> CheckResult:
    """Check a student's Keras model: its layers, output shape and parameter count (notebooks 07-10).

    For "build a Sequential that ..." exercises. ``layer_types`` lists the layers in order
    (class names such as "Conv2D" or the classes; the input layer does not count),
    ``output_shape`` is compared with ``model.output_shape`` (batch dimension first, e.g.
    ``(None, 10)``), ``params`` with ``model.count_params()`` exactly and ``params_within``
    as an inclusive ``(low, high)`` range. Give at least one of them.
    """
    import keras  # here, not at the top: see the module docstring

    _check_model_requirements(params, params_within, output_shape, layer_types)
    if model is Ellipsis or model is None:
        return _not_yet("the model is still the starter: build it with keras.Sequential([...]) and run that cell.")
    if not isinstance(model, keras.Model):
        return _not_yet(
            f"expected a Keras model, got {describe_value(model)}: wrap the layers in keras.Sequential([...])."
        )
    if not model.built:
        return _not_yet(
            "Keras does not know the model's input shape yet: start the list of layers with keras.Input(shape=...)."
        )
    try:
        names = [type(layer).__name__ for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
        shape, count = model.output_shape, model.count_params()
    except Exception as error:  # a model Keras cannot describe: report it instead of crashing
        return _not_yet(f"Keras could not describe the model: {type(error).__name__}: {_shorten(str(error))}")
    passed = []
    if layer_types is not None:
        if names != _layer_names(layer_types):
            return _not_yet(f"the model's layers are {_arrow(names)}; expected {_arrow(_layer_names(layer_types))}.")
        passed.append(f"layers {_arrow(names)}")
    if output_shape is not None:
        if shape != output_shape:
            return _not_yet(f"the model's output shape is {shape}; expected {output_shape}.")
        passed.append(f"output shape {shape}")
    if params is not None:
        if count != params:
            return _not_yet(f"the model has {count:,} parameters, not the number the exercise asks for.")
        passed.append("the parameter count")
    if params_within is not None:
        low, high = params_within
        if not low <= count <= high:
            return _not_yet(f"the model has {count:,} parameters; expected between {low:,} and {high:,}.")
        passed.append(f"{count:,} parameters, between {low:,} and {high:,}")
    return CheckResult(True, f"{PASSED_MARK} the model passed all {len(passed)} checks ({', '.join(passed)}).")
