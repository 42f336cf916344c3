"""Marker nodes: concepts the emitter means, written as node classes of their own.

sqlglot has no node for some of what the builder writes (a naive UTC timestamp seen in a
zone is two AT TIME ZONE steps in DuckDB, one function call in Spark). The builder writes a
marker instead, and each engine's table in `dialects.TRANSFORMS` maps the marker's class to
that engine's SQL, so no rewrite has to recognise a construct by its shape. A marker has no
SQL of its own: a tree is printed through `dialects.to_dialect`, never with `.sql()`.
"""
from __future__ import annotations

from sqlglot import exp


class UtcToLocal(exp.Expression, exp.Func):
    """The naive wall-clock time in the zone `zone` (a string literal) of the naive UTC
    timestamp `this`. DuckDB and Postgres: `this AT TIME ZONE 'UTC' AT TIME ZONE zone`."""

    arg_types = {"this": True, "zone": True}


class BackToHourStart(exp.Expression, exp.Func):
    """The instant `this` moved back by the time into its local hour: `this - (local - trunc)`,
    where `local` is its local time and `trunc` the start of that local hour (kept as an
    argument so each dialect's table rewrites it too). Snowflake cannot subtract timestamps."""

    arg_types = {"this": True, "local": True, "trunc": True}


MARKERS = (UtcToLocal, BackToHourStart)  # every marker class: each dialect's table maps each of them


def utc_to_local(ts: exp.Expression, tz: str) -> UtcToLocal:
    return UtcToLocal(this=ts, zone=exp.Literal.string(tz))


def written_utc_to_local(node: exp.Expression) -> UtcToLocal | None:
    """The marker for catalog SQL's spelling of the conversion, `x AT TIME ZONE 'UTC' AT TIME
    ZONE tz` (DuckDB text, read where it enters a report's tree), else None."""
    inner = node.this if isinstance(node, exp.AtTimeZone) else None
    if isinstance(inner, exp.AtTimeZone) and isinstance(inner.args.get("zone"), exp.Literal) \
            and inner.args["zone"].name.upper() == "UTC":
        return UtcToLocal(this=inner.this, zone=node.args["zone"])
    return None
