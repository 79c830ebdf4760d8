"""Data-room uploads from the pages come at a person's pace (pacing.py)."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.config import Settings
from indusx.orgs.models import Organisation
from indusx.pacing import TOO_FAST, Flow
from indusx.partnerships.dataroom_models import Document, DocumentVersion
from tests.partnerships.dataroom_support import build, name_members, put
from tests.support.pacing import SLOW, stamp_from, stamp_in

SignIn = Callable[[TestClient, User], TestClient]
TEXT = b"Modem interface: 9600 baud acoustic link.\n"


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


def _count(session: Session, model: type[Document] | type[DocumentVersion]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _upload(client: TestClient, w: SimpleNamespace, csrf: str, stamp: str,
            **fields: str) -> str:
    response = client.post(
        f"/partnerships/{w.pact.id}/room/documents",
        data={"csrf_token": csrf, "title": "Modem spec", "description": "Link budget",
              "marking": "public", "form_stamp": stamp, **fields},
        files={"file": ("spec.txt", TEXT, "text/plain")})
    assert response.status_code in (303, 422), response.status_code
    return response.text if response.status_code == 422 else "uploaded"


def test_a_document_uploaded_at_once_is_refused_with_what_was_typed_kept(
    client: TestClient, csrf: str, settings: Settings, session: Session, sign_in: SignIn,
    w: SimpleNamespace,
) -> None:
    settings.form_min_seconds = SLOW
    name_members(session, w, w.alice)
    room = sign_in(client, w.alice).get(f"/partnerships/{w.pact.id}/room").text

    page = _upload(client, w, csrf, stamp_in(room))

    assert TOO_FAST in page and 'value="Modem spec"' in page and "Link budget" in page
    assert _count(session, Document) == 0


def test_a_new_version_uploaded_at_once_is_refused_on_the_document_page(
    client: TestClient, csrf: str, settings: Settings, session: Session, sign_in: SignIn,
    w: SimpleNamespace,
) -> None:
    name_members(session, w, w.alice)
    first = put(session, w, w.alice, marking="public", data=TEXT)
    settings.form_min_seconds = SLOW
    doc = sign_in(client, w.alice).get(
        f"/partnerships/{w.pact.id}/room/documents/{first.document_id}").text

    page = _upload(client, w, csrf, stamp_in(doc), document_id=str(first.document_id),
                   title="Modem spec, second issue")

    assert TOO_FAST in page and 'value="Modem spec, second issue"' in page
    assert _count(session, DocumentVersion) == 1


@pytest.mark.parametrize("case", ["missing", "other form", "other browser"])
def test_an_upload_without_its_own_stamp_is_refused(
    client: TestClient, csrf: str, settings: Settings, session: Session, sign_in: SignIn,
    w: SimpleNamespace, case: str,
) -> None:
    settings.form_min_seconds = 2
    name_members(session, w, w.alice)
    stamp = {
        "missing": "",
        "other form": stamp_from(settings, Flow.PROPOSAL_ATTACHMENT, seconds_ago=10),
        "other browser": stamp_from(settings, Flow.DATAROOM_UPLOAD, seconds_ago=10,
                                    browser="theirs"),
    }[case]

    page = _upload(sign_in(client, w.alice), w, csrf, stamp)

    assert "does not match the page" in page and 'value="Modem spec"' in page
    assert _count(session, Document) == 0


def test_a_document_uploaded_after_the_minimum_is_stored(
    client: TestClient, csrf: str, settings: Settings, session: Session, sign_in: SignIn,
    w: SimpleNamespace,
) -> None:
    settings.form_min_seconds = 2
    name_members(session, w, w.alice)
    stamp = stamp_from(settings, Flow.DATAROOM_UPLOAD, seconds_ago=5)

    assert _upload(sign_in(client, w.alice), w, csrf, stamp) == "uploaded"
    assert _count(session, Document) == 1
