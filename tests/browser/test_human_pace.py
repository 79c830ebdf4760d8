"""The human-pace check in a real browser: sign-up sent at once, then at a person's pace."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, expect

from indusx import migrate
from indusx.config import Environment, Settings
from indusx.db import make_engine
from indusx.main import create_app
from indusx.pacing import TOO_FAST
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Site:
    url: str
    settings: Settings


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Serve the app over an empty temp-file SQLite database."""
    folder = tmp_path_factory.mktemp("pace")
    settings = Settings(env=Environment.TEST, database_url=f"sqlite:///{folder / 'p.db'}",
                        secret_key="x" * 40, outbox_worker=False, form_min_seconds=1)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with live_server(create_app(settings, engine=engine)) as url:
        yield Site(url=url, settings=settings)
    engine.dispose()


def test_a_sign_up_sent_at_once_is_refused_and_one_sent_at_a_persons_pace_passes(
    site: Site, browser: Browser
) -> None:
    page = browser.new_page()
    # A minimum no script outruns, so the instant case cannot pass on a slow machine either.
    site.settings.form_min_seconds = 3600
    page.goto(f"{site.url}/signup")
    page.get_by_label("Full name").fill("Hana Ito")
    page.get_by_label("Work e-mail address").fill("hana@example.org")
    page.get_by_label("Password").fill("long-enough-secret")
    page.get_by_label("I have read and accept").check()
    page.get_by_role("button", name="Create account").click()

    expect(page.locator("#error-summary")).to_contain_text(TOO_FAST)
    expect(page).to_have_url(re.compile(r"/signup$"))
    expect(page.get_by_label("Full name")).to_have_value("Hana Ito")
    expect(page.get_by_label("Work e-mail address")).to_have_value("hana@example.org")
    expect(page.get_by_label("I have read and accept")).to_be_checked()

    # A person reads the message and types the password again (it is never shown back).
    site.settings.form_min_seconds = 1
    page.get_by_label("Password").fill("long-enough-secret")
    page.wait_for_timeout(1200)  # past the minimum, as any person is
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/my-org$"))
    expect(page.get_by_text("Welcome to INDUS-X, Hana Ito.")).to_be_visible()
    page.close()
