"""A role's row filter -> the SELECT of a table's visible rows, over the unrestricted tables.

The filter is an expression of the spec language over the entity's fields and many-to-one
paths, with `user.X` replaced by the user's attribute as a literal (null when the user has
none). It is checked by the spec checker and compiled by the spec compiler, then every table
it reads (the entity's own, those along its paths, those inside catalog SQL of derived fields)
is renamed to its unrestricted base view: paths in access filters see all rows.

    SELECT r.* FROM __all_tickets AS r
    LEFT JOIN __all_owners AS r__owner ON r__owner.id = r.owner_id
    WHERE r__owner.email = 'bo@example.com'
"""
from __future__ import annotations

from datetime import date, datetime

from sqlglot import exp

from ..emit.compile_expr import ExprCompiler
from ..emit.join_sql import placeholders_filled
from ..emit.literals import sql_literal
from ..catalog.model import Catalog
from ..check.scalar_expr import expression_locator, parse_scalar
from ..catalog.join_graph import entity_at
from ..check.resolve_expr import ROW, Problem, Resolver, Scope, suggest
from ..check.resolved import Field
from ..errors import Diagnostic, SpecError
from ..expr import ast
from .policy import Policy, Rule, User

BASE_PREFIX = "__all_"  # the unrestricted view of table t is __all_t
ROOT = "r"


def base_name(table: str) -> str:
    return BASE_PREFIX + table


def over_base(tree: exp.Expression, catalog: Catalog) -> exp.Expression:
    """`tree` reading the unrestricted base view of every data table it names."""
    tables = {e.table for e in catalog.entities if e.table}
    ctes = {c.alias for c in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if table.name in tables and table.name not in ctes and not table.args.get("db"):
            table.set("this", exp.to_identifier(base_name(table.name)))
    return tree


def rows_select(rule: Rule, user: User, policy: Policy, catalog: Catalog, now: datetime) -> exp.Select:
    """SELECT of the rows of `rule.entity` its filter keeps for `user`, over the base views."""
    condition = _checked(rule, user, policy, catalog, now)
    entity = catalog.entity(rule.entity)
    joins = _Joins(catalog, rule.entity, now)
    where = ExprCompiler("UTC", catalog.week_start, joins.field).compile(condition)
    select = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier(ROOT)))
    select = select.from_(exp.to_table(entity.table).as_(ROOT))
    for join in joins.joins.values():
        select = select.join(join, join_type="left")
    return over_base(select.where(where), catalog)


def check_rules(policy: Policy, catalog: Catalog, now: datetime) -> list[Diagnostic]:
    """Every row filter checked with the attributes of every user of its role."""
    problems = []
    for role, rules in policy.roles:
        members = [u for u in policy.users if u.role == role]
        for rule in rules:
            if rule.rows is None:
                continue
            problems += _unknown_attributes(rule, members, policy)
            for user in members:
                try:
                    rows_select(rule, user, policy, catalog, now)
                except SpecError as exc:
                    problems += [_for_user(d, role, user) for d in exc.diagnostics]
                    break
    return problems


def _for_user(d: Diagnostic, role: str, user: User) -> Diagnostic:
    return Diagnostic(d.code, f"{d.message} (access filter of role '{role}', as {user.email})", d.span,
                      d.hint, d.suggestions)


def _unknown_attributes(rule: Rule, members: list[User], policy: Policy) -> list[Diagnostic]:
    """A `user.X` no user of the role has is a typo, not a filter that hides every row."""
    problems = []
    node = _parsed(rule, policy)
    locate = expression_locator(rule.rows, policy.text)
    known = {k for u in members for k, _ in u.attributes}
    for ref in ast.walk(node):
        if isinstance(ref, ast.FieldRef) and ref.path[0] == "user" and len(ref.path) == 2 \
                and ref.path[1] not in known:
            close = suggest(ref.path[1], known)
            hint = f"; did you mean 'user.{close[0]}'?" if close else ""
            problems.append(Diagnostic("unknown-attribute", f"no user of this role has the attribute "
                                       f"'{ref.path[1]}'{hint}", locate(ref.pos), None, close))
    return problems


