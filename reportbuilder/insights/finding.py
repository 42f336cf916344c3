"""A finding: one statement about the report, with the numbers behind it.

`kind` is one of KINDS; `numbers` holds plain JSON values (floats rounded to 6
significant digits, so that the same input always prints the same output); `sentence`
is the line a person reads.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

KINDS = ("change", "driver", "shift", "trend", "outlier", "within_noise", "partial", "withheld")


@dataclass(frozen=True)
class Finding:
    kind: str
    measure: str | None
    sentence: str
    numbers: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")

    def to_json(self) -> dict:
        return {"kind": self.kind, "measure": self.measure, "numbers": _plain(self.numbers),
                "sentence": self.sentence}


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.6g}")
    return value


def fmt(value: float | None, unit: str | None = None) -> str:
    """A value as a sentence shows it: counts whole, others to 3 significant digits
    (1 decimal for percents)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if unit == "percent":
        return f"{value:.1f}%"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def fmt_delta(value: float, unit: str | None = None) -> str:
    """A difference with its sign; percent measures move in points."""
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    if unit == "percent":
        return f"{sign}{abs(value):.1f} pts"
    return sign + fmt(abs(value))


def fmt_p(p: float | None) -> str:
    if p is None or p != p:
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_pct(new: float, old: float) -> str:
    if not old:
        return ""
    return f", {100 * (new - old) / abs(old):+.0f}%"
