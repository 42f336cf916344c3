"""`rb serve`: the reports, dashboards and rows of the engine over HTTP (Starlette on uvicorn).

`app` wires the routes; `params` reads the query string as the `rb run` options, `auth`
checks the bearer token of the workspace's users, `guard` bounds each query in time,
`library` lists the reports and dashboards, `pages`, `report_page` and `dashboard_page`
write the HTML, `view` and `choices` serve the page's options, `static_files` the browser code.
"""
from .app import create_app

__all__ = ["create_app"]
