"""Directory pages end to end, with alice (owner), bob (viewer) and charlie (no access)."""

import logging
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.matching import service as match_service
from indusx.matching.schemas import MatchList
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from tests.conftest import ACTOR

SignIn = Callable[[TestClient, User], TestClient]
HTMX = {"HX-Request": "true"}
PRIVATE = "A US partner for sea trials."


def _form(org: Organisation, csrf: str, **changes: Any) -> dict[str, Any]:
    """Return the edit form as the browser would post it, with some fields changed."""
    data: dict[str, Any] = {
        "csrf_token": csrf, "name": org.name, "country": org.country.value,
        "kind": org.kind.value, "description": org.description,
        "capabilities": org.capabilities, "focus_areas": [a.slug for a in org.focus_areas],
        "seeking": [s.value for s in org.seeking], "city": org.city, "state": org.state,
        "website": org.website, "contact_email": org.contact_email, "needs": org.needs,
    }
    data.update(changes)
    return data


def test_the_directory_needs_a_signed_in_user(client: TestClient) -> None:
    response = client.get("/orgs?q=sonar")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/orgs"


def test_the_directory_lists_facets_with_counts_and_a_result_count(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn,
    make_org: Callable[..., Organisation],
) -> None:
    make_org(name="Potomac Sonar Inc.", country="US", description="Sonar arrays.")
    sign_in(client, people.charlie)
    page = client.get("/orgs").text
    assert "<title>Directory · INDUS-X</title>" in page
    assert "Alice Undersea Systems" in page and "Potomac Sonar Inc." in page
    assert 'id="facet-country-US"' in page and 'id="facet-kind-startup"' in page
    assert 'id="result-count" class="result-count mb-0" role="status" aria-live="polite"' in page
    assert "of <strong>2</strong> organisations" in page


def test_a_search_and_a_facet_narrow_the_results_and_show_removable_chips(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn,
    make_org: Callable[..., Organisation],
) -> None:
    make_org(name="Potomac Sonar Inc.", country="US", description="Towed sonar arrays.")
    make_org(name="Kaveri Sonar Pvt Ltd", country="IN", description="Hull sonar domes.")
    sign_in(client, people.charlie)
    page = client.get("/orgs?q=sonar&country=US").text
    assert "Potomac Sonar Inc." in page
    assert "Kaveri Sonar" not in page and "Alice Undersea" not in page
    assert "Country: United States" in page
    assert 'class="chip" href="/orgs?q=sonar"' in page  # the chip that removes the country
    assert "“sonar”" in page
    checked = page.split('id="facet-country-US"', 1)[1].split(">", 1)[0]
    assert "checked" in checked


def test_htmx_gets_only_the_results_with_out_of_band_counts(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    partial = client.get("/orgs?q=undersea", headers=HTMX).text
    assert "<html" not in partial and "<nav class=\"navbar" not in partial
    assert 'id="result-count" hx-swap-oob="innerHTML"' in partial
    # Facet counts change in place; the checkboxes themselves are left alone.
    assert 'id="count-country-IN" hx-swap-oob="true">1<' in partial
    assert 'id="count-country-US" hx-swap-oob="true">0<' in partial
    assert 'type="checkbox"' not in partial
    assert "Alice Undersea Systems" in partial
    # Going back in history asks for the full page again.
    restored = client.get("/orgs?q=undersea",
                          headers={**HTMX, "HX-History-Restore-Request": "true"}).text
    assert "<html" in restored


def test_trl_bands_filter_on_the_highest_offering(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn,
    make_org: Callable[..., Organisation],
) -> None:
    make_org(name="Mature Optics", offerings=[{"name": "Periscope", "trl": 8}])
    make_org(name="Early Optics", offerings=[{"name": "Metalens", "trl": 2}])
    sign_in(client, people.charlie)
    page = client.get("/orgs?trl_band=7-9").text
    assert "Mature Optics" in page and "Early Optics" not in page
    assert "TRL 7\u20139" in page


def test_an_empty_result_offers_to_clear_the_filters(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    page = client.get("/orgs?q=undersea&kind=investor").text
    assert "No organisations match" in page
    assert 'href="/orgs?q=undersea">Clear filters' in page


@pytest.mark.parametrize("query", ["country=XX", "page=0", "trl_min=12", "sort=best"])
def test_invalid_directory_parameters_give_a_friendly_page(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, query: str
) -> None:
    sign_in(client, people.charlie)
    response = client.get(f"/orgs?{query}")
    assert response.status_code == 422
    assert "Invalid input" in response.text and "Go to the home page" in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("who", "sees_private"),
    [("alice", True), ("bob", True), ("officer", True), ("admin", True), ("charlie", False)],
)
def test_private_details_show_only_to_members_and_officers(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, who: str, sees_private: bool
) -> None:
    sign_in(client, getattr(people, who))
    page = client.get(f"/orgs/{people.org.slug}").text
    assert "Alice Undersea Systems" in page
    assert (PRIVATE in page) is sees_private
    assert (people.org.contact_email in page) is sees_private
    assert ("Contact details are shared with" in page) is not sees_private
    assert ("Members" in page) is sees_private


@pytest.mark.parametrize(
    ("who", "edit", "delete", "manage"),
    [("alice", True, True, True), ("editor", True, False, False), ("bob", False, False, False),
     ("charlie", False, False, False), ("officer", False, False, False),
     ("admin", True, True, True)],
)
def test_edit_delete_and_member_controls_show_only_to_those_allowed(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, session: Session,
    make_user: Callable[..., User], who: str, edit: bool, delete: bool, manage: bool,
) -> None:
    if who == "editor":
        user = make_user(name="Eve Editor", password=None)
        account_service.add_member(session=session, org_id=people.org.id, user=user,
                                   role=OrgRole.EDITOR, actor=ACTOR)
        session.commit()
    else:
        user = getattr(people, who)
    sign_in(client, user)
    slug = people.org.slug
    page = client.get(f"/orgs/{slug}").text
    assert (f'href="/orgs/{slug}/edit"' in page) is edit
    assert (f'href="/orgs/{slug}/delete"' in page) is delete
    assert ("Invite a colleague" in page) is manage
    assert client.get(f"/orgs/{slug}/edit").status_code == (200 if edit else 403)
    assert client.get(f"/orgs/{slug}/delete").status_code == (200 if delete else 403)


def test_the_owner_saves_every_field_and_a_cleared_field_is_cleared(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    sign_in(client, people.alice)
    org = people.org
    response = client.post(f"/orgs/{org.slug}/edit", data=_form(
        org, csrf, description="Acoustic modems, now with sea-trial data.", needs="",
        headcount="42", website="alice-undersea.example",
        **{"offerings-0-name": "Modem M2", "offerings-0-trl": "6",
           "offerings-0-export_control": "5a991", "offerings-0-description": "",
           "offerings-3-name": "Buoy gateway", "offerings-3-trl": "4",
           "offerings-3-export_control": "", "offerings-3-description": "Surface relay"},
    ))
    assert response.status_code == 303
    assert response.headers["location"] == f"/orgs/{org.slug}"
    session.expire_all()
    saved = org_service.get_org(session=session, org_id=org.id)
    assert saved.description == "Acoustic modems, now with sea-trial data."
    assert saved.needs == ""
    assert saved.headcount == 42 and saved.website == "https://alice-undersea.example"
    assert [(o.name, o.trl, o.export_control) for o in saved.offerings] == [
        ("Modem M2", 6, "ECCN 5A991"), ("Buoy gateway", 4, None)]
    page = client.get(f"/orgs/{org.slug}").text
    assert "Modem M2" in page and "ECCN 5A991" in page and "Unknown" in page


def test_a_bad_uei_for_a_us_org_is_shown_inline_and_what_was_typed_is_kept(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn,
    make_org: Callable[..., Organisation], session: Session,
) -> None:
    org = make_org(owner=people.charlie, name="Charlie Space Labs", country="US",
                   kind="startup", uei="J7M9HPTGJ1S9")
    sign_in(client, people.charlie)
    response = client.post(f"/orgs/{org.slug}/edit", data=_form(
        org, csrf, uei="NOT-A-UEI", cin="U72900KA2015PTC012345",
        description="A description typed before the mistake",
        **{"offerings-0-name": "Star tracker", "offerings-0-trl": "7"},
    ))
    assert response.status_code == 422
    page = response.text
    assert 'id="error-summary"' in page
    assert 'class="form-control is-invalid" id="f-uei"' in page
    assert 'id="f-uei-error"' in page and "Is not in the expected form" in page
    assert 'id="f-cin-error"' in page and "Applies only to organisations in India" in page
    assert 'value="NOT-A-UEI"' in page
    assert "A description typed before the mistake" in page
    assert 'value="Star tracker"' in page
    session.refresh(org)
    assert org.uei == "J7M9HPTGJ1S9" and org.description != "A description typed before the mistake"


def test_offering_errors_point_at_the_row(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.alice)
    response = client.post(f"/orgs/{people.org.slug}/edit", data=_form(
        people.org, csrf,
        **{"offerings-0-name": "Modem", "offerings-0-trl": "5",
           "offerings-1-name": "Glider", "offerings-1-trl": "",
           "offerings-1-export_control": "top secret"},
    ))
    assert response.status_code == 422
    assert 'id="f-offerings-1-trl-error"' in response.text
    assert 'id="f-offerings-1-export_control-error"' in response.text
    assert "Offering 2, TRL" in response.text
    assert 'value="Glider"' in response.text


def test_only_those_who_may_edit_can_post_the_form(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    sign_in(client, people.bob)
    response = client.post(f"/orgs/{people.org.slug}/edit",
                           data=_form(people.org, csrf, description="Bob was here"))
    assert response.status_code == 403
    session.refresh(people.org)
    assert people.org.description != "Bob was here"


def test_an_edit_without_the_csrf_token_is_refused(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    sign_in(client, people.alice)
    data = _form(people.org, csrf, description="Forged")
    del data["csrf_token"]
    response = client.post(f"/orgs/{people.org.slug}/edit", data=data)
    assert response.status_code == 403
    session.refresh(people.org)
    assert people.org.description != "Forged"


def test_creating_an_org_makes_the_user_its_owner(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    assert "Create your organisation" in client.get("/my-org").text
    assert 'name="offerings-__index__-name"' in client.get("/orgs/new").text
    response = client.post("/orgs/new", data={
        "csrf_token": csrf, "name": "Charlie Capital LLC", "country": "US", "kind": "investor",
        "focus_areas": ["space"], "seeking": ["co_development"],
        "thesis-focus_areas": ["space", "isr"], "thesis-stages": ["seed"],
        "thesis-countries": ["IN", "US"], "thesis-ticket_min_usd": "250,000",
        "thesis-ticket_max_usd": "2000000",
    })
    assert response.status_code == 303
    assert response.headers["location"] == "/orgs/charlie-capital-llc"
    page = client.get("/orgs/charlie-capital-llc").text
    assert "Investment thesis" in page and "US$ 250,000 \u2013 2,000,000" in page
    assert 'href="/orgs/charlie-capital-llc/edit"' in page
    mine = client.get("/my-org").text
    assert "Charlie Capital LLC" in mine and "Owner" in mine


def test_a_new_org_form_with_mistakes_keeps_every_value(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    response = client.post("/orgs/new", data={
        "csrf_token": csrf, "name": "X", "country": "", "kind": "startup",
        "website": "not a url", "headcount": "-5", "focus_areas": ["cyber"],
        "contact_phone": "call me",
    })
    assert response.status_code == 422
    page = response.text
    for field in ("name", "country", "website", "headcount", "contact_phone"):
        assert f'id="f-{field}-error"' in page, field
    assert 'value="not a url"' in page and 'value="-5"' in page
    assert 'id="f-focus_areas-cyber" checked' in page


def test_deleting_an_org_asks_first_and_only_owners_and_admins_may(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    slug = people.org.slug
    sign_in(client, people.bob)
    assert client.post(f"/orgs/{slug}/delete", data={"csrf_token": csrf}).status_code == 403
    sign_in(client, people.alice)
    confirm = client.get(f"/orgs/{slug}/delete")
    assert "Delete Alice Undersea Systems?" in confirm.text
    assert client.post(f"/orgs/{slug}/delete").status_code == 403  # no CSRF token
    response = client.post(f"/orgs/{slug}/delete", data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["location"] == "/orgs"
    assert "indusx_flash" in response.headers["set-cookie"]
    assert client.get(f"/orgs/{slug}").status_code == 404


def test_the_owner_invites_changes_roles_and_removes_members(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    slug = people.org.slug
    sign_in(client, people.alice)
    bad = client.post(f"/orgs/{slug}/members",
                      data={"email": "nope", "role": "editor", "csrf_token": csrf})
    assert bad.status_code == 422 and 'id="f-email-error"' in bad.text
    invited = client.post(f"/orgs/{slug}/members",
                          data={"email": "quinn@example.org", "role": "editor",
                                "csrf_token": csrf})
    assert invited.status_code == 303
    assert "quinn@example.org" in client.get(f"/orgs/{slug}").text

    changed = client.post(f"/orgs/{slug}/members/{people.bob.id}/role",
                          data={"role": "editor", "csrf_token": csrf})
    assert changed.status_code == 303
    assert account_service.role_in_org(session=session, user_id=people.bob.id,
                                   org_id=people.org.id) is OrgRole.EDITOR

    confirm = client.get(f"/orgs/{slug}/members/{people.bob.id}/remove")
    assert "Remove Bob Viewer from Alice Undersea Systems?" in confirm.text
    removed = client.post(f"/orgs/{slug}/members/{people.bob.id}/remove",
                          data={"csrf_token": csrf})
    assert removed.status_code == 303
    assert account_service.role_in_org(session=session, user_id=people.bob.id,
                                   org_id=people.org.id) is None


def test_the_last_owner_cannot_be_removed_or_demoted(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    slug = people.org.slug
    sign_in(client, people.alice)
    demote = client.post(f"/orgs/{slug}/members/{people.alice.id}/role",
                         data={"role": "viewer", "csrf_token": csrf})
    assert demote.status_code == 409 and "must keep at least one owner" in demote.text
    remove = client.post(f"/orgs/{slug}/members/{people.alice.id}/remove",
                         data={"csrf_token": csrf})
    assert remove.status_code == 409 and "must keep at least one owner" in remove.text


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_members_are_managed_only_by_owners_and_admins(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn, who: str
) -> None:
    sign_in(client, getattr(people, who))
    response = client.post(f"/orgs/{people.org.slug}/members",
                           data={"email": "zed@example.org", "role": "owner", "csrf_token": csrf})
    assert response.status_code == 403


def test_my_org_lists_the_users_organisations_with_their_role(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.bob)
    page = client.get("/my-org").text
    assert "Alice Undersea Systems" in page and "Viewer" in page
    assert f'href="/orgs/{people.org.slug}/edit"' not in page
    sign_in(client, people.alice)
    assert f'href="/orgs/{people.org.slug}/edit"' in client.get("/my-org").text


def test_focus_areas_are_managed_by_admins_only(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.alice)
    assert client.get("/admin/focus-areas").status_code == 403
    assert client.post("/admin/focus-areas",
                       data={"name": "Hypersonics", "csrf_token": csrf}).status_code == 403
    sign_in(client, people.admin)
    added = client.post("/admin/focus-areas", data={"name": "Hypersonics", "csrf_token": csrf})
    assert added.status_code == 303
    assert "hypersonics" in client.get("/admin/focus-areas").text
    again = client.post("/admin/focus-areas", data={"name": "hypersonics", "csrf_token": csrf})
    assert again.status_code == 422 and "Already exists" in again.text


def test_field_errors_and_identifier_rules_are_reported_together(
    client: TestClient, csrf: str, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.alice)
    response = client.post(f"/orgs/{people.org.slug}/edit", data=_form(
        people.org, csrf, headcount="-5", uei="J7M9HPTGJ1S9"))
    assert response.status_code == 422
    assert 'id="f-headcount-error"' in response.text
    assert 'id="f-uei-error"' in response.text
    assert "Applies only to organisations in the United States" in response.text


def test_member_forms_return_to_the_members_section(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.alice)
    page = client.get(f"/orgs/{people.org.slug}").text
    assert f'action="/orgs/{people.org.slug}/members#members"' in page
    assert f'action="/orgs/{people.org.slug}/members/{people.bob.id}/role#members"' in page


# --- suggested partners on the organisation page ------------------------------------------

def _partners_card(page: str) -> str:
    start = page.index('aria-labelledby="partners-heading"')
    return page[start:page.index("</section>", start)]


def test_the_profile_shows_its_top_suggested_partners_across_the_border(
    client: TestClient, people: SimpleNamespace, make_org: Callable[..., Organisation],
    sign_in: SignIn,
) -> None:
    partner = make_org(
        name="Harbour Acoustics", country="US", kind="large_company",
        description="Undersea acoustic communications and sonar for navies.",
        capabilities="Acoustic modems, sonar arrays, underwater networking, sea trials.",
        focus_areas=["undersea"], seeking=["co_development"])
    make_org(name="Orbital Ledger", country="US", kind="startup",
             description="Satellite bus software and orbital mechanics tools.",
             capabilities="Flight software, orbit determination, ground stations.",
             focus_areas=["space"], seeking=["investment"])
    make_org(name="Bay of Bengal Sonics", country="IN", kind="msme",
             description="Undersea acoustic modems and sonar processing.",
             capabilities="Acoustic modems, sonar signal processing, underwater networking.",
             focus_areas=["undersea"], seeking=["co_development"])
    sign_in(client, people.bob)
    card = _partners_card(client.get(f"/orgs/{people.org.slug}").text)
    names = re.findall(r'<h3 class="partner-name"><a href="/orgs/[^"]+">([^<]+)</a>', card)
    assert names and names[0] == "Harbour Acoustics"
    assert "Bay of Bengal Sonics" not in names  # the same country: not by default
    assert len(names) <= 3
    first = card[card.index(f'href="/orgs/{partner.slug}"'):]
    assert re.search(r'class="partner-score">\d{1,3}%<', first)
    assert "United States" in first and "Large company" in first
    reason = re.search(r'<p class="partner-reason mb-0">([^<]+)</p>', first)
    assert reason is not None and "undersea" in reason.group(1).lower()
    assert f'href="/matchmaking?org={people.org.id}"' in card


def test_only_members_and_officers_see_an_organisations_suggested_partners(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn,
) -> None:
    sign_in(client, people.charlie)
    assert 'aria-labelledby="partners-heading"' not in client.get(f"/orgs/{people.org.slug}").text
    sign_in(client, people.officer)
    assert 'aria-labelledby="partners-heading"' in client.get(f"/orgs/{people.org.slug}").text


def test_a_profile_not_analysed_yet_says_when_suggestions_appear(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pending(**kwargs: Any) -> MatchList:
        return MatchList(org_id=kwargs["org_id"], mode=kwargs["mode"], cross_border=True,
                         items=[], index_pending=40)

    monkeypatch.setattr(match_service, "suggestions", pending)
    sign_in(client, people.alice)
    card = _partners_card(client.get(f"/orgs/{people.org.slug}").text)
    assert "Suggestions appear once this profile has been analysed." in card


def test_the_profile_still_shows_when_matchmaking_fails_and_the_failure_is_logged(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(**kwargs: Any) -> MatchList:
        raise RuntimeError("the index is corrupt")

    monkeypatch.setattr(match_service, "suggestions", broken)
    sign_in(client, people.alice)
    with caplog.at_level(logging.ERROR, logger="indusx.orgs.pages"):
        response = client.get(f"/orgs/{people.org.slug}")
    assert response.status_code == 200 and "Alice Undersea Systems" in response.text
    assert "Suggested partners" not in response.text
    assert "the index is corrupt" in caplog.text
    assert "Offerings" in response.text and "Members" in response.text  # the rest is intact
