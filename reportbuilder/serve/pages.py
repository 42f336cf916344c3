"""The HTML of the app: server-rendered, self-contained (no CDN), a little inline script.

The report page's form is a GET form: its state is the URL's query, so a link reproduces the view.
"""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from ..render.html_page import PAGE_STYLE
from ..render.findings_card import CARD_STYLE

FORM_STYLE = """
form.options { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin: 0 0 1rem; }
form.options label { display: flex; flex-direction: column; font-size: .85rem; color: #656d76; }
input, select { font: inherit; padding: .25rem .4rem; }
"""
STYLE = PAGE_STYLE + CARD_STYLE + FORM_STYLE + """
nav a { margin-right: 1rem; }
ul.library { list-style: none; padding: 0; } ul.library li { margin: .3rem 0; }
.kind { color: #656d76; font-size: .8rem; margin-left: .5rem; }
#drill { margin-top: 1rem; } #drill td { white-space: nowrap; } #drill table { margin-top: .5rem; } .scroll { overflow-x: auto; }
#chart { min-height: 120px; } h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.error { background: #fff0f0; border: 1px solid #d1242f; padding: .75rem 1rem; white-space: pre-wrap; }
"""

SEARCH_SCRIPT = """
document.getElementById('search').addEventListener('input', function (e) {
  var words = e.target.value.toLowerCase().split(/\\s+/).filter(Boolean);
  document.querySelectorAll('ul.library li').forEach(function (li) {
    var text = li.textContent.toLowerCase();
    li.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
  });
});
"""


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
            f'<style>{STYLE}</style>\n</head>\n<body>\n<nav><a href="/">All reports</a><a href="/builder">Report builder</a></nav>\n'
            f"<h1>{escape(title)}</h1>\n{body}</body>\n</html>\n")


def library_page(entries) -> str:
    items = []
    for entry in sorted(entries, key=lambda e: (e.kind, e.name)):
        where = "built-in" if entry.builtin else "workspace"
        items.append(f'<li><a href="/{entry.kind}/{escape(entry.name)}">{escape(entry.name)}</a> '
                     f'{escape(entry.title)}<span class="kind">{entry.kind}, {where}</span></li>')
    body = ('<input id="search" type="search" placeholder="Search reports and dashboards" autofocus '
            'aria-label="Search">\n<ul class="library">\n' + "\n".join(items) + "\n</ul>\n"
            f"<script>{SEARCH_SCRIPT}</script>\n")
    return page("Reports and dashboards", body)


def query_of(params) -> str:
    """The query string that gives `params` back (links keep the page's view)."""
    pairs = [(k, v) for k, v in (("range", params.range_), ("from", params.from_), ("to", params.to),
                                 ("timezone", params.timezone), ("now", params.now)) if v]
    pairs += [("filter", f) for f in params.filters]
    pairs += [(k, v) for k, v in (("granularity", params.granularity), ("compare", params.compare)) if v]
    return urlencode(pairs + list(params.board))


def sign_in_page(failed: bool = False) -> str:
    """The token form (a browser cannot send the bearer header itself)."""
    note = '<p class="error">That token is not valid.</p>\n' if failed else ""
    return page("Sign in", note + '<form class="options" method="post" action="/signin">'
                '<label>Token<input type="password" name="token" autocomplete="current-password" autofocus>'
                '</label><button type="submit">Sign in</button></form>\n')


def sign_out_page(csrf: str) -> str:
    """The sign-out button: a POST form with the CSRF token (a link alone could be forged by another site)."""
    return page("Sign out", '<form class="options" method="post" action="/signout">'
                f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
                '<button type="submit">Sign out</button></form>\n')


def error_page(title: str, message: str) -> str:
    return page(title, f'<pre class="error">{escape(message)}</pre>\n')
