"""Redirects go only to same-site paths, written so that a header can hold them."""

import pytest
from starlette.requests import Request

from indusx.templating import local_path, redirect, safe_back

OFF_SITE = ["//evil.example", "https://evil.example", "/\\evil.example", "evil.example",
            "/\t/evil.example", "/orgs\r\nSet-Cookie: x=1", "/orgs\nLocation: //evil.example",
            ""]


def _htmx() -> Request:
    return Request({"type": "http", "method": "POST", "path": "/",
                    "headers": [(b"hx-request", b"true")]})


@pytest.mark.parametrize("url", OFF_SITE)
def test_a_redirect_anywhere_but_a_local_path_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="not a same-site path"):
        redirect(url)
    with pytest.raises(ValueError, match="not a same-site path"):
        redirect(url, request=_htmx())


def test_a_local_path_keeps_its_query_and_fragment() -> None:
    response = redirect("/admin/users?q=bob%40example.org&page=2#list", request=_htmx())

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/admin/users?q=bob%40example.org&page=2#list"
    assert redirect("/orgs?q=a+b").headers["location"] == "/orgs?q=a+b"


def test_what_a_header_cannot_hold_is_percent_encoded_in_both_kinds_of_redirect() -> None:
    htmx = redirect("/orgs/café bar?q=ü", request=_htmx())
    plain = redirect("/orgs/café bar?q=ü")

    assert htmx.headers["HX-Redirect"] == "/orgs/caf%C3%A9%20bar?q=%C3%BC"
    assert plain.status_code == 303
    assert plain.headers["location"] == "/orgs/caf%C3%A9%20bar?q=%C3%BC"


@pytest.mark.parametrize("url", OFF_SITE)
def test_a_way_back_off_this_site_becomes_the_default(url: str) -> None:
    assert local_path(url) is None
    assert safe_back(url, "/admin/users") == "/admin/users"


def test_a_way_back_on_this_site_is_kept() -> None:
    assert safe_back("/admin/users?q=bob&page=2", "/") == "/admin/users?q=bob&page=2"
    assert safe_back(None, "/") == "/"
