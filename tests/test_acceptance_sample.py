"""The public acceptance sample (../shared/acceptance) must pass: it calls `rb` as outsiders do.

`core` covers spec-language.md; `workspace` covers workspace.md (business-hours calendars, SLA
policy and progress, access with --as).
"""
import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[1].parent / "shared" / "acceptance" / "run.py"
RB = Path(sys.executable).with_name("rb")


@pytest.mark.skipif(not RUNNER.is_file(), reason="the shared acceptance sample is not next to this checkout")
@pytest.mark.parametrize("sample", ["core", "workspace"])
def test_public_acceptance_sample_passes(tmp_path, sample):
    done = subprocess.run([sys.executable, str(RUNNER), "--rb", str(RB), "--set", sample], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout
