"""BuildError is one of the ReportErrors: the CLI needs no case of its own for it."""
from __future__ import annotations

import pytest

from reportbuilder.cli import _Failure, _guard
from reportbuilder.errors import BuildError, ReportError


def _raise(exc):
    def action(sources):
        raise exc
    return action


def test_build_error_is_a_report_error_with_exit_code_2():
    assert issubclass(BuildError, ReportError) and BuildError.exit_code == 2


def test_the_cli_prints_it_as_error_message_exit_2():
    with pytest.raises(_Failure) as info:
        _guard(False, _raise(BuildError("the date range has 300,000 hour buckets")))
    assert (info.value.message, info.value.exit_code) == ("error: the date range has 300,000 hour buckets", 2)


def test_debug_shows_it_as_it_is():
    with pytest.raises(BuildError):
        _guard(True, _raise(BuildError("x")))
