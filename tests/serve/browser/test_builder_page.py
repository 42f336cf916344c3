"""The builder in Chromium: a report built by clicks previews exactly what `rb run` prints for the
saved file, is saved through the page's own CSRF token, shows in the library and on a dashboard; a
typo typed in the YAML editor is marked at its line; an open report page reloads when its file
changes on disk."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main

from .conftest import NOW

pytestmark = pytest.mark.browser
NAME = "built_status"


def rb_run_file(path, workspace) -> list[dict]:
    answer = CliRunner().invoke(main, ["run", str(path), "--format", "json", "--now", NOW,
                                       "--workspace", str(workspace)])
    assert answer.exit_code == 0, answer.output
    return json.loads(answer.output)


def preview_rows(page) -> list[dict]:
    head = page.eval_on_selector_all("#preview-table th", "ths => ths.map(t => t.textContent)")
    cells = page.eval_on_selector_all(
        "#preview-table tr", "rows => rows.slice(1).map(r => [...r.cells].map(c => c.textContent))")
    return [dict(zip(head, row)) for row in cells]


def as_text(rows: list[dict]) -> list[dict]:
    return [{k: "" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for k, v in row.items()}
            for row in rows]


def preview_has(page, columns: list[str]) -> None:
    page.wait_for_function(
        "cols => JSON.stringify([...document.querySelectorAll('#preview-table th')].map(t => t.textContent))"
        " === JSON.stringify(cols)", arg=columns)


def test_build_save_library_and_dashboard(live_server, workspace_dir, page, shot):
    page.goto(f"{live_server}/builder?source=calls&now={NOW}")
    preview_has(page, ["calls"])  # the form starts with a count of the source
    page.select_option("#source", "tickets")  # choose the primary source: the form starts over
    page.wait_for_selector("#catalog details[data-path='owner']")  # a secondary source reached from tickets
    page.click("#catalog details[data-path=''] button[data-ref='status'][data-as='dimensions']")
    page.click("#add-count")
    preview_has(page, ["status", "tickets"])
    assert page.evaluate("rbEditor.getValue()") == (
        "source: tickets\ndimensions:\n  - status\nmeasures:\n  - count() as tickets\n")
    page.click("#joins-info summary")
    page.wait_for_selector("#joins:has-text('tickets')")
    shot(page, "builder_built_report")
    page.fill("#save-name", NAME)
    page.click("#save-button")
    page.wait_for_selector(f"#save-status:has-text('Saved as {NAME}.')")
    saved = workspace_dir / f"{NAME}.yaml"
    assert saved.read_text(encoding="utf-8") == page.evaluate("rbEditor.getValue()")
    expected = rb_run_file(saved, workspace_dir / "rb.yaml")
    assert len(expected) >= 2 and preview_rows(page) == as_text(expected)
    page.fill("#dashboard-name", "built_board")
    page.click("#dashboard-button")
    page.wait_for_selector("#save-status:has-text('Added to built_board.')")
    page.goto(f"{live_server}/")
    page.fill("#search", NAME)
    visible = page.eval_on_selector_all("ul.library li:not([hidden]) a", "as => as.map(a => a.textContent)")
    assert visible == [NAME]
    page.goto(f"{live_server}/dashboard/built_board?now={NOW}")
    page.wait_for_selector("body[data-chart=ready] .vega-chart svg")
    assert page.locator(".vega-chart").count() == 1
    shot(page, "builder_dashboard_built_board")


def test_a_typo_typed_in_the_editor_is_marked_at_its_line(live_server, page, shot):
    page.goto(f"{live_server}/builder?source=tickets&now={NOW}")
    preview_has(page, ["tickets"])
    page.click("#catalog details[data-path=''] button[data-ref='priority'][data-as='dimensions']")
    preview_has(page, ["priority", "tickets"])
    line = page.evaluate("rbEditor.getValue()").split("\n").index("  - count() as tickets")
    page.evaluate(f"rbEditor.focus(); rbEditor.setCursor({{line: {line}, ch: 9}})")  # after "  - count"
    page.keyboard.type("z")
    page.wait_for_selector(f"#errors li[data-line='{line + 1}']")
    message = page.text_content("#errors li")
    assert message.startswith(f"line {line + 1}, column 5: ") and "countz" in message
    assert page.is_visible("#mode")  # typing in the YAML: the form no longer writes it
    marked = page.evaluate("[...document.querySelectorAll('.CodeMirror-code > div')]"
                           ".findIndex(d => d.querySelector('.cm-error-line'))")
    assert marked == line
    assert page.is_visible(".error-widget")
    assert page.get_attribute("#preview", "class") == "stale"  # the last good preview, greyed
    shot(page, "builder_typo_error")
    page.keyboard.press("Backspace")  # fixed: the errors go, the preview comes back
    page.wait_for_selector("#errors li", state="detached")
    preview_has(page, ["priority", "tickets"])
    page.wait_for_selector("#preview:not(.stale)")


def test_an_open_report_reloads_when_its_file_changes(live_server, workspace_dir, page, shot):
    spec = workspace_dir / "reloading.yaml"
    spec.write_text("source: tickets\ndimensions: [status]\nmeasures: [count() as tickets]\n", encoding="utf-8")
    page.goto(f"{live_server}/report/reloading?now={NOW}")
    page.wait_for_selector("body[data-chart=ready]")
    page.evaluate("window.rbMarker = 1")  # gone once the page reloads
    spec.write_text("source: tickets\ndimensions: [priority]\nmeasures: [count() as tickets]\n", encoding="utf-8")
    page.wait_for_function("window.rbMarker === undefined", timeout=15000)
    page.wait_for_selector("body[data-chart=ready]")
    head = page.eval_on_selector_all("#result thead th", "ths => ths.map(t => t.textContent)")
    assert head == ["priority", "tickets"]
    shot(page, "report_reloaded_after_edit")
