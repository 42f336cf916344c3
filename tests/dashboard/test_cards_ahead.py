"""Cards drawn while the dashboard runs (dashboard_page.CardsAhead, what `rb dashboard` does)
make the page `dashboard_html` makes alone, every card drawn on the worker as its panel arrived;
an error while drawing reaches the caller."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest

from reportbuilder.dashboard.dashboard_page import CardsAhead, dashboard_html
from reportbuilder.dashboard.load_dashboard import load_dashboard
from reportbuilder.dashboard.run_dashboard import run_dashboard
from reportbuilder.demo.generate_demo import generate_demo
from reportbuilder.workspace import open_workspace

NOW = datetime(2026, 6, 15, 12)


def _same_ids(page: str) -> str:
    """vl-convert numbers gradients across the process: a second drawing counts on."""
    return re.sub(r"gradient_\d+", "gradient_N", page)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    generate_demo(folder, anchor=NOW.date())
    return folder


def test_cards_drawn_ahead_make_the_same_page(demo):
    arrived = []
    with CardsAhead() as ahead:
        def on_panel(panel):
            arrived.append(panel.ref)
            ahead.add(panel)
        run = run_dashboard(load_dashboard("support_kpis"), open_workspace(), demo, NOW, on_panel=on_panel)
        page = dashboard_html(run, ahead=ahead)
        made = [future.done() for _, future in ahead._cards.values()]
    assert arrived == [p.ref for p in run.panels] and len(made) == len(run.panels) and all(made)
    assert page.count("<svg") >= 5
    assert _same_ids(page) == _same_ids(dashboard_html(run))


def test_a_panel_not_added_is_drawn_on_the_spot_and_errors_reach_the_caller(demo):
    run = run_dashboard(load_dashboard("helpdesk_summary"), open_workspace(), demo, NOW)
    with CardsAhead() as ahead:
        assert _same_ids(dashboard_html(run, ahead=ahead)) == _same_ids(dashboard_html(run))
        drawn = next(p for p in run.panels if p.result is not None)
        broken = replace(drawn, result="not a result")
        ahead.add(broken)
        with pytest.raises(AttributeError):
            ahead.card(broken)
