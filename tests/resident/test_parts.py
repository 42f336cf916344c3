"""The resident process's parts: where it listens and who may use it, when its code is stale,
signals relayed to the command, a command ended when its caller goes away."""
from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from reportbuilder.resident import client, freshness, place, server

RB = str(Path(sys.executable).with_name("rb"))


@pytest.fixture
def runtime(monkeypatch):
    folder = tempfile.mkdtemp(prefix="rbd-")
    monkeypatch.setenv("XDG_RUNTIME_DIR", folder)
    monkeypatch.setenv("RB_DAEMON", "1")
    return Path(folder) / "reportbuilder"


@pytest.mark.parametrize("value, on", [("", True), ("1", True), ("0", False), ("off", False), ("No", False),
                                       ("false", False)])
def test_rb_daemon_switch(monkeypatch, value, on):
    monkeypatch.setenv("RB_DAEMON", value)
    assert place.enabled() is (on and sys.platform.startswith("linux"))


def test_private_folder_is_created_for_the_user_only(runtime):
    assert place.private_folder(create=False) is None
    assert place.private_folder(create=True) == str(runtime)
    assert runtime.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("unsafe", ["readable by others", "a link", "a file"])
def test_an_unsafe_folder_is_never_used(runtime, tmp_path, unsafe):
    if unsafe == "readable by others":
        runtime.mkdir(mode=0o700)
        runtime.chmod(0o755)
    elif unsafe == "a link":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        runtime.symlink_to(tmp_path / "elsewhere")
    else:
        runtime.write_text("")
    assert place.private_folder(create=True) is None
    assert client.attach(["rb", "run", "tickets_created_over_time"]) is None


def test_socket_name_follows_the_identity(monkeypatch):
    first = place.socket_path("/x")
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    assert place.socket_path("/x") != first and place.identity()[-1] == "/somewhere/else"


def test_only_commands_that_end_are_routed():
    assert place.routed(["rb", "run", "x"]) and place.routed(["rb", "dashboard", "x"])
    assert not any(place.routed(argv) for argv in (["rb"], ["rb", "serve"], ["rb", "daemon", "stop"],
                                                     ["rb", "--version"], ["rb", "-h"]))


def test_every_command_is_either_routed_or_known_to_run_alone():
    from reportbuilder.cli import main

    assert set(main.commands) == place.ROUTED | {"serve", "daemon"}


def test_a_caller_whose_folder_is_gone_gets_what_it_gets_alone(resident, tmp_path):
    def run(env, name):
        gone = tmp_path / name
        gone.mkdir()
        script = (f"import os, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
                  "sys.argv = ['rb', 'list']; from reportbuilder.launch import main; main()")
        return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)

    served, alone = run(resident, "a"), run({**resident, "RB_DAEMON": "0"}, "b")
    assert (served.returncode, served.stdout, served.stderr) == (alone.returncode, alone.stdout, alone.stderr)


def test_freshness_sees_a_changed_added_or_removed_file(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "sub" / "data.yaml").write_text("a: 1\n")
    (package / "__pycache__").mkdir()
    before = freshness.snapshot(str(package))
    (package / "__pycache__" / "a.pyc").write_bytes(b"ignored")
    assert freshness.snapshot(str(package)) == before
    stat = (package / "a.py").stat()
    os.utime(package / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime, new ctime
    assert freshness.snapshot(str(package)) != before
    before = freshness.snapshot(str(package))
    (package / "sub" / "new.yaml").write_text("")
    assert freshness.snapshot(str(package)) != before
    before = freshness.snapshot(str(package))
    (package / "sub" / "new.yaml").unlink()
    assert freshness.snapshot(str(package)) != before


@pytest.mark.parametrize("name", server.WARM_MODULES)
def test_every_warmed_module_exists(name):
    importlib.import_module(name)


def test_the_launcher_imports_no_library():
    done = subprocess.run([sys.executable, "-c", "import json, sys; import reportbuilder.launch, "
                           "reportbuilder.resident.client; print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, timeout=60)
    heavy = [m for m in json.loads(done.stdout) if m.split(".")[0] in ("click", "duckdb", "sqlglot", "rich", "yaml")]
    assert heavy == []


def test_a_changed_rb_is_not_served_and_is_replaced(resident):
    """A file of rb changed on disk (here: only its ctime): the next command runs alone, the old
    resident process leaves, and that command starts a new one."""
    import reportbuilder

    status = lambda: subprocess.run([RB, "daemon", "status"], env=resident, capture_output=True,  # noqa: E731
                                    text=True, timeout=60).stdout
    old_pid = status().split("pid ")[1].split(",")[0]
    notes = Path(reportbuilder.__file__).parent / "catalog" / "column_notes.yaml"
    stat = notes.stat()
    os.utime(notes, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert "changed since it started" in status()
    done = subprocess.run([RB, "run", "tickets_created_over_time", "--format", "csv"], env=resident,
                          capture_output=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith(b"week,tickets")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not status().startswith("running") or f"pid {old_pid}," in status()):
        time.sleep(0.3)
    now = status()
    assert now.startswith("running") and f"pid {old_pid}," not in now and " 0 commands served" in now


def _fake_resident(path: str, reply_pid: int) -> socket.socket:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    return listener


def test_signals_reach_the_command_and_its_status_comes_back(runtime, tmp_path):
    """The caller's Ctrl-C goes to the command's process; the caller ends with the status the
    command sent."""
    folder = place.private_folder(create=True)
    listener = _fake_resident(place.socket_path(folder), 0)
    marker = tmp_path / "got-sigint"
    command = subprocess.Popen([sys.executable, "-c", "import signal, sys, time\n"
                                f"signal.signal(signal.SIGINT, lambda *_: (open({str(marker)!r}, 'w').close(), "
                                "sys.exit(0)))\nprint('ready', flush=True)\ntime.sleep(60)"],
                               stdout=subprocess.PIPE, text=True)
    assert command.stdout.readline() == "ready\n"
    caller = subprocess.Popen([sys.executable, "-c", "import sys\nfrom reportbuilder.resident import client\n"
                               "sys.exit(client.attach(['rb', 'run', 'x']))"], env=os.environ.copy())
    conn, _ = listener.accept()
    socket.recv_fds(conn, 1 << 20, 3)
    conn.sendall(f"pid {command.pid}\n".encode())
    time.sleep(0.5)
    caller.send_signal(signal.SIGINT)
    command.wait(timeout=30)
    assert marker.exists()
    conn.sendall(b"exit 7\n")
    conn.close()
    assert caller.wait(timeout=30) == 7
    listener.close()


def test_a_command_ends_when_its_caller_goes_away():
    caller, command_side = socket.socketpair()
    command = subprocess.Popen([sys.executable, "-c", "import socket, sys, time\n"
                                "from reportbuilder.resident import child\n"
                                "conn = socket.socket(fileno=int(sys.argv[1]))\n"
                                "child.hang_up_with(conn)\nprint('ready', flush=True)\ntime.sleep(60)",
                                str(command_side.fileno())], pass_fds=[command_side.fileno()],
                               stdout=subprocess.PIPE, text=True)
    command_side.close()
    assert command.stdout.readline() == "ready\n"
    caller.close()
    assert command.wait(timeout=30) == -signal.SIGHUP
