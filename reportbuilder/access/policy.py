"""The workspace's `users:` and `access:`, read with positions so every mistake names its line.

    users:                      # keyed by e-mail
      bo@example.com: {role: member, team: Tier 1, token_sha256: <hex>}
    access:                     # per role, per entity
      member:
        tickets: owner.email = user.email              # the rows the role may see
        contacts: {hide: [email, phone]}               # fields the role may not read
        calls: {rows: owner.team.name = user.team, hide: [phone_number]}

The workspace author is trusted; these checks catch mistakes, not attacks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..catalog.model import Catalog, Entity
from ..check.resolve_expr import suggest
from ..errors import Diagnostic, SpecError
from ..load.yaml_nodes import YamlError, YList, YMap, YScalar, parse_yaml

RULE_KEYS = ("rows", "hide")
RESERVED = ("role", "token_sha256", "email")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class User:
    email: str
    role: str
    attributes: tuple[tuple[str, object], ...]  # (name, YAML value), `email` first
    token_sha256: str | None = None

    def attribute(self, name: str) -> tuple[bool, object]:
        """(whether the user has it, its value): an attribute the user lacks is null."""
        for key, value in self.attributes:
            if key == name:
                return True, value
        return False, None


@dataclass(frozen=True)
class Rule:
    """What one role may see of one entity: rows its filter keeps (all without one), fields not hidden."""

    entity: str
    rows: YScalar | None
    hidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    file: str
    text: str  # the workspace file's text, to place and quote errors
    users: tuple[User, ...]
    roles: tuple[tuple[str, tuple[Rule, ...]], ...]  # roles with an `access` entry

    def user(self, email: str) -> User | None:
        """The user with this e-mail (case-insensitive, as e-mail addresses are in practice)."""
        wanted = email.strip().casefold()
        return next((u for u in self.users if u.email.casefold() == wanted), None)

    def rules(self, role: str) -> tuple[Rule, ...] | None:
        """The role's rules; None when the role has no `access` entry (it sees everything)."""
        return dict(self.roles).get(role)


def read_policy(path: Path, catalog: Catalog, now_utc: datetime | None = None) -> Policy | None:
    """The policy of the workspace file at `path` (None when it has neither `users` nor `access`),
    every filter checked for every user of its role."""
    text = path.read_text(encoding="utf-8")
    try:
        root = parse_yaml(text, str(path))
    except YamlError as exc:
        raise SpecError((exc.diagnostic,)) from None
    if not isinstance(root, YMap) or (root.get("users") is None and root.get("access") is None):
        return None
    problems: list[Diagnostic] = []
    users = _users(root.get("users"), root.key("users"), problems)
    roles = _roles(root.get("access"), root.key("access"), users, catalog, problems)
    policy = Policy(str(path), text, tuple(users), tuple(roles))
    if not problems:
        from .row_filter import check_rules  # compiles the filters: the checker and builder are needed

        problems += check_rules(policy, catalog, now_utc or datetime.now(timezone.utc).replace(tzinfo=None))
    if problems:
        raise SpecError(tuple(problems))
    return policy


def _mapping(node, key: YScalar | None, what: str, problems) -> YMap | None:
    if node is None or isinstance(node, YMap):
        return node
    span = getattr(node, "span", None) or key.span
    problems.append(Diagnostic("bad-workspace", f"{what} is a mapping", span))
    return None


def _users(node, key, problems) -> list[User]:
    node = _mapping(node, key, "`users` (keyed by e-mail)", problems)
    users, seen = [], set()
    for email, entry in (node.items if node else ()):
        if "@" not in email.value:
            problems.append(Diagnostic("bad-user", f"users are keyed by e-mail; '{email.value}' is not "
                                       "an e-mail address", email.span))
            continue
        if email.value.casefold() in seen:
            problems.append(Diagnostic("duplicate-user", f"user '{email.value}' is listed twice", email.span))
            continue
        seen.add(email.value.casefold())
        user = _user(email, entry, problems)
        if user is not None:
            users.append(user)
    return users


