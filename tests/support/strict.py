"""Pytest plugin: with INDUSX_STRICT_TESTS=1, a skipped test is reported as a failure.

CI sets the variable so that a test that silently skips (PostgreSQL or Chromium missing, say)
cannot pass for a green run. Load it with `pytest_plugins = ["tests.support.strict"]` in the
root conftest, or `-p tests.support.strict`. Expected failures (xfail) are left as they are.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

STRICT_ENV = "INDUSX_STRICT_TESTS"
MESSAGE = "skipped tests fail in strict mode"


def strict_enabled() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def _fail_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    report.outcome = "failed"
    report.longrepr = f"{MESSAGE}: {_skip_reason(report)}"


def pytest_report_header(config: pytest.Config) -> str | None:
    if strict_enabled():
        return f"{STRICT_ENV}=1: {MESSAGE}"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if strict_enabled() and report.skipped and not hasattr(report, "wasxfail"):
        _fail_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    # A module-level skip (pytest.skip(allow_module_level=True), importorskip) skips every test
    # in the module at collection time; in strict mode that is a collection error.
    report = yield
    if strict_enabled() and report.skipped:
        _fail_skip(report)
    return report
