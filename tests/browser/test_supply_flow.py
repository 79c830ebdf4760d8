"""Supply-chain resilience, driven through the real UI in headless Chromium."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from indusx import migrate
from indusx.config import Environment, Settings
from indusx.db import make_engine, session_scope
from indusx.demo.loader import DEMO_PASSWORD, load_demo
from indusx.main import create_app
from indusx.matching import vectors
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from indusx.supply import service as supply_service
from indusx.supply.schemas import PartCreate, SourceCreate, SystemCreate
from tests.conftest import ACTOR
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser
OFFICER = "officer@indusx.example"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _org(session: Session, name: str, country: str, text: str) -> int:
    org = org_service.create_org(
        session=session,
        org_in=OrgCreate(name=name, country=country, kind="msme", description=text,
                         capabilities=text, focus_areas=["jet-propulsion"],
                         seeking=["co_production"], contact_email="supply@example.org"),
        actor=ACTOR,
    )
    return org.id


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """Serve a small engine whose nickel bar comes only from China, with Indian alternatives.

    Taking China out leaves the bar short; the directory holds an Indian superalloy mill
    that the matcher proposes as an alternate source.
    """
    folder = tmp_path_factory.mktemp("browser-supply")
    settings = Settings(env=Environment.TEST, database_url=f"sqlite:///{folder / 's.db'}",
                        secret_key="x" * 40, outbox_worker=False, match_indexer=False)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    factory = sessionmaker(bind=engine)
    with session_scope(factory) as session:
        org_service.seed_focus_areas(session=session)
        load_demo(session=session, orgs=30)
        integrator = _org(session, "Meridian Turbine Works", "US",
                          "Integrates small turbofan engines for unmanned aircraft.")
        forge = _org(session, "Granite Forge Components", "US",
                     "Closed-die forging of turbine discs and shafts.")
        _org(session, "Shakti Superalloys", "IN",
             "Vacuum induction melting of nickel superalloy bar stock and billet for "
             "aero-engine forgings.")
        system = supply_service.create_system(
            session=session, principal=None,
            system_in=SystemCreate(code="TF-9", name="Small turbofan", annual_demand=120,
                                   integrator_org_id=integrator))
        core = supply_service.add_part(session=session, principal=None, system_id=system.id,
                                       part_in=PartCreate(number="HPT", name="Turbine module",
                                                          kind="assembly"))
        disc = supply_service.add_part(
            session=session, principal=None, system_id=system.id,
            part_in=PartCreate(number="HPT-D", name="Turbine disc", parent_id=core.id,
                               quantity=1, description="Forged nickel turbine disc"))
        bar = supply_service.add_part(
            session=session, principal=None, system_id=system.id,
            part_in=PartCreate(number="NI-BAR", name="Nickel superalloy bar", kind="material",
                               parent_id=disc.id, quantity=4,
                               description="Vacuum-melted nickel superalloy bar stock"))
        supply_service.add_source(session=session, principal=None, part_id=disc.id,
                                  source_in=SourceCreate(supplier_org_id=forge, share=1.0,
                                                         lead_time_days=120,
                                                         annual_capacity=300))
        supply_service.add_source(session=session, principal=None, part_id=bar.id,
                                  source_in=SourceCreate(supplier_name="Dragon Alloys",
                                                         country="CN", share=1.0,
                                                         lead_time_days=200,
                                                         annual_capacity=1000))
        system_id = system.id
    with session_scope(factory) as session:
        vectors.sync(session)
    with live_server(create_app(settings, engine=engine)) as url:
        yield SimpleNamespace(url=url, system_id=system_id)
    engine.dispose()


def _shot(page: Page, name: str) -> None:
    if os.environ.get("INDUSX_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_an_officer_finds_a_single_country_material_and_its_alternate_source(
    site: SimpleNamespace, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{site.url}/supply")
    page.get_by_label("E-mail address").fill(OFFICER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/supply$"))

    page.get_by_role("link", name="Small turbofan").click()
    expect(page.get_by_role("heading", name=re.compile("Small turbofan"))).to_be_visible()
    # The risk table names the bar first, marked risky in words, with its only source.
    first = page.locator("#risk-table tbody tr").first
    expect(first).to_contain_text("Nickel superalloy bar")
    expect(first).to_contain_text("Single source")
    expect(first).to_contain_text("Dragon Alloys (CN)")
    # Sorting by part number swaps the table in place.
    page.locator("#risk-table").get_by_role("link", name=re.compile("^Part")).click()
    expect(page.locator("#risk-table tbody tr").first).to_contain_text("Turbine module")
    expect(page).to_have_url(re.compile(r"sort=number"))

    page.get_by_role("tab", name="BOM graph").click()
    expect(page.locator("[data-bom-graph][data-rendered]")).to_have_count(1)
    page.get_by_label("Find a part").select_option(label="NI-BAR · Nickel superalloy bar")
    expect(page.locator("#graph-panel")).to_contain_text("Dragon Alloys")

    page.get_by_role("link", name="Simulate a disruption").first.click()
    expect(page.get_by_label(re.compile("Small turbofan"))).to_be_checked()
    page.get_by_label("Countries out").fill("CN")
    page.get_by_role("button", name="Run").click()
    result = page.locator("#scenario-result")
    expect(result).to_contain_text("Shortfall by part")
    short = result.locator("tbody[id^=short-]", has_text="Nickel superalloy bar")
    expect(short).to_contain_text("Lost: Dragon Alloys (CN)")
    expect(short.get_by_role("link", name="Shakti Superalloys")).to_be_visible()
    expect(result.locator("[data-scenario-chart][data-rendered]")).to_have_count(1)
    _shot(page, "supply-scenario.png")
    assert errors == []
