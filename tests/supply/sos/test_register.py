"""The register's summary strip and its CSV export."""

import csv
import io
from collections.abc import Callable
from types import SimpleNamespace

from sqlalchemy.orm import Session

from indusx.supply.sos import export, register, service
from indusx.supply.sos.models import SosRequest
from indusx.supply.sos.register import RequestFilter
from indusx.supply.sos.schemas import AnswerIn, StatusIn
from tests.supply.sos.conftest import Clock, principal

Raise = Callable[..., SosRequest]


def _answer(session: Session, user: object, org_id: int, request: SosRequest) -> None:
    who = principal(session, user)  # type: ignore[arg-type]
    loaded = service.load(session=session, principal=who, request_id=request.id)
    service.answer_request(session=session, principal=who, loaded=loaded,
                           answer_in=AnswerIn(org_id=org_id, action="acknowledge"))
    session.commit()


def test_the_summary_counts_open_and_overdue_requests_and_the_median_first_response(
    session: Session, world: SimpleNamespace, raise_request: Raise, clock: Clock
) -> None:
    quick, slow, settled = raise_request(), raise_request(), raise_request()
    clock.advance(hours=2)
    _answer(session, world.alice, world.supplier.id, quick)
    _answer(session, world.dave, world.granite.id, quick)  # quick: 2 h and 2 h
    clock.advance(hours=22)
    _answer(session, world.alice, world.supplier.id, slow)  # 24 h; Granite never answers
    clock.advance(days=5)
    _answer(session, world.alice, world.supplier.id, settled)  # 144 h
    service.change_status(
        session=session, principal=principal(session, world.officer),
        loaded=service.load(session=session, principal=principal(session, world.officer),
                            request_id=settled.id),
        status_in=StatusIn(status="fulfilled"),
    )

    summary = register.summary(session=session, principal=principal(session, world.officer),
                               flt=RequestFilter(), response_days=5)

    assert (summary.open, summary.overdue) == (2, 1)  # slow: Granite past 5 days
    assert summary.median_response_hours == 13.0  # median of 2, 2, 24, 144
    only_overdue = register.summary(session=session, principal=principal(session, world.gina),
                                    flt=RequestFilter(overdue=True), response_days=5)
    assert (only_overdue.open, only_overdue.overdue) == (1, 1)
    rows, total = register.list_requests(session=session, principal=principal(session,
                                         world.gina), flt=RequestFilter(overdue=True),
                                         response_days=5)
    assert total == 1 and rows[0].reference == slow.reference
    assert rows[0].overdue_parties == 1


def test_the_export_neutralises_cells_a_spreadsheet_would_run(
    session: Session, world: SimpleNamespace, raise_request: Raise
) -> None:
    raise_request(item="=HYPERLINK(\"http://evil.example\")")
    rows = register.all_requests(session=session, principal=principal(session, world.gina),
                                 flt=RequestFilter(), response_days=5)

    [header, line] = list(csv.reader(io.StringIO("".join(export.csv_lines(rows)))))

    assert header[:5] == ["reference", "status", "requesting_country", "requester", "item"]
    record = dict(zip(header, line, strict=True))
    assert record["item"] == "'=HYPERLINK(\"http://evil.example\")"
    assert record["suppliers"] == "Alice Undersea Systems; Granite Forge Components"
    assert (record["marking"], record["requester"]) == ("CUI", "Defense Logistics Test Agency")
