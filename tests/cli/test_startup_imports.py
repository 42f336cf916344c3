"""Start-up stays cheap: each command imports only what it needs.

Every `rb` command pays its imports before doing anything; a module on the run path that
imports a heavy library at import time (charts, lark, the importers, the demo generator)
adds that cost to every answer. Each case runs the command in a fresh interpreter and
lists the modules it loaded (speed itself is measured in benchmarks/startup.py).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# Imported by no command below (charts, dashboards and `rb import` import them when they run).
NEVER = ("altair", "vl_convert", "lark", "interegular", "pandas", "pyarrow", "pyspark", "jinja2",
         "reportbuilder.demo.generate_demo", "reportbuilder.importers", "reportbuilder.dashboard",
         "reportbuilder.render.chart_vega", "reportbuilder.run.spark_engine",
         "starlette", "uvicorn", "reportbuilder.serve")

_PROBE = """
import json, sys
from reportbuilder.cli import main
try:
    main(sys.argv[1:], prog_name="rb")
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""


def loaded_modules(*argv: str, cwd=None, compiled=None) -> set[str]:
    """The modules `rb ARGV` loaded; `compiled`: its own compile cache folder (warm_cache.py), so
    that no other test's run of the same command makes this one warm."""
    env = {**os.environ, **({"RB_COMPILE_CACHE_DIR": str(compiled)} if compiled else {})}
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, cwd=cwd,
                          timeout=120, env=env)
    marker = done.stderr.rindex("MODULES ")
    return set(json.loads(done.stderr[marker + len("MODULES "):]))


def _heavy(modules: set[str], names) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_importing_the_cli_loads_no_library_but_click():
    done = subprocess.run([sys.executable, "-c", "import json, sys; import reportbuilder.cli; "
                           "print(json.dumps(sorted(sys.modules)))"], capture_output=True, text=True, timeout=120)
    modules = set(json.loads(done.stdout))
    assert _heavy(modules, NEVER + ("duckdb", "sqlglot", "rich", "jsonschema", "yaml")) == []


def test_version_loads_neither_duckdb_nor_sqlglot():
    assert _heavy(loaded_modules("--version"), NEVER + ("duckdb", "sqlglot", "rich", "jsonschema")) == []


@pytest.mark.parametrize("command", ["validate", "sql"])
def test_compiling_loads_no_engine_and_no_renderer(command, tmp_path):
    first = loaded_modules(command, "tickets_created_over_time", compiled=tmp_path)
    assert "reportbuilder.check.check_spec" in first  # the probe did run the command
    assert _heavy(first, NEVER + ("duckdb", "rich", "jsonschema")) == []  # a valid spec: the compiled schema
    # the spec is known valid, the catalog SQL parsed, but run from another folder: not warm
    again = loaded_modules(command, "tickets_created_over_time", compiled=tmp_path, cwd=tmp_path)
    assert "reportbuilder.check.check_spec" in again
    assert _heavy(again, NEVER + ("duckdb", "rich", "jsonschema")) == []
    if command == "validate":  # nothing is parsed or printed as SQL: no DuckDB dialect
        assert _heavy(again, ("sqlglot.dialects.duckdb", "sqlglot.parsers.duckdb", "sqlglot.generators")) == []
    # the same command again (warm_cache.py): the checked result or printed SQL, no parser, no sqlglot
    warm = loaded_modules(command, "tickets_created_over_time", compiled=tmp_path)
    assert "reportbuilder.warm_cache" in warm and "reportbuilder.check.check_spec" not in warm
    assert _heavy(warm, NEVER + ("duckdb", "rich", "jsonschema", "sqlglot", "yaml")) == []


