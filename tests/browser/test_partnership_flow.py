"""From an accepted introduction to a partnership in agreement with a marked document in its
data room, and the officer's pipeline dashboard counting it: driven in headless Chromium."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import sessionmaker

from indusx import migrate
from indusx.accounts import service as account_service
from indusx.accounts.models import PlatformRole
from indusx.audit.service import Actor
from indusx.config import Environment, Settings
from indusx.db import make_engine, session_scope
from indusx.main import create_app
from indusx.matching.models import Introduction, MatchMode
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
ACTOR = Actor.system("browser-test")


@dataclass(frozen=True)
class Site:
    url: str
    intro_id: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Serve two organisations, one in each country, with an introduction awaiting an answer."""
    folder = tmp_path_factory.mktemp("browser-partnership")
    settings = Settings(env=Environment.TEST, database_url=f"sqlite:///{folder / 'p.db'}",
                        secret_key="x" * 40, outbox_worker=False, match_indexer=False,
                        screening_warmer=False,
                        form_min_seconds=0)  # the human-pace check: test_human_pace.py
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with session_scope(sessionmaker(bind=engine)) as session:
        org_service.seed_focus_areas(session=session)
        users = {
            email: account_service.create_user(
                session=session, email=email, full_name=name, password=PASSWORD,
                platform_role=role, actor=ACTOR)
            for email, name, role in (
                ("us.owner@example.org", "Uma States", PlatformRole.MEMBER),
                ("in.owner@example.org", "Ila Bharat", PlatformRole.MEMBER),
                ("officer@example.org", "Omar Officer", PlatformRole.OFFICER),
            )
        }
        orgs = [
            org_service.create_org(session=session, actor=ACTOR, owner=users[email],
                                   org_in=OrgCreate.model_validate({
                                       "name": name, "country": country, "kind": "startup",
                                       "description": "Undersea acoustic modems.",
                                       "focus_areas": ["undersea"],
                                       "seeking": ["co_development"]}))
            for email, name, country in (
                ("us.owner@example.org", "Harbor Acoustics Inc.", "US"),
                ("in.owner@example.org", "Sagar Sonar Systems", "IN"),
            )
        ]
        intro = Introduction(mode=MatchMode.CO_DEVELOPMENT, from_org_id=orgs[0].id,
                             to_org_id=orgs[1].id,
                             requested_by_id=users["us.owner@example.org"].id,
                             note="Shall we build a modem together?")
        session.add(intro)
        session.flush()
        intro_id = intro.id
    with live_server(create_app(settings, engine=engine)) as url:
        yield Site(url, intro_id)
    engine.dispose()


def _sign_in(browser: Browser, site: Site, email: str, errors: list[str]) -> Page:
    page = browser.new_context(viewport={"width": 1360, "height": 1000}).new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{site.url}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile(": account$"))).to_be_visible()
    return page


def _pipeline_figure(page: Page, site: Site, label: str) -> str:
    page.goto(f"{site.url}/dashboards/pipeline")
    figure = page.locator(f'[data-figure="{label}"]')
    expect(figure).to_be_visible()
    return figure.inner_text()


def test_an_introduction_becomes_a_partnership_passes_its_gate_and_shows_on_the_dashboard(
    site: Site, browser: Browser
) -> None:
    errors: list[str] = []
    officer = _sign_in(browser, site, "officer@example.org", errors)
    assert _pipeline_figure(officer, site, "Reached agreement") == "0"
    # The charts are drawn, and each has its numbers in a table.
    expect(officer.locator('[data-dashboard-chart="funnel"][data-rendered="true"]')).to_have_count(1)
    officer.get_by_text("Show the numbers").first.click()
    expect(officer.get_by_role("table").first).to_be_visible()

    owner = _sign_in(browser, site, "in.owner@example.org", errors)
    owner.goto(f"{site.url}/introductions/{site.intro_id}")
    owner.get_by_role("button", name=re.compile("^Accept")).first.click()
    owner.get_by_role("button", name="Turn into a partnership").click()
    expect(owner).to_have_url(re.compile(r"/partnerships/\d+$"))
    expect(owner.locator("#current-stage")).to_be_visible()
    partnership_url = owner.url

    # Agreement is gated: without an assessment the server refuses, saying what is missing.
    owner.get_by_label("New stage").select_option("agreement")
    owner.get_by_role("button", name="Move stage").click()
    gate = owner.locator("#gate-missing")
    expect(gate).to_contain_text("No regulatory-pathway assessment")
    gate.get_by_role("link", name="Run the regulatory assessment").click()

    owner.locator("#f-items-0-name").fill("Acoustic modem firmware")
    owner.locator("#f-items-0-classification").fill("EAR99")
    owner.get_by_role("button", name="Assess").click()
    expect(owner).to_have_url(partnership_url)
    expect(owner.get_by_text("Assessment saved for the partnership.")).to_be_visible()

    owner.get_by_label("New stage").select_option("agreement")
    owner.get_by_role("button", name="Move stage").click()
    expect(owner.locator("#current-stage")).to_have_text("Agreement")

    owner.goto(f"{partnership_url}/room")
    # Need-to-know: managing the room is not enough to share in it; the owner names herself.
    owner.get_by_label("Name a member").select_option(label="Ila Bharat (in.owner@example.org)")
    owner.get_by_role("button", name="Add member").click()
    owner.get_by_label("Title").fill("Modem interface specification")
    owner.get_by_label("Marking").select_option(label="Business Confidential")
    owner.get_by_label("File").set_input_files(files=[{
        "name": "interface.txt", "mimeType": "text/plain",
        "buffer": b"Frame format: 64-byte header, 1 kB payload.\n"}])
    owner.get_by_role("button", name="Upload").click()
    expect(owner.get_by_text("Modem interface specification").first).to_be_visible()
    expect(owner.get_by_text("Business Confidential").first).to_be_visible()

    assert _pipeline_figure(officer, site, "Reached agreement") == "1"
    officer.get_by_text("Show the numbers").nth(4).click()  # data-room documents by marking
    row = officer.get_by_role("row", name=re.compile("^Business Confidential"))
    expect(row).to_contain_text("1")
    assert [e for e in errors if "status of 409" not in e] == []
