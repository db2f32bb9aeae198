"""Multi-seed statistics (course_utils.evidence)."""

import math

import pytest

from course_utils.evidence import SEEDS, SeedSpread, clearly_greater, format_mean_std, noise, over_seeds, spread


def test_spread_reports_mean_and_sample_std():
    values = spread([0.90, 0.92, 0.94])
    assert values.mean == pytest.approx(0.92)
    assert values.std == pytest.approx(0.02)  # ddof=1: sqrt((0.02**2 + 0 + 0.02**2) / 2)
    assert str(values) == "0.920 ± 0.020"


def test_format_mean_std_rounds_both():
    assert format_mean_std(0.96249, 0.00351) == "0.962 ± 0.004"
    assert format_mean_std(12.345, 0.5, digits=1) == "12.3 ± 0.5"


@pytest.mark.parametrize("values", [(0.9,), (), (0.9, math.nan)])
def test_a_spread_needs_two_finite_values(values):
    with pytest.raises(ValueError):
        SeedSpread(values)


def test_over_seeds_gathers_each_measurement():
    calls = []

    def run(seed):
        calls.append(seed)
        return {"train": 1.0, "test": 0.9 + seed / 100}

    result = over_seeds(run)
    assert calls == list(SEEDS)
    assert result["train"].values == (1.0,) * len(SEEDS)
    assert result["test"].values == pytest.approx([0.9 + seed / 100 for seed in SEEDS])


def test_over_seeds_rejects_too_few_or_repeated_seeds_and_inconsistent_runs():
    with pytest.raises(ValueError, match="at least 2 different seeds"):
        over_seeds(lambda seed: {"a": 1.0}, seeds=[0])
    with pytest.raises(ValueError, match="at least 2 different seeds"):
        over_seeds(lambda seed: {"a": 1.0}, seeds=[1, 1])
    with pytest.raises(ValueError, match="returned"):
        over_seeds(lambda seed: {"a": 1.0} if seed == 0 else {"b": 1.0}, seeds=[0, 1])


def test_noise_is_the_standard_error_of_the_difference_of_means():
    a, b = spread([1.0, 3.0]), spread([0.0, 0.0, 0.0])
    assert noise(a, b) == pytest.approx(math.sqrt(2.0 / 2))


def test_clearly_greater_needs_the_difference_to_exceed_the_noise():
    cnn = spread([0.96, 0.962, 0.958])
    mlp = spread([0.92, 0.921, 0.919])
    assert clearly_greater(cnn, mlp)
    assert not clearly_greater(mlp, cnn)
    noisy = spread([0.90, 0.99, 0.93])
    assert not clearly_greater(noisy, mlp), "a 0.02 lead with a 0.05 spread is not a finding"


def test_clearly_greater_ignores_negligible_differences_of_tight_spreads():
    a, b = spread([0.9010, 0.9011, 0.9012]), spread([0.9000, 0.9001, 0.9002])
    assert clearly_greater(a, b)
    assert not clearly_greater(a, b, floor=0.005)


def test_clearly_greater_rejects_meaningless_thresholds():
    a = spread([1.0, 2.0])
    with pytest.raises(ValueError):
        clearly_greater(a, a, sigmas=0)
    with pytest.raises(ValueError):
        clearly_greater(a, a, floor=-1)
