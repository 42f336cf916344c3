"""The statistics insights use, each a thin call into scipy (imported here only, and only
when `rb insights` runs).

- Wilson interval of a share (`binomtest(...).proportion_ci(method="wilson")`).
- A categorical score such as NPS (+1 promoter, -1 detractor, 0 passive): its normal
  interval from its own variance, (sum c^2 p - (sum c p)^2) / n.
- Two counts (Poisson): the exact conditional test, k1 ~ Binomial(k1 + k0, 1/2).
- Two shares: Fisher's exact test; two categorical scores: a z test on their variances;
  two means: Welch's t test from the bucket's n, mean and standard deviation.
- Trend: Kendall's tau of the values against time (the Mann-Kendall test) and the
  Theil-Sen slope with its confidence interval.
- Level shift: the split that maximises the Mann-Whitney statistic, its p value
  multiplied by the number of splits tried (Bonferroni), so that searching is paid for.
- Robust scale: the normal-consistent median absolute deviation.
- The normal quantile of a two-sided test at a corrected level (a rate's unusual bucket).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


def wilson(successes: int, trials: int) -> tuple[float, float]:
    from scipy.stats import binomtest

    ci = binomtest(int(successes), int(trials)).proportion_ci(0.95, method="wilson")
    return float(ci.low), float(ci.high)


def categorical(shares: list[tuple[float, float]], n: float) -> tuple[float, float]:
    """(value, standard error) of sum(c * p) for categories with weights c and shares p."""
    value = sum(c * p for c, p in shares)
    variance = max(sum(c * c * p for c, p in shares) - value * value, 0.0)
    return value, math.sqrt(variance / n)


def poisson_p(new: float, old: float) -> float:
    from scipy.stats import binomtest

    total = int(round(new)) + int(round(old))
    if total == 0:
        return 1.0
    return float(binomtest(int(round(new)), total, 0.5).pvalue)


def fisher_p(k1: int, n1: int, k0: int, n0: int) -> float:
    from scipy.stats import fisher_exact

    return float(fisher_exact([[int(k1), int(n1 - k1)], [int(k0), int(n0 - k0)]]).pvalue)


def z_two_sided(alpha: float) -> float:
    """The normal quantile a two-sided test at level `alpha` must exceed."""
    from scipy.stats import norm

    return float(norm.isf(alpha / 2))


def z_p(difference: float, se: float) -> float:
    from scipy.stats import norm

    if se <= 0:
        return 0.0 if difference else 1.0
    return float(2 * norm.sf(abs(difference) / se))


def welch_p(mean1: float, sd1: float, n1: float, mean0: float, sd0: float, n0: float) -> float:
    from scipy.stats import ttest_ind_from_stats

    if n1 < 2 or n0 < 2 or (sd1 == 0 and sd0 == 0):
        return math.nan
    return float(ttest_ind_from_stats(mean1, sd1, n1, mean0, sd0, n0, equal_var=False).pvalue)


@dataclass(frozen=True)
class Trend:
    slope: float  # per bucket
    low: float
    high: float
    tau: float
    p: float


def trend(values: list[float]) -> Trend:
    from scipy.stats import kendalltau, theilslopes

    x = list(range(len(values)))
    tau = kendalltau(x, values)
    slope = theilslopes(values, x, alpha=0.95)
    p = float(tau.pvalue) if tau.pvalue == tau.pvalue else 1.0  # nan (constant series): no trend
    return Trend(float(slope.slope), float(slope.low_slope), float(slope.high_slope), float(tau.statistic or 0), p)


@dataclass(frozen=True)
class Shift:
    at: int  # index of the first value after the shift
    before: float  # median before
    after: float  # median after
    p: float  # Bonferroni-adjusted


def shift(values: list[float], margin: int = 3) -> Shift | None:
    """The most likely single change of level, or None when the series is too short."""
    import numpy as np
    from scipy.stats import mannwhitneyu, rankdata

    n = len(values)
    if n < 2 * margin + 2:
        return None
    ranks = rankdata(values)
    best, best_z = None, -1.0
    for k in range(margin, n - margin + 1):
        u = ranks[:k].sum() - k * (k + 1) / 2
        z = abs(u - k * (n - k) / 2) / math.sqrt(k * (n - k) * (n + 1) / 12)
        if z > best_z + 1e-12:
            best, best_z = k, z
    before, after = values[:best], values[best:]
    p = float(mannwhitneyu(before, after, alternative="two-sided").pvalue)
    tried = n - 2 * margin + 1
    return Shift(best, float(np.median(before)), float(np.median(after)), min(1.0, p * tried))


def robust_scale(values: list[float]) -> float:
    """Normal-consistent MAD; the mean absolute deviation (x 1.2533) when the MAD is 0."""
    import numpy as np
    from scipy.stats import median_abs_deviation

    if len(values) < 2:
        return 0.0
    mad = float(median_abs_deviation(values, scale="normal"))
    if mad > 0:
        return mad
    arr = np.asarray(values, dtype=float)
    return float(np.mean(np.abs(arr - np.median(arr))) * 1.2533)


def median(values: list[float]) -> float:
    import numpy as np

    return float(np.median(values))


def linear_rss(values: list[float], slope: float) -> float:
    """Residual sum of squares around the Theil-Sen line (median intercept)."""
    import numpy as np

    x = np.arange(len(values))
    y = np.asarray(values, dtype=float)
    intercept = np.median(y - slope * x)
    return float(np.sum((y - intercept - slope * x) ** 2))


def step_rss(values: list[float], at: int) -> float:
    import numpy as np

    y = np.asarray(values, dtype=float)
    return float(np.sum((y[:at] - y[:at].mean()) ** 2) + np.sum((y[at:] - y[at:].mean()) ** 2))
