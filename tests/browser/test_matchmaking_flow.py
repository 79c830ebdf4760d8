"""The matchmaking flow, driven through the real UI in headless Chromium."""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from indusx import migrate
from indusx.accounts.models import Membership, User
from indusx.accounts.permissions import Principal
from indusx.config import Environment, Settings
from indusx.db import make_engine, session_scope
from indusx.demo.loader import DEMO_PASSWORD, load_demo
from indusx.main import create_app
from indusx.matching import service as match_service
from indusx.matching import vectors
from indusx.matching.models import MatchMode
from indusx.orgs import service as org_service
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser

FOUNDER = "founder.in@indusx.example"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass(frozen=True)
class Site:
    url: str
    other_mode: MatchMode  # a mode besides co-development in which the founder has suggestions


def _shoot(page: Page, name: str) -> None:
    if os.environ.get("INDUSX_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Serve the app over a temp-file SQLite database of 80 demo organisations, embedded."""
    folder = tmp_path_factory.mktemp("browser-matchmaking")
    settings = Settings(
        env=Environment.TEST, database_url=f"sqlite:///{folder / 'm.db'}",
        secret_key="x" * 40, outbox_worker=False, match_indexer=False,
        form_min_seconds=0,  # the human-pace check has its own test (test_human_pace.py)
    )
    engine = make_engine(settings)
    migrate.upgrade(engine)
    factory = sessionmaker(bind=engine)
    with session_scope(factory) as session:
        org_service.seed_focus_areas(session=session)
        load_demo(session=session, orgs=80)
    with session_scope(factory) as session:
        vectors.sync(session)
    with session_scope(factory) as session:
        # The mode to switch to comes from the same service the page uses.
        founder = session.scalars(select(User).where(User.email == FOUNDER)).one()
        org_id = session.scalars(
            select(Membership.org_id).where(Membership.user_id == founder.id)).first()
        assert org_id is not None
        principal = Principal.load(session=session, user=founder, via="web")
        other = next(
            mode for mode in (MatchMode.INVESTMENT, MatchMode.RESEARCH, MatchMode.CO_PRODUCTION)
            if match_service.suggestions(session=session, principal=principal, org_id=org_id,
                                         mode=mode).items
        )
    with live_server(create_app(settings, engine=engine)) as url:
        yield Site(url=url, other_mode=other)
    engine.dispose()


def test_a_founder_finds_partners_asks_for_an_introduction_and_reads_the_map(
    site: Site, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{site.url}/matchmaking")
    expect(page).to_have_url(re.compile(r"/login\?next=/matchmaking$"))
    page.get_by_label("E-mail address").fill(FOUNDER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/matchmaking$"))
    status = page.locator("#mm-status")
    cards = page.locator("#match-results > ol > li")
    expect(status).to_contain_text("co-development, cross-border")
    expect(cards.first.locator(".mm-bar-value").first).to_have_text(re.compile(r"^\d+%$"))
    _shoot(page, "matchmaking.png")

    # Another kind of partnership: the results change in place and the address follows.
    label = site.other_mode.value.replace("-", " ").capitalize().replace(" ", "-")
    mode = page.get_by_role("radio", name=label, exact=True)
    page.locator(f"label[for={mode.get_attribute('id')}]").click()  # the visible tab
    expect(mode).to_be_checked()
    expect(status).to_contain_text(f"{site.other_mode.value}, cross-border")
    expect(page).to_have_url(re.compile(rf"mode={site.other_mode.value}"))
    expect(cards.first).to_be_visible()

    # Ask for an introduction to the first suggestion.
    first = cards.first
    name = first.locator(".mm-name a").inner_text().strip()
    first.locator("summary", has_text="Request introduction").click()
    first.get_by_label(f"Note to {name}").fill("We would like to explore a joint project.")
    first.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text(f"Introduction requested: {name}")
    expect(page).to_have_url(re.compile(rf"mode={site.other_mode.value}"))
    expect(page.locator(".mm-name", has_text=name)).to_have_count(0)

    # Dismiss the next one: its card gives way to a note, and focus stays there.
    card = cards.first
    dismissed = card.locator(".mm-name a").inner_text().strip()
    card.locator("summary", has_text="Dismiss").click()
    card.get_by_label("Reason").select_option("not-now")
    card.get_by_role("button", name="Dismiss suggestion").click()
    note = page.locator("[data-dismissed]")
    expect(note).to_contain_text(f"{dismissed} dismissed - it won't be suggested again")
    expect(note).to_be_focused()

    # The opportunity map draws its chart and lists every focus area.
    page.get_by_role("link", name="Opportunity map").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opportunity map")
    chart = page.locator("#opportunity-chart")
    expect(chart).to_have_attribute("data-rendered", "true")
    expect(chart.locator("canvas")).to_have_count(1)
    assert chart.locator("canvas").bounding_box()["height"] > 300  # type: ignore[index]
    expect(page.locator(".mm-opportunity-table tbody tr")).to_have_count(12)
    _shoot(page, "opportunity-map.png")

    # Solver search: the passages that fit, with the shared words marked.
    page.get_by_role("link", name="Solver search").click()
    page.get_by_label("Paste a problem statement or requirement").fill(
        "Secure tactical radio networks and cyber defence for unmanned systems")
    page.get_by_role("button", name="Find solvers").click()
    expect(page).to_have_url(re.compile(r"/matchmaking/solvers\?q=Secure"))
    expect(page.locator(".mm-card").first).to_be_visible()
    expect(page.locator(".mm-evidence-text mark").first).to_be_visible()
    assert errors == [], errors
    page.close()