def _user(email: YScalar, entry, problems) -> User | None:
    entry = _mapping(entry, email, f"user '{email.value}'", problems)
    role = entry.get("role") if entry else None
    if not isinstance(role, YScalar) or not isinstance(role.value, str) or not role.value:
        span = role.span if isinstance(role, (YScalar, YMap, YList)) else email.span
        problems.append(Diagnostic("bad-user", f"user '{email.value}' needs `role: NAME`", span))
        return None
    token = entry.get("token_sha256")
    if token is not None and not (isinstance(token, YScalar) and _SHA256.match(str(token.value).lower())):
        problems.append(Diagnostic("bad-user", "token_sha256 is the SHA-256 of the user's token: 64 hex "
                                   "digits", getattr(token, "span", email.span)))
        return None
    attributes = [("email", email.value)]
    for key, value in entry.items:
        if key.value in RESERVED:
            if key.value == "email":
                problems.append(Diagnostic("bad-user", "`email` is the user's key, not an attribute",
                                           key.span))
            continue
        if not isinstance(value, YScalar):
            problems.append(Diagnostic("bad-user", f"attribute '{key.value}' is a single value (text, "
                                       "number, true/false or a date)", getattr(value, "span", key.span)))
            continue
        attributes.append((key.value, value.value))
    return User(email.value, role.value, tuple(attributes),
                str(token.value).lower() if token is not None else None)


def _roles(node, key, users, catalog, problems) -> list[tuple[str, tuple[Rule, ...]]]:
    node = _mapping(node, key, "`access` (per role, per entity)", problems)
    roles = []
    for role, entries in (node.items if node else ()):
        if not any(u.role == role.value for u in users):
            problems.append(Diagnostic("role-without-users", f"role '{role.value}' has no users (give a "
                                       f"user `role: {role.value}` or remove the entry)", role.span))
        entries = _mapping(entries, role, f"access of role '{role.value}'", problems)
        rules = [_rule(name, value, catalog, problems) for name, value in (entries.items if entries else ())]
        roles.append((role.value, tuple(r for r in rules if r is not None)))
    return roles


def _rule(name: YScalar, value, catalog: Catalog, problems) -> Rule | None:
    entity = catalog.entity(name.value)
    if entity is None:
        close = suggest(name.value, catalog.entity_names)
        hint = f"did you mean '{close[0]}'?" if close else "entities: " + ", ".join(catalog.entity_names)
        problems.append(Diagnostic("unknown-entity", f"unknown entity '{name.value}'; {hint}", name.span,
                                   hint, close))
        return None
    if isinstance(value, YScalar):
        rows, hide = value, None
    elif isinstance(value, YMap):
        for key, _ in value.items:
            if key.value not in RULE_KEYS:
                close = suggest(key.value, RULE_KEYS)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: rows, hide"
                problems.append(Diagnostic("unknown-key", f"unknown key '{key.value}'; {hint}", key.span))
        rows, hide = value.get("rows"), value.get("hide")
    else:
        problems.append(Diagnostic("bad-access", f"the access of {name.value} is a filter expression or "
                                   "{rows: FILTER, hide: [FIELD, ...]}", value.span))
        return None
    if rows is not None and (not isinstance(rows, YScalar) or not isinstance(rows.value, str)):
        problems.append(Diagnostic("bad-access", "`rows` is a filter expression", getattr(rows, "span", name.span)))
        return None
    if rows is not None and entity.table is None:
        problems.append(Diagnostic("derived-entity", f"{name.value} is computed from other entities; restrict "
                                   "the rows of those instead (it then reads only their visible rows)", rows.span))
        return None
    return Rule(entity.name, rows, _hidden(entity, hide, problems))


def _hidden(entity: Entity, node, problems) -> tuple[str, ...]:
    if node is None:
        return ()
    items = node.items if isinstance(node, YList) else (node,)
    links = {r.column for r in entity.relationships if not r.to_many} | {entity.primary_key}
    hidden = []
    for item in items:
        name = item.value if isinstance(item, YScalar) else None
        if not isinstance(name, str) or entity.column(name) is None:
            close = suggest(str(name), [c.name for c in entity.columns])
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Diagnostic("unknown-field", f"{entity.name} has no field '{name}'{hint}",
                                       getattr(item, "span", None), None, close))
        elif name in links:
            problems.append(Diagnostic("bad-access", f"{entity.name}.{name} is a key or link: hide the fields "
                                       "of the linked entity, or restrict rows, instead", item.span))
        else:
            hidden.append(name)
    return tuple(hidden)
