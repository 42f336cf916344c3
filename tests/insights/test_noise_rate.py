"""Pure noise must not produce claims: over many seeds, at most 5% of noise series get a
trend, shift or change claim, nor an unusual bucket (the analysis layer, fed generated
numbers directly); a planted odd day of a share is still found."""
import random
from datetime import date

from reportbuilder.insights.analyze import analyze

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.check.check_spec import check_spec
from reportbuilder.load.load_spec import load_spec_text

from .synthetic import poisson_fetched, share_fetched

CLAIMS = {"change", "trend", "shift"}


def test_noise_series_rarely_claim_anything():
    claimed = 0
    seeds = 200
    for seed in range(seeds):
        fetched, calendar = poisson_fetched(random.Random(seed))
        kinds = {f.kind for f in analyze(fetched, calendar)}
        claimed += bool(kinds & CLAIMS)
    assert claimed / seeds <= 0.05, f"{claimed} of {seeds} noise series made a claim"


CSAT = check_spec(load_spec_text("source: feedback_submissions\nmeasures: [csat]\n", "s.yaml"), load_catalog()).measures[0]


def test_noise_csat_on_few_answers_rarely_claims_anything():
    """A share on about a dozen answers a day swings by tens of points from day to day: pure
    chance must not read as a change, a trend or an unusual day (84 days, each with its own
    95% interval, would give about four such days by chance without the correction)."""
    claimed, unusual, seeds = 0, 0, 200
    for seed in range(seeds):
        kinds = {f.kind for f in analyze(*share_fetched(random.Random(seed), CSAT))}
        claimed += bool(kinds & CLAIMS)
        unusual += "outlier" in kinds
    assert claimed / seeds <= 0.05, f"{claimed} of {seeds} noise CSAT series made a claim"
    assert unusual / seeds <= 0.05, f"{unusual} of {seeds} noise CSAT series had an unusual day"


def test_a_planted_bad_csat_day_is_the_one_unusual_day():
    odd = date(2025, 6, 11)  # a Wednesday: 35% satisfied where every other day has 80%
    found = analyze(*share_fetched(random.Random(5), CSAT, rate=lambda d: 0.35 if d == odd else 0.8, answers=40))
    outliers = [f for f in found if f.kind == "outlier"]
    assert [f.numbers["bucket"] for f in outliers] == ["2025-06-11"]
    assert outliers[0].numbers["robust_z"] < 0 and "a Wednesday typically has" in outliers[0].sentence


def test_noise_series_still_report_their_comparisons():
    fetched, calendar = poisson_fetched(random.Random(7))
    findings = analyze(fetched, calendar)
    compared = [f for f in findings if f.kind in ("within_noise", "change")]
    assert {f.numbers["against"] for f in compared} == {"previous", "season"}
    assert all(f.numbers["bucket"] == "2025-06-29" for f in compared)  # Sunday, the last complete day
    partner = {f.numbers["against"]: f.numbers["other_bucket"] for f in compared}
    assert partner == {"previous": "2025-06-28", "season": "2025-06-22"}  # the day before; a Sunday a week before
