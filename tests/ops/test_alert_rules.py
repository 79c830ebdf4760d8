"""The shipped Prometheus alert rules are well formed and name only metrics /metrics serves."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

RULES = Path(__file__).resolve().parents[2] / "ops" / "alerts" / "indusx-alerts.yml"
METRIC = re.compile(r"\bindusx_[a-z_]+")
SUFFIXES = ("_total", "_bucket", "_count", "_sum", "_created")
EXPECTED = {"IndusxHighErrorRatio", "IndusxJobBacklog", "IndusxLockoutSpike",
            "IndusxManyAccessRefusals", "IndusxBulkExports", "IndusxMassDataRoomDownloads"}


def _rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


@pytest.fixture
def exposed(app: FastAPI) -> Iterator[set[str]]:
    """Return the metric family names /metrics declares (its # TYPE lines)."""
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        body = client.get("/metrics").text
    yield {line.split()[2] for line in body.splitlines() if line.startswith("# TYPE ")}


def _family(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def test_the_rules_cover_errors_backlog_lockouts_refusals_exports_and_downloads() -> None:
    rules = _rules()
    assert {rule["alert"] for rule in rules} >= EXPECTED
    for rule in rules:
        assert rule["expr"].strip() and rule["annotations"]["summary"]
        assert rule["labels"]["severity"] in {"page", "ticket"}


def test_every_rule_names_metrics_that_the_app_exposes(exposed: set[str]) -> None:
    for rule in _rules():
        names = METRIC.findall(rule["expr"])
        assert names, rule["alert"]
        missing = {n for n in names if n not in exposed and _family(n) not in exposed}
        assert not missing, f"{rule['alert']} names {missing}, not served by /metrics"
