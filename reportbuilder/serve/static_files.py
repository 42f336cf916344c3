"""The browser code the pages load, served from the package (no CDN, no network at run time).

`static/vendor/` holds vega, vega-lite and vega-embed as scripts/vendor_frontend.py copied
them from the npm registry (pinned in vendor.lock.json); `static/*.js` is the app's own
script. Vendored files change only with a new release of the package, so browsers may keep
them a day; the app's own files are revalidated (ETag) on every load.
"""
from __future__ import annotations

from pathlib import Path

from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"
VENDOR_MAX_AGE_S = 86400


class _Static(StaticFiles):
    def file_response(self, full_path, stat_result, scope, status_code=200):
        answer = super().file_response(full_path, stat_result, scope, status_code)
        vendored = "vendor" in Path(full_path).relative_to(STATIC).parts
        answer.headers["Cache-Control"] = f"public, max-age={VENDOR_MAX_AGE_S}" if vendored else "no-cache"
        answer.headers["X-Content-Type-Options"] = "nosniff"
        if Path(full_path).name.endswith(".LICENSE"):
            answer.headers["Content-Type"] = "text/plain; charset=utf-8"
        return answer


def static_files() -> StaticFiles:
    return _Static(directory=STATIC)


# The scripts a page with charts loads, in order (vega-embed needs the globals of the other two).
CHART_SCRIPTS = ("/static/vendor/vega.min.js", "/static/vendor/vega-lite.min.js", "/static/vendor/vega-embed.min.js")
