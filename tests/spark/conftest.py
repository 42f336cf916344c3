"""What the Spark tests share: one local SparkSession and one demo data folder per run."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reportbuilder.run.spark_engine import spark_available, spark_session


@pytest.fixture(scope="session")
def spark():
    missing = spark_available()
    if missing:
        pytest.skip(f"Spark cannot run here: {missing}")
    return spark_session("local[2]")


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The demo data (Asia/Kolkata, a half-hour offset; weeks starting on Sunday)."""
    from reportbuilder.demo.generate_demo import generate_demo

    path = tmp_path_factory.mktemp("demo")
    generate_demo(path, anchor=date(2026, 6, 15))
    return path
