"""Small-number honesty end to end: the same CSAT jump (50% -> 87.5%) is inside the noise
on eight answers a week and a change on two hundred; either way the sentence carries n
and the Wilson interval."""
import pytest

from .synthetic import insights
from .test_drivers import NEW, OLD, SPEC, csat_data

CSAT_SPEC = SPEC.replace(", ticket.channel", "").replace(", count() as answers", "")


@pytest.mark.parametrize("answers, verdict", [(8, "within_noise"), (200, "change")])
def test_a_csat_jump_is_judged_by_its_answers(tmp_path, answers, verdict):
    weeks = [(OLD, "email", answers // 2, answers), (NEW, "email", answers * 7 // 8, answers)]
    found = insights(tmp_path, csat_data(tmp_path, weeks), CSAT_SPEC)
    [compared] = [f for f in found if f["kind"] in ("change", "within_noise")]
    numbers = compared["numbers"]
    assert compared["kind"] == verdict and numbers["test"] == "Fisher's exact test"
    assert (numbers["value"], numbers["other_value"], numbers["n"], numbers["other_n"]) == (87.5, 50.0, answers,
                                                                                            answers)
    low, high = numbers["ci95"]
    assert low < 87.5 < high and numbers["other_ci95"][0] < 50 < numbers["other_ci95"][1]
    assert f"(n={answers}, 95% CI {low:.1f}%-{high:.1f}%)" in compared["sentence"]
    if answers == 8:
        assert numbers["p_value"] > 0.05 and "inside the noise" in compared["sentence"]
        assert (low, high) == pytest.approx((52.91, 97.76), abs=0.01)  # Wilson for 7 of 8, by hand
    else:
        assert numbers["p_value"] < 0.001 and "up, beyond the noise" in compared["sentence"]
