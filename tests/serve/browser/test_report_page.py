"""The report page in Chromium: the chart is drawn by vega-embed, the controls change the
numbers to exactly those of `rb run` with the same options, and a click on a bar lists as
many rows as the bar counts."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.render.chart_top import TOP_N

from .conftest import NOW

pytestmark = pytest.mark.browser


def rb_run(name: str, *args: str) -> list[dict]:
    answer = CliRunner().invoke(main, ["run", name, "--format", "json", "--now", NOW, *args])
    assert answer.exit_code == 0, answer.output
    return json.loads(answer.output)


def table_rows(page) -> list[list[str]]:
    return [[cell.strip() for cell in row] for row in
            page.eval_on_selector_all("#result tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")]


def as_text(rows: list[dict], columns: list[str]) -> list[list[str]]:
    return [[f"{row[c]:,}" if isinstance(row[c], int) else str(row[c]) for c in columns] for row in rows]


def open_report(page, url: str):
    page.goto(url)
    page.wait_for_selector("body[data-chart=ready] #chart svg")


def test_range_and_filter_give_the_numbers_of_rb_run(live_server, page, shot):
    open_report(page, f"{live_server}/report/tickets_by_channel?now={NOW}")
    columns = ["channel", "tickets", "closed"]
    assert table_rows(page) == as_text(rb_run("tickets_by_channel"), columns)
    with page.expect_navigation():
        page.select_option("select[name=range]", "last_7_days")
    page.wait_for_selector("body[data-chart=ready]")
    assert "range=last_7_days" in page.url
    week = rb_run("tickets_by_channel", "--range", "last_7_days")
    assert table_rows(page) == as_text(week, columns)
    owners = page.eval_on_selector_all("select[name=owner] option", "os => os.map(o => o.value).filter(Boolean)")
    assert len(owners) >= 2
    owner = next(o for o in owners if any(row["tickets"] for row in page.context.request.get(  # one with tickets
        f"{live_server}/api/run/tickets_by_channel", params={"now": NOW, "range": "last_7_days", "owner": o}).json()))
    with page.expect_navigation():
        page.select_option("select[name=owner]", owner)
    page.wait_for_selector("body[data-chart=ready]")
    quoted = owner.replace("'", "''")
    filtered = rb_run("tickets_by_channel", "--range", "last_7_days", "--filter", f"owner.name = '{quoted}'")
    assert table_rows(page) == as_text(filtered, columns)
    assert filtered != week and any(row["tickets"] for row in filtered)  # the filter changed the numbers
    shot(page, "report_tickets_by_channel_filtered")
    page.reload()  # the URL alone reproduces the view
    page.wait_for_selector("body[data-chart=ready]")
    assert table_rows(page) == as_text(filtered, columns)
    assert page.eval_on_selector("select[name=owner]", "s => s.value") == owner


def test_clicking_a_bar_lists_the_rows_behind_it(live_server, page, shot):
    open_report(page, f"{live_server}/report/calls_by_owner?now={NOW}&range=last_90_days")
    expected = rb_run("calls_by_owner", "--range", "last_90_days")
    bars = page.locator("#chart g.mark-rect.role-mark path")
    assert len(expected) > TOP_N + 1  # the rest are drawn as one "Other" bar, last
    assert bars.count() == TOP_N + 1
    bars.nth(TOP_N).click()  # "Other" stands for no single cell: no rows
    page.wait_for_timeout(300)
    assert page.is_hidden("#drill")
    bars.nth(1).click()  # second bar: its rows fit one page
    page.wait_for_selector("#drill:not([hidden]) #drill-table tbody tr")
    second = expected[1]
    assert page.text_content("#drill-title").startswith(
        f"{second['calls']} rows behind calls = {second['calls']} (owner = {second['owner']})")
    assert page.locator("#drill-table tbody tr").count() == second["calls"] <= 20
    assert page.is_disabled("#drill-next") and page.is_disabled("#drill-prev")
    bars.nth(0).click()  # the calls without owner (a null cell), over several pages
    page.wait_for_selector("#drill-title:has-text('(owner = (none))')")
    count = expected[0]["calls"]
    assert expected[0]["owner"] is None and count > 20
    assert page.text_content("#drill-title").startswith(f"{count} rows behind calls = {count}")
    assert page.text_content("#drill-page") == f"1–20 of {count}"
    page.click("#drill-next")
    page.wait_for_selector(f"#drill-page:has-text('21–40 of {count}')")
    assert page.locator("#drill-table tbody tr").count() == 20 and not page.is_disabled("#drill-prev")
    shot(page, "report_calls_by_owner_drill")
    csv = page.get_attribute("#drill-csv", "href")
    assert "format=csv" in csv and "cell=owner" in csv and "range=last_90_days" in csv
    with page.expect_download() as download:
        page.click("#png")
    assert download.value.suggested_filename == "calls_by_owner.png"


def test_granularity_and_compare_controls(live_server, page, shot):
    open_report(page, f"{live_server}/report/tickets_created_over_time?now={NOW}&range=last_90_days")
    weekly = len(table_rows(page))
    with page.expect_navigation():
        page.select_option("select[name=granularity]", "month")
    page.wait_for_selector("body[data-chart=ready]")
    monthly = table_rows(page)
    assert "granularity=month" in page.url and len(monthly) < weekly
    with page.expect_navigation():
        page.select_option("select[name=compare]", "previous_period")
    page.wait_for_selector("body[data-chart=ready]")
    assert "granularity=month" in page.url and len(table_rows(page)) == len(monthly)  # both controls kept
    head = page.eval_on_selector_all("#result thead th", "ths => ths.map(t => t.textContent)")
    assert any("previous" in h for h in head), head
    shot(page, "report_tickets_created_monthly_compare")


def test_clicking_a_heatmap_cell_and_a_line_point(live_server, page):
    open_report(page, f"{live_server}/report/activity_heatmap?now={NOW}")
    cells = page.locator("#chart g.mark-rect.role-mark path")
    assert cells.count() == len(rb_run("activity_heatmap"))
    cells.nth(cells.count() // 2).click()
    page.wait_for_selector("#drill:not([hidden])")
    title = page.text_content("#drill-title")  # "N rows behind messages = N (hour = .., day_of_week = ..)"
    total, _, rest = title.partition(" rows behind messages = ")
    assert rest.split(" ")[0] == total and "day_of_week = " in rest
    open_report(page, f"{live_server}/report/tickets_created_over_time?now={NOW}&range=last_3_months")
    points = page.locator("#chart g.mark-symbol.role-mark path")
    weeks = rb_run("tickets_created_over_time", "--range", "last_3_months")
    assert points.count() == len(weeks)
    points.nth(2).click()
    page.wait_for_selector("#drill:not([hidden])")
    assert page.text_content("#drill-title").startswith(
        f"{weeks[2]['tickets']} rows behind tickets = {weeks[2]['tickets']} (week = {weeks[2]['week']})")
