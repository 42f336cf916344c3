"""The values a dashboard filter can take on the report page: the distinct values of the
filter's path among the rows of the report's source that the user may see.

Each list is a small report (`source`, one dimension along the path, `count()`) planned
and run as the user, so access rules hide what `rb run --as` hides; values come back
through the engine, never pasted into SQL.
"""
from __future__ import annotations

import yaml

MAX_CHOICES = 500


def filter_choices(fields: dict[str, tuple[str, str]], run_spec) -> dict[str, list[str]]:
    """{key: sorted distinct non-null values} for each {key: (source, path)}; `run_spec(raw)`
    runs a loaded spec as the user and returns its Result. A filter whose path reads a table
    the data does not have gets no list (the page offers no choice for it)."""
    from ..errors import MissingTableError
    from ..load.load_spec import load_spec_text

    found = {}
    for key, (source, path) in fields.items():
        doc = {"source": source, "dimensions": [{"field": path, "as": "value"}],
               "measures": ["count() as n"], "sort": ["value"], "limit": MAX_CHOICES}
        raw = load_spec_text(yaml.safe_dump(doc, sort_keys=False), f"<{key} values>", f"{key}_values")
        try:
            result = run_spec(raw)
        except MissingTableError:
            continue
        found[key] = [str(row[0]) for row in result.rows if row[0] is not None]
    return found


def catalog_fields(catalog, keys) -> dict[str, tuple[str, str]]:
    """For a dashboard: each filter key's shortest path in the catalog, from the entity that names it
    (owner: owners.name, company: companies.name, channel_account: calls.phone_number, ...)."""
    found = {}
    for entity in catalog.entities:
        for key, path in entity.dashboard_filters:
            if key in keys and path and (key not in found or path.count(".") < found[key][1].count(".")):
                found[key] = (entity.name, path)
    return {key: found[key] for key in keys if key in found}
