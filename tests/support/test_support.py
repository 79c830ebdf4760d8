"""Tests of the test helpers themselves: PostgreSQL, Chromium, the live server, strict mode."""

from __future__ import annotations

import textwrap

import httpx
import psycopg
import pytest
from sqlalchemy import create_engine, make_url, text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

from tests.support import browser, postgres
from tests.support.browser import BrowserUnavailable, launch_chromium
from tests.support.live_server import live_server
from tests.support.postgres import PostgresUnavailable, throwaway_postgres
from tests.support.strict import MESSAGE, STRICT_ENV

pytest_plugins = ["pytester"]

PAGE = """<!doctype html>
<html><head><title>INDUS-X support</title></head>
<body>
  <h1>Hello from INDUS-X</h1>
  <p id="js">script did not run</p>
  <script>document.getElementById("js").textContent = "script ran";</script>
</body></html>
"""


async def _page(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE)


async def _ping(request: Request) -> PlainTextResponse:
    return PlainTextResponse("pong")


def _app() -> Starlette:
    return Starlette(routes=[Route("/", _page), Route("/ping", _ping)])


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.mark.postgres
def test_throwaway_postgres_runs_queries_and_goes_away(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(postgres.URL_ENV, raising=False)
    try:
        with throwaway_postgres() as url:
            parsed = make_url(url)
            assert parsed.drivername == "postgresql+psycopg"
            assert parsed.host == "127.0.0.1"
            assert parsed.database == "indusx_test"
            engine = create_engine(url)
            try:
                with engine.connect() as conn:
                    assert conn.execute(text("select 1")).scalar_one() == 1
                    assert conn.execute(text("select current_database()")).scalar_one() == (
                        "indusx_test"
                    )
                    version = conn.execute(text("show server_version_num")).scalar_one()
                    assert int(version) >= 130000
                    assert conn.execute(text("show fsync")).scalar_one() == "off"
            finally:
                engine.dispose()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    # The server is stopped on exit: nothing listens on its port any more.
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(
            host="127.0.0.1",
            port=parsed.port,
            user="postgres",
            dbname="postgres",
            connect_timeout=3,
        )


def test_throwaway_postgres_uses_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://someone@db.invalid:5432/elsewhere"
    monkeypatch.setenv(postgres.URL_ENV, url)
    with throwaway_postgres() as got:
        assert got == url


def test_missing_postgres_binaries_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(postgres.URL_ENV, raising=False)
    monkeypatch.setattr(postgres, "PG_BIN_GLOB", "/nonexistent/postgresql/*/bin")
    with pytest.raises(PostgresUnavailable, match=r"apt-get install -y postgresql"):  # noqa: SIM117
        with throwaway_postgres():
            pass


# --- live server and Chromium -----------------------------------------------------------------


def test_live_server_serves_then_stops() -> None:
    with live_server(_app()) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        response = httpx.get(f"{base_url}/ping", timeout=5)
        assert response.status_code == 200
        assert response.text == "pong"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/ping", timeout=5)


@pytest.mark.browser
def test_chromium_renders_page_from_live_server() -> None:
    from playwright.sync_api import sync_playwright

    try:
        browser.chromium_executable()
    except BrowserUnavailable as exc:
        pytest.skip(str(exc))
    with live_server(_app()) as base_url, sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            page = chromium.new_page()
            page.goto(base_url)
            assert page.title() == "INDUS-X support"
            assert page.text_content("h1") == "Hello from INDUS-X"
            assert page.text_content("#js") == "script ran"
        finally:
            chromium.close()


def test_missing_chromium_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(browser.CHROMIUM_ENV, "/nonexistent/chromium")
    with pytest.raises(BrowserUnavailable, match=r"/nonexistent/chromium"):
        browser.chromium_executable()


# --- strict mode ------------------------------------------------------------------------------

STRICT_SAMPLE = textwrap.dedent(
    """
    import pytest

    def test_passes():
        pass

    def test_skips():
        pytest.skip("no widget here")

    @pytest.mark.skip(reason="marked away")
    def test_marked():
        pass

    @pytest.mark.xfail(reason="known bug")
    def test_xfails():
        assert False
    """
)


def _run_with_strict_plugin(pytester: pytest.Pytester) -> pytest.RunResult:
    # The plugin module is already imported by this session, hence the rewrite warning.
    return pytester.runpytest(
        "-p", "tests.support.strict", "-W", "ignore::pytest.PytestAssertRewriteWarning"
    )


def test_strict_mode_turns_skips_into_failures(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STRICT_ENV, "1")
    pytester.makepyfile(test_sample=STRICT_SAMPLE)
    result = _run_with_strict_plugin(pytester)
    result.assert_outcomes(passed=1, failed=1, errors=1, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # A skip inside the test is a failure; a skip mark (applied at setup) is a setup error.
    result.stdout.fnmatch_lines([f"{MESSAGE}: marked away", f"{MESSAGE}: no widget here"])
    result.stdout.fnmatch_lines([f"ERROR *::test_marked - {MESSAGE}*"])
    result.stdout.fnmatch_lines([f"FAILED *::test_skips - {MESSAGE}*"])


def test_strict_mode_fails_module_level_skip(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STRICT_ENV, "1")
    pytester.makepyfile(
        test_module_skip="import pytest\npytest.skip('whole module', allow_module_level=True)\n"
        "def test_never():\n    pass\n"
    )
    result = _run_with_strict_plugin(pytester)
    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"*{MESSAGE}: whole module*"])


def test_without_strict_mode_skips_stay_skips(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(STRICT_ENV, raising=False)
    pytester.makepyfile(test_sample=STRICT_SAMPLE)
    result = _run_with_strict_plugin(pytester)
    result.assert_outcomes(passed=1, skipped=2, xfailed=1)
    assert result.ret == pytest.ExitCode.OK
