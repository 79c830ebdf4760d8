"""A write is committed before its response leaves: a 2xx is never sent for a write that a
crash (a killed worker, a lost database connection) could still undo."""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User


def test_a_write_is_committed_before_its_response_is_sent(
    app: FastAPI, people: SimpleNamespace, bearer: Callable[[User], dict[str, str]]
) -> None:
    events: list[str] = []
    factory = app.state.sessionmaker

    def tracked() -> Session:
        session: Session = factory()
        commit = session.commit

        def noted_commit() -> None:
            commit()
            events.append("commit")

        session.commit = noted_commit  # type: ignore[method-assign]
        return session

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        async def spy(message: Any) -> None:
            if message["type"] == "http.response.start":
                events.append("response")
            await send(message)

        await app(scope, receive, spy)

    headers = bearer(people.alice)
    app.state.sessionmaker = tracked
    client = TestClient(recording)  # type: ignore[arg-type]
    response = client.patch(f"/api/v1/orgs/{people.org.id}", headers=headers,
                            json={"needs": "A US partner for sea trials in the Gulf of Mexico."})

    assert response.status_code == 200
    assert "commit" in events
    assert events[-1] == "response", events
