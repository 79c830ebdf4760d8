"""E-mailed one-time links in headless Chromium: the token after '#' fills the form, leaves the
address bar, and never reaches the server in a URL or a Referer (ASVS 8.3.1)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from indusx import migrate
from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole
from indusx.audit.service import Actor
from indusx.config import Environment, Settings
from indusx.db import make_engine, session_scope
from indusx.main import create_app
from indusx.notifications import service as outbox
from indusx.notifications.models import Notification
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-brand-new-passphrase"
ACTOR = Actor.system("browser-test")


class Recorder:
    """Note every URL and Referer the server receives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            referer = dict(scope["headers"]).get(b"referer", b"").decode()
            self.seen.append(f"{scope['path']}?{scope['query_string'].decode()} {referer}")
        await self.app(scope, receive, send)


@dataclass
class Site:
    url: str
    sessions: sessionmaker[Session]
    recorder: Recorder
    settings: Settings
    org_id: int
    org_name: str = "Harbor Acoustics Inc."
    errors: list[str] = field(default_factory=list)

    def link(self, email: str) -> str:
        """Return the last e-mailed link to the address, checking its token is after '#'."""
        with session_scope(self.sessions) as session:
            note = session.scalars(
                select(Notification).where(Notification.to_email == email)
                .order_by(Notification.id.desc())
            ).first()
            assert note is not None
            link = outbox.mailed_link(note)
        assert "?" not in link and "#token=" in link
        return link

    def page(self, browser: Browser, *, javascript: bool = True) -> Page:
        """Open a fresh browser context that records script errors."""
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      java_script_enabled=javascript)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console",
                lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        return page

    def assert_never_sent(self, token: str) -> None:
        """Check no request line or Referer the server saw held the token."""
        assert self.recorder.seen and not [s for s in self.recorder.seen if token in s]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Serve an organisation and accounts with passwords, each test's own."""
    folder = tmp_path_factory.mktemp("browser-links")
    settings = Settings(env=Environment.TEST, database_url=f"sqlite:///{folder / 'l.db'}",
                        secret_key="x" * 40, outbox_worker=False, match_indexer=False,
                        screening_warmer=False)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    sessions = sessionmaker(bind=engine)
    with session_scope(sessions) as session:
        org_service.seed_focus_areas(session=session)
        users = {
            email: account_service.create_user(session=session, email=email, full_name=name,
                                               password=PASSWORD, actor=ACTOR)
            for email, name in (("owner@example.org", "Olu Owner"),
                                ("dana@example.org", "Dana Partner"),
                                ("lee@example.org", "Lee Forgetful"),
                                ("kai@example.org", "Kai Noscript"))
        }
        org = org_service.create_org(
            session=session, actor=ACTOR, owner=users["owner@example.org"],
            org_in=OrgCreate.model_validate({
                "name": "Harbor Acoustics Inc.", "country": "US", "kind": "startup",
                "description": "Undersea acoustic modems.", "focus_areas": ["undersea"],
                "seeking": ["co_development"]}))
        org_id = org.id
    recorder = Recorder(create_app(settings, engine=engine))
    with live_server(recorder) as url:
        yield Site(url, sessions, recorder, settings, org_id)
    engine.dispose()


def _invite(site: Site, email: str) -> str:
    with session_scope(site.sessions) as session:
        account_service.invite_user(
            session=session, email=email, settings=site.settings, actor=ACTOR,
            org_id=site.org_id, org_name=site.org_name, org_role=OrgRole.EDITOR)
    return site.link(email)


def test_a_password_is_reset_from_the_emailed_link_and_the_token_leaves_the_address_bar(
    site: Site, browser: Browser
) -> None:
    page = site.page(browser)
    page.goto(f"{site.url}/password/forgot")
    page.get_by_label("E-mail address").fill("lee@example.org")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_text("If an account exists for that address")).to_be_visible()
    link = site.link("lee@example.org")
    token = link.split("#token=", 1)[1]

    page.goto(f"{site.url}{link}")
    expect(page).to_have_url(f"{site.url}/password/reset")
    expect(page.locator("#f-token")).to_have_value(token)
    expect(page.locator("#f-token")).to_be_hidden()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(f"{site.url}/login")
    expect(page.get_by_text("Your password is changed")).to_be_visible()

    page.get_by_label("E-mail address").fill("lee@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile(": account$"))).to_be_visible()
    assert token not in page.url
    site.assert_never_sent(token)
    assert site.errors == []


def test_without_javascript_the_code_from_the_email_is_pasted_into_the_reset_page(
    site: Site, browser: Browser
) -> None:
    with session_scope(site.sessions) as session:
        account_service.request_password_reset(
            session=session, email="kai@example.org", settings=site.settings, actor=ACTOR)
    token = site.link("kai@example.org").split("#token=", 1)[1]
    page = site.page(browser, javascript=False)
    page.goto(f"{site.url}/password/reset")
    page.get_by_label("Code from the e-mail").fill(token)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(f"{site.url}/login")
    site.assert_never_sent(token)


def test_a_newcomer_and_a_signed_out_member_join_from_their_emailed_invitations(
    site: Site, browser: Browser
) -> None:
    link = _invite(site, "owner.friend@example.org")  # a new person: name and password
    token = link.split("#token=", 1)[1]
    newcomer = site.page(browser)
    newcomer.goto(f"{site.url}{link}")
    expect(newcomer).to_have_url(f"{site.url}/invite/accept")
    newcomer.get_by_label("Full name").fill("Fran Friend")
    newcomer.get_by_label("Password").fill(PASSWORD)
    newcomer.get_by_role("button", name="Join INDUS-X").click()
    expect(newcomer).to_have_url(f"{site.url}/my-org")
    expect(newcomer.get_by_text(site.org_name).first).to_be_visible()
    site.assert_never_sent(token)

    link = _invite(site, "dana@example.org")  # an existing account accepts, signed out at first
    token = link.split("#token=", 1)[1]
    page = site.page(browser)
    page.goto(f"{site.url}{link}")
    expect(page).to_have_url(f"{site.url}/invite/join")
    page.locator("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill("dana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile(": account$"))).to_be_visible()
    page.goto(f"{site.url}{link}")  # as the signed-out page asked
    expect(page.get_by_role("heading", name=f"Join {site.org_name}?")).to_be_visible()
    page.get_by_role("button", name="Accept and join").click()
    expect(page.get_by_text("You joined the organisation.")).to_be_visible()
    assert token not in page.url
    site.assert_never_sent(token)
    assert site.errors == []
