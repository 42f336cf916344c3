"""The builder's preview table in Chromium: a null group reads "(none)", as `rb run` shows it."""
from __future__ import annotations

NOW = "2026-06-15T12:00:00"
SPEC = "source: tickets\ndimensions:\n  - owner.team.name as team\nmeasures:\n  - count() as tickets\n"


def test_a_null_group_reads_none_in_the_preview(live_server, page):
    page.goto(f"{live_server}/builder?now={NOW}&range=all_time")
    page.wait_for_function("() => window.rbEditor")
    page.evaluate("spec => rbEditor.setValue(spec)", SPEC)
    page.wait_for_function("() => [...document.querySelectorAll('#preview-table th')].map(t => t.textContent)"
                           ".join() === 'team,tickets'")
    teams = page.eval_on_selector_all("#preview-table tr", "rows => rows.slice(1).map(r => r.cells[0].textContent)")
    assert "(none)" in teams and "" not in teams  # tickets no team owns
