"""What the report page's controls change beyond the `rb run` options: the time buckets
(`granularity`), the comparison (`compare`) and the dashboard-wide filters (owner, team, ...).

`granularity` and `compare` rewrite the loaded spec: every time dimension bucketed by hour,
day, week, month, quarter or year takes the new bucket (cyclic ones such as day_of_week stay),
and `compare` sets or (`off`) removes the spec's `compare`. The spec is first checked as
written, so its own errors point at its own lines. A dashboard filter is applied along the path
the report names for it, as on a dashboard (running.plan_report's `board`).
"""
from __future__ import annotations

import re

import yaml

from .params import BUCKETS


def with_view(raw, granularity: str | None, compare: str | None):
    """`raw` (a loaded spec) with the page's granularity and comparison; itself when neither is set."""
    from ..load.load_spec import load_spec_text

    if granularity is None and compare is None:
        return raw
    doc = yaml.safe_load(raw.text)
    if granularity is not None:
        for dim in doc.get("dimensions") or ():
            if isinstance(dim, dict) and dim.get("granularity") in BUCKETS:
                if dim.get("as") == dim["granularity"]:
                    _rename_column(doc, dim["as"], granularity)
                dim["granularity"] = granularity
    if compare == "off":
        doc.pop("compare", None)
    elif compare is not None:
        doc["compare"] = compare
    return load_spec_text(yaml.safe_dump(doc, sort_keys=False), f"{raw.file} (as viewed)", raw.stem)


def _rename_column(doc: dict, old: str, new: str) -> None:
    """A dimension named after its bucket (`as: week`) takes the new bucket's name, in `sort`
    and `chart` too, so a monthly view does not read "Week". Left as it is when the new name is
    taken or `having` mentions the old one (an expression is not rewritten)."""
    names = {str(d.get("as")) for d in doc.get("dimensions") or () if isinstance(d, dict)}
    names |= {str(m).rsplit(" as ", 1)[-1].strip() for m in doc.get("measures") or () if isinstance(m, str)}
    if old == new or new in names or re.search(rf"\b{re.escape(old)}\b", str(doc.get("having") or "")):
        return
    for dim in doc.get("dimensions") or ():
        if isinstance(dim, dict) and dim.get("as") == old:
            dim["as"] = new
    if isinstance(doc.get("sort"), list):
        doc["sort"] = [_swap(item, old, new) for item in doc["sort"]]
    chart = doc.get("chart")
    if isinstance(chart, dict):
        for key, value in chart.items():
            chart[key] = [_swap(v, old, new) for v in value] if isinstance(value, list) else _swap(value, old, new)


def _swap(item, old: str, new: str):
    """`item` (a sort entry or chart value) naming `old`, `-old` included, with `new` instead."""
    if item == old or item == f"-{old}":
        return item.replace(old, new)
    return item


def board_paths(report) -> dict[str, str]:
    """{filter key: path} for the dashboard filters that apply to the checked `report`."""
    return {key: path for key, path in report.dashboard_filters if path}
