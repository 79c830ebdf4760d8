"""`indusx serve`: what it asks uvicorn for (worker health checks, idle connections)."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from indusx import cli

Serve = Callable[..., dict[str, Any]]


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Serve]:
    """Run `indusx serve ARGS` with uvicorn.run stubbed; return the keywords it was given."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("INDUSX_ENV", "dev")
    monkeypatch.setenv("INDUSX_BASE_URL", "http://127.0.0.1:8000")

    def run(*args: str) -> dict[str, Any]:
        cli.get_settings.cache_clear()
        result = CliRunner().invoke(cli.app, ["serve", *args])
        assert result.exit_code == 0, result.output
        return calls[-1]

    yield run
    cli.get_settings.cache_clear()


def test_serve_gives_a_replacement_worker_time_to_start_before_its_health_check(
    serve: Serve,
) -> None:
    called = serve("--workers", "3")

    # uvicorn's default of 5 s kills a worker still importing on a busy machine, over and over.
    assert called["workers"] == 3
    assert called["timeout_worker_healthcheck"] >= 15


def test_serve_keeps_idle_connections_longer_than_the_proxy_does(
    serve: Serve, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # uvicorn's default (5 s) closes connections nginx keeps for 60 s and reuses: a request
    # sent on one as it closes fails (the 10-minute soak met three such transport errors).
    assert serve()["timeout_keep_alive"] > 60
    monkeypatch.setenv("INDUSX_KEEP_ALIVE_SECONDS", "120")
    assert serve()["timeout_keep_alive"] == 120
