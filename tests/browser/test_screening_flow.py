"""The screening flow, driven through the real UI in headless Chromium."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import sessionmaker

from indusx import migrate
from indusx.audit.service import Actor
from indusx.config import Environment, Settings
from indusx.db import make_engine, session_scope
from indusx.demo.loader import DEMO_PASSWORD, load_demo
from indusx.main import create_app
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from indusx.screening import imports
from indusx.screening.lists import ListFormat
from tests.screening.support import write_ofac
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser

OFFICER = "officer@indusx.example"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Fictional parties that resemble entries of the fictional OFAC test list.
LOOKALIKES = [
    {
        "name": "Zenith Strike Armaments Pvt Ltd",
        "country": "IN",
        "kind": "msme",
        "contact_name": "Priya Raman",
    },
    {
        "name": "Blue Lagoon Shipping Company",
        "country": "US",
        "kind": "prime",
        "contact_name": "Dmitri A. Volkov",
    },
]


def _shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    if os.environ.get("INDUSX_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the demo (with its fictional list) plus the OFAC test list and its lookalikes."""
    folder = tmp_path_factory.mktemp("browser-screening")
    settings = Settings(
        env=Environment.TEST,
        database_url=f"sqlite:///{folder / 's.db'}",
        secret_key="x" * 40,
        outbox_worker=False,
        match_indexer=False,
    )
    engine = make_engine(settings)
    migrate.upgrade(engine)
    factory = sessionmaker(bind=engine)
    actor = Actor.system("test")
    with session_scope(factory) as session:
        org_service.seed_focus_areas(session=session)
        load_demo(session=session, orgs=40)
        imports.import_list(
            session=session, fmt=ListFormat.OFAC, paths=write_ofac(folder / "ofac"), actor=actor
        )
        for fields in LOOKALIKES:
            org_service.create_org(
                session=session,
                actor=actor,
                org_in=OrgCreate.model_validate(
                    {
                        "description": "Fictional organisation for the screening demo.",
                        "focus_areas": ["undersea"],
                        **fields,
                    }
                ),
            )
    with live_server(create_app(settings, engine=engine)) as url:
        yield url
    engine.dispose()


def test_an_officer_reviews_a_case_and_marks_it_a_false_positive(
    site: str, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{site}/screening")
    expect(page).to_have_url(re.compile(r"/login\?next=/screening$"))
    page.get_by_label("E-mail address").fill(OFFICER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/screening$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Screening cases")
    rows = page.locator("#case-results tbody tr")
    zenith = rows.filter(has_text="Zenith Strike Armaments Pvt Ltd")
    expect(zenith).to_have_count(1)
    expect(zenith).to_contain_text("ZENITH STRIKE ARMAMENTS LIMITED")
    _shoot(page, "screening-queue.png")

    # Searching narrows the queue in place, and the address follows.
    page.get_by_label("Search").fill("volkov")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Dmitri A. Volkov")
    expect(page).to_have_url(re.compile(r"q=volkov"))
    page.get_by_label("Search").fill("")
    expect(zenith).to_have_count(1)

    # The case: the party beside the entry, with the engine's reasons.
    zenith.get_by_role("link", name=re.compile(r"^Review")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zenith Strike Armaments")
    expect(page.locator(".sc-reasons li").first).to_be_visible()
    expect(page.get_by_text("ZSA ARMAMENTS")).to_be_visible()
    _shoot(page, "screening-case.png", full_page=True)

    page.get_by_label("False positive — not the listed party").check()
    page.get_by_label("Reason").fill("An Indian MSME: Udyam number and directors differ")
    page.get_by_role("button", name="Record decision").click()

    expect(page).to_have_url(re.compile(r"/screening$"))
    expect(page.locator(".flash")).to_contain_text("marked false positive")
    expect(zenith).to_have_count(0)
    page.get_by_role("link", name=re.compile(r"^False positive")).click()
    expect(zenith).to_have_count(1)
    assert errors == [], errors
    page.close()
