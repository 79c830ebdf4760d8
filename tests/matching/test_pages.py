"""Matchmaking pages end to end: suggestions, acting on them, solver search, opportunity map."""

import csv
import io
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.matching import service as match_service
from indusx.matching.models import FeedbackAction, Introduction, MatchFeedback, MatchMode
from indusx.matching.pages import highlight
from indusx.orgs.models import Organisation
from indusx.templating import FLASH_COOKIE
from tests.conftest import ACTOR

SignIn = Callable[[TestClient, User], TestClient]
MakeOrg = Callable[..., Organisation]


def _flash(response: Any) -> str:
    return unquote(response.cookies.get(FLASH_COOKIE, ""))


def _cards(page: str) -> list[str]:
    """Return the candidate names on a suggestions or solver page, in rank order."""
    return re.findall(r'<h3 class="mm-name" id="name-[a-z]+-\d+">\s*'
                      r'<span class="visually-hidden">\d+\. </span>\s*(?:<a [^>]*>)?([^<]+)',
                      page)


@pytest.fixture
def ecosystem(people: SimpleNamespace, make_org: MakeOrg) -> SimpleNamespace:
    """alice's Indian undersea start-up, an obvious US partner, a US misfit, an Indian peer."""
    partner = make_org(
        name="Harbour Acoustics", country="US", kind="large_company",
        description="Undersea acoustic communications and sonar for navies.",
        capabilities="Acoustic modems, sonar arrays, underwater networking, sea trials.",
        focus_areas=["undersea"], seeking=["co_development"],
        offerings=[{"name": "Deep-water modem", "description": "Acoustic modem for UUVs.",
                    "trl": 8}],
    )
    misfit = make_org(
        name="Orbital Ledger", country="US", kind="startup",
        description="Satellite bus software and orbital mechanics tools.",
        capabilities="Flight software, orbit determination, ground stations.",
        focus_areas=["space"], seeking=["investment"],
    )
    peer = make_org(
        name="Bay of Bengal Sonics", country="IN", kind="msme",
        description="Undersea acoustic modems and sonar processing.",
        capabilities="Acoustic modems, sonar signal processing, underwater networking.",
        focus_areas=["undersea"], seeking=["co_development"],
    )
    return SimpleNamespace(**vars(people), partner=partner, misfit=misfit, peer=peer)


# --- who sees what ------------------------------------------------------------------------

def test_the_matchmaking_pages_need_a_signed_in_user(client: TestClient) -> None:
    for path in ("/matchmaking", "/matchmaking/solvers", "/matchmaking/opportunities"):
        assert client.get(path).headers["location"] == f"/login?next={path}"


