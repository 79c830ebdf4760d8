"""Dashboard pages: officers only, charts with summaries and tables, CSV downloads, the PDF."""

import csv
import io
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.matching.models import IntroductionStatus
from indusx.orgs.models import Organisation
from tests.dashboards import support as s

SignIn = Callable[[TestClient, User], TestClient]
RANGE = "?from=2026-01-01&to=2026-06-30"


@pytest.mark.parametrize("path", ["/dashboards", "/dashboards/pipeline",
                                  "/dashboards/ecosystem/kinds.csv", "/dashboards/report.pdf"])
@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("bob", 403), ("charlie", 403),
                                             ("officer", 200), ("admin", 200)])
def test_only_officers_and_admins_open_dashboard_pages(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, path: str, who: str,
    status: int,
) -> None:
    sign_in(client, getattr(people, who))
    assert client.get(path).status_code == status


def test_the_navigation_offers_dashboards_to_officers_only(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    assert 'href="/dashboards"' not in sign_in(client, people.alice).get("/orgs").text
    assert 'href="/dashboards"' in sign_in(client, people.officer).get("/orgs").text


def test_a_dashboard_page_shows_each_chart_with_summary_numbers_and_csv_link(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, session: Session,
    make_org: Callable[..., Organisation],
) -> None:
    a, b = make_org(country="US"), make_org(country="IN")
    s.introduction(session, a, b, IntroductionStatus.ACCEPTED, s.MARCH)
    session.commit()
    page = sign_in(client, people.officer).get(f"/dashboards/matchmaking{RANGE}").text
    assert "Introductions requested each month, by outcome" in page
    assert "1 introductions were requested in the range; 1 were accepted" in page
    assert page.count("Show the numbers") == 4
    assert 'data-dashboard-chart="introductions"' in page and 'id="dashboard-data"' in page
    assert 'href="/dashboards/matchmaking/introductions.csv?from=2026-01-01&amp;to=2026-06-30"' \
        in page
    assert 'href="/dashboards/report.pdf?from=2026-01-01&amp;to=2026-06-30"' in page
    assert 'value="2026-01-01"' in page and "/static/dashboards.js" in page


def test_the_overview_shows_every_dashboards_figures(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    page = sign_in(client, people.admin).get(f"/dashboards{RANGE}").text
    for title in ("Ecosystem", "Matchmaking", "Joint challenges", "Partnership pipeline",
                  "Screening"):
        assert title in page
    assert 'data-figure="ecosystem:Organisations"' in page


def test_a_chart_downloads_as_csv_with_formula_cells_neutralised(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn, session: Session,
    make_org: Callable[..., Organisation],
) -> None:
    from indusx.orgs.models import FocusArea

    session.add(FocusArea(bit=60, slug="formula", name="=HYPERLINK(\"x\")"))
    s.backdate(session, make_org(country="IN", kind="msme"), s.MAY)
    response = sign_in(client, people.officer).get(f"/dashboards/ecosystem/focus-areas.csv{RANGE}")
    assert response.headers["content-type"].startswith("text/csv")
    assert "ecosystem-focus-areas-2026-01-01-2026-06-30.csv" in \
        response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["focus area", "United States", "India"]
    assert ["Undersea domain", "0", "1"] in rows
    assert ["'=HYPERLINK(\"x\")", "0", "0"] in rows


def test_an_unknown_chart_or_dashboard_is_not_found(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.officer)
    assert client.get("/dashboards/ecosystem/nope.csv").status_code == 404
    assert client.get("/dashboards/nope").status_code == 404


def test_a_bad_range_on_a_page_says_what_is_wrong(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    response = sign_in(client, people.officer).get("/dashboards/ecosystem?from=2026-02-30")
    assert response.status_code == 422
    assert "YYYY-MM-DD" in response.text
