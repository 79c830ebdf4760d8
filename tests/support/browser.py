"""Headless Chromium for browser tests, through Playwright's sync API.

Playwright's own browser download cannot run here (`playwright install` fails), so tests use
the Debian `chromium` package at /usr/bin/chromium, or the executable named by INDUSX_CHROMIUM.
"""

from __future__ import annotations

import os
import shutil

from playwright.sync_api import Browser, Playwright

CHROMIUM_ENV = "INDUSX_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS: list[str] = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class BrowserUnavailable(RuntimeError):
    """No Chromium executable could be found for the browser tests."""


def chromium_executable() -> str:
    """Return the path of the Chromium executable, or raise BrowserUnavailable."""
    wanted = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    found = shutil.which(wanted)
    if found is None:
        raise BrowserUnavailable(
            f"Chromium executable {wanted!r} not found or not executable: install it with "
            f"`apt-get install -y chromium`, or set {CHROMIUM_ENV} to a Chromium binary "
            "(do not run `playwright install`)"
        )
    return found


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the system Chromium headless with the flags these machines need."""
    return playwright.chromium.launch(
        executable_path=chromium_executable(),
        headless=True,
        args=CHROMIUM_ARGS,
    )
