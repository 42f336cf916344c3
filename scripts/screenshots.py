"""Refresh the screenshots of docs/serve.md from the browser tests' artifacts.

The browser tests (tests/serve/browser) drive the real pages in Chromium and keep a screenshot
of each state they check; this runs them with the artifacts in a scratch folder and copies the
ones the docs show into docs/images/, so the pictures in the docs are of tested pages.

    .venv/bin/python scripts/screenshots.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
SHOWN = {  # artifact (tests/serve/browser) -> docs/images file
    "report_tickets_created_monthly_compare.png": "serve-report.png",
    "report_tickets_by_channel_filtered.png": "serve-report-filtered.png",
    "report_calls_by_owner_drill.png": "serve-drill.png",
    "dashboard_helpdesk_summary_team.png": "serve-dashboard.png",
    "builder_built_report.png": "serve-builder.png",
    "builder_typo_error.png": "serve-builder-error.png",
}
TESTS = ["tests/serve/browser/test_report_page.py::test_range_and_filter_give_the_numbers_of_rb_run",
         "tests/serve/browser/test_report_page.py::test_clicking_a_bar_lists_the_rows_behind_it",
         "tests/serve/browser/test_report_page.py::test_granularity_and_compare_controls",
         "tests/serve/browser/test_dashboard_page.py", "tests/serve/browser/test_builder_page.py"]


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "RB_TEST_ARTIFACTS": scratch}
        ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:warnings", *TESTS], cwd=ROOT, env=env)
        if ran.returncode != 0:
            print("the browser tests failed: docs/images left as they were", file=sys.stderr)
            return ran.returncode
        IMAGES.mkdir(parents=True, exist_ok=True)
        for artifact, name in SHOWN.items():
            shutil.copyfile(Path(scratch) / "serve" / artifact, IMAGES / name)
            print(f"docs/images/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
