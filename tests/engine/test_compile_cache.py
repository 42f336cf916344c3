"""Compile products kept between runs: parsed catalog SQL and digests of valid specs.

Both must give exactly what computing afresh gives, and never skip a check that a changed
or invalid input needs. Each test uses its own folder (RB_COMPILE_CACHE_DIR).
"""
from __future__ import annotations

import json

import pytest
import sqlglot

from reportbuilder.catalog import sql_trees
from reportbuilder.catalog.load_catalog import SHIPPED, _read_shipped
from reportbuilder.errors import SpecError
from reportbuilder.load import load_spec
from reportbuilder.load.load_spec import load_spec_text
from reportbuilder.user_cache import compiled_dir

SPEC = "source: tickets\nmeasures: [count() as n]\n"


@pytest.fixture(autouse=True)
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RB_COMPILE_CACHE_DIR", str(tmp_path / "compiled"))
    return tmp_path / "compiled"


def _shipped_sql() -> list[str]:
    texts = []
    for doc in (_read_shipped(name) for name in SHIPPED):
        texts += [spec["sql"] for spec in (doc.get("derived_entities") or {}).values()]
        texts += [spec["sql"] for fields in (doc.get("derived_fields") or {}).values()
                  for spec in (fields or {}).values() if "sql" in spec]
    return texts


@pytest.mark.parametrize("text", _shipped_sql())
def test_a_cached_tree_is_the_parsed_tree(text, monkeypatch):
    parsed = sqlglot.parse_one(text, read="duckdb")
    assert sql_trees.parse_duckdb(text) == parsed  # parsed and stored
    monkeypatch.setattr(sql_trees.sqlglot, "parse_one", lambda *a, **k: pytest.fail("parsed again"))
    cached = sql_trees.parse_duckdb(text)
    assert cached == parsed and cached.sql("duckdb") == parsed.sql("duckdb")


def test_another_text_is_parsed():
    assert sql_trees.parse_duckdb("SELECT 1 AS a") != sql_trees.parse_duckdb("SELECT 2 AS a")


def test_a_parse_error_is_raised_and_nothing_stored(folder):
    with pytest.raises(sqlglot.errors.ParseError):
        sql_trees.parse_duckdb("SELECT (")
    assert not list(folder.rglob("*.json"))


@pytest.mark.parametrize("content", ["{broken", json.dumps([{"c": "os.path.Foo"}]), json.dumps({"c": "Select"}),
                                     json.dumps([{"c": "Select", "t": [{"c": "subprocess.Popen"}]}])])
def test_a_damaged_or_foreign_entry_is_parsed_again(content, folder):
    text = "SELECT 3 AS c"
    sql_trees.parse_duckdb(text)
    (entry,) = folder.rglob("*.json")
    entry.write_text(content)
    assert sql_trees.parse_duckdb(text) == sqlglot.parse_one(text, read="duckdb")


def test_a_valid_spec_is_checked_against_the_schema_once(monkeypatch):
    first = load_spec_text(SPEC, "a.yaml")
    monkeypatch.setattr(load_spec, "schema_problems", lambda root, file: pytest.fail("checked again"))
    again = load_spec_text(SPEC, "b.yaml")
    assert again.root.get("source").value == first.root.get("source").value == "tickets"
    assert again.file == "b.yaml"


def test_a_changed_spec_is_checked_again():
    load_spec_text(SPEC, "a.yaml")
    with pytest.raises(SpecError) as caught:
        load_spec_text(SPEC + "colour: red\n", "a.yaml")
    assert caught.value.diagnostics[0].span.line == 3


def test_an_invalid_spec_is_never_remembered(folder):
    for _ in range(2):
        with pytest.raises(SpecError) as caught:
            load_spec_text("source: tickets\nmeasures: 3\n", "bad.yaml")
        assert caught.value.diagnostics[0].span.line == 2
    assert not (folder / "valid-specs").exists() or not list((folder / "valid-specs").iterdir())


def test_the_folder_follows_the_environment(folder):
    assert compiled_dir() == folder
