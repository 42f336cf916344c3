"""A command run by the resident process is the command run in its own process: same output,
same errors, same exit status, in the caller's folder, environment and terminal."""
from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

RB = str(Path(sys.executable).with_name("rb"))
ALONE = {**os.environ, "RB_DAEMON": "0"}

COMMANDS = [
    ["run", "tickets_created_over_time"],
    ["run", "tickets_created_over_time", "--no-cache", "--format", "csv"],
    ["run", "team_summary", "--format", "json", "--range", "last_30_days"],
    ["run", "tickets_by_channel", "--format", "md", "--as", "nobody@example.com"],
    ["sql", "tickets_created_over_time"],
    ["validate", "tickets_created_over_time", "sla_progress"],
    ["run", "no_such_report"],
    ["run", "tickets_created_over_time", "--format", "nope"],
    ["run", "tickets_created_over_time", "--filter", "ticket.nope = 1"],
    ["list"],
    ["fields", "tickets"],
    ["explain", "tickets_created_over_time"],
    ["run", "--help"],
]


def _served(env: dict) -> int:
    status = subprocess.run([RB, "daemon", "status"], env=env, capture_output=True, text=True, timeout=60).stdout
    assert status.startswith("running:"), status
    return int(status.split(" commands served")[0].rsplit(" ", 1)[1])


def _rb(args, env, cwd=None, input_=None):
    return subprocess.run([RB, *args], env=env, cwd=cwd, capture_output=True, timeout=120, input=input_)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_same_output_errors_and_status(args, resident, tmp_path):
    alone = _rb(args, ALONE, cwd=tmp_path)
    before = _served(resident)
    served = _rb(args, resident, cwd=tmp_path)
    assert _served(resident) == before + 1
    assert (served.returncode, served.stdout, served.stderr) == (alone.returncode, alone.stdout, alone.stderr)


def test_invalid_spec_in_the_callers_folder(resident, tmp_path):
    (tmp_path / "mine.yaml").write_text("name: mine\ntitle: Mine\nsource: tickets\nmeasures:\n  - nope\n")
    alone = _rb(["validate", "mine.yaml"], ALONE, cwd=tmp_path)
    served = _rb(["validate", "mine.yaml"], resident, cwd=tmp_path)
    assert served.returncode == alone.returncode == 2
    assert served.stderr == alone.stderr and b"mine.yaml:" in served.stderr


def test_a_dashboard_page_and_a_chart_written_alike(resident, tmp_path):
    for name, args in (("page.html", ["dashboard", "support_kpis", "--no-cache"]),
                       ("chart.svg", ["run", "tickets_by_channel", "--no-cache"])):
        alone, served = tmp_path / f"alone-{name}", tmp_path / f"served-{name}"
        assert _rb([*args, "-o", str(alone)], ALONE).returncode == 0
        before = _served(resident)
        assert _rb([*args, "-o", str(served)], resident).returncode == 0
        assert _served(resident) == before + 1
        assert served.read_bytes() == alone.read_bytes()


def test_the_callers_environment_and_umask(resident, tmp_path):
    """RB_NOW and TZ come from the caller, per command; a file written gets the caller's umask."""
    args = ["run", "tickets_created_over_time", "--format", "csv", "--range", "last_7_days", "--no-cache"]
    for now in ("2026-03-01T12:00:00", "2026-06-01T12:00:00"):
        env = {**resident, "RB_NOW": now, "TZ": "America/New_York"}
        alone = _rb(args, {**env, "RB_DAEMON": "0"})
        assert _rb(args, env).stdout == alone.stdout
    out = tmp_path / "out.csv"
    subprocess.run(["sh", "-c", f'umask 077; exec "$@"', "sh", RB, "run", "tickets_created_over_time", "-o",
                    str(out)], env=resident, check=True, timeout=120)
    assert out.stat().st_mode & 0o777 == 0o600


def _on_a_terminal(args, env) -> bytes:
    """What `rb ARGS` writes to a 70-column terminal."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(RB, [RB, *args], {**env, "COLUMNS": "70", "TERM": "xterm-256color"})
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return b"".join(chunks)


def test_same_terminal_output(resident):
    args = ["run", "team_summary"]
    assert _on_a_terminal(args, resident) == _on_a_terminal(args, {**resident, "RB_DAEMON": "0"})
    assert b"\x1b[" in _on_a_terminal(args, resident)  # colours: it drew for a terminal


def test_commands_at_the_same_time(resident):
    procs = [subprocess.Popen([RB, "run", name, "--no-cache", "--format", "csv"], env=resident,
                              stdout=subprocess.PIPE) for name in ("tickets_created_over_time", "team_summary")]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert outs == [_rb(["run", n, "--format", "csv"], ALONE).stdout
                    for n in ("tickets_created_over_time", "team_summary")]


def test_a_closed_pipe_ends_the_command_as_alone(resident):
    both = [subprocess.run(["sh", "-c", f'"{RB}" fields tickets | head -c 10 >/dev/null; echo "${{PIPESTATUS:-x}}"'],
                           env=env, capture_output=True, timeout=120) for env in (resident, ALONE)]
    assert both[0].returncode == both[1].returncode == 0


def test_first_command_starts_one_without_holding_the_callers_pipes(tmp_path):
    """A command that finds none runs alone and starts one in the background; the caller's
    captured output still ends when the command does."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="rbd-")
    env = {**os.environ, "RB_DAEMON": "1", "XDG_RUNTIME_DIR": folder}
    try:
        started = time.monotonic()
        done = _rb(["run", "tickets_created_over_time", "--format", "csv"], env)
        assert done.returncode == 0 and time.monotonic() - started < 30
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _status(env).startswith("running"):
            time.sleep(0.2)
        assert _status(env).startswith("running:")
        assert _rb(["run", "tickets_created_over_time", "--format", "csv"], env).stdout == done.stdout
        assert _served(env) == 1
    finally:
        subprocess.run([RB, "daemon", "stop"], env=env, capture_output=True, timeout=60)


def _status(env) -> str:
    return subprocess.run([RB, "daemon", "status"], env=env, capture_output=True, text=True, timeout=60).stdout


def test_stop_and_idle_end(tmp_path):
    import tempfile

    env = {**os.environ, "RB_DAEMON": "1", "XDG_RUNTIME_DIR": tempfile.mkdtemp(prefix="rbd-"),
           "RB_DAEMON_IDLE": "2"}
    assert subprocess.run([RB, "daemon", "start"], env=env, capture_output=True, text=True,
                          timeout=120).stdout.startswith("running:")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _status(env).startswith("running"):
        time.sleep(0.5)
    assert _status(env) == "not running\n"
    subprocess.run([RB, "daemon", "start"], env=env, capture_output=True, timeout=120)
    stopped = subprocess.run([RB, "daemon", "stop"], env=env, capture_output=True, text=True, timeout=60).stdout
    assert stopped.startswith("stopped pid") and _status(env) == "not running\n"


def test_off_means_alone(resident):
    off = {**resident, "RB_DAEMON": "off"}
    before = _served(resident)
    assert _rb(["run", "tickets_created_over_time"], off).returncode == 0
    assert _served(resident) == before
    assert _status(off).startswith("off:")
