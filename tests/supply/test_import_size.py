"""The officers' supply import reads at most its limit of each file."""

from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from indusx.accounts.models import User
from indusx.main import create_app
from tests.conftest import make_settings


@pytest.fixture
def small_upload_client(
    database_url: str, engine: Engine, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    settings = make_settings(database_url, upload_max_bytes=1024)
    app = create_app(settings, engine=engine, session_factory=session_factory)
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def test_a_supply_file_over_the_upload_limit_is_refused_naming_the_file(
    small_upload_client: TestClient, people: SimpleNamespace,
    bearer: Callable[[User], dict[str, str]],
) -> None:
    systems = b"name,description\n" + b"S,long\n" * 200  # 1.4 KB, over the 1 KB limit

    response = small_upload_client.post(
        "/api/v1/supply/import", files={"systems": ("systems.csv", systems, "text/csv")},
        headers=bearer(people.officer))

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "systems.csv",
                                          "message": "larger than 1 KB"}]
