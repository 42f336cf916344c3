"""The findings card: a report's insights as HTML, above its chart.

One markup for every page that shows findings (dashboards, the live app's report page), so
they read alike. It takes anything with `kind` and `sentence` (insights.Finding) and imports
nothing of the insights package: a page without findings never loads the statistics.
Every sentence is escaped (dimension values in it come from the data).
"""
from __future__ import annotations

from html import escape

CARD_STYLE = """
.findings { border: 1px solid #d0d7de; border-left: 4px solid #0969da; border-radius: 6px;
            background: #f6f8fa; padding: .4rem .75rem; margin: 0 0 .6rem; font-size: .82rem; }
.findings h3 { font-size: .8rem; font-weight: 600; margin: 0 0 .25rem; color: #424a53; }
.findings ul { margin: 0; padding-left: 1.1rem; }
.findings li { margin: .1rem 0; }
.findings li.driver { list-style: circle; margin-left: 1rem; }
.findings li.within_noise, .findings li.partial, .findings li.withheld { color: #656d76; }
"""


def findings_card(findings) -> str:
    """The card of `findings` (ranked, as `find_insights` returns them); "" when there are none.
    A driver (indented in the text output) is an indented item under the change it explains."""
    if not findings:
        return ""
    items = "".join(f'<li class="{escape(f.kind)}">{escape(f.sentence.strip())}</li>' for f in findings)
    return f'<div class="findings" role="note" aria-label="Findings">\n<h3>Findings</h3>\n<ul>{items}</ul>\n</div>\n'
