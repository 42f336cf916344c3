"""Randomised specs and data: the SQL path and the reference evaluator must agree.

Hypothesis draws a hostile dataset (strategies.datasets) and a valid spec over it
(strategies.specs); the spec is checked once, then run through plan -> build -> DuckDB
over CSV files, and through tests/oracle/reference.py. Rows are compared as multisets
(numbers within 1e-9 relative, timestamps as instants), in order where the spec sorts.
Two focused variants: specs reading a ticket field with a `default` through a link that
may lead to no ticket, and specs under dashboard filters (the engine's paths against the
reference's own table, reference.DASHBOARD_PATHS).

By default the run is fixed and bounded (derandomize=True, 60 examples, about 10 s, and
20 examples of filled bucket grids: two time-bucket dimensions, gaps filled).
For a longer hunt (still reproducible: the same count gives the same examples), and one
with fresh random examples each time:

    RB_PROPERTY_EXAMPLES=2000 .venv/bin/python -m pytest tests/oracle -q
    RB_PROPERTY_EXAMPLES=2000 RB_PROPERTY_RANDOM=1 .venv/bin/python -m pytest tests/oracle -q

A disagreement prints the spec YAML and the data (the data is not shrunk: see
strategies.datasets); shrink it by hand into tests/oracle/test_reference_known_cases.py,
as an xfail(strict=True) case while the engine is wrong. Shapes of known engine bugs are
kept out of the generated specs by strategies.KNOWN_ENGINE_BUGS.
"""
from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from reportbuilder.dashboard.dashboard_filters import with_dashboard_filters

from .reference import evaluate
from .strategies import (assert_rows_match, catalog, check_text, dashboard_filters, datasets, defaulted_specs,
                         run_sql, spec_yaml, specs)

EXAMPLES = int(os.environ.get("RB_PROPERTY_EXAMPLES", "60"))
FIXED = os.environ.get("RB_PROPERTY_RANDOM", "") in ("", "0")


SETTINGS = dict(deadline=None, derandomize=FIXED, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(st.data())
def test_sql_matches_reference(draws):
    _check_both_ways(draws, specs)


@settings(max_examples=max(EXAMPLES // 3, 10), **SETTINGS)
@given(st.data())
def test_filled_bucket_grids_match_reference(draws):
    """Two time-bucket dimensions (and maybe a plain one), gaps filled: every combination
    the date range allows, measures of the filled rows evaluated over no rows."""
    _check_both_ways(draws, lambda data: specs(data, grid=True))


@settings(max_examples=max(EXAMPLES // 2, 20), **SETTINGS)
@given(st.data())
def test_derived_defaults_over_missing_links_match_reference(draws):
    """A field with a `default` read through a link to no ticket is null, not the default."""
    _check_both_ways(draws, defaulted_specs)


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(st.data())
def test_dashboard_filters_match_reference(draws):
    """A report under dashboard filters (the engine's paths, as a dashboard applies them) gives
    the rows the reference gives with its own table of paths (docs/reports.md)."""
    data = draws.draw(datasets(), label="data")
    # sources with several paths first: their paths can disagree (a chat's contact's company
    # is not always its ticket's company)
    spec = draws.draw(specs(data, ("conversations", "calls", "tickets", "conversations", "calls", "contacts",
                                   "owners", "companies")), label="spec")
    chosen = draws.draw(dashboard_filters(spec["source"], data), label="dashboard filters")
    text = spec_yaml(spec)
    note(f"spec:\n{text}")
    note(f"data: {data!r}")
    report = check_text(text)
    panel, _ = with_dashboard_filters(report, chosen, catalog())  # as a dashboard adds them
    expected = evaluate(report, data, catalog(), dashboard_filters=chosen)
    with tempfile.TemporaryDirectory() as directory:
        actual = run_sql(panel, data, directory)
    assert_rows_match(report, expected, actual)


def _check_both_ways(draws, spec_strategy):
    data = draws.draw(datasets(), label="data")
    spec = draws.draw(spec_strategy(data), label="spec")
    text = spec_yaml(spec)
    note(f"spec:\n{text}")
    note(f"data: {data!r}")
    report = check_text(text)
    expected = evaluate(report, data, catalog())
    with tempfile.TemporaryDirectory() as directory:
        actual = run_sql(report, data, directory)
    assert_rows_match(report, expected, actual)
