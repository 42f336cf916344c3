"""The table of diagnostic codes is the only place codes come from, and docs/errors.md is it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from reportbuilder.diagnostic_codes import CODES, STAGE_OF, STAGES, markdown

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "reportbuilder"
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _strings(node) -> list[ast.Constant]:
    """The string constants `node` can evaluate to (a literal, or either side of `a if c else b`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _code_params(trees) -> dict[str, set[int]]:
    """Functions of the package with a parameter named `code`: name -> its positional indexes
    (self left out; several functions may share a name); `Diagnostic` takes the code first."""
    params = {"Diagnostic": {0}}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in node.args.args if a.arg not in ("self", "cls")]
                if "code" in names:
                    params.setdefault(node.name, set()).add(names.index("code"))
    return params


def used_codes() -> dict[str, list[str]]:
    """Every code literal the package passes as a diagnostic code, with where (file:line)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")
             if path.name != "expression_parser.py"}
    params = _code_params(trees)
    found: dict[str, list[str]] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            values = []
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if name in params:
                    values += [node.args[i] for i in params[name] if i < len(node.args)]
                    values += [k.value for k in node.keywords if k.arg == "code"]
            elif isinstance(node, ast.FunctionDef):  # a default: def fail(..., code="bad-workspace")
                args = node.args.args[len(node.args.args) - len(node.args.defaults):]
                values += [d for a, d in zip(args, node.args.defaults) if a.arg == "code"]
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "code" for t in node.targets):
                values.append(node.value)
            for constant in (c for v in values for c in _strings(v)):
                where = f"{path.relative_to(ROOT)}:{constant.lineno}"
                found.setdefault(constant.value, []).append(where)
    return found


def test_every_code_the_package_uses_is_in_the_table():
    used = used_codes()
    unknown = {code: where for code, where in used.items() if code not in CODES}
    assert not unknown, f"codes missing from reportbuilder/diagnostic_codes.py: {unknown}"


def test_every_code_of_the_table_is_used():
    assert sorted(set(CODES) - set(used_codes())) == []


def test_the_scan_sees_codes_passed_every_way():
    used = used_codes()
    assert "unknown-source" in used  # Diagnostic("...")
    assert "nested-aggregate" in used  # self.fail("...")
    assert "ambiguous-join-path" in used and "no-join-path" in used  # code = "a" if p else "b"
    assert "bad-cell" in used  # _usage("...")
    assert "unknown-chart-type" in used  # self._not_among("...")


def test_codes_are_kebab_case_with_a_meaning_and_a_stage():
    for code, meaning in CODES.items():
        assert KEBAB.match(code), code
        assert meaning and "\n" not in meaning and not meaning.endswith("."), code
        assert STAGE_OF[code] in STAGES


def test_docs_errors_md_is_current():
    current = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert current == markdown(), "docs/errors.md is stale: python -m reportbuilder.diagnostic_codes > docs/errors.md"
    for code in CODES:
        assert f"| `{code}` |" in current