def test_run_as_a_table_loads_no_chart_library(tmp_path):
    (tmp_path / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n2,Bo,\n")
    (tmp_path / "spec.yaml").write_text("source: owners\nmeasures: [count() as n]\n")
    modules = loaded_modules("run", "spec.yaml", "--data", ".", cwd=tmp_path)
    assert "reportbuilder.run.execute" in modules and "reportbuilder.render.terminal_table" in modules  # it printed
    # a new spec, valid: checked by the compiled schema (load/spec_validator.py); a table to a pipe: drawn without rich
    assert _heavy(modules, NEVER + ("jsonschema", "rich")) == []
    assert _heavy(loaded_modules("run", "spec.yaml", "--data", ".", cwd=tmp_path), NEVER + ("jsonschema", "rich")) == []


def test_only_an_invalid_spec_loads_jsonschema_for_its_messages(tmp_path):
    (tmp_path / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n")
    (tmp_path / "spec.yaml").write_text("source: owners\nmeasures: [count() as n]\nlimit: many\n")
    modules = loaded_modules("run", "spec.yaml", "--data", ".", cwd=tmp_path)
    assert "jsonschema" in modules and "reportbuilder.run.execute" not in modules


def test_a_warm_run_loads_neither_sqlglot_nor_duckdb(tmp_path):
    """Both caches hit (same inputs, a pinned now, unchanged data): the answer is printed from them."""
    (tmp_path / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n2,Bo,\n")
    (tmp_path / "spec.yaml").write_text("source: owners\ndimensions: [name]\nmeasures: [count() as n]\n")
    argv = ("run", "spec.yaml", "--data", ".", "--now", "2025-01-01")
    first = loaded_modules(*argv, cwd=tmp_path, compiled=tmp_path / "compiled")
    assert {"sqlglot", "duckdb"} <= first  # the probe sees them when used
    warm = loaded_modules(*argv, cwd=tmp_path, compiled=tmp_path / "compiled")
    assert "reportbuilder.warm_cache" in warm and "reportbuilder.render.terminal_table" in warm  # it printed
    assert _heavy(warm, NEVER + ("sqlglot", "duckdb", "yaml", "jsonschema", "rich")) == []
    (tmp_path / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n2,Cy,\n")  # the data changed: queried again
    assert "duckdb" in loaded_modules(*argv, cwd=tmp_path, compiled=tmp_path / "compiled")


# What a run compiled before needs none of: loading, checking, planning and building the SQL.
COMPILER = ("sqlglot", "yaml", "jsonschema", "reportbuilder.workspace", "reportbuilder.catalog", "reportbuilder.check",
            "reportbuilder.plan", "reportbuilder.emit", "reportbuilder.access", "reportbuilder.load",
            "reportbuilder.run.load_data", "reportbuilder.run.execute")


def test_a_compiled_run_without_a_stored_answer_loads_no_compiler(tmp_path):
    """`--no-cache` with a compiled hit: the data opened from the kept statements, the kept SQL run."""
    (tmp_path / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n2,Bo,\n")
    (tmp_path / "spec.yaml").write_text("source: owners\ndimensions: [name]\nmeasures: [count() as n]\n")
    argv = ("run", "spec.yaml", "--data", ".", "--now", "2025-01-01", "--no-cache")
    first = loaded_modules(*argv, cwd=tmp_path, compiled=tmp_path / "compiled")
    assert {"sqlglot", "reportbuilder.workspace"} <= first  # the probe sees them when used
    again = loaded_modules(*argv, cwd=tmp_path, compiled=tmp_path / "compiled")
    assert "duckdb" in again and "reportbuilder.render.terminal_table" in again  # it queried and printed
    assert _heavy(again, NEVER + COMPILER + ("rich",)) == []


def test_the_probe_sees_a_heavy_import(tmp_path):
    """The check can fail: a chart format does load the chart library."""
    (tmp_path / "owners.csv").write_text("id,name,team_id\n1,Ann,1\n2,Bo,\n")
    (tmp_path / "spec.yaml").write_text("source: owners\ndimensions: [name]\nmeasures: [count() as n]\n")
    modules = loaded_modules("run", "spec.yaml", "--data", ".", "--format", "svg", "-o", "out.svg", cwd=tmp_path)
    assert "altair" in _heavy(modules, NEVER)


def test_the_html_chart_page_loads_no_statistics_unless_insights_are_asked_for(tmp_path):
    """`rb run -o x.html` stays fast: scipy and the insights package load only with --insights."""
    (tmp_path / "tickets.csv").write_text("id,created_at\n1,2025-06-02T10:00:00\n2,2025-06-10T10:00:00\n")
    (tmp_path / "spec.yaml").write_text("source: tickets\ndimensions: [{field: created_at, granularity: week}]\n"
                                        "measures: [count() as n]\n")
    statistics = ("scipy", "reportbuilder.insights")
    plain = loaded_modules("run", "spec.yaml", "--data", ".", "-o", "plain.html", cwd=tmp_path)
    assert "reportbuilder.render.chart_output" in plain and (tmp_path / "plain.html").is_file()  # it drew the page
    assert _heavy(plain, statistics) == []
    asked = loaded_modules("run", "spec.yaml", "--data", ".", "-o", "card.html", "--insights", cwd=tmp_path)
    assert "scipy" in _heavy(asked, statistics) and "reportbuilder.insights" in asked
    assert 'class="findings"' in (tmp_path / "card.html").read_text(encoding="utf-8")
