"""Every page that draws bars, meters or charts works under a CSP with no inline styles.

The site is served with `style-src-attr` left out of the Content Security Policy, so the
browser refuses any `style="..."` attribute in markup (or set with setAttribute). Headless
Chromium visits each page that once carried one, as the officer (and a reviewer for the review
queue), and the test fails on any CSP report, console error or script error. It also checks
that the bars are as wide as their figures say and that charts got their heights.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from indusx import main, migrate
from indusx.accounts import service as account_service
from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.challenges.models import Challenge, Review, ReviewStatus
from indusx.config import Environment, Settings
from indusx.db import make_engine, session_scope
from indusx.demo.loader import load_demo
from indusx.deps import SESSION_COOKIE
from indusx.main import create_app
from indusx.matching import introductions
from indusx.matching.models import MatchMode
from indusx.orgs.models import Organisation
from indusx.partnerships.models import PartnershipComment
from indusx.supply.models import Scenario, SupplySystem
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser
STRICT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)
# Records what the browser refused, in the page itself: console text can be rephrased.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.sample || ""));
});
"""
# For each drawn bar: its class's percentage and its width as a percentage of its track.
BAR_WIDTHS = """
() => Array.from(document.querySelectorAll(".fill-pct")).filter(function (el) {
  return el.parentElement.getBoundingClientRect().width > 0;
}).map(function (el) {
  const pct = Number((el.className.match(/\\bpct-(\\d+)\\b/) || [0, -1])[1]);
  const track = el.parentElement.getBoundingClientRect().width;
  return [pct, 100 * el.getBoundingClientRect().width / track];
})
"""


@dataclass
class Site:
    url: str
    cookies: dict[str, str]
    paths: dict[str, str]
    reviewer_cookie: str
    shots: Path


def _sessions(session: Session, settings: Settings, emails: list[str]) -> dict[str, str]:
    users = session.scalars(select(User).where(User.email.in_(emails))).all()
    return {u.email: account_service.start_web_session(session=session, user=u, settings=settings)
            for u in users}


