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
    assert "no Indian organisation is capable" in cells[8]
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
    assert 'attachment; filename="opportunity-map.csv"' == response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["slug", "name", "capable_in", "capable_us", "seeking_in", "seeking_us",
                       "partnerships", "pending", "complementarity", "status", "note"]
    undersea = next(r for r in rows if r[0] == "undersea")
    assert undersea[2:6] == ["0", "1", "2", "1"]
    assert undersea[9] == "gap"
