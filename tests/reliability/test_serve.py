"""`indusx serve` with several workers: a replacement for a dead worker gets time to start."""

from typing import Any

import pytest
from typer.testing import CliRunner

from indusx import cli


def test_serve_gives_a_replacement_worker_time_to_start_before_its_health_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("INDUSX_ENV", "dev")
    monkeypatch.setenv("INDUSX_BASE_URL", "http://127.0.0.1:8000")
    cli.get_settings.cache_clear()

    result = CliRunner().invoke(cli.app, ["serve", "--workers", "3"])
    cli.get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    # uvicorn's default of 5 s kills a worker still importing on a busy machine, over and over.
    assert calls[0]["workers"] == 3
    assert calls[0]["timeout_worker_healthcheck"] >= 15


def test_serve_keeps_idle_connections_longer_than_the_proxy_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("INDUSX_ENV", "dev")
    monkeypatch.setenv("INDUSX_BASE_URL", "http://127.0.0.1:8000")
    cli.get_settings.cache_clear()
    assert CliRunner().invoke(cli.app, ["serve"]).exit_code == 0
    monkeypatch.setenv("INDUSX_KEEP_ALIVE_SECONDS", "120")
    cli.get_settings.cache_clear()
    assert CliRunner().invoke(cli.app, ["serve"]).exit_code == 0
    cli.get_settings.cache_clear()

    # uvicorn's default (5 s) closes connections nginx keeps for 60 s and reuses: a request
    # sent on one as it closes fails (the 10-minute soak met three such transport errors).
    assert calls[0]["timeout_keep_alive"] > 60
    assert calls[1]["timeout_keep_alive"] == 120