def _introduction(session: Session) -> int:
    """Have the Indian founder's start-up ask a US organisation for an introduction."""
    founder = session.scalars(select(User).where(User.email == "founder.in@indusx.example")).one()
    principal = Principal.load(session=session, user=founder, via="test")
    from_org = next(iter(principal.org_roles))
    to_org = session.scalars(select(Organisation.id).where(Organisation.country == "US")
                             .order_by(Organisation.id)).first()
    assert to_org is not None
    intro = introductions.request(
        session=session, principal=principal, from_org_id=from_org, to_org_id=to_org,
        mode=MatchMode.CO_DEVELOPMENT, note="Joint work on a seeker head.", score=0.73,
        reason="Both work on seekers.",
        components={"capability": 0.91, "focus": 0.4, "seeking": 0.0, "trl": 1.0},
    )
    return intro.id


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Serve the demo ecosystem with a CSP that allows no inline style at all."""
    folder = tmp_path_factory.mktemp("browser-csp")
    settings = Settings(env=Environment.TEST, database_url=f"sqlite:///{folder / 'c.db'}",
                        secret_key="x" * 40, outbox_worker=False, match_indexer=False)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    factory = sessionmaker(bind=engine)
    with session_scope(factory) as session:
        load_demo(session=session, orgs=30)
        intro_id = _introduction(session)
        org = session.scalars(select(Organisation).where(Organisation.offerings.any())
                              .order_by(Organisation.id)).first()
        assert org is not None
        comment = session.scalars(select(PartnershipComment).order_by(PartnershipComment.id)
                                  ).first()
        assert comment is not None
        challenges = {c.phase.value: c.slug for c in session.scalars(select(Challenge))}
        system = session.scalars(select(SupplySystem).order_by(SupplySystem.id)).first()
        scenario = session.scalars(select(Scenario).order_by(Scenario.id)).first()
        assert system is not None and scenario is not None
        review = session.scalars(
            select(Review).where(Review.status == ReviewStatus.IN_PROGRESS)).first()
        assert review is not None
        reviewer = session.get(User, review.reviewer_id)
        assert reviewer is not None
        cookies = _sessions(session, settings, ["officer@indusx.example", reviewer.email])
        paths = {
            "profile": f"/orgs/{org.slug}",
            "opportunities": "/matchmaking/opportunities",
            "introduction": f"/introductions/{intro_id}",
            "screening": "/screening",
            "screening case": "/screening/cases/1",
            "partnership": f"/partnerships/{comment.partnership_id}",
            "ecosystem dashboard": "/dashboards/ecosystem",
            "supply dashboard": "/dashboards/supply",
            "roadmap": "/roadmap",
            "initiative": "/roadmap/initiatives/1",
            "supply system": f"/supply/systems/{system.id}",
            "scenario": f"/supply/scenarios/{scenario.id}",
            "challenge": f"/challenges/{challenges['open']}",
            "ranking": f"/challenges/{challenges['shortlist']}/ranking",
            "challenge report": f"/challenges/{challenges['awarded']}/report",
        }
        reviewer_cookie = cookies[reviewer.email]
    engine.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(main.SECURITY_HEADERS, "Content-Security-Policy", STRICT_CSP)
        app = create_app(settings)
        with live_server(app) as url:
            yield Site(url=url, cookies={"officer": cookies["officer@indusx.example"]},
                       paths=paths, reviewer_cookie=reviewer_cookie, shots=folder)


def _page(browser: Browser, site: Site, cookie: str, errors: list[str]) -> Page:
    context = browser.new_context(viewport={"width": 1360, "height": 1000})
    context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": site.url}])
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}")
            if msg.type == "error" or "Content Security Policy" in msg.text else None)
    return page


def _visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, url
    assert "unsafe-inline" not in (response.headers.get("content-security-policy") or "")
    page.wait_for_load_state("networkidle")


def _hover_charts(page: Page) -> None:
    """Move the pointer over each chart so that ECharts draws its tooltips."""
    for chart in page.locator("canvas").all():
        if chart.is_visible():
            box = chart.bounding_box()
            assert box is not None
            for fx, fy in ((0.5, 0.5), (0.3, 0.6), (0.7, 0.4)):
                page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    page.mouse.move(0, 0)


def _check(page: Page, name: str, errors: list[str]) -> None:
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], f"{name}: the CSP refused {violations}"
    assert errors == [], f"{name}: {errors}"
    for pct, drawn in page.evaluate(BAR_WIDTHS):
        assert 0 <= pct <= 100, f"{name}: a bar without a pct-N class"
        assert abs(drawn - pct) < 1.5, f"{name}: a {pct}% bar drawn {drawn:.1f}% wide"


def test_the_pages_with_bars_and_charts_show_no_inline_style_under_the_strict_csp(
    site: Site, browser: Browser
) -> None:
    errors: list[str] = []
    page = _page(browser, site, site.cookies["officer"], errors)
    bars = 0
    for name, path in site.paths.items():
        _visit(page, site.url + path)
        _hover_charts(page)
        if name == "supply system":
            page.locator("#tab-heat").click()
            heat = page.locator("[data-heat-map]")
            expect(heat).to_have_attribute("data-rendered", "true")
            _hover_charts(page)
            assert heat.evaluate("el => el.offsetHeight") == int(
                heat.get_attribute("data-height") or 0)
            page.screenshot(path=str(site.shots / "supply-heat.png"))
            page.locator("#tab-graph").click()
            expect(page.locator("[data-bom-graph] canvas").first).to_be_visible()
            _hover_charts(page)
            page.locator("#tab-bom").click()
            # Rows deeper in the bill of materials are indented further.
            pads = page.locator(".sp-bom tbody td:first-child").evaluate_all(
                "cells => cells.map(c => parseFloat(getComputedStyle(c).paddingLeft))")
            assert len(set(pads)) > 1, pads
        if name == "opportunities":
            chart = page.locator("[data-opportunity-chart]")
            assert chart.evaluate("el => el.offsetHeight") == int(
                chart.get_attribute("data-height") or 0)
            page.screenshot(path=str(site.shots / "opportunities.png"), full_page=True)
        if name == "introduction":
            page.screenshot(path=str(site.shots / "introduction.png"), full_page=True)
        bars += len(page.evaluate(BAR_WIDTHS))
        _check(page, name, errors)
    assert bars > 20  # the checks above did measure bars

    reviewer = _page(browser, site, site.reviewer_cookie, errors)
    _visit(reviewer, site.url + "/reviews")
    expect(reviewer.locator(".rv-bar .progress-bar").first).to_be_visible()
    _check(reviewer, "review queue", errors)


def test_the_strict_csp_refuses_a_style_attribute_and_the_test_sees_it(
    site: Site, browser: Browser
) -> None:
    errors: list[str] = []
    page = _page(browser, site, site.cookies["officer"], errors)
    _visit(page, site.url + "/roadmap")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', "
                  "'<p id=\"probe\" style=\"color: rgb(255, 0, 0)\">x</p>')")
    expect(page.locator("#probe")).not_to_have_css("color", "rgb(255, 0, 0)")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any(re.match(r"style-src", v) for v in page.evaluate("window.__cspViolations"))
