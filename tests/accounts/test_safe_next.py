"""Where a sign-in sends the browser next: a local path, never another site."""

import pytest

from indusx.accounts.pages import safe_next


@pytest.mark.parametrize("target", ["/orgs", "/screening/lists?page=2#import", "/privacy"])
def test_a_local_path_is_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "orgs", "", None,
    # Browsers drop tabs and line breaks from a URL, so these would become //evil.example.
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example",
    "/ /evil.example", "/orgs\x00", "/orgs\x7f", "/orgs\u2028x",
])
def test_another_site_or_a_path_with_control_characters_or_spaces_becomes_the_default(
    target: str | None,
) -> None:
    assert safe_next(target, "/home") == "/home"
