"""Officers' views of a screening case (a hit on a restricted-party list) are audited as
`data.read`, once per officer and case in the window, web and API alike."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit import reads
from indusx.audit.models import AuditEvent
from indusx.orgs.models import Organisation
from indusx.screening import imports
from indusx.screening.lists import ListFormat
from indusx.screening.models import ScreeningCase
from tests.conftest import ACTOR
from tests.screening.support import write_ofac


@pytest.fixture
def case_id(session: Session, tmp_path: Path, make_org: Callable[..., Organisation]) -> int:
    """Load the fictional OFAC files and create an organisation that hits them; its case id."""
    imports.import_list(session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path),
                        actor=ACTOR)
    make_org(name="Zenith Strike Armaments Pvt Ltd")
    session.commit()
    found = session.scalar(select(ScreeningCase.id))
    assert found is not None
    return found


def test_each_officers_view_of_a_case_is_audited_once_in_the_window(
    client: TestClient, session: Session, people: SimpleNamespace,
    sign_in: Callable[[TestClient, User], TestClient],
    bearer: Callable[[User], dict[str, str]], case_id: int,
) -> None:
    officer = sign_in(client, people.officer)
    for _ in range(2):
        assert officer.get(f"/screening/cases/{case_id}").status_code == 200
    url = f"/api/v1/screening/cases/{case_id}"
    assert client.get(url, headers=bearer(people.officer)).status_code == 200
    assert client.get(url, headers=bearer(people.admin)).status_code == 200
    assert client.get(url, headers=bearer(people.alice)).status_code == 403

    session.expire_all()
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == reads.ACTION).order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.object_type, e.object_id, e.via) for e in events] == [
        (people.officer.id, "screening_case", str(case_id), "web"),
        (people.admin.id, "screening_case", str(case_id), "api"),
    ]
    assert all("ZENITH" not in e.summary.upper() for e in events)
