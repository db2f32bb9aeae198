"""The constraint files in constraints/ agree with the dependencies in pyproject.toml.

CI's second job installs constraints/lowest.txt and runs every notebook on it, which only
proves the lower bounds if that file pins exactly them; constraints/latest.txt records the
newest stack known to pass, which is only useful if it pins every dependency that matters.
"""

from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
CONSTRAINTS = REPO / "constraints"


def dependencies(*groups: str) -> dict[str, Requirement]:
    """The runtime dependencies of pyproject.toml, plus those of the named optional groups."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = project["dependencies"] + [line for group in groups for line in project["optional-dependencies"][group]]
    requirements = [Requirement(line) for line in lines]
    return {canonicalize_name(requirement.name): requirement for requirement in requirements}


def pins(name: str) -> dict[str, Version]:
    """The ``package==version`` lines of a constraint file; comments and blank lines skipped."""
    lines = (CONSTRAINTS / name).read_text(encoding="utf-8").splitlines()
    requirements = [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]
    pinned = {}
    for requirement in requirements:
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", (
            f"{name}: write {requirement.name}==<version>, not {requirement}"
        )
        pinned[canonicalize_name(requirement.name)] = Version(specifiers[0].version)
    assert len(pinned) == len(requirements), f"{name} pins a package twice"
    return pinned


def lower_bound(requirement: Requirement) -> Version:
    """The version in a requirement's ``>=`` specifier (pyproject.toml has lower bounds only)."""
    (bound,) = [specifier.version for specifier in requirement.specifier if specifier.operator == ">="]
    return Version(bound)


def test_lowest_pins_exactly_the_runtime_dependencies():
    assert pins("lowest.txt").keys() == dependencies().keys()


@pytest.mark.parametrize("name", sorted(dependencies()))
def test_lowest_pins_each_dependency_at_its_lower_bound(name):
    """``numpy>=1.26`` is pinned as ``numpy==1.26.0`` (equal versions), not as a later 1.26.x."""
    bound, pin = lower_bound(dependencies()[name]), pins("lowest.txt")[name]
    assert pin == bound, f"lowest.txt pins {name}=={pin}, but pyproject.toml's lower bound is {bound}: make them agree"


def test_latest_pins_every_runtime_and_dev_dependency_within_its_bounds():
    required, pinned = dependencies("dev"), pins("latest.txt")
    assert pinned.keys() == required.keys()
    for name, requirement in required.items():
        assert requirement.specifier.contains(pinned[name]), f"latest.txt pins {name}=={pinned[name]}: {requirement}"
