"""How the vocabulary's measures split into parts, and the intervals against known values."""
import math
import subprocess
import sys

import pytest

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.check.check_spec import check_spec
from reportbuilder.insights import stats
from reportbuilder.insights.compare import bucket_stats
from reportbuilder.insights.parts import decompose
from reportbuilder.insights.series import Cell
from reportbuilder.load.load_spec import load_spec_text

MEASURES = ("count() as n, sum(handle_time_seconds) as handled, csat, nps, fcr_rate, first_response_sla_rate, "
            "avg_first_response_hours, avg_handle_time_minutes, median(handle_time_seconds) as med, "
            "count_distinct(owner_id) as owners, ces")


def measures():
    report = check_spec(load_spec_text(f"source: tickets\nmeasures: [{MEASURES}]\n", "s.yaml"), load_catalog())
    return {m.name: decompose(m.expr) for m in report.measures}


def test_vocabulary_measures_decompose():
    d = measures()
    assert (d["n"].kind, d["n"].counts) == ("additive", True)
    assert (d["handled"].kind, d["handled"].counts) == ("additive", False)
    for share in ("csat", "fcr_rate", "first_response_sla_rate"):
        assert d[share].proportion and d[share].scale == 100 and len(d[share].numerator) == 1
    assert d["nps"].proportion and [c for c, _ in d["nps"].numerator] == [1.0, -1.0]
    assert d["ces"].proportion and [c for c, _ in d["ces"].numerator] == [1.0, -1.0]  # scored like NPS
    assert d["avg_first_response_hours"].mean is not None
    assert d["avg_first_response_hours"].scale == pytest.approx(1 / 3600)
    assert d["avg_handle_time_minutes"].denominator[0][1].func == "count_if"
    assert d["med"].kind == d["owners"].kind == "other"


def test_share_carries_its_wilson_interval():
    d = measures()["csat"]
    (_, k), (_, n) = d.numerator[0], d.denominator[0]
    s = bucket_stats(d, Cell(80.0, {k: 8, n: 10}))
    assert s.n == 10 and s.successes == 8
    assert s.interval == pytest.approx((49.016, 94.332), abs=1e-3)  # Wilson 95% for 8 of 10


def test_nps_interval_from_its_own_variance():
    d = measures()["nps"]
    (_, promoters), (_, detractors) = d.numerator
    (_, answers) = d.denominator[0]
    # 50 promoters, 20 detractors, 30 passives of 100: NPS 30, var = (0.5 + 0.2 - 0.3^2) / 100.
    s = bucket_stats(d, Cell(30.0, {promoters: 50, detractors: 20, answers: 100}))
    half = stats.Z95 * math.sqrt((0.5 + 0.2 - 0.09) / 100) * 100
    assert s.interval == pytest.approx((30 - half, 30 + half))


def test_mean_interval_from_sum_of_squares():
    d = measures()["avg_handle_time_minutes"]
    total, n, square = d.aggregates
    # x = 60, 120, 180 seconds: mean 120 s = 2 min, sd 60 s = 1 min.
    s = bucket_stats(d, Cell(2.0, {total: 360, n: 3, square: 60 ** 2 + 120 ** 2 + 180 ** 2}))
    assert s.sd == pytest.approx(1.0) and s.n == 3
    assert s.interval == pytest.approx((2 - stats.Z95 / math.sqrt(3), 2 + stats.Z95 / math.sqrt(3)))


def test_scipy_is_loaded_only_by_insights():
    code = "import sys, reportbuilder.cli; assert 'scipy' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
