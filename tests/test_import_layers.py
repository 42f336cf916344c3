"""Modules import on their own (no cycles) and plan modules do not reach into check for the join graph."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("module", ["reportbuilder.check.check_parts", "reportbuilder.check.check_spec",
                                    "reportbuilder.check.scalar_expr", "reportbuilder.catalog.join_graph",
                                    "reportbuilder.plan.plan_report", "reportbuilder.access.row_filter"])
def test_a_fresh_import_works(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_plan_does_not_import_check_for_the_join_graph():
    for path in (ROOT / "reportbuilder" / "plan").glob("*.py"):
        assert "check.join" not in path.read_text(encoding="utf-8"), path.name
