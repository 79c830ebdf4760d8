"""The browser every UI test drives: Debian's Chromium, headless, one per test module."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.support.browser import BrowserUnavailable, launch_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            chromium = launch_chromium(playwright)
        except BrowserUnavailable as exc:
            pytest.skip(str(exc))
        yield chromium
        chromium.close()
