"""The screening REST API: checks for signed-in users; cases, decisions and lists for officers."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.orgs.models import Organisation
from indusx.screening import imports
from indusx.screening.lists import ListFormat
from indusx.screening.models import ScreeningCase
from tests.conftest import ACTOR
from tests.screening.support import write_ofac

Headers = Callable[[User], dict[str, str]]


@pytest.fixture
def listed(session: Session, tmp_path: Path, make_org: Callable[..., Organisation]) -> int:
    """Load the fictional OFAC files and create an organisation that hits them; its case id."""
    imports.import_list(session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path),
                        actor=ACTOR)
    make_org(name="Zenith Strike Armaments Pvt Ltd")
    session.commit()
    case_id = session.scalar(select(ScreeningCase.id))
    assert case_id is not None
    return case_id


def test_a_signed_in_user_checks_a_name_and_sees_why_it_matched(
    client: TestClient, people: SimpleNamespace, bearer: Headers, listed: int
) -> None:
    response = client.post("/api/v1/screening/check", headers=bearer(people.bob), json={
        "name": "Dmitri Arkadyevich Volkov", "type": "person", "country": "Russia",
        "birth_date": "1961"})

    assert response.status_code == 200
    body = response.json()
    assert body["threshold"] > 0
    [hit] = body["hits"]
    assert hit["list"] == "OFAC SDN" and hit["list_key"] == "ofac-sdn"
    assert hit["entry_id"] == "9002" and hit["name"] == "VOLKOV, Dmitri Arkadyevich"
    assert hit["reasons"] and "name" in hit["matched_fields"]
    assert client.post("/api/v1/screening/check", json={"name": "x"}).status_code == 401


def test_a_check_with_bad_input_names_the_field(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    response = client.post("/api/v1/screening/check", headers=bearer(people.bob), json={
        "name": " ", "country": "Atlantis", "birth_date": "sometime", "type": "robot"})

    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"name", "country", "birth_date", "type"} <= fields


def test_only_officers_list_and_read_cases(
    client: TestClient, people: SimpleNamespace, bearer: Headers, listed: int
) -> None:
    assert client.get("/api/v1/screening/cases", headers=bearer(people.alice)).status_code == 403
    response = client.get("/api/v1/screening/cases?status=open",
                          headers=bearer(people.officer))

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    [case] = body["items"]
    assert case["id"] == listed and case["status"] == "open"
    assert case["subject_name"] == "Zenith Strike Armaments Pvt Ltd"
    assert case["list"] == "OFAC Specially Designated Nationals (SDN) List"
    assert case["list_version"] == 1 and case["entry_id"] == "9001"
    one = client.get(f"/api/v1/screening/cases/{listed}", headers=bearer(people.officer))
    assert one.json() == case
    assert client.get("/api/v1/screening/cases/999999",
                      headers=bearer(people.officer)).status_code == 404


def test_an_officer_decides_a_case_and_a_member_cannot(
    client: TestClient, people: SimpleNamespace, bearer: Headers, listed: int
) -> None:
    url = f"/api/v1/screening/cases/{listed}/decision"
    body = {"decision": "false-positive", "reason": "Different firm: CIN checked"}

    assert client.post(url, json=body, headers=bearer(people.alice)).status_code == 403
    decided = client.post(url, json=body, headers=bearer(people.officer))

    assert decided.status_code == 200
    assert decided.json()["status"] == "false-positive"
    assert decided.json()["decided_by"] == "Olga Officer"
    again = client.post(url, json=body, headers=bearer(people.officer))
    assert again.status_code == 409
    short = client.post(url, json={"decision": "confirmed", "reason": "no"},
                        headers=bearer(people.officer))
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"


def test_an_admin_imports_a_list_by_upload_and_officers_read_its_history(
    client: TestClient, people: SimpleNamespace, bearer: Headers, tmp_path: Path
) -> None:
    paths = write_ofac(tmp_path)
    files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in paths]

    refused = client.post("/api/v1/screening/lists/import", data={"format": "ofac"},
                          files=files, headers=bearer(people.officer))
    response = client.post("/api/v1/screening/lists/import", data={"format": "ofac"},
                           files=files, headers=bearer(people.admin))

    assert refused.status_code == 403
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == "ofac-sdn" and body["live_entries"] == 3
    [version] = body["versions"]
    assert (version["number"], version["added"]) == (1, 3)
    assert [f["name"] for f in version["files"]] == ["sdn.csv", "alt.csv", "add.csv"]
    lists = client.get("/api/v1/screening/lists", headers=bearer(people.officer)).json()
    assert [x["key"] for x in lists] == ["ofac-sdn"]


def test_an_upload_that_cannot_be_read_is_refused_with_the_field(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    response = client.post(
        "/api/v1/screening/lists/import", data={"format": "un"},
        files=[("files", ("list.xml", b"<CONSOLIDATED_LIST><oops", "text/xml"))],
        headers=bearer(people.admin))

    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "files" and "list.xml" in error["message"]
