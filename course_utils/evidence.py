"""Results over several seeds, and conclusions that survive the seed-to-seed noise.

One training run is one sample: a different seed (initial weights, batch order) moves a test
accuracy by about as much as some of the differences the course cares about. Notebooks 08,
09 and 10 therefore train every configuration with several seeds, report mean ± standard
deviation, and assert a difference only when it exceeds the noise (``clearly_greater``).
This module has no Keras in it: it takes numbers, whatever produced them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# The seeds every multi-seed experiment of the course uses, so that runs are comparable.
SEEDS = (0, 1, 2)


@dataclass(frozen=True)
class SeedSpread:
    """The values one measurement took over several seeds (e.g. a model's test accuracy)."""

    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.values) < 2:
            raise ValueError(f"a spread needs at least 2 values (one per seed), got {len(self.values)}")
        if not all(math.isfinite(value) for value in self.values):
            raise ValueError(f"every value must be a finite number, got {self.values}")

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def std(self) -> float:
        """Sample standard deviation (ddof=1): the spread a new seed would show."""
        return float(np.std(self.values, ddof=1))

    def __str__(self) -> str:
        return format_mean_std(self.mean, self.std)


def format_mean_std(mean: float, std: float, digits: int = 3) -> str:
    """``0.962 ± 0.004``: how the course prints a multi-seed result."""
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def spread(values: Iterable[float]) -> SeedSpread:
    """The ``SeedSpread`` of some per-seed values (a list, an array, a generator)."""
    return SeedSpread(tuple(float(value) for value in values))


def over_seeds(run: Callable[[int], dict[str, float]], seeds: Sequence[int] = SEEDS) -> dict[str, SeedSpread]:
    """Call ``run(seed)`` for every seed and gather each measurement it returns into a spread.

    ``run`` trains whatever it likes with that seed and returns named numbers, e.g.
    ``{"train": 1.0, "test": 0.93}``; every call must return the same names.
    """
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise ValueError(f"give at least 2 different seeds, got {tuple(seeds)}")
    results = [run(seed) for seed in seeds]
    names = set(results[0])
    for seed, result in zip(seeds, results, strict=True):
        if set(result) != names:
            raise ValueError(f"run({seed}) returned {sorted(result)}, but run({seeds[0]}) returned {sorted(names)}")
    return {name: spread(result[name] for result in results) for name in results[0]}


def noise(a: SeedSpread, b: SeedSpread) -> float:
    """Standard deviation of the difference of two independent means: the noise on ``a.mean - b.mean``."""
    return math.sqrt(a.std**2 / len(a.values) + b.std**2 / len(b.values))


def clearly_greater(a: SeedSpread, b: SeedSpread, sigmas: float = 2.0, floor: float = 0.0) -> bool:
    """Whether ``a`` beats ``b`` by more than ``sigmas`` times the noise of the difference of means.

    ``floor`` is the smallest difference that counts whatever the spreads say (e.g. 0.005 for
    accuracies on 1,000 test images, one image in 200): three runs that happen to agree
    closely must not turn a negligible difference into a finding.
    """
    if sigmas <= 0 or floor < 0:
        raise ValueError(f"sigmas must be positive and floor non-negative, got {sigmas} and {floor}")
    difference = a.mean - b.mean
    return difference > max(sigmas * noise(a, b), floor)
