"""`indusx serve`: what it asks uvicorn for (worker health checks, idle connections), and
serving nginx on a Unix socket whose folder only nginx's group may enter (ASVS 1.2.2)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from indusx import cli

Serve = Callable[..., dict[str, Any]]
CLI = Path(sys.executable).with_name("indusx")
START_DEADLINE_S = 120.0


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Stub uvicorn.run; return the keywords of each call."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("INDUSX_ENV", "dev")
    monkeypatch.setenv("INDUSX_BASE_URL", "http://127.0.0.1:8000")
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    yield calls
    cli.get_settings.cache_clear()


def invoke(*args: str) -> Result:
    """Run `indusx serve ARGS` in this process."""
    cli.get_settings.cache_clear()
    return CliRunner().invoke(cli.app, ["serve", *args])


@pytest.fixture
def serve(uvicorn_calls: list[dict[str, Any]]) -> Serve:
    """Run `indusx serve ARGS` with uvicorn.run stubbed; return the keywords it was given."""

    def run(*args: str) -> dict[str, Any]:
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        return uvicorn_calls[-1]

    return run


@pytest.fixture
def socket_folder() -> Iterator[Path]:
    """Return a new folder for a socket, mode 0750, with a short path (at most 108 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="indusx-", dir="/tmp"))
    folder.chmod(0o750)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


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


def test_over_tcp_only_the_loopback_proxy_is_trusted_for_forwarded_headers(serve: Serve) -> None:
    called = serve("--host", "127.0.0.1", "--port", "8001")

    assert (called["host"], called["port"], called["proxy_headers"]) == ("127.0.0.1", 8001, True)
    # uvicorn's default then applies: X-Forwarded-For is believed from 127.0.0.1 and ::1 only.
    assert "forwarded_allow_ips" not in called
    assert "uds" not in called


def test_on_a_socket_the_forwarded_address_of_every_peer_is_believed(
    serve: Serve, socket_folder: Path,
) -> None:
    called = serve("--uds", str(socket_folder / "app.sock"))

    assert called["uds"] == str(socket_folder / "app.sock")
    assert called["forwarded_allow_ips"] == "*"
    assert "host" not in called and "port" not in called


@pytest.mark.parametrize("mode", [0o755, 0o751, 0o754, 0o777])
def test_serve_refuses_a_socket_folder_that_other_users_may_enter(
    uvicorn_calls: list[dict[str, Any]], socket_folder: Path, mode: int,
) -> None:
    socket_folder.chmod(mode)

    result = invoke("--uds", str(socket_folder / "app.sock"))

    assert result.exit_code == 1
    assert "open to other users" in result.output
    assert f"{mode:04o}" in result.output
    assert uvicorn_calls == []


def test_serve_refuses_a_socket_folder_that_does_not_exist(
    uvicorn_calls: list[dict[str, Any]], socket_folder: Path,
) -> None:
    result = invoke("--uds", str(socket_folder / "missing" / "app.sock"))

    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert uvicorn_calls == []


@pytest.fixture
def socket_server(socket_folder: Path, tmp_path: Path) -> Iterator[tuple[httpx.Client, Path]]:
    """Start a real `indusx serve --uds` (dev, SQLite); yield a client on it and its log."""
    sock = socket_folder / "app.sock"
    log = tmp_path / "serve.log"
    env = {**os.environ, "INDUSX_ENV": "dev", "INDUSX_LOG_FORMAT": "json",
           "INDUSX_DATABASE_URL": f"sqlite:///{tmp_path / 'indusx.db'}",
           "INDUSX_API_RATE_PER_MINUTE": "3", "INDUSX_OUTBOX_WORKER": "false",
           "INDUSX_MATCH_INDEXER": "false", "INDUSX_SCREENING_WARMER": "false"}
    env.pop("FORWARDED_ALLOW_IPS", None)
    with log.open("wb") as out:
        proc = subprocess.Popen([str(CLI), "serve", "--uds", str(sock)], env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    client = httpx.Client(transport=httpx.HTTPTransport(uds=str(sock)),
                          base_url="http://indusx.internal", timeout=60)
    try:
        deadline = time.monotonic() + START_DEADLINE_S
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the server did not start in time"
            try:
                client.get("/healthz")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield client, log
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_server_on_a_unix_socket_answers_and_counts_each_forwarded_client_apart(
    socket_server: tuple[httpx.Client, Path],
) -> None:
    client, log = socket_server

    health = client.get("/healthz", headers={"X-Request-ID": "uds-health-1"})
    assert health.status_code == 200
    # The rate limit (3 a minute here) keys by the client address: nginx's X-Forwarded-For.
    # Were the header ignored, every request would count against one empty address.
    first = [client.get("/openapi.json", headers={"X-Forwarded-For": "203.0.113.7"}).status_code
             for _ in range(6)]
    other = client.get("/openapi.json", headers={"X-Forwarded-For": "198.51.100.9"})

    assert first[0] == 200
    assert 429 in first
    assert other.status_code == 200
    lines = [json.loads(line) for line in log.read_text().splitlines()
             if line.startswith("{")]
    assert any(line.get("request_id") == "uds-health-1" and line.get("status") == 200
               for line in lines)
