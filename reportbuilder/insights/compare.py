"""Is the difference between two buckets of one measure more than noise?

Two tests, both needed for a claim when both apply:
- sampling noise, from what the measure is made of (parts.py): counts -> Poisson,
  shares -> Fisher's exact test, categorical scores (NPS, CES) -> z on their own
  variance, means -> Welch's t; p below ALPHA;
- the series' own noise: the difference is larger than NOISE_SD times the robust
  standard deviation of the same kind of difference (bucket vs previous, or vs a
  season earlier) over the earlier complete buckets (at least MIN_HISTORY of them).
  This keeps a Monday from "beating" a Sunday, and over-dispersed counts honest.
A measure with no sampling model (sums, medians, distinct counts) is judged by the
series' noise alone at the stricter ALONE_SD; without enough history it is not judged.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from . import stats
from .parts import Decomposition, combine
from .series import Cell

ALPHA = 0.01
NOISE_SD = 2.0
ALONE_SD = 3.0
MIN_HISTORY = 6


@dataclass(frozen=True)
class BucketStats:
    """A bucket's value with what is known about its sampling error."""

    value: float | None
    n: float | None = None  # responses / rows behind a rate or mean
    interval: tuple[float, float] | None = None  # 95%, in the measure's own scale
    successes: float | None = None  # for a share
    se: float | None = None  # standard error (categorical scores)
    sd: float | None = None  # standard deviation of x (means)


def bucket_stats(d: Decomposition, cell: Cell) -> BucketStats:
    value = None if cell.value is None else float(cell.value)
    if d.kind != "ratio" or value is None:
        return BucketStats(value)
    values = {agg: cell.parts.get(agg) for agg in d.aggregates}
    n = combine(d.denominator, values)
    if not n or n <= 0:
        return BucketStats(value, n)
    if d.proportion:
        terms = [(c, float(values[agg] or 0) / n) for c, agg in d.numerator]
        if len(terms) == 1 and terms[0][0] == 1.0 and 0 <= terms[0][1] <= 1 and float(n).is_integer():
            k = float(values[d.numerator[0][1]] or 0)
            low, high = stats.wilson(int(k), int(n))
            return BucketStats(value, n, (d.scale * low, d.scale * high), successes=k)
        if all(0 <= p <= 1 for _, p in terms) and sum(p for _, p in terms) <= 1 + 1e-9:
            score, se = stats.categorical(terms, n)
            return BucketStats(value, n, (d.scale * (score - stats.Z95 * se), d.scale * (score + stats.Z95 * se)),
                               se=d.scale * se)
        return BucketStats(value, n)
    if d.mean is not None and n >= 2:
        total = combine(d.numerator, values)
        square = float(values.get(d.mean) or 0)
        mean = total / n
        sd = math.sqrt(max(square - n * mean * mean, 0.0) / (n - 1))
        half = stats.Z95 * sd / math.sqrt(n)
        return BucketStats(value, n, (d.scale * (mean - half), d.scale * (mean + half)), sd=d.scale * sd)
    return BucketStats(value, n)


@dataclass(frozen=True)
class Judgement:
    verdict: str  # changed | noise | unjudged
    test: str  # what decided it, for the sentence
    p: float | None
    noise_sd: float | None  # the series' own noise for this kind of difference


def judge(d: Decomposition, new: BucketStats, old: BucketStats, history: list[float]) -> Judgement:
    """The verdict on new - old, given earlier differences of the same kind."""
    difference = new.value - old.value
    noise = stats.robust_scale(history) if len(history) >= MIN_HISTORY else None
    test, p = _sampling_test(d, new, old)
    if p is not None and p == p:
        beyond_noise = noise is None or abs(difference) > NOISE_SD * noise
        changed = p < ALPHA and beyond_noise
        if p < ALPHA and not beyond_noise:
            test += f", within the series' usual swing (±{NOISE_SD:g} sd)"
        return Judgement("changed" if changed else "noise", test, p, noise)
    if noise is None:
        return Judgement("unjudged", f"fewer than {MIN_HISTORY} earlier differences to learn the noise from",
                         None, None)
    if noise == 0:
        return Judgement("changed" if difference else "noise", "the series never moved before", None, noise)
    z = difference / noise
    test = f"{abs(z):.1f} robust sd of the usual difference"
    return Judgement("changed" if abs(z) > ALONE_SD else "noise", test, None, noise)


def _sampling_test(d: Decomposition, new: BucketStats, old: BucketStats) -> tuple[str, float | None]:
    if d.kind == "additive" and d.counts and len(d.numerator) == 1 and d.scale > 0:
        k1, k0 = new.value / d.numerator[0][0], old.value / d.numerator[0][0]
        if k1 >= 0 and k0 >= 0 and float(k1).is_integer() and float(k0).is_integer():
            return "Poisson test", stats.poisson_p(k1, k0)
        return "", None
    if new.n is None or old.n is None or not new.n or not old.n:
        return "", None
    if new.successes is not None and old.successes is not None:
        return "Fisher's exact test", stats.fisher_p(int(new.successes), int(new.n), int(old.successes), int(old.n))
    if new.se is not None and old.se is not None:
        return "z test on the score's own variance", stats.z_p(new.value - old.value, math.hypot(new.se, old.se))
    if new.sd is not None and old.sd is not None:
        p = stats.welch_p(new.value, new.sd, new.n, old.value, old.sd, old.n)
        return ("Welch's t test", p) if p == p else ("", None)
    return "", None
