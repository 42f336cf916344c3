"""Fetched numbers -> ranked findings (no engine here: the numbers come from series.py).

Order: changes beyond the noise (largest relative change first), each followed by the
groups that drive it; level shifts; trends; unusual buckets; comparisons inside the
noise; partial buckets; what was withheld and why.
"""
from __future__ import annotations

from .calendar import BucketCalendar, bucket_text
from .compare import bucket_stats, judge
from .drivers import drivers
from .finding import Finding, fmt, fmt_delta, fmt_p, fmt_pct
from .series import Fetched, MeasureInfo
from .shape import MIN_BUCKETS, shape

_ORDER = {"change": 0, "shift": 1, "trend": 2, "outlier": 3, "within_noise": 4, "partial": 5, "withheld": 6}


def analyze(fetched: Fetched, calendar: BucketCalendar) -> list[Finding]:
    buckets = list(fetched.buckets)
    shown = [b for b in buckets if calendar.in_range(b)]
    complete = [b for b in shown if calendar.complete(b)]
    ranked: list[tuple] = []  # (order, rank, measure index, sequence, finding)
    partial = [b for b in shown if not calendar.complete(b)]
    if partial:
        labels = ", ".join(calendar.label(b) for b in partial)
        ranked.append((_ORDER["partial"], 0, 0, 0, Finding(
            "partial", None, f"{labels}: partial (the range or now cuts it); shown by the report, left out here.",
            {"buckets": [bucket_text(b) for b in partial]})))
    if len(complete) < MIN_BUCKETS:
        ranked.append((_ORDER["withheld"], 0, 0, 0, Finding(
            "withheld", None, f"Trends, shifts and unusual buckets need {MIN_BUCKETS} complete buckets; "
            f"this report has {len(complete)}.", {"complete_buckets": len(complete), "needed": MIN_BUCKETS})))
    for index, info in enumerate(fetched.measures):
        for order, rank, seq, finding in _measure_findings(info, fetched, calendar, buckets, complete):
            ranked.append((order, rank, index, seq, finding))
    ranked.sort(key=lambda x: x[:4])
    return [x[4] for x in ranked]


def _measure_findings(info: MeasureInfo, fetched: Fetched, calendar: BucketCalendar, buckets, complete):
    name, unit, d = info.measure.name, info.measure.unit, info.decomposition
    cell = {b: fetched.series[(name, b)] for b in buckets if (name, b) in fetched.series}
    value = {b: float(c.value) for b, c in cell.items() if c.value is not None}
    # Partners may lie in the season read before the range, but not before the data starts
    # (a month before the first row is no data, not zero).
    started = next((b for b in buckets if value.get(b)), None)
    complete_set = set(b for b in buckets if calendar.complete(b, extended=True) and started is not None
                       and b >= started)
    out = []
    if complete:
        last = complete[-1]
        position = buckets.index(last)
        partners = []
        if position > 0 and buckets[position - 1] in complete_set:
            partners.append(("previous", buckets[position - 1], _lag_pairs(buckets, complete_set, 1)))
        earlier = calendar.season_earlier(last)
        if earlier is not None and earlier in complete_set:
            pairs = [(b, calendar.season_earlier(b)) for b in buckets
                     if b in complete_set and calendar.season_earlier(b) in complete_set]
            partners.append(("season", earlier, pairs))
        for seq, (against, other, pairs) in enumerate(partners):
            if last not in value or other not in value:
                continue
            history = [value[b] - value[a] for b, a in pairs
                       if b < last and calendar.in_range(b) and b in value and a in value]
            out.extend(_comparison(info, fetched, calendar, last, other, against, history, cell, seq))
    series = [b for b in complete if b in value]
    claimed = {f.numbers["bucket"] for _, _, _, f in out if f.kind == "change"}
    if len(series) >= MIN_BUCKETS:
        stats_of = [bucket_stats(d, cell[b]) for b in series]
        intervals = [s.interval for s in stats_of] if d.kind == "ratio" else None
        found = shape(series, [value[b] for b in series], calendar, d.kind == "additive" and d.counts,
                      intervals)
        out.extend(x for x in _shape_findings(name, unit, calendar, series, [value[b] for b in series], found)
                   if not (x[3].kind == "outlier" and x[3].numbers["bucket"] in claimed))  # said once
    return out


def _lag_pairs(buckets, complete_set, lag):
    return [(buckets[i], buckets[i - lag]) for i in range(lag, len(buckets))
            if buckets[i] in complete_set and buckets[i - lag] in complete_set]


