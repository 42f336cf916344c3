"""Peak resident memory and wall time of `rb run` against the hand-written query, per report.

    python benchmarks/peak_memory.py --data /tmp/rb_1m --json memory_1m.json

Each run is a fresh process and its peak RSS is the kernel's count for it (`os.wait4`'s
`ru_maxrss`), so the Python start-up and imports are included on both sides. A small
launcher forks it: a child forked straight from this (large) process would report at least
this process's RSS, since Linux carries the parent's high-water mark through fork and exec.
rb side: `rb run SPEC --data DIR --now NOW --format csv`. Hand side: this file with
`--hand NAME`, which opens the same views (`open_data`) and runs `handwritten.py`'s SQL
over the spec's preset range, writing CSV too; both outputs are counted as CSV rows.
Where there is no `rb` script (a bare `--target` install), pass
`--rb-command "python3 -m reportbuilder"`.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from rb_process import ALONE, rb_command as default_rb_command  # noqa: E402

REPORTS_DIR = HERE / "reports"
DEFAULT_NOW = "2025-06-30 00:00:00"
MIB = 1024 * 1024
# Forks and waits for argv[2:], then writes "<ru_maxrss KiB> <wall s>" to the file argv[1].
_LAUNCHER = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{usage.ru_maxrss} {time.perf_counter() - started}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class ChildRun:
    """One finished child: its peak RSS, wall time and the CSV rows it wrote."""
    peak_mib: float
    wall_s: float
    rows: int


@dataclass(frozen=True)
class MemoryRow:
    """rb and the hand-written query for one report, each in its own process."""
    report: str
    rb_peak_mib: float
    rb_wall_s: float
    rb_rows: int
    hand_peak_mib: float
    hand_wall_s: float
    hand_rows: int

    @property
    def ratio(self) -> float:
        return self.rb_peak_mib / self.hand_peak_mib


def machine_info() -> dict:
    """Total RAM (GiB), CPU count and versions of the machine measuring."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    import duckdb
    return {"ram_gib": round(ram / 1024 ** 3, 1), "cpus": os.cpu_count(), "machine": platform.machine(),
            "python": platform.python_version(), "duckdb": duckdb.__version__}


def run_child(cmd: list[str]) -> ChildRun:
    """Run cmd to completion under the launcher; its peak RSS (ru_maxrss is KiB on Linux)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rusage") as usage:
        # alone (RB_DAEMON=0): a resident process's child is not this launcher's child, its memory unseen
        proc = subprocess.run([sys.executable, "-I", "-S", "-c", _LAUNCHER, usage.name, *cmd],
                              stdout=out, stderr=err, env={**os.environ, **ALONE})
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{shlex.join(cmd)} exited {proc.returncode}: "
                               f"{err.read().decode(errors='replace')[-2000:]}")
        maxrss_kib, wall = usage.read().split()
        out.seek(0)
        rows = max(0, sum(1 for _ in csv.reader(io.TextIOWrapper(out, encoding="utf-8"))) - 1)
    return ChildRun(int(maxrss_kib) * 1024 / MIB, float(wall), rows)


def measure_report(name: str, data: Path, now: str, rb_command: list[str]) -> MemoryRow:
    spec = REPORTS_DIR / f"{name}.yaml"
    rb = run_child([*rb_command, "run", str(spec), "--data", str(data), "--now", now, "--format", "csv"])
    hand = run_child([sys.executable, str(Path(__file__).resolve()), "--hand", name,
                      "--data", str(data), "--now", now])
    return MemoryRow(name, rb.peak_mib, rb.wall_s, rb.rows, hand.peak_mib, hand.wall_s, hand.rows)


def measure_reports(data: Path, now: str = DEFAULT_NOW, names: tuple[str, ...] | None = None,
                    rb_command: list[str] | None = None, console=None) -> list[MemoryRow]:
    """One MemoryRow per spec of benchmarks/reports/ (or those named), in name order."""
    rb_command = rb_command or default_rb_command()
    rows = []
    for spec in sorted(REPORTS_DIR.glob("*.yaml")):
        if names and spec.stem not in names:
            continue
        row = measure_report(spec.stem, data, now, rb_command)
        if console:
            console.print(f"  {row.report:<34} rb {row.rb_peak_mib:8.0f} MiB {row.rb_wall_s:7.2f} s   "
                          f"hand {row.hand_peak_mib:8.0f} MiB {row.hand_wall_s:7.2f} s")
        rows.append(row)
    return rows


def memory_table(rows: list[MemoryRow], title: str):
    from rich.table import Table
    table = Table(title=title)
    for col in ("report", "rows", "rb MiB", "hand MiB", "ratio", "rb s", "hand s"):
        table.add_column(col, justify="left" if col == "report" else "right")
    for r in rows:
        rows_text = str(r.rb_rows) if r.rb_rows == r.hand_rows else f"{r.rb_rows} vs {r.hand_rows}"
        table.add_row(r.report, rows_text, f"{r.rb_peak_mib:.0f}", f"{r.hand_peak_mib:.0f}", f"{r.ratio:.2f}",
                      f"{r.rb_wall_s:.2f}", f"{r.hand_wall_s:.2f}")
    return table


def as_json(rows: list[MemoryRow]) -> list[dict]:
    return [{**asdict(r), "ratio": r.ratio} for r in rows]


def run_handwritten(name: str, data: Path, now: str) -> int:
    """Child side: the hand-written query for report `name`, as CSV on stdout."""
    import yaml
    from handwritten import HANDWRITTEN, preset_range
    from reportbuilder.catalog.load_catalog import load_catalog
    from reportbuilder.demo.schema import TABLES
    from reportbuilder.run.load_data import open_data

    when = datetime.fromisoformat(now)
    preset = yaml.safe_load((REPORTS_DIR / f"{name}.yaml").read_text())["date_range"]["preset"]
    start, end = preset_range(preset, when)
    con = open_data(data, tuple(TABLES), load_catalog())
    cursor = con.execute(HANDWRITTEN[name](start, end, when))
    writer = csv.writer(sys.stdout)
    writer.writerow(d[0] for d in cursor.description)
    writer.writerows(cursor.fetchall())
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="folder written by generate_scale.py")
    ap.add_argument("--now", default=DEFAULT_NOW)
    ap.add_argument("--only", action="append", help="report name (repeatable)")
    ap.add_argument("--rb-command", help="how to start rb (default: the rb beside this Python, "
                                         "else 'python -m reportbuilder')")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    ap.add_argument("--hand", metavar="NAME", help=argparse.SUPPRESS)  # child mode
    args = ap.parse_args(argv)
    if args.hand:
        return run_handwritten(args.hand, args.data, args.now)

    from rich.console import Console
    console = Console(width=130)
    info = machine_info()
    console.print(f"[bold]peak RSS of rb run vs hand-written SQL on {args.data}[/bold]  "
                  f"{info['cpus']} CPUs, {info['ram_gib']} GiB RAM, Python {info['python']}, "
                  f"DuckDB {info['duckdb']}")
    rb_command = shlex.split(args.rb_command) if args.rb_command else None
    rows = measure_reports(args.data, args.now, tuple(args.only) if args.only else None, rb_command, console)
    console.print(memory_table(rows, f"peak RSS, one process per run ({args.data})"))
    mismatched = [r.report for r in rows if r.rb_rows != r.hand_rows]
    for name in mismatched:
        console.print(f"[red]ROW COUNT MISMATCH[/red] {name}")
    if args.json:
        args.json.write_text(json.dumps({"data": str(args.data), "now": args.now, "machine": info,
                                         "memory": as_json(rows)}, indent=2))
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
