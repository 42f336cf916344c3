"""Pure noise must not produce claims: over many seeds, at most 5% of noise series get a
trend, shift or change claim (the analysis layer, fed generated numbers directly)."""
import random

from reportbuilder.insights.analyze import analyze

from .synthetic import poisson_fetched

CLAIMS = {"change", "trend", "shift"}


def test_noise_series_rarely_claim_anything():
    claimed = 0
    seeds = 200
    for seed in range(seeds):
        fetched, calendar = poisson_fetched(random.Random(seed))
        kinds = {f.kind for f in analyze(fetched, calendar)}
        claimed += bool(kinds & CLAIMS)
    assert claimed / seeds <= 0.05, f"{claimed} of {seeds} noise series made a claim"


def test_noise_series_still_report_their_comparisons():
    fetched, calendar = poisson_fetched(random.Random(7))
    findings = analyze(fetched, calendar)
    compared = [f for f in findings if f.kind in ("within_noise", "change")]
    assert {f.numbers["against"] for f in compared} == {"previous", "season"}
    assert all(f.numbers["bucket"] == "2025-06-29" for f in compared)  # Sunday, the last complete day
    partner = {f.numbers["against"]: f.numbers["other_bucket"] for f in compared}
    assert partner == {"previous": "2025-06-28", "season": "2025-06-22"}  # the day before; a Sunday a week before