def _parsed(rule: Rule, policy: Policy):
    problems: list[Diagnostic] = []
    node = parse_scalar(rule.rows, False, problems, policy.text)
    if node is None:
        raise SpecError(tuple(problems))
    return node


def _checked(rule: Rule, user: User, policy: Policy, catalog: Catalog, now: datetime):
    """The filter with the user's attributes in it, resolved and type-checked over the entity."""
    locate = expression_locator(rule.rows, policy.text)
    try:
        node = _with_user(_parsed(rule, policy), user, locate)
        resolver = Resolver(Scope(catalog, rule.entity, "UTC", now, locate))
        condition, kind = resolver.resolve(node, ROW)
        if kind not in ("boolean", "null"):
            resolver.fail("filter-not-boolean", f"an access filter is a condition (true or false); this "
                          f"is a {kind} value", node.pos)
        for field in (n for n in ast.walk(condition) if isinstance(n, Field)):
            _check_to_one(catalog, rule.entity, field, resolver)
    except Problem as problem:
        raise SpecError((problem.diagnostic,)) from None
    return condition


def _with_user(node, user: User, locate):
    """`user.X` -> the user's attribute X as a literal (null when the user has none)."""
    if isinstance(node, ast.FieldRef) and node.path[0] == "user":
        if len(node.path) != 2:
            raise Problem(Diagnostic("bad-user-attribute", "`user.NAME` names one attribute of the user",
                                     locate(node.pos)))
        return _literal(user.attribute(node.path[1])[1], node.pos)
    return ast.map_children(node, lambda child: _with_user(child, user, locate))


def _literal(value, pos) -> ast.Literal:
    if value is None:
        return ast.Literal(None, "null", pos)
    if isinstance(value, bool):
        return ast.Literal(value, "boolean", pos)
    if isinstance(value, (int, float)):
        return ast.Literal(value, "number", pos)
    if isinstance(value, (date, datetime)):
        return ast.Literal(value.isoformat(), "string", pos)
    return ast.Literal(str(value), "string", pos)


def _check_to_one(catalog: Catalog, entity: str, field: Field, resolver: Resolver) -> None:
    for step in field.path:
        rel = catalog.entity(entity).relationship(step)
        if rel.to_many:
            resolver.fail("to-many-access-path", f"access filters follow many-to-one paths only; "
                          f"'{step}' leads to many rows of {rel.target} per row of {entity}", field.pos)
        entity = rel.target


class _Joins:
    """The left joins a filter's fields need: one per path node, one per catalog-SQL field."""

    def __init__(self, catalog: Catalog, entity: str, now: datetime):
        self.catalog, self.entity, self.now = catalog, entity, now
        self.joins: dict[str, exp.Join] = {}

    @staticmethod
    def alias(path: tuple) -> str:
        return "__".join((ROOT,) + path)

    def field(self, field: Field) -> exp.Expression:
        for i in range(1, len(field.path) + 1):
            self._node(field.path[:i])
        alias = self.alias(field.path)
        if field.column.sql is None:
            return exp.column(field.column.name, table=alias)
        lookup = f"{alias}__{field.column.name}"
        if lookup not in self.joins:
            key = self.catalog.entity(field.entity).primary_key
            rows = placeholders_filled(field.column.sql, self.now).subquery(lookup)
            self.joins[lookup] = exp.Join(this=rows, on=exp.EQ(this=exp.column("key", table=lookup),
                                                               expression=exp.column(key, table=alias)))
        value = exp.column("value", table=lookup)
        default = field.column.default
        return value if default is None else exp.Coalesce(this=value, expressions=[sql_literal(default)])

    def _node(self, path: tuple) -> None:
        alias = self.alias(path)
        if alias in self.joins:
            return
        parent = self.catalog.entity(entity_at(self.catalog, self.entity, path[:-1]))
        rel = parent.relationship(path[-1])
        target = self.catalog.entity(rel.target)
        rows = (placeholders_filled(target.sql, self.now).subquery(alias) if target.sql is not None
                else exp.to_table(target.table).as_(alias))
        on = exp.EQ(this=exp.column(target.primary_key, table=alias),
                    expression=exp.column(rel.column, table=self.alias(path[:-1])))
        self.joins[alias] = exp.Join(this=rows, on=on)
