"""`--as EMAIL`: the user a report runs as, and the restriction the data is opened with.

`Restriction` is the hook of `run/load_data.open_data`: the files are opened under base names
(`__all_tickets`) and each table the report reads becomes a view of the rows and fields the user
may see. Everything above (the spec's source and paths, catalog SQL of derived fields and
entities, coverage counts) then reads only those.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlglot import exp

from ..catalog.model import Catalog
from ..errors import Diagnostic, Span, SpecError
from ..catalog.sql_types import SQL_TYPES
from .policy import Policy, User
from ..emit.dialects import to_dialect
from .row_filter import BASE_PREFIX, base_name, over_base, rows_select


@dataclass(frozen=True)
class Restriction:
    """Per data table, the SELECT of its visible rows over the base views (tables not listed: all rows)."""

    views: tuple[tuple[str, exp.Select], ...]

    base_name = staticmethod(base_name)

    def view(self, table: str) -> exp.Select:
        found = dict(self.views).get(table)
        return found.copy() if found is not None else exp.select(exp.Star()).from_(base_name(table))

    def base_tables(self, tables) -> tuple[str, ...]:
        """The tables to open unrestricted: those read, and those their filters' paths read."""
        names = set(tables)
        for table in tables:
            names.update(t.name[len(BASE_PREFIX):] for t in self.view(table).find_all(exp.Table)
                         if t.name.startswith(BASE_PREFIX))
        return tuple(sorted(names))

    def statements(self, tables) -> list[exp.Create]:
        """CREATE VIEW <table> AS <its visible rows>, for each table."""
        return [exp.Create(this=exp.to_table(t), kind="VIEW", expression=self.view(t)) for t in tables]

    def shown(self, tables, dialect: str = "duckdb") -> str:
        """The restricted views among `tables`, as SQL (what `rb sql --as` prints before the query)."""
        restricted = [t for t in tables if t in dict(self.views)]
        return "".join(f"{to_dialect(s, dialect)};\n" for s in self.statements(restricted))


@dataclass(frozen=True)
class Viewer:
    """Who a report runs as. `restriction` is None for a role without an `access` entry."""

    user: User
    restriction: Restriction | None
    hidden: frozenset[tuple[str, str]] = frozenset()  # (entity, field) the role may not read


def viewer_for(email: str | None, policy: Policy | None, catalog: Catalog, now: datetime) -> Viewer | None:
    """The viewer `--as EMAIL` (or RB_USER) names; None without one. Refusals never list the users."""
    if not email:
        return None
    if policy is None or not policy.users:
        raise SpecError((Diagnostic("no-users", "--as needs a workspace that lists `users:`",
                                    Span("--as", 1, 1)),))
    user = policy.user(email)
    if user is None:
        raise SpecError((Diagnostic("unknown-user", f"'{email}' is not a user of this workspace",
                                    Span("--as", 1, 1)),))
    rules = policy.rules(user.role)
    if rules is None:
        return Viewer(user, None)
    views = []
    for entity in catalog.entities:
        rule = next((r for r in rules if r.entity == entity.name), None)
        if rule is None or entity.table is None:
            continue
        select = (rows_select(rule, user, policy, catalog, now) if rule.rows is not None
                  else over_base(exp.select(exp.Star()).from_(entity.table), catalog))
        views.append((entity.table, _without_hidden(select, entity, rule.hidden)))
    hidden = frozenset((r.entity, name) for r in rules for name in r.hidden)
    return Viewer(user, Restriction(tuple(views)), hidden)


def _without_hidden(select: exp.Select, entity, hidden: tuple[str, ...]) -> exp.Select:
    """The rows with each hidden stored field null: catalog SQL that reads it sees nothing either."""
    stored = [entity.column(n) for n in hidden if not entity.column(n).derived]
    if not stored:
        return select
    nulls = [exp.alias_(exp.cast(exp.Null(), SQL_TYPES[c.type]), c.name, quoted=True) for c in stored]
    return exp.select(exp.Star(replace=nulls)).from_(select.subquery("visible"))
