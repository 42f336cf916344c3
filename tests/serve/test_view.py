"""The report page's granularity view renames a dimension named after its bucket."""
from reportbuilder.load.load_spec import load_spec_text
from reportbuilder.serve.view import with_view

SPEC = """
source: tickets
dimensions:
  - field: created_at
    granularity: week
    as: week
  - field: priority
measures:
  - count() as tickets
sort: [-week, tickets]
chart:
  type: bar
  x: week
  y: [tickets]
  color: priority
"""


def _viewed(text: str, granularity: str) -> str:
    return with_view(load_spec_text(text, "s.yaml", "s"), granularity, None).text


def test_bucket_name_follows_the_granularity():
    text = _viewed(SPEC, "month")
    assert "as: month" in text and "- -month" in text and "x: month" in text and "week" not in text
    assert "color: priority" in text


def test_name_kept_when_taken_or_used_in_having():
    taken = _viewed(SPEC.replace("count() as tickets", "count() as month"), "month")
    assert "as: week" in taken and "granularity: month" in taken
    having = _viewed(SPEC + "having: [\"week is not null\"]\n", "month")
    assert "as: week" in having and "granularity: month" in having


def test_custom_name_kept():
    text = _viewed(SPEC.replace("as: week", "as: period").replace("-week", "-period").replace("x: week", "x: period"), "day")
    assert "as: period" in text and "granularity: day" in text
