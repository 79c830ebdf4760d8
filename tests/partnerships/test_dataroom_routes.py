"""The data-room API and pages end to end: shapes, refusals, marked downloads, forms."""

import io
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.config import Settings
from indusx.orgs.models import Organisation
from indusx.partnerships import markings
from indusx.partnerships.dataroom_models import AccessLog, AccessOutcome, Document
from indusx.partnerships.markings import Marking
from indusx.pathway.engine.evaluate import Verdict
from tests.challenges.conftest import office_bytes
from tests.partnerships.dataroom_support import assess, build, name_members, pdf, put

TEXT = b"Modem interface: 9600 baud acoustic link.\n"
Bearer = Callable[[User], dict[str, str]]


@pytest.fixture
def w(
    session: Session,
    people: SimpleNamespace,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    tmp_path: Path,
    database_url: str,
) -> SimpleNamespace:
    return build(session, people, make_user, make_org, tmp_path, database_url)


@pytest.fixture
def settings(w: SimpleNamespace) -> Settings:
    """The app stores uploads in the test's folder."""
    settings: Settings = w.settings
    return settings


def test_the_list_shows_markings_and_what_the_caller_may_open(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    name_members(session, w, w.alice, w.bob)
    put(session, w, w.alice, marking="controlled-technical-data", data=TEXT, title="Drawings")
    put(session, w, w.alice, marking="business-confidential", data=TEXT, title="Price list")
    assess(session, w.pact.id, Verdict.NO_LICENCE_REQUIRED)

    response = client.get(f"/api/v1/partnerships/{w.pact.id}/documents", headers=bearer(w.bob))

    assert response.status_code == 200
    body = response.json()
    assert body["is_member"] is True and body["controlled_data_covered"]["allowed"] is True
    shown = {d["latest"]["title"]: (d["latest"]["marking_label"], d["may_open"], d["reasons"])
             for d in body["documents"]}
    assert shown["Price list"] == ("Business Confidential", True, [])
    assert shown["Drawings"][:2] == ("Controlled Technical Data", False)
    assert "your declared eligibility is undeclared" in shown["Drawings"][2][0]


def test_an_outsider_gets_404_and_the_attempt_is_logged(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    name_members(session, w, w.alice)
    doc = put(session, w, w.alice, marking="public", data=TEXT)
    base = f"/api/v1/partnerships/{w.pact.id}/documents"

    assert client.get(base, headers=bearer(w.charlie)).status_code == 404
    response = client.get(f"{base}/{doc.document_id}/download", headers=bearer(w.charlie))

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    logged = session.scalars(select(AccessLog.outcome).where(AccessLog.user_id == w.charlie.id))
    assert list(logged) == [AccessOutcome.DENIED]


def test_a_refused_download_is_403_with_the_reasons(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    name_members(session, w, w.alice)
    doc = put(session, w, w.alice, marking="controlled-technical-data", data=TEXT)

    response = client.get(
        f"/api/v1/partnerships/{w.pact.id}/documents/{doc.document_id}/download",
        headers=bearer(w.alice))

    assert response.status_code == 403
    assert response.json()["reasons"] == [
        "Controlled Technical Data: no regulatory assessment is saved for this partnership"]


def test_a_download_carries_the_marking_in_its_name_and_its_text(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    name_members(session, w, w.alice, w.dave)
    doc = put(session, w, w.alice, marking="business-confidential", data=TEXT,
              filename="spec-v2.txt")

    response = client.get(
        f"/api/v1/partnerships/{w.pact.id}/documents/{doc.document_id}/download",
        headers=bearer(w.dave))

    assert response.status_code == 200
    assert 'filename="BUSINESS-CONFIDENTIAL_spec-v2.txt"' in response.headers[
        "content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    lines = response.text.splitlines()
    assert lines[0] == lines[-1] and lines[0].startswith("BUSINESS CONFIDENTIAL")
    assert lines[1] == TEXT.decode().strip()


def test_a_downloaded_pdf_carries_the_banner_on_every_page(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    name_members(session, w, w.alice, w.dave)
    doc = put(session, w, w.alice, marking="business-confidential", filename="spec.pdf",
              data=pdf(A4, landscape(A4), A4))

    response = client.get(
        f"/api/v1/partnerships/{w.pact.id}/documents/{doc.document_id}/download",
        headers=bearer(w.dave))

    assert response.status_code == 200
    assert 'filename="BUSINESS-CONFIDENTIAL_spec.pdf"' in response.headers[
        "content-disposition"]
    line = markings.banner(Marking.BUSINESS_CONFIDENTIAL, partnership=w.pact.title)
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 3
    assert all(page.extract_text().count(line) == 2 for page in pages)


def test_a_broken_pdf_is_refused_at_upload_and_nothing_is_kept(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    name_members(session, w, w.alice)
    broken = pdf(A4, A4)[:400]  # cut short: the header is there, the pages are not

    response = client.post(
        f"/api/v1/partnerships/{w.pact.id}/documents", headers=bearer(w.alice),
        data={"title": "Spec", "marking": "public"},
        files={"file": ("spec.pdf", broken, "application/pdf")})

    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "file" and "the PDF cannot be read" in error["message"]
    assert session.scalar(select(func.count()).select_from(Document)) == 0
    assert not any(p.is_file() for p in w.settings.upload_dir.rglob("*"))


def test_uploads_through_the_api_make_versions_and_any_version_downloads(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    name_members(session, w, w.alice)
    headers = bearer(w.alice)
    base = f"/api/v1/partnerships/{w.pact.id}/documents"
    first = client.post(base, headers=headers, data={"title": "Spec", "marking": "public"},
                        files={"file": ("spec.txt", b"version one\n", "text/plain")})
    assert first.status_code == 201, first.text
    doc_id = first.json()["id"]
    second = client.post(base, headers=headers,
                         data={"title": "Spec", "marking": "public", "document_id": str(doc_id)},
                         files={"file": ("spec.txt", b"version two\n", "text/plain")})
    assert second.json()["latest"]["number"] == 2

    detail = client.get(f"{base}/{doc_id}", headers=headers).json()
    old = client.get(f"{base}/{doc_id}/download?version=1", headers=headers)

    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert detail["banner"].startswith("PUBLIC")
    assert "version one" in old.text and "version two" not in old.text


def test_an_upload_of_a_program_is_refused_by_its_content(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    name_members(session, w, w.alice)
    response = client.post(
        f"/api/v1/partnerships/{w.pact.id}/documents", headers=bearer(w.alice),
        data={"title": "Tool", "marking": "public"},
        files={"file": ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 300, "application/pdf")})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_members_and_authorisation_endpoints(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    base = f"/api/v1/partnerships/{w.pact.id}/room"
    added = client.post(f"{base}/members", headers=bearer(w.alice), json={"user_id": w.dave.id})
    assert added.status_code == 201
    assert [(m["email"], m["active"]) for m in added.json()] == [(w.dave.email, True)]

    refused = client.put(f"{base}/authorisation", headers=bearer(w.alice),
                         json={"reference": "TAA 1", "expires_on": "2099-01-01"})
    saved = client.put(f"{base}/authorisation", headers=bearer(w.officer),
                       json={"reference": "TAA 1", "expires_on": "2099-01-01"})
    assert refused.status_code == 403
    assert saved.json()["authorisation_reference"] == "TAA 1"

    removed = client.delete(f"{base}/members/{w.dave.id}", headers=bearer(w.alice))
    assert removed.status_code == 204
    assert client.get(f"{base}/members", headers=bearer(w.alice)).json() == []


def test_the_access_log_exports_csv_for_managers_only(
    session: Session, w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    name_members(session, w, w.alice, w.bob)
    doc = put(session, w, w.alice, marking="public", data=TEXT, title="Brochure")
    client.get(f"/api/v1/partnerships/{w.pact.id}/documents/{doc.document_id}",
               headers=bearer(w.bob))
    url = f"/api/v1/partnerships/{w.pact.id}/room/access-log"

    csv_text = client.get(f"{url}?format=csv&action=view", headers=bearer(w.alice)).text

    assert csv_text.splitlines()[0].startswith("at,user,document_id,title")
    assert f"{w.bob.email},{doc.document_id},Brochure,1,Public,view,allowed" in csv_text
    assert client.get(url, headers=bearer(w.bob)).status_code == 403


def test_declaring_eligibility_through_the_api(
    w: SimpleNamespace, client: TestClient, bearer: Bearer
) -> None:
    response = client.put("/api/v1/users/me/eligibility", headers=bearer(w.bob),
                          json={"eligibility": "indian-national"})
    assert response.json()["eligibility"] == "indian-national"
    assert response.json()["declared_at"] is not None


def test_the_room_page_renders_members_documents_and_the_log_for_a_manager(
    session: Session, w: SimpleNamespace, client: TestClient,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    name_members(session, w, w.alice)
    put(session, w, w.alice, marking="controlled-technical-data", data=TEXT, title="Drawings")

    page = sign_in(client, w.alice).get(f"/partnerships/{w.pact.id}/room")

    assert page.status_code == 200
    assert 'data-marking="controlled-technical-data"' in page.text
    assert "no regulatory assessment is saved" in page.text
    assert 'id="access-log"' in page.text and 'name="marking"' in page.text


def test_the_document_page_shows_the_banner_above_and_below(
    session: Session, w: SimpleNamespace, client: TestClient,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    name_members(session, w, w.alice)
    doc = put(session, w, w.alice, marking="business-confidential", data=TEXT)

    page = sign_in(client, w.alice).get(
        f"/partnerships/{w.pact.id}/room/documents/{doc.document_id}")

    assert page.status_code == 200
    assert page.text.count('class="alert alert-warning text-center fw-bold') == 2
    assert "Upload a new version" in page.text


def test_the_document_page_says_when_the_marking_is_in_the_file_name_only(
    session: Session, w: SimpleNamespace, client: TestClient,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    name_members(session, w, w.alice)
    word = put(session, w, w.alice, marking="public", data=office_bytes(),
               filename="plan.docx", title="Plan")
    paper = put(session, w, w.alice, marking="public", data=pdf(A4), filename="spec.pdf",
                title="Spec")
    browser = sign_in(client, w.alice)
    base = f"/partnerships/{w.pact.id}/room/documents"

    word_page = browser.get(f"{base}/{word.document_id}").text
    pdf_page = browser.get(f"{base}/{paper.document_id}").text

    assert "The marking is in the file name only for this type" in word_page
    assert "every page a banner line" in pdf_page
    assert "in the file name only" not in pdf_page


def test_the_upload_form_shows_inline_errors(
    session: Session, w: SimpleNamespace, client: TestClient, csrf: str,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    name_members(session, w, w.alice)
    response = sign_in(client, w.alice).post(
        f"/partnerships/{w.pact.id}/room/documents",
        data={"csrf_token": csrf, "title": "", "marking": "public"},
        files={"file": ("a.txt", b"words\n", "text/plain")})
    assert response.status_code == 422
    assert "Give the document a title" in response.text


def test_the_eligibility_form_saves_the_declaration(
    w: SimpleNamespace, client: TestClient, csrf: str, session: Session,
    sign_in: Callable[[TestClient, User], TestClient],
) -> None:
    browser = sign_in(client, w.bob)
    assert browser.get("/account/eligibility").status_code == 200

    response = browser.post("/account/eligibility",
                            data={"csrf_token": csrf, "eligibility": "us-person"})

    assert response.status_code == 303
    session.refresh(w.bob)
    assert w.bob.eligibility is not None and w.bob.eligibility.value == "us-person"
