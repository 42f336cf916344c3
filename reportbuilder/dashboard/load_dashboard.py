"""Read a dashboard YAML: title, description, reports, date range, filters.

```yaml
title: Support KPIs
description: The week at a glance.
reports: [tickets_created_over_time, specs/my_report.yaml]
date_range: {preset: last_30_days}     # or from: / to:
filters: {team: Tier 2, company: Acme}  # owner, team, channel_account, pipeline, company
```

The file is read with positions (load/yaml_nodes.py), so a problem in it (an unknown key or
filter, a report that is neither a built-in nor a file) is reported at its FILE:LINE:COL
with a did-you-mean, all of them at once.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from reportbuilder.dashboard.dashboard_filters import DASHBOARD_FILTERS
from reportbuilder.errors import Diagnostic, Span, SpecError
from reportbuilder.load.load_spec import decode_spec, read_limited
from reportbuilder.load.yaml_nodes import YamlError, YList, YMap, YScalar, parse_yaml, to_plain
from reportbuilder.workspace import builtin_names, builtin_path

_KEYS = ("name", "title", "description", "reports", "date_range", "filters", "timezone")
_RANGE_KEYS = ("preset", "from", "to")


@dataclass(frozen=True)
class Dashboard:
    name: str
    title: str
    description: str
    reports: tuple[str, ...]  # paths (resolved against the dashboard's folder) or built-in names
    preset: str | None = None
    start: str | None = None
    end: str | None = None
    filters: tuple[tuple[str, object], ...] = ()
    timezone: str | None = None


def _did_you_mean(word: str, known) -> tuple[str, tuple[str, ...]]:
    close = tuple(difflib.get_close_matches(word, list(known), n=3))
    return ("did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else "", close)


def find_dashboard(text: str) -> Path:
    """A dashboard argument: an existing file or a built-in dashboard name."""
    path = Path(text)
    if path.is_file():
        return path
    names = builtin_names("dashboards")
    if text in names:
        return builtin_path(text, "dashboards")
    hint, close = _did_you_mean(text, names)
    raise SpecError((Diagnostic("dashboard-not-found", f"no dashboard file or built-in dashboard named '{text}'"
                                + (f"; {hint}" if hint else " (see `rb list`)"), Span(text, 1, 1), hint or None,
                                close),))


def load_dashboard(text: str, sources: dict | None = None) -> Dashboard:
    """The dashboard `text` (a file or built-in name); its text goes into `sources` (label -> text)
    so that an error can quote its line."""
    path = find_dashboard(text)
    label = str(path)
    try:
        source = decode_spec(read_limited(path), label)
    except OSError as exc:
        raise SpecError((Diagnostic("dashboard-not-found", f"cannot read dashboard: {exc.strerror}",
                                    Span(label, 1, 1)),)) from None
    if sources is not None:
        sources[label] = source
    try:
        root = parse_yaml(source, label)
    except YamlError as exc:
        raise SpecError((exc.diagnostic,)) from None
    if not isinstance(root, YMap):
        span = root.span if root is not None else Span(label, 1, 1)
        raise SpecError((Diagnostic("bad-dashboard", "a dashboard must be a mapping with title and reports", span),))
    problems = _unknown_keys(root, _KEYS, "dashboard key")
    reports = _reports(root, path.parent, label, problems)
    date_range, filters = (_mapping(root, key, problems) for key in ("date_range", "filters"))
    problems += _unknown_keys(date_range, _RANGE_KEYS, "date_range key")
    problems += _unknown_keys(filters, DASHBOARD_FILTERS, "dashboard filter")
    if problems:
        raise SpecError(tuple(problems))
    doc, ranges, chosen = to_plain(root), to_plain(date_range) or {}, to_plain(filters) or {}
    return Dashboard(
        name=str(doc.get("name") or path.stem),
        title=str(doc.get("title") or path.stem),
        description=str(doc.get("description") or ""),
        reports=reports,
        preset=ranges.get("preset"),
        start=_text(ranges.get("from")),
        end=_text(ranges.get("to")),
        filters=tuple((k, v) for k, v in chosen.items() if v not in (None, "", [])),
        timezone=doc.get("timezone"),
    )


def _unknown_keys(node: YMap | None, known, what: str) -> list[Diagnostic]:
    """An unknown-key problem, at the key, for each key of `node` not in `known`."""
    out = []
    for key, _ in (node.items if node is not None else ()):
        if key.value not in known:
            hint, close = _did_you_mean(key.value, known)
            out.append(Diagnostic("unknown-key", f"unknown {what} '{key.value}'; "
                                  f"{hint or what.split()[-1] + 's: ' + ', '.join(known)}", key.span,
                                  hint or None, close))
    return out


def _mapping(root: YMap, key: str, problems: list) -> YMap | None:
    node = root.get(key)
    if node is None or isinstance(node, YMap) or (isinstance(node, YScalar) and node.value is None):
        return node if isinstance(node, YMap) else None
    problems.append(Diagnostic("bad-dashboard", f"{key} must be a mapping ({key}: {{...}})", node.span))
    return None


def _reports(root: YMap, folder: Path, label: str, problems: list) -> tuple[str, ...]:
    """The `reports:` list, each resolved; a problem for an item that names no report."""
    node = root.get("reports")
    if not isinstance(node, YList) or not node.items:
        span = node.span if node is not None else Span(label, 1, 1)
        problems.append(Diagnostic("bad-dashboard", "reports: a list of report names or paths is required", span))
        return ()
    refs = []
    for item in node.items:
        if not isinstance(item, YScalar) or not isinstance(item.value, str):
            problems.append(Diagnostic("bad-dashboard", "a report is a built-in name or a spec file path",
                                       item.span))
            continue
        ref = _report_ref(item.value, folder)
        if ref is None:
            hint, close = _did_you_mean(item.value, builtin_names())
            problems.append(Diagnostic("spec-not-found", f"no spec file or built-in report named '{item.value}'; "
                                       f"{hint or 'see `rb list`'}", item.span, hint or None, close))
        refs.append(ref or item.value)
    return tuple(refs)


def _report_ref(ref: str, folder: Path) -> str | None:
    """A built-in name, a file next to the dashboard (its path; `NAME` for `NAME.yaml`, as `rb serve`
    lists a workspace's reports), or a file from here; else None."""
    if ref in builtin_names():
        return ref
    for candidate in (folder / ref, folder / f"{ref}.yaml"):
        if candidate.is_file():
            return str(candidate)
    return ref if Path(ref).is_file() else None


def _text(value):
    return None if value is None else str(value)
