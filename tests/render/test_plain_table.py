"""plain_table draws, character for character, what rich draws, or declines (rich draws it).

Random tables (column names, types, text with spaces, nulls, long titles that wrap, captions,
widths) are drawn both ways: where plain_table draws, the text must equal rich's. The
cases it must draw (so the fast path is really taken) and those it must leave to rich are
listed too.
"""
from __future__ import annotations

import string

from hypothesis import given, settings, strategies as st

from reportbuilder.render.plain_table import plain_table
from reportbuilder.render.terminal_table import NO_WRAP_WIDTH, rich_table, terminal_table
from reportbuilder.run.result import COLUMN_TYPES as TYPES, ResultColumn

_CHARS = string.ascii_letters + string.digits + " .,-_/[]()·é—ü"
text = st.text(alphabet=_CHARS, max_size=30)


@st.composite
def tables(draw):
    n = draw(st.integers(1, 5))
    columns = [ResultColumn(draw(st.text(alphabet=string.ascii_lowercase + "_ ", min_size=1, max_size=14)),
                            draw(st.sampled_from(TYPES))) for _ in range(n)]
    rows = draw(st.lists(st.lists(st.none() | text, min_size=n, max_size=n), min_size=1, max_size=6))
    title = draw(st.sampled_from(["", "Tickets", "Number of tickets created over time"]) | text)
    caption = draw(st.sampled_from(["1 row", "53 rows · times in Europe/Paris"]) | text)
    width = draw(st.none() | st.integers(10, 120))
    return columns, rows, title, caption, width


@settings(max_examples=400, deadline=None)
@given(tables())
def test_plain_table_is_what_rich_draws(table):
    columns, rows, title, caption, width = table
    drawn = plain_table(columns, rows, title, caption, width or NO_WRAP_WIDTH)
    if drawn is not None:
        assert drawn == rich_table(columns, rows, title, caption, False, width)


def _demo():
    columns = [ResultColumn("week", "date"), ResultColumn("tickets", "integer"), ResultColumn("channel", "text")]
    rows = [["2025-12-01", "17", "email"], ["2025-12-08", "1,028", None]]
    return columns, rows


def test_the_usual_table_is_drawn_without_rich():
    columns, rows = _demo()
    drawn = plain_table(columns, rows, "Number of tickets created over time", "2 rows · times in UTC", NO_WRAP_WIDTH)
    assert drawn == rich_table(columns, rows, "Number of tickets created over time", "2 rows · times in UTC", False,
                               None)
    assert drawn.splitlines()[5] == "│ 2025-12-01 │      17 │ email   │"
    assert drawn.splitlines()[6] == "│ 2025-12-08 │   1,028 │ —       │"


def test_what_plain_table_leaves_to_rich():
    columns, rows = _demo()
    assert plain_table(columns, rows, "t", "c", 20) is None  # too wide: rich cuts or folds
    assert plain_table(columns, [], "t", "0 rows", NO_WRAP_WIDTH) is None
    assert plain_table(columns, [["2025-12-01", "1", "日本語"]], "t", "c", NO_WRAP_WIDTH) is None  # wide characters
    assert plain_table(columns, rows, "two  spaces", "c", NO_WRAP_WIDTH) is None
    assert plain_table(columns, rows, "t", "x" * 60, NO_WRAP_WIDTH) is None  # a word longer than the table


def test_color_is_drawn_by_rich():
    columns, rows = _demo()
    colored = terminal_table(columns, rows, "t", "2 rows", True, None)
    assert "\x1b[" in colored and colored != terminal_table(columns, rows, "t", "2 rows", False, None)