def _comparison(info, fetched, calendar, last, other, against, history, cell, seq):
    name, unit, d = info.measure.name, info.measure.unit, info.decomposition
    new, old = bucket_stats(d, cell[last]), bucket_stats(d, cell[other])
    verdict = judge(d, new, old, history)
    difference = new.value - old.value
    where = (f"{calendar.season_label} ({calendar.label(other)})" if against == "season"
             else f"the {calendar.granularity} before ({calendar.label(other)})")
    head = (f"{name}: {calendar.label(last)} {fmt(new.value, unit)}{_sample(new, unit)} vs "
            f"{fmt(old.value, unit)}{_sample(old, unit)} {where} ({fmt_delta(difference, unit)}"
            f"{fmt_pct(new.value, old.value) if unit != 'percent' else ''})")
    numbers = {"bucket": bucket_text(last), "against": against, "other_bucket": bucket_text(other),
               "value": new.value, "other_value": old.value, "difference": difference,
               "change_pct": 100 * difference / abs(old.value) if old.value else None,
               "verdict": verdict.verdict, "test": verdict.test.split(",")[0] or None, "p_value": verdict.p,
               "noise_sd": verdict.noise_sd, "history": len(history)}
    for key, s in (("", new), ("other_", old)):
        if s.n is not None:
            numbers[key + "n"] = s.n
        if s.interval is not None:
            numbers[key + "ci95"] = list(s.interval)
    p_text = f", {fmt_p(verdict.p)}" if verdict.p is not None else ""
    if verdict.verdict == "changed":
        direction = "up" if difference > 0 else "down"
        yield (0, -_relative(difference, old.value), seq, Finding(
            "change", name, f"{head}: {direction}, beyond the noise ({verdict.test}{p_text}).", numbers))
        totals_new, totals_old = cell[last].parts, cell[other].parts
        for dim, table in fetched.groups.items():
            found = drivers(d, name, table, last, other, totals_new, totals_old)
            if found is None:
                reason = ("its groups overlap (a row in several groups), so their parts do not add up"
                          if d.kind != "other" else "the measure does not add up across groups")
                yield (0, -_relative(difference, old.value), seq + 0.5, Finding(
                    "withheld", name, f"  no drivers by {dim}: {reason}.",
                    {"dimension": dim, "bucket": bucket_text(last), "against": against}))
                continue
            for rank, driver in enumerate(found):
                yield (0, -_relative(difference, old.value), seq + 0.1 * (rank + 1),
                       _driver_finding(name, unit, dim, driver, difference, last, other, against))
    elif verdict.verdict == "noise":
        yield (_ORDER["within_noise"], 0, seq, Finding(
            "within_noise", name, f"{head}: inside the noise ({verdict.test}{p_text}).", numbers))
    else:
        yield (_ORDER["withheld"], 0, seq, Finding(
            "withheld", name, f"{head}: not judged ({verdict.test}).", numbers))


def _driver_finding(name, unit, dim, driver, total, last, other, against) -> Finding:
    group = "(none)" if driver.group is None else bucket_text(driver.group)
    numbers = {"dimension": dim, "group": None if driver.group is None else bucket_text(driver.group),
               "bucket": bucket_text(last), "other_bucket": bucket_text(other), "against": against,
               "effect": driver.effect, "share": driver.share, "value": driver.new, "other_value": driver.old}
    text = (f"  driven by {dim} = {group}: {fmt_delta(driver.effect, unit)} of {fmt_delta(total, unit)} "
            f"({driver.share:.0%}); {fmt(driver.old, unit)} -> {fmt(driver.new, unit)}")
    if driver.rate is not None:
        numbers.update(rate_effect=driver.rate, mix_effect=driver.mix, weight=driver.weight_new,
                       other_weight=driver.weight_old, n=driver.n_new, other_n=driver.n_old)
        text += (f" (rate {fmt_delta(driver.rate, unit)}, mix {fmt_delta(driver.mix, unit)}; "
                 f"n {fmt(driver.n_old)} -> {fmt(driver.n_new)})")
    return Finding("driver", name, text + ".", numbers)


def _shape_findings(name, unit, calendar, series, values, found):
    g = calendar.granularity
    span = f"over {len(series)} complete {g}s ({calendar.label(series[0])} to {calendar.label(series[-1])})"
    season = " after the weekday pattern" if found.seasonal and g == "day" else \
        " after the hour-of-day pattern" if found.seasonal else ""
    if found.shift is not None:
        s = found.shift
        yield (_ORDER["shift"], 0, 0, Finding(
            "shift", name, f"{name}: level shift from {calendar.label(series[s.at])}: median "
            f"{fmt(s.before, unit)} before, {fmt(s.after, unit)} since{season} "
            f"(Mann-Whitney, corrected for the {len(series) - 5} splits tried, {fmt_p(s.p)}).",
            {"bucket": bucket_text(series[s.at]), "median_before": s.before, "median_after": s.after,
             "p_value": s.p, "buckets": len(series)}))
    if found.trend is not None:
        t = found.trend
        yield (_ORDER["trend"], 0, 0, Finding(
            "trend", name, f"{name}: {'rising' if t.slope > 0 else 'falling'} {fmt(abs(t.slope))} "
            f"{'pts ' if unit == 'percent' else ''}per {g} {span}{season} (Theil-Sen, 95% CI {fmt(t.low)} to "
            f"{fmt(t.high)}; Mann-Kendall tau {t.tau:.2f}, {fmt_p(t.p)}).",
            {"slope_per_bucket": t.slope, "ci95": [t.low, t.high], "tau": t.tau, "p_value": t.p,
             "buckets": len(series), "first": bucket_text(series[0]), "last": bucket_text(series[-1])}))
    for i, value, expected, z in found.outliers:
        b = series[i]
        typical = (f"a {calendar.key_label(calendar.season_key(b))} typically has" if found.seasonal
                   else "the usual level is")
        yield (_ORDER["outlier"], -abs(z), 0, Finding(
            "outlier", name, f"{name}: {calendar.label(b)} unusual: {fmt(value, unit)} where {typical} "
            f"{fmt(expected, unit)} (robust z {z:+.1f}).",
            {"bucket": bucket_text(b), "value": value, "expected": expected, "robust_z": z}))


def _sample(s, unit) -> str:
    if s.n is None:
        return ""
    text = f" (n={fmt(s.n)}"
    if s.interval is not None:
        text += f", 95% CI {fmt(s.interval[0], unit)}-{fmt(s.interval[1], unit)}"
    return text + ")"


def _relative(difference: float, old: float | None) -> float:
    return abs(difference) / abs(old) if old else abs(difference)
