"""Whole-process start-up: `rb` commands against a bare `python -c "import duckdb; ..."`.

What a user waits for from typing a command to its answer. Each round runs every command
once, in a rotated order (alternated like hyperfine's interleaving, so load that comes and
goes hits all commands alike); the table gives medians and the ratio to the bare process.
One warm-up run per command first (it writes bytecode, the demo data and the result cache).

    .venv/bin/python benchmarks/startup.py --runs 15 [--resident] [--data PATH] [--json out.json]

`--rb "python -m reportbuilder.cli"` times another rb (e.g. an older checkout on PYTHONPATH);
`--skip TEXT` leaves out the commands whose name contains TEXT. The "floor" rows are
processes that only import the libraries a command cannot do without (sqlglot, duckdb,
rich, ...): the least that command could cost while it uses them.

The children run without PYTHONDONTWRITEBYTECODE, as an installed rb does (pip writes .pyc).
Each rb command runs in its own process (RB_DAEMON=0); with `--resident` the rb commands that a
resident process serves (all but `--version`) are also timed through a resident process started for the benchmark (docs/resident.md). The CPU
column of those rows counts only the calling process: the command runs in the resident process's
child, which is not the caller's child.
Besides wall time, the CPU time (user + system) of each child is reported: on a shared,
loaded machine it is the steadier of the two.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rb_process import ALONE, rb_command, resident_process  # noqa: E402

REPORT = "tickets_created_over_time"
BARE = "bare python + duckdb"



def commands(data: str | None, rb: list[str] | None = None, scratch: Path | None = None) -> dict[str, list[str]]:
    """The commands to time; `scratch`: a folder for the edited copy of the report (default: a new one)."""
    rb = rb or rb_command()
    data_args = ["--data", data] if data else []
    edited = _edited_copy(scratch or Path(tempfile.mkdtemp(prefix="rb-startup-")))
    return {
        BARE: [sys.executable, "-c", "import duckdb; duckdb.sql('select 1')"],
        "rb --version": rb + ["--version"],
        f"rb validate {REPORT}": rb + ["validate", REPORT],
        f"rb sql {REPORT}": rb + ["sql", REPORT],
        f"rb run {REPORT} (cached)": rb + ["run", REPORT] + data_args,
        # the answer recomputed with the compiled command kept (docs/caching.md), then compiled again too
        f"rb run {REPORT} --no-cache": rb + ["run", REPORT, "--no-cache"] + data_args,
        f"rb run {REPORT} --no-cache, RB_NO_COMPILE_CACHE=1": ["env", "RB_NO_COMPILE_CACHE=1"] + rb
        + ["run", REPORT, "--no-cache"] + data_args,
        # a spec edited before each run (a comment appended by the shell): compiled, and its schema checked
        f"rb run {REPORT} --no-cache, spec edited": ["sh", "-c", _EDIT_THEN_RUN, "sh", str(edited)] + rb
        + ["run", str(edited), "--no-cache"] + data_args,
        # floors: only the libraries each command cannot do without, doing one small thing each
        "floor of validate: click, PyYAML, sqlglot": [sys.executable, "-c", _FLOOR_VALIDATE],
        "floor of sql: + sqlglot's DuckDB generator": [sys.executable, "-c", _FLOOR_SQL],
        "floor of run: + duckdb, rich": [sys.executable, "-c", _FLOOR_RUN],
    }


_EDIT_THEN_RUN = 'echo "# edit $$" >> "$1"; shift; exec "$@"'


def _edited_copy(folder: Path) -> Path:
    """A copy of the built-in report in `folder`, which each timed run edits first."""
    from reportbuilder.locate import builtin_path

    target = folder / f"{REPORT}.yaml"
    target.write_text(builtin_path(REPORT).read_text(encoding="utf-8"), encoding="utf-8")
    return target


_FLOOR_VALIDATE = "import click, yaml; from sqlglot import exp"
_FLOOR_SQL = _FLOOR_VALIDATE + "; exp.select('a').from_('t').sql('duckdb')"
_FLOOR_RUN = (_FLOOR_SQL + "; import duckdb; duckdb.sql('select 1').fetchall(); "
              "from rich.console import Console; from rich.table import Table")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `argv`."""
    cpu, started = _cpu(), time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started, _cpu() - cpu


def measure(cmds: dict[str, list[str]], runs: int, resident: dict | None = None) -> dict[str, list[tuple[float, float]]]:
    """Times of each command; with `resident` (the variables that send a command to a resident
    process), each rb command it serves is timed that way too, named with ", resident"."""
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, **ALONE}
    envs = {name: env for name in cmds}
    if resident:
        for name in [n for n in cmds if n.startswith("rb ") and n != "rb --version"]:
            cmds[f"{name}, resident"] = cmds[name]
            envs[f"{name}, resident"] = {**env, **resident}
    names = list(cmds)
    for name in names:  # warm-up
        _time(cmds[name], envs[name])
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for round_ in range(runs):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            times[name].append(_time(cmds[name], envs[name]))
    return times


def table(times: dict[str, list[tuple[float, float]]]) -> str:
    def medians(name):
        return (statistics.median(w for w, _ in times[name]), statistics.median(c for _, c in times[name]))

    bare_wall, bare_cpu = medians(BARE)
    lines = ["| command | wall s | wall ratio | CPU s | CPU ratio |", "|---|---:|---:|---:|---:|"]
    for name in times:
        wall, cpu = medians(name)
        lines.append(f"| `{name}` | {wall:.3f} | {wall / bare_wall:.2f} | {cpu:.3f} | {cpu / bare_cpu:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data", help="data path for `rb run` (default: the demo data)")
    parser.add_argument("--json", type=Path, help="also write the raw times here")
    parser.add_argument("--rb", help="the rb command line to time (default: the rb next to this python)")
    parser.add_argument("--skip", action="append", default=[], help="leave out commands containing TEXT")
    parser.add_argument("--resident", action="store_true", help="also time the commands through a resident process")
    args = parser.parse_args()
    rb = args.rb.split() if args.rb else None
    with tempfile.TemporaryDirectory(prefix="rb-startup-") as scratch, contextlib.ExitStack() as stack:
        cmds = {name: argv for name, argv in commands(args.data, rb, Path(scratch)).items()
                if not any(text in name for text in args.skip)}
        resident = stack.enter_context(resident_process(rb or rb_command())) if args.resident else None
        times = measure(cmds, args.runs, resident)
    print(table(times))
    if args.json:
        args.json.write_text(json.dumps(times, indent=1))


if __name__ == "__main__":
    main()
