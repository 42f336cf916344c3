"""reportbuilder: help-desk reports from short YAML specs, compiled to DuckDB SQL."""

__version__ = "0.1.0"  # the one place the version is set (pyproject reads it)
