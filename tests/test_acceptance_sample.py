"""The public acceptance sample (../shared/acceptance) must pass: it calls `rb` as outsiders do.

`core` covers spec-language.md; `workspace` covers workspace.md (business-hours calendars, SLA
policy and progress, access with --as). Both pass with commands run in their own processes
and run by a resident process (docs/resident.md).
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[1].parent / "shared" / "acceptance" / "run.py"
RB = Path(sys.executable).with_name("rb")


@pytest.mark.skipif(not RUNNER.is_file(), reason="the shared acceptance sample is not next to this checkout")
@pytest.mark.parametrize("sample", ["core", "workspace"])
def test_public_acceptance_sample_passes(tmp_path, sample):
    # The runner drops every RB_* variable (RB_DAEMON=0 too): a runtime folder that others may
    # read is never used (docs/resident.md), so every command runs in its own process.
    runtime = tmp_path / "runtime"
    (runtime / "reportbuilder").mkdir(parents=True, mode=0o755)
    (runtime / "reportbuilder").chmod(0o755)
    _passes(sample, tmp_path, {**os.environ, "XDG_RUNTIME_DIR": str(runtime)})
    assert list((runtime / "reportbuilder").iterdir()) == []  # nothing started


@pytest.mark.skipif(not RUNNER.is_file(), reason="the shared acceptance sample is not next to this checkout")
@pytest.mark.parametrize("sample", ["core", "workspace"])
def test_public_acceptance_sample_passes_through_a_resident_process(tmp_path, sample, resident):
    _passes(sample, tmp_path, resident)
    status = subprocess.run([str(RB), "daemon", "status"], env=resident, capture_output=True, text=True)
    assert " 0 commands served" not in status.stdout and "running" in status.stdout, status.stdout


def _passes(sample: str, folder: Path, env: dict | None) -> None:
    done = subprocess.run([sys.executable, str(RUNNER), "--rb", str(RB), "--set", sample], cwd=folder,
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout
