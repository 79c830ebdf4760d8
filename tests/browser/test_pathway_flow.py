"""The regulatory pathway, driven through the real UI in headless Chromium."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import sessionmaker

from indusx import migrate
from indusx.config import Environment, Settings
from indusx.db import make_engine, session_scope
from indusx.demo.loader import DEMO_PASSWORD, load_demo
from indusx.main import create_app
from indusx.orgs import service as org_service
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the demo ecosystem (with its fictional restricted-party list)."""
    folder = tmp_path_factory.mktemp("browser-pathway")
    settings = Settings(env=Environment.TEST, database_url=f"sqlite:///{folder / 'p.db'}",
                        secret_key="x" * 40, outbox_worker=False, match_indexer=False)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with session_scope(sessionmaker(bind=engine)) as session:
        org_service.seed_focus_areas(session=session)
        load_demo(session=session, orgs=40)
    with live_server(create_app(settings, engine=engine)) as url:
        yield url
    engine.dispose()


def test_a_founder_assesses_a_co_production_and_learns_what_it_needs(
    site: str, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{site}/pathway")
    page.get_by_label("E-mail address").fill("founder.in@indusx.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/pathway$"))

    # Submitting an empty form names what is missing, and keeps the page.
    page.get_by_role("button", name="Assess").click()
    expect(page.locator(".alert-danger").first).to_be_visible()

    page.get_by_label("Title").fill("Turbine blades made in India")
    page.get_by_label(re.compile(r"^Co-production")).check()
    page.locator("#f-parties-0-name").fill("Example Turbine Works Inc.")
    page.locator("#f-parties-0-country").fill("US")
    page.locator("#f-parties-1-name").fill("Example Aero Components Pvt Ltd")
    page.locator("#f-parties-1-country").fill("IN")
    page.locator("#f-items-0-name").fill("High-pressure turbine blade")
    page.locator("#f-items-0-classification").fill("USML Cat. XIX")
    page.get_by_role("button", name="Add item").click()  # a row added by the page's script
    page.locator("#f-items-1-name").fill("Blade coating process data")
    page.get_by_label("Save the assessment").check()
    page.get_by_role("button", name="Assess").click()

    expect(page.get_by_text("not legal advice", exact=False).first).to_be_visible()
    # The unclassified second item withholds the verdict instead of guessing ...
    verdict = page.get_by_role("region", name=re.compile(r"^Incomplete"))
    expect(verdict).to_contain_text("the classification of Blade coating process data")
    # ... while the classified one already shows what it needs, with its rule and source.
    mla = page.get_by_role("article", name=re.compile(r"^Manufacturing Licence Agreement"))
    expect(mla).to_contain_text("USML Category XIX")
    expect(mla).to_contain_text("us-itar-mla-manufacture-abroad")
    expect(mla.get_by_role("link", name="source")).to_have_attribute("href", re.compile("ecfr"))

    page.goto(f"{site}/pathway/assessments")
    expect(page.get_by_text("Turbine blades made in India")).to_be_visible()
    # The empty submission's 422 is the only resource error the browser may report.
    assert [e for e in errors if "status of 422" not in e] == []
