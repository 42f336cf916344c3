"""Which values of a dimension explain a change between two buckets.

- Additive measures: each group's contribution is its own difference; they add up to
  the total's.
- Ratios (shares, scores, means): with w = a group's share of the denominator and
  r = its rate (numerator / denominator), the total's difference splits exactly into
  rate effects (r moved, at the group's average weight) and mix effects (the weight
  moved, at the group's average rate):
      rate = (r1 - r0) * (w1 + w0) / 2      mix = (w1 - w0) * (r1 + r0) / 2
  A group absent from one bucket takes its rate from the other (all mix).
Group numbers come from the group's own numerator and denominator, run by the engine.
When the groups overlap (a row in several groups, as with a to-many dimension), the
parts do not add up to the total and no driver is named.
"""
from __future__ import annotations

from dataclasses import dataclass

from .parts import Decomposition, combine

MIN_SHARE = 0.1  # a driver moves the total's way by at least this share of the difference
TOP = 3


@dataclass(frozen=True)
class Driver:
    group: object
    effect: float  # contribution to the total's difference, in the measure's scale
    share: float  # effect / total difference
    new: float | None  # the group's value (additive) or rate (ratio), scaled
    old: float | None
    rate: float | None = None  # ratio only
    mix: float | None = None
    weight_new: float | None = None
    weight_old: float | None = None
    n_new: float | None = None
    n_old: float | None = None


def drivers(d: Decomposition, measure: str, table: dict, new_bucket, old_bucket,
            total_new: dict, total_old: dict) -> list[Driver] | None:
    """The groups that explain most of the change (None: the groups do not add up)."""
    groups = sorted({g for (m, b, g) in table if m == measure and b in (new_bucket, old_bucket)}, key=_order)
    parts = {(b, g): table[(measure, b, g)].parts for (m, b, g) in table
             if m == measure and b in (new_bucket, old_bucket)}
    if d.kind == "additive":
        found = _additive(d, groups, parts, new_bucket, old_bucket, total_new, total_old)
    elif d.kind == "ratio":
        found = _ratio(d, groups, parts, new_bucket, old_bucket, total_new, total_old)
    else:
        return None
    if found is None:
        return None
    found.sort(key=lambda x: (-abs(x.effect), _order(x.group)))
    return [x for x in found[:TOP] if x.share >= MIN_SHARE]  # pushing the way the total moved


def _additive(d, groups, parts, new_b, old_b, total_new, total_old):
    value = lambda p: None if p is None else d.scale * combine(d.numerator, p)  # noqa: E731
    new_total, old_total = value(total_new), value(total_old)
    per_group = [(g, value(parts.get((new_b, g))) or 0.0, value(parts.get((old_b, g))) or 0.0) for g in groups]
    if not _adds_up([n for _, n, _ in per_group], new_total) or not _adds_up([o for _, _, o in per_group], old_total):
        return None
    delta = new_total - old_total
    if not delta:
        return []
    return [Driver(g, n - o, (n - o) / delta, n, o) for g, n, o in per_group]


def _ratio(d, groups, parts, new_b, old_b, total_new, total_old):
    num = lambda p: combine(d.numerator, p) if p is not None else 0.0  # noqa: E731
    den = lambda p: combine(d.denominator, p) if p is not None else 0.0  # noqa: E731
    n_total, o_total = den(total_new), den(total_old)
    if not n_total or not o_total:
        return None
    rows = [(g, num(parts.get((new_b, g))), den(parts.get((new_b, g))),
             num(parts.get((old_b, g))), den(parts.get((old_b, g)))) for g in groups]
    if not _adds_up([r[2] for r in rows], n_total) or not _adds_up([r[4] for r in rows], o_total) \
            or not _adds_up([r[1] for r in rows], num(total_new)) or not _adds_up([r[3] for r in rows], num(total_old)):
        return None
    delta = d.scale * (num(total_new) / n_total - num(total_old) / o_total)
    if not delta:
        return []
    out = []
    for g, n1, d1, n0, d0 in rows:
        if not d1 and not d0:
            continue
        r1 = n1 / d1 if d1 else n0 / d0
        r0 = n0 / d0 if d0 else r1
        w1, w0 = d1 / n_total, d0 / o_total
        rate = d.scale * (r1 - r0) * (w1 + w0) / 2
        mix = d.scale * (w1 - w0) * (r1 + r0) / 2
        out.append(Driver(g, rate + mix, (rate + mix) / delta, d.scale * r1 if d1 else None,
                          d.scale * r0 if d0 else None, rate, mix, w1, w0, d1, d0))
    return out


def _adds_up(values: list[float], total: float | None) -> bool:
    total = total or 0.0
    return abs(sum(values) - total) <= 1e-6 * max(1.0, abs(total))


def _order(group):
    return (group is None, str(group))