def test_a_user_without_an_organisation_is_invited_to_create_or_join_one(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    page = client.get("/matchmaking").text
    assert "Create or join an organisation to get suggestions" in page
    assert 'href="/orgs/new"' in page and 'href="/orgs"' in page
    assert 'id="match-form"' not in page


def test_an_officer_without_an_organisation_is_asked_to_choose_one_and_can_find_any(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.officer)
    page = client.get("/matchmaking").text
    assert "Choose an organisation" in page
    assert 'action="/matchmaking/org-lookup"' in page

    found = client.get("/matchmaking/org-lookup", params={"find": "Harbour", "mode": "research"},
                       headers={"HX-Request": "true"})
    assert found.status_code == 200
    assert "<html" not in found.text
    assert f'href="/matchmaking?org={ecosystem.partner.id}&amp;mode=research"' in found.text
    assert "Orbital Ledger" not in found.text
    # Without JavaScript the same look-up is a page of its own.
    full = client.get("/matchmaking/org-lookup", params={"find": "Harbour"})
    assert "<html" in full.text and "Harbour Acoustics" in full.text


def test_members_cannot_look_up_other_organisations_or_view_their_suggestions(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.alice)
    assert client.get("/matchmaking/org-lookup", params={"find": "Harbour"}).status_code == 403
    response = client.get("/matchmaking", params={"org": ecosystem.partner.id})
    assert response.status_code == 403
    assert "programme officers may look at any" in response.text


# --- solver search without a query, and its limits ----------------------------------------

def test_the_solver_page_explains_itself_before_a_search(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    page = client.get("/matchmaking/solvers").text
    assert "Paste a problem statement or requirement" in page
    assert "How it works" in page
    assert 'aria-current="page"' in page and 'href="/matchmaking/solvers"' in page


def test_a_problem_statement_over_the_limit_gets_a_clear_error_and_is_kept(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    text = "acoustic modem " * 1500  # 22,500 characters
    response = client.get("/matchmaking/solvers", params={"q": text})
    assert response.status_code == 422
    assert "The problem statement is 22,499 characters long; the limit is 20,000" in response.text
    assert 'aria-invalid="true"' in response.text
    assert text.strip() in response.text
    assert "Best able to solve it" not in response.text


def test_a_problem_statement_of_two_letters_is_refused(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    response = client.get("/matchmaking/solvers", params={"q": "ab"})
    assert response.status_code == 422
    assert "3 characters or more" in response.text


# --- highlighting ---------------------------------------------------------------------------

def test_highlighting_escapes_the_text_before_marking_the_terms() -> None:
    html = highlight('Acoustic <script>alert("x")</script> modems & Modem arrays',
                     ["modem", "script"])
    assert html == ('Acoustic &lt;<mark>script</mark>&gt;alert(&#34;x&#34;)&lt;/<mark>script'
                    '</mark>&gt; <mark>modems</mark> &amp; <mark>Modem</mark> arrays')


def test_highlighting_marks_phrases_across_spacing_and_never_inside_words() -> None:
    assert str(highlight("An acoustic   modem; a modemless buoy", ["acoustic modem", "modem"])) \
        == "An <mark>acoustic   modem</mark>; a modemless buoy"
    assert str(highlight("<b>", [])) == "&lt;b&gt;"


# --- opportunity map --------------------------------------------------------------------------

def test_the_opportunity_page_shows_every_area_with_its_status_and_the_chart_data(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.charlie)
    page = client.get("/matchmaking/opportunities").text
    assert 'data-opportunity-chart="opportunity-data"' in page
    assert '<script src="/static/vendor/echarts/echarts.min.js" defer></script>' in page
    data = re.search(r'<script type="application/json" id="opportunity-data">(.*?)</script>',
                     page, re.S)
    assert data is not None and '"Undersea domain"' in data.group(1)
    # Undersea: Harbour Acoustics (a large company) is capable in the US and seeks a partner,
    # as do alice's start-up and the Indian MSME; no Indian organisation is capable: a gap.
    row = re.search(r"<th scope=\"row\">Undersea domain</th>(.*?)</tr>", page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[:5] == ["0", "1", "2", "1", "1"]
    assert 'class="mm-status mm-status-gap">Gap' in cells[7]
    assert "no Indian organisation is capable" in cells[7]
    assert "How this is computed" in page
    assert 'href="/matchmaking/opportunities.csv"' in page
    assert 'href="/api/v1/match/opportunities"' in page


def test_the_opportunity_table_sorts_by_a_column_either_way(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.charlie)

    def order(**params: str) -> list[str]:
        page = client.get("/matchmaking/opportunities", params=params).text
        return re.findall(r'<th scope="row">([^<]+)</th>', page)

    by_name = order()
    assert by_name == sorted(by_name, key=str.lower)
    assert order(sort="name", dir="desc") == by_name[::-1]
    seeking_first = order(sort="seeking_in")
    assert seeking_first[0] == "Undersea domain"
    page = client.get("/matchmaking/opportunities", params={"sort": "seeking_in"}).text
    assert 'aria-sort="descending"' in page
    assert 'href="/matchmaking/opportunities?sort=seeking_in&amp;dir=asc"' in page


def test_the_opportunity_map_downloads_as_csv_with_its_header_row(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.charlie)
    response = client.get("/matchmaking/opportunities.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="opportunity-map.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["slug", "name", "capable_in", "capable_us", "seeking_in", "seeking_us",
                       "partnerships", "pending", "complementarity", "status", "note"]
    undersea = next(r for r in rows if r[0] == "undersea")
    assert undersea[2:6] == ["0", "1", "2", "1"]
    assert undersea[9] == "gap"


# --- suggestions ------------------------------------------------------------------------------

def test_a_member_sees_explained_cross_border_suggestions_for_their_organisation(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.alice)
    page = client.get("/matchmaking").text
    names = _cards(page)
    assert names[0] == "Harbour Acoustics"
    assert "Bay of Bengal Sonics" not in names  # same country: left out by default
    assert f'href="/orgs/{ecosystem.partner.slug}"' in page
    assert re.search(r'id="cross-border" name="cross_border" value="1"\s+'
                     r'aria-describedby="cross-border-help" checked', page)
    assert 'id="mode-co-development" form="match-form"' in page
    card = page.split('id="match-org-')[1]
    assert re.search(r'<span class="mm-score-value">\d+<span class="mm-score-unit">%', card)
    assert re.search(r"<dt>Capability fit</dt>\s*<dd>.*?<span class=\"mm-bar-value\">\d+%</span>",
                     card, re.S)
    assert '<li class="tag tag-focus">Undersea domain</li>' in card
    assert '<p class="mm-reason">' in card
    assert "Request introduction" in card and "Dismiss suggestion" in card
    assert re.search(r'<p id="mm-status" [^>]*><strong>\d+</strong> suggestions? for Alice '
                     r"Undersea Systems: co-development, cross-border.</p>", page)


def test_the_cross_border_switch_and_the_filters_change_the_suggestions(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.alice)

    def names(params: Any) -> list[str]:
        return _cards(client.get("/matchmaking", params=params).text)

    default = names({})
    # The switch sends a hidden 0 before its own 1: ticked means cross-border only.
    assert names([("cross_border", "0"), ("cross_border", "1")]) == default
    both = names([("cross_border", "0")])
    assert "Bay of Bengal Sonics" in both and "Harbour Acoustics" in both
    assert names({"same_country": "1"}) == both  # the API's spelling works too
    assert "Harbour Acoustics" not in names({"kind": "startup"})
    assert names({"kind": "large_company"}) == ["Harbour Acoustics"]
    assert "Harbour Acoustics" not in names({"focus_area": "space"})
    assert names({"trl_min": "9"}) == []
    assert "Harbour Acoustics" in names({"trl_min": "9", "trl_max": "7"})  # swapped to 7-9


def test_htmx_asks_get_only_the_results_the_status_line_and_the_organisation_shown(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.alice)
    response = client.get("/matchmaking", params={"mode": "co-production"},
                          headers={"HX-Request": "true"})
    assert "<html" not in response.text and 'id="match-form"' not in response.text
    assert '<span id="mm-status" hx-swap-oob="innerHTML">' in response.text
    assert "co-production, cross-border." in response.text
    meta = response.text.split('<span id="mm-org-meta" hx-swap-oob="innerHTML">')[1]
    assert meta.split("</a>")[0].count(f'href="/orgs/{ecosystem.org.slug}"') == 1


def test_no_suggestions_explains_how_to_widen_the_search(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.alice)
    page = client.get("/matchmaking", params={"kind": "government"}).text
    assert _cards(page) == []
    assert "No co-development suggestions match these filters" in page
    org = ecosystem.org.id
    assert f'href="/matchmaking?org={org}&amp;mode=co-development&amp;cross_border=0&amp;' \
           f'kind=government">Include same-country organisations' in page
    assert f'href="/matchmaking?org={org}&amp;mode=co-development">Clear filters' in page


def test_while_profiles_are_being_learned_the_page_says_so(
    client: TestClient, ecosystem: SimpleNamespace, make_org: MakeOrg, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.alice)
    assert "still learning" not in client.get("/matchmaking").text
    # More new profiles than a request embeds inline: the background indexer has them.
    for _ in range(match_service.INLINE_SYNC_LIMIT + 1):
        make_org(country="US")
    page = client.get("/matchmaking").text
    assert f"Matchmaking is still learning {match_service.INLINE_SYNC_LIMIT + 1} profiles; " \
           "results will improve." in page
    assert "Harbour Acoustics" in _cards(page)


def test_an_officer_can_view_any_organisations_suggestions_but_not_act_for_it(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.officer)
    page = client.get("/matchmaking", params={"org": ecosystem.partner.id}).text
    assert '<strong class="mm-org-name">Harbour Acoustics</strong>' in page
    assert f'<input type="hidden" name="org" value="{ecosystem.partner.id}" form="match-form">' \
        in page
    assert "Alice Undersea Systems" in _cards(page)
    assert "Request introduction" not in page
    assert "Only owners and editors of Harbour Acoustics can request introductions" in page


def test_a_member_of_several_organisations_picks_one(
    client: TestClient, ecosystem: SimpleNamespace, make_org: MakeOrg, sign_in: SignIn
) -> None:
    second = make_org(owner=ecosystem.alice, name="Alice Space Works", focus_areas=["space"],
                      description="Satellite software.", capabilities="Orbit determination.")
    sign_in(client, ecosystem.alice)
    page = client.get("/matchmaking").text  # the first by name
    assert '<select id="org-select" name="org" form="match-form"' in page
    assert f'<option value="{second.id}" selected>Alice Space Works</option>' in page
    assert "Orbital Ledger" in _cards(page)
    chosen = client.get("/matchmaking", params={"org": ecosystem.org.id}).text
    assert f'<option value="{ecosystem.org.id}" selected>Alice Undersea Systems</option>' \
        in chosen
    assert _cards(chosen)[0] == "Harbour Acoustics"


# --- acting on suggestions --------------------------------------------------------------------

def _dismissal(ns: SimpleNamespace, csrf: str, **extra: Any) -> dict[str, Any]:
    return {"csrf_token": csrf, "org": ns.org.id, "mode": "co-development",
            "candidate_org": ns.partner.id, "reason": "already-partners",
            "note": "We met at the summit", "next": f"/matchmaking?org={ns.org.id}", **extra}


def test_dismissing_a_suggestion_swaps_its_card_for_a_note_and_it_never_returns(
    client: TestClient, ecosystem: SimpleNamespace, session: Session, csrf: str,
    sign_in: SignIn,
) -> None:
    sign_in(client, ecosystem.alice)
    assert "Harbour Acoustics" in _cards(client.get("/matchmaking").text)
    response = client.post("/matchmaking/dismiss", data=_dismissal(ecosystem, csrf),
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<strong>Harbour Acoustics</strong> dismissed - it won't be suggested again." \
        in response.text
    feedback = session.scalars(select(MatchFeedback)).one()
    assert (feedback.action, feedback.reason.value if feedback.reason else None,
            feedback.note) == (FeedbackAction.DISMISSED, "already-partners",
                               "We met at the summit")
    assert "Harbour Acoustics" not in _cards(client.get("/matchmaking").text)
    assert "Harbour Acoustics" not in _cards(
        client.get("/matchmaking", params={"cross_border": "0"}).text)


def test_without_javascript_a_dismissal_returns_to_the_list_with_a_message(
    client: TestClient, ecosystem: SimpleNamespace, csrf: str, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.alice)
    response = client.post("/matchmaking/dismiss", data=_dismissal(
        ecosystem, csrf, next=f"/matchmaking?org={ecosystem.org.id}&mode=research&k=20"))
    assert response.status_code == 303
    assert response.headers["location"] == \
        f"/matchmaking?org={ecosystem.org.id}&mode=research&k=20"
    assert _flash(response) == "Dismissed Harbour Acoustics: it won't be suggested again."
    # Only this page's own addresses are followed back.
    away = client.post("/matchmaking/dismiss", data=_dismissal(
        ecosystem, csrf, candidate_org=ecosystem.misfit.id, next="https://evil.example/x"))
    assert away.headers["location"] == "/matchmaking?mode=co-development"


def _request(ns: SimpleNamespace, csrf: str, **extra: Any) -> dict[str, Any]:
    return {"csrf_token": csrf, "org": ns.org.id, "mode": "co-development",
            "to_org": ns.partner.id, "note": "Sea trials together?",
            "next": f"/matchmaking?org={ns.org.id}&mode=co-development&kind=large_company",
            **extra}


def test_requesting_an_introduction_creates_it_and_returns_with_a_flash(
    client: TestClient, ecosystem: SimpleNamespace, session: Session, csrf: str,
    sign_in: SignIn,
) -> None:
    sign_in(client, ecosystem.alice)
    assert "Harbour Acoustics" in _cards(client.get("/matchmaking").text)
    response = client.post("/matchmaking/introductions", data=_request(ecosystem, csrf))
    assert response.status_code == 303
    back = f"/matchmaking?org={ecosystem.org.id}&mode=co-development&kind=large_company"
    assert response.headers["location"] == back
    assert _flash(response).startswith(
        "Introduction requested: Harbour Acoustics will be asked to accept.")
    intro = session.scalars(select(Introduction)).one()
    assert (intro.from_org_id, intro.to_org_id, intro.mode, intro.note) == (
        ecosystem.org.id, ecosystem.partner.id, MatchMode.CO_DEVELOPMENT, "Sea trials together?")
    assert intro.score > 0 and intro.reason  # the suggestion's explanation travels with it
    assert "Harbour Acoustics" not in _cards(client.get(back).text)


def test_a_note_too_long_is_shown_inline_with_what_was_typed(
    client: TestClient, ecosystem: SimpleNamespace, session: Session, csrf: str,
    sign_in: SignIn,
) -> None:
    sign_in(client, ecosystem.alice)
    note = "We would like to meet. " * 100
    response = client.post("/matchmaking/introductions",
                           data=_request(ecosystem, csrf, note=note))
    assert response.status_code == 422
    key = f"org-{ecosystem.partner.id}"
    card = response.text.split(f'id="match-{key}"')[1].split("</article>")[0]
    assert '<details class="mm-action" open>' in card
    assert f'<div id="note-{key}-error" class="invalid-feedback d-block">' in card
    assert "Use at most 2000 characters" in card
    assert 'aria-invalid="true"' in card and note.strip() in card
    assert session.scalars(select(Introduction)).first() is None


def test_an_introduction_already_requested_is_reported_above_the_list(
    client: TestClient, ecosystem: SimpleNamespace, csrf: str, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.alice)
    client.get("/matchmaking")
    assert client.post("/matchmaking/introductions",
                       data=_request(ecosystem, csrf)).status_code == 303
    again = client.post("/matchmaking/introductions", data=_request(ecosystem, csrf))
    assert again.status_code == 409
    assert re.search(r'<div class="alert alert-danger[^>]*role="alert">.*?An introduction to '
                     r"Harbour Acoustics is already pending", again.text, re.S)


def test_a_viewer_gets_no_actions_and_forged_posts_are_refused(
    client: TestClient, ecosystem: SimpleNamespace, session: Session, csrf: str,
    sign_in: SignIn,
) -> None:
    sign_in(client, ecosystem.bob)
    page = client.get("/matchmaking").text
    assert "Harbour Acoustics" in _cards(page)
    assert "Request introduction" not in page and "Dismiss suggestion" not in page
    assert "Only owners and editors of Alice Undersea Systems can request introductions" in page
    assert client.post("/matchmaking/introductions",
                       data=_request(ecosystem, csrf)).status_code == 403
    assert client.post("/matchmaking/dismiss", data=_dismissal(ecosystem, csrf),
                       headers={"HX-Request": "true"}).status_code == 403
    assert session.scalars(select(Introduction)).first() is None
    assert session.scalars(select(MatchFeedback)).first() is None


def test_an_editor_may_act_for_the_organisation(
    client: TestClient, ecosystem: SimpleNamespace, session: Session, csrf: str,
    sign_in: SignIn,
) -> None:
    account_service.change_member_role(
        session=session, actor=ACTOR, role=OrgRole.EDITOR,
        membership=account_service.get_membership(session=session, org_id=ecosystem.org.id,
                                                  user_id=ecosystem.bob.id))
    session.commit()
    sign_in(client, ecosystem.bob)
    assert "Request introduction" in client.get("/matchmaking").text
    assert client.post("/matchmaking/introductions",
                       data=_request(ecosystem, csrf)).status_code == 303


# --- solver search ----------------------------------------------------------------------------

def test_the_solver_shows_evidence_with_matched_terms_marked_and_profile_html_escaped(
    client: TestClient, ecosystem: SimpleNamespace, make_org: MakeOrg, sign_in: SignIn
) -> None:
    make_org(name="Tag Soup Labs", country="US", kind="startup",
             description="Sonar buoys <script>alert(1)</script> for harbour defence.",
             capabilities="Sonar buoys, passive acoustic arrays.", focus_areas=["undersea"])
    sign_in(client, ecosystem.charlie)
    response = client.get("/matchmaking/solvers",
                          params={"q": "Expendable sonar buoys for harbour defence", "k": "5"})
    assert response.status_code == 200
    page = response.text
    assert _cards(page)[0] == "Tag Soup Labs"
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    evidence = re.findall(r'<p class="mm-evidence-text mb-0">(.*?)</p>', page, re.S)
    assert any("<mark>Sonar buoys</mark>" in e or "<mark>sonar buoys</mark>" in e.lower()
               for e in evidence)
    assert '<span class="mm-evidence-label">' in page
    assert 'name="q"' in page and "Expendable sonar buoys for harbour defence</textarea>" in page


def test_the_solver_filters_by_country(
    client: TestClient, ecosystem: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, ecosystem.charlie)
    q = "acoustic modems for underwater networking"
    everyone = _cards(client.get("/matchmaking/solvers", params={"q": q}).text)
    assert {"Harbour Acoustics", "Bay of Bengal Sonics"} <= set(everyone)
    us = _cards(client.get("/matchmaking/solvers", params={"q": q, "country": "US"}).text)
    assert "Harbour Acoustics" in us and "Bay of Bengal Sonics" not in us
