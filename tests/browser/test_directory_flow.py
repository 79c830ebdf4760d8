"""The main directory flow, driven through the real UI in headless Chromium."""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import sessionmaker

from indusx import migrate
from indusx.config import Environment, Settings
from indusx.db import make_engine, session_scope
from indusx.demo.loader import DEMO_PASSWORD, load_demo
from indusx.main import create_app
from indusx.orgs import service as org_service
from indusx.orgs.search import OrgQuery, search_orgs
from indusx.orgs.taxonomy import Country
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser

FOUNDER = "founder.in@indusx.example"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CANDIDATE_TERMS = ("autonomy", "vehicles", "munitions", "undersea", "maritime", "radar")


@dataclass(frozen=True)
class Site:
    url: str
    term: str
    term_total: int
    country: str
    both_total: int


def _shoot(page: Page, name: str) -> None:
    if os.environ.get("INDUSX_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Serve the app over a temp-file SQLite database holding 60 demo organisations."""
    folder = tmp_path_factory.mktemp("browser")
    settings = Settings(
        env=Environment.TEST, database_url=f"sqlite:///{folder / 'b.db'}",
        secret_key="x" * 40, outbox_worker=False,
    )
    engine = make_engine(settings)
    migrate.upgrade(engine)
    factory = sessionmaker(bind=engine)
    with session_scope(factory) as session:
        org_service.seed_focus_areas(session=session)
        load_demo(session=session, orgs=60)
    with session_scope(factory) as session:
        # A search term that matches some, not all, organisations, and a country facet
        # that narrows it further; the expected counts come from the same search service.
        term, total = next(
            (t, n) for t in CANDIDATE_TERMS
            if 1 < (n := search_orgs(session=session, query=OrgQuery(q=t)).total) < 60
        )
        country, both = next(
            (c.value, n) for c in Country
            if 0 < (n := search_orgs(session=session,
                                     query=OrgQuery(q=term, country=[c])).total) < total
        )
    with live_server(create_app(settings, engine=engine)) as url:
        yield Site(url=url, term=term, term_total=total, country=country, both_total=both)
    engine.dispose()


def test_a_founder_searches_the_directory_and_edits_their_profile(
    site: Site, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The invalid form answers 422 on purpose; anything else logged as an error is a bug.
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "status of 422" not in msg.text else None)

    # Signing in from a protected page returns there.
    page.goto(f"{site.url}/orgs")
    expect(page).to_have_url(re.compile(r"/login\?next=/orgs$"))
    page.get_by_label("E-mail address").fill(FOUNDER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/orgs$"))
    count = page.locator("#result-count")
    expect(count).to_contain_text("of 62 organisations")  # and the two demo agencies

    # Typing a query updates the results in place, and the URL with them.
    page.get_by_label("Search the directory").fill(site.term)
    expect(count).to_contain_text(f"of {site.term_total} organisation")
    expect(page).to_have_url(re.compile(rf"q={site.term}"))
    expect(page.locator(".org-card")).to_have_count(min(site.term_total, 20))

    # Ticking a facet narrows them further.
    page.locator(f"#facet-country-{site.country}").check()
    expect(count).to_contain_text(f"of {site.both_total} organisation")
    expect(page).to_have_url(re.compile(rf"country={site.country}"))
    expect(page.locator(".chip", has_text="Country:")).to_have_count(1)
    expect(page.locator(f"#facet-country-{site.country}")).to_be_checked()
    _shoot(page, "directory.png")

    # A result opens the organisation's profile.
    first = page.locator(".org-card-title a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_text("Contact details are shared with")).to_be_visible()
    _shoot(page, "profile.png")

    # The founder's own organisation: edit it through the account menu's My organisation.
    page.get_by_role("button", name=re.compile(r": account$")).click()
    page.get_by_role("link", name="My organisation").click()
    page.locator("a", has_text="Edit").first.click()
    expect(page).to_have_url(re.compile(r"/orgs/[a-z0-9-]+/edit$"))
    page.get_by_label("Website").fill("not a url")
    page.get_by_label("Headcount").fill("-5")
    page.get_by_role("button", name="Save changes").click()

    website = page.get_by_label("Website")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#f-website-error")).to_contain_text("web address")
    expect(page.locator("#f-headcount-error")).to_be_visible()
    expect(website).to_have_value("not a url")
    expect(website).to_have_attribute("aria-invalid", "true")
    page.locator("#sec-company").scroll_into_view_if_needed()
    _shoot(page, "edit-error.png")

    # Fields for other kinds of organisation stay out of the way.
    expect(page.locator("#sec-thesis")).to_be_hidden()
    # The offerings group grows a row in the browser.
    rows = page.locator("#offering-list [data-row]")
    before = rows.count()
    page.get_by_role("button", name="Add offering").click()
    expect(rows).to_have_count(before + 1)
    rows.last.get_by_label("Name").fill("Sea-trial data package")
    rows.last.get_by_label("Readiness (TRL)").select_option("7")

    new_description = "Acoustic modems and undersea sensor networks, now with sea-trial data."
    website.fill("https://example.in")
    page.get_by_label("Headcount").fill("42")
    page.get_by_label("Short description").fill(new_description)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.locator(".lead-text")).to_have_text(new_description)
    expect(page.get_by_text("42 people")).to_be_visible()
    expect(page.locator(".offerings-table")).to_contain_text("Sea-trial data package")

    # Signing out lands on the sign-in page.
    page.locator(".navbar .dropdown-toggle").last.click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert errors == [], errors
    page.close()
