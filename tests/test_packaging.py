"""A regular (non-editable) install ships every subpackage: pyproject lists them by hand."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(("reportbuilder",) + p.parent.relative_to(ROOT / "reportbuilder").parts)
             for p in (ROOT / "reportbuilder").rglob("__init__.py")}
    assert found - listed == set()
