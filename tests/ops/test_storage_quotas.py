"""Storage quotas per organisation (data-room uploads) and the data-room download count."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.config import Settings
from indusx.ops import quotas
from indusx.orgs.models import Organisation
from tests.partnerships.dataroom_support import build, name_members

Bearer = Callable[[User], dict[str, str]]


@pytest.fixture
def room(
    session: Session, people: SimpleNamespace, make_user: Callable[..., User],
    make_org: Callable[..., Organisation], tmp_path: Path, database_url: str,
) -> SimpleNamespace:
    w = build(session, people, make_user, make_org, tmp_path, database_url)
    name_members(session, w, w.alice)
    return w


@pytest.fixture
def settings(room: SimpleNamespace) -> Settings:
    """The app stores uploads in the test's folder."""
    settings: Settings = room.settings
    return settings


def _upload(client: TestClient, w: SimpleNamespace, headers: dict[str, str],
            data: bytes) -> tuple[int, str]:
    response = client.post(f"/api/v1/partnerships/{w.pact.id}/documents", headers=headers,
                           data={"title": "Spec", "marking": "public"},
                           files={"file": ("spec.txt", data, "text/plain")})
    return response.status_code, response.text


def test_an_organisation_past_its_file_count_is_refused_with_409(
    client: TestClient, room: SimpleNamespace, bearer: Bearer, settings: Settings,
    session: Session,
) -> None:
    settings.quota_org_files = 1
    headers = bearer(room.alice)
    assert _upload(client, room, headers, b"first\n")[0] == 201
    status, body = _upload(client, room, headers, b"second\n")
    assert status == 409 and "its quota; remove some" in body
    assert "INDUSX_" not in body  # settings are named in docs, not to people
    assert quotas.org_usage(session=session, org_id=room.org.id) == quotas.Usage(1, 6)
    # The other party's organisation stores nothing: its quota is its own.
    assert quotas.org_usage(session=session, org_id=room.us_org.id) == quotas.Usage(0, 0)


def test_an_organisation_past_its_stored_bytes_is_refused_with_413(
    client: TestClient, room: SimpleNamespace, bearer: Bearer, settings: Settings,
) -> None:
    settings.quota_org_storage_bytes = 1500
    headers = bearer(room.alice)
    assert _upload(client, room, headers, b"a" * 1000 + b"\n")[0] == 201
    status, body = _upload(client, room, headers, b"b" * 1000 + b"\n")
    assert status == 413 and "quota; this file of" in body
    assert "INDUSX_" not in body
    assert _upload(client, room, headers, b"c" * 400 + b"\n")[0] == 201


def test_data_room_downloads_are_counted(
    client: TestClient, room: SimpleNamespace, bearer: Bearer,
) -> None:
    headers = bearer(room.alice)
    created = client.post(f"/api/v1/partnerships/{room.pact.id}/documents", headers=headers,
                          data={"title": "Spec", "marking": "public"},
                          files={"file": ("spec.txt", b"hello\n", "text/plain")})
    before = REGISTRY.get_sample_value("indusx_dataroom_downloads_total") or 0.0
    url = f"/api/v1/partnerships/{room.pact.id}/documents/{created.json()['id']}/download"
    assert client.get(url, headers=headers).status_code == 200
    assert client.get(url, headers=bearer(room.charlie)).status_code != 200
    assert REGISTRY.get_sample_value("indusx_dataroom_downloads_total") == before + 1
