"""Screening pages end to end: the case queue, one case and its decision, lists, the check."""

import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.orgs.models import Organisation
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening import service as screening_service
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus, ListVersion, ScreeningCase, SubjectKind
from indusx.templating import FLASH_COOKIE
from tests.conftest import ACTOR
from tests.screening.support import SDN_ROWS, write_ofac, write_simple

SignIn = Callable[[TestClient, User], TestClient]
MakeOrg = Callable[..., Organisation]
HTMX = {"HX-Request": "true"}


def _flash(response: Response) -> str:
    return unquote(response.cookies.get(FLASH_COOKIE) or "")


def _rows(page: str) -> str:
    """Return the queue's table body, without the flash message above it."""
    return page.partition("<tbody>")[2].partition("</tbody>")[0]


def _import_ofac(session: Session, folder: Path, sdn: list[list[str]] | None = None) -> None:
    imports.import_list(
        session=session, fmt=ListFormat.OFAC, paths=write_ofac(folder, sdn=sdn), actor=ACTOR
    )
    session.commit()


def _case_of(session: Session, org: Organisation, kind: SubjectKind) -> ScreeningCase:
    # Organisations are screened when created; screening again changes nothing if so.
    screening_service.screen_org(session=session, org=org, actor=ACTOR)
    session.commit()
    [case] = [
        c
        for c in screening_cases.subject_cases(session=session, org_id=org.id)
        if session.get_one(screening_service.ScreeningSubject, c.subject_id).kind is kind
    ]
    return case


def _status(session: Session, case_id: int) -> CaseStatus:
    session.expire_all()
    return session.get_one(ScreeningCase, case_id).status


@pytest.fixture
def world(
    session: Session, people: SimpleNamespace, make_org: MakeOrg, tmp_path: Path
) -> SimpleNamespace:
    """The OFAC test list and two parties that resemble its entries.

    Alice owns Zenith (like entry 9001); Harbour Acoustics' named contact resembles 9002.
    """
    _import_ofac(session, tmp_path / "v1")
    zenith = make_org(owner=people.alice, name="Zenith Strike Armaments Pvt Ltd")
    harbour = make_org(name="Harbour Acoustics", contact_name="Dmitri Arkadyevich Volkov")
    return SimpleNamespace(
        **vars(people),
        zenith=zenith,
        harbour=harbour,
        zenith_case=_case_of(session, zenith, SubjectKind.ORGANISATION),
        volkov_case=_case_of(session, harbour, SubjectKind.CONTACT),
    )


def _decide(client: TestClient, csrf: str, case_id: int, **form: str) -> Response:
    return client.post(f"/screening/cases/{case_id}/decision", data={"csrf_token": csrf, **form})


# --- who may see what ---------------------------------------------------------------------


def test_the_screening_pages_need_a_signed_in_user(client: TestClient) -> None:
    for path in (
        "/screening",
        "/screening/cases/1",
        "/screening/lists",
        "/screening/check",
        "/screening/lists/ofac-sdn",
        "/screening/lists/ofac-sdn/versions/1",
    ):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/login?next={path}"


def test_members_are_refused_the_officer_pages(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str
) -> None:
    sign_in(client, world.alice)
    for path in (
        "/screening",
        f"/screening/cases/{world.zenith_case.id}",
        "/screening/lists",
        "/screening/lists/ofac-sdn",
        "/screening/lists/ofac-sdn/versions/1",
    ):
        assert client.get(path).status_code == 403, path
    response = _decide(
        client,
        csrf,
        world.zenith_case.id,
        decision="false-positive",
        reason="It is us, and we are not listed",
    )
    assert response.status_code == 403
    assert client.get("/screening/check").status_code == 200


def test_officers_see_the_screening_item_with_the_open_count_and_members_do_not(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, world.officer)
    page = client.get("/orgs").text
    assert 'href="/screening"' in page
    assert '2<span class="visually-hidden"> open cases</span>' in page
    sign_in(client, world.bob)
    page = client.get("/orgs").text
    assert 'href="/screening"' not in page
    assert 'href="/screening/check"' in page  # in the account menu


def test_only_administrators_get_the_import_form_and_may_import(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, tmp_path: Path
) -> None:
    sign_in(client, world.officer)
    page = client.get("/screening/lists").text
    assert "OFAC Specially Designated Nationals (SDN) List" in page
    assert "Import a list" not in page
    files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in write_ofac(tmp_path / "up")]
    refused = client.post(
        "/screening/lists", data={"csrf_token": csrf, "format": "ofac"}, files=files
    )
    assert refused.status_code == 403
    sign_in(client, world.admin)
    assert "Import a list" in client.get("/screening/lists").text


# --- the queue ----------------------------------------------------------------------------


def test_the_queue_shows_open_cases_with_party_entry_list_and_score(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, world.officer)
    page = client.get("/screening").text

    assert "Zenith Strike Armaments Pvt Ltd" in page
    assert f'href="/orgs/{world.zenith.slug}"' in page
    assert "ZENITH STRIKE ARMAMENTS LIMITED" in page
    assert "Dmitri Arkadyevich Volkov" in page and "VOLKOV, Dmitri Arkadyevich" in page
    assert ">Contact</span>" in page and ">Organisation</span>" in page
    assert f'of <a href="/orgs/{world.harbour.slug}">Harbour Acoustics</a>' in page
    assert "OFAC Specially Designated Nationals (SDN) List" in page
    assert f"{world.zenith_case.score:.2f}" in page
    assert "1\u20132 of 2 open cases" in page
    assert "The review threshold" not in page and "0.75</strong> or more" in page
    assert re.search(r'aria-current="page">\s*Open <span class="count-pill sc-count-open">2<', page)


def test_the_queue_filters_by_status_search_and_list(
    client: TestClient,
    world: SimpleNamespace,
    sign_in: SignIn,
    csrf: str,
    session: Session,
    make_org: MakeOrg,
    tmp_path: Path,
) -> None:
    imports.import_list(
        session=session,
        fmt=ListFormat.CSV,
        key="dod-1260h",
        name="DoD Section 1260H",
        paths=[
            write_simple(
                tmp_path / "dod.csv",
                [
                    {
                        "schema": "Company",
                        "name": "Northwind Avionics Corporation",
                        "aliases": "",
                        "country": "",
                        "program": "1260H",
                        "notes": "",
                    }
                ],
            )
        ],
        actor=ACTOR,
    )
    northwind = make_org(name="Northwind Avionics Corporation")
    _case_of(session, northwind, SubjectKind.ORGANISATION)
    sign_in(client, world.officer)
    _decide(
        client,
        csrf,
        world.zenith_case.id,
        decision="false-positive",
        reason="An Indian MSME with another address",
    )

    opened = _rows(client.get("/screening").text)
    assert "Northwind Avionics Corporation" in opened and "Zenith Strike" not in opened
    decided = _rows(client.get("/screening?status=false-positive").text)
    assert "Zenith Strike" in decided and "Northwind" not in decided
    everything = _rows(client.get("/screening?status=all").text)
    assert all(name in everything for name in ("Zenith", "Northwind", "Volkov"))
    assert "False positive</span>" in everything  # the status column of the All tab
    found = client.get("/screening?q=volkov").text
    assert "Dmitri Arkadyevich Volkov" in _rows(found) and "Northwind" not in _rows(found)
    assert "matching “volkov”" in found
    by_list = _rows(client.get("/screening?list=dod-1260h").text)
    assert "Northwind" in by_list and "Volkov" not in by_list
    assert "No open cases match" in client.get("/screening?q=nobody-at-all").text


def test_the_queue_sorts_pages_and_answers_htmx_with_the_results_only(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, session: Session
) -> None:
    base = world.zenith_case
    for n in range(26):  # more cases of the same kind, each with its own score
        session.add(
            ScreeningCase(
                subject_id=base.subject_id,
                entry_record_id=base.entry_record_id,
                list_version_id=base.list_version_id,
                entry_fingerprint=base.entry_fingerprint,
                subject_name=f"Party {n:02d}",
                matched_name=base.matched_name,
                score=0.76 + n / 1000,
                reasons=[],
                matched_fields=["name"],
                status=CaseStatus.OPEN,
            )
        )
    session.commit()
    sign_in(client, world.officer)

    first = client.get("/screening?sort=score").text
    assert first.count("/screening/cases/") == 25
    assert "1\u201325 of 28 open cases" in first
    assert 'href="/screening?sort=score&amp;page=2"' in first
    order = [first.index(name) for name in ("Zenith Strike", "Party 25", "Party 24")]
    assert order == sorted(order)
    second = client.get("/screening?sort=score&page=2").text
    assert "26\u201328 of 28" in second and "Party 00" in second
    oldest = client.get("/screening?sort=oldest").text
    assert oldest.index("Zenith Strike") < oldest.index("Party 00")

    partial = client.get("/screening?q=party+0", headers=HTMX)
    assert partial.status_code == 200
    assert "<html" not in partial.text and "Party 03" in partial.text
    assert "10 open cases" in partial.text  # Party 00 to Party 09


def test_without_a_list_the_queue_says_how_to_load_one(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.officer)
    page = client.get("/screening").text
    assert "No restricted-party list is loaded yet" in page
    assert 'href="/screening/lists"' in page


# --- one case -----------------------------------------------------------------------------


def test_the_case_page_shows_both_sides_the_reasons_and_only_the_allowed_decisions(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn
) -> None:
    case = world.zenith_case
    sign_in(client, world.officer)
    page = client.get(f"/screening/cases/{case.id}").text

    assert "Zenith Strike Armaments Pvt Ltd" in page and "ZENITH STRIKE ARMAMENTS LIMITED" in page
    assert "ZSA ARMAMENTS" in page and "NPWMD" in page and "Belarus" in page
    assert "12 Foundry Road, Minsk, Belarus" in page
    assert "Website www.zenith-strike.example." in page
    assert "<code>9001</code>" in page and "version 1" in page
    for reason in case.reasons:
        assert reason.replace("'", "&#39;") in page
    assert "<mark>ZENITH STRIKE ARMAMENTS LIMITED</mark>" in page  # the field that matched
    assert 'value="false-positive"' in page and 'value="confirmed"' in page
    assert 'value="cleared"' not in page
    assert "False positive — not the listed party" in page
    assert "I understand that confirming blocks" in page


def test_a_false_positive_is_recorded_and_the_officer_returns_to_the_queue(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, session: Session
) -> None:
    case = world.zenith_case
    sign_in(client, world.officer)
    queue = client.get("/screening?sort=score").text
    assert f'href="/screening/cases/{case.id}?back=/screening%3Fsort%3Dscore"' in queue

    response = _decide(
        client,
        csrf,
        case.id,
        decision="false-positive",
        reason="Different company: Indian MSME, Udyam checked",
        next="/screening?sort=score",
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/screening?sort=score"
    assert "marked false positive" in _flash(response)
    session.expire_all()
    decided = session.get_one(ScreeningCase, case.id)
    assert decided.status is CaseStatus.FALSE_POSITIVE
    assert decided.decided_by_id == world.officer.id
    page = client.get(f"/screening/cases/{case.id}").text
    assert "Different company: Indian MSME, Udyam checked" in page
    assert "Olga Officer" in page  # who decided, in the history
    assert 'value="confirmed"' in page and 'value="false-positive"' not in page


def test_a_decision_without_a_reason_is_refused_with_an_inline_error(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, session: Session
) -> None:
    sign_in(client, world.officer)
    response = _decide(client, csrf, world.zenith_case.id, decision="false-positive", reason=" ")

    assert response.status_code == 422
    page = response.text
    assert 'id="f-reason-error"' in page
    assert "Give the reason for the decision (at least 5 characters)" in page
    assert re.search(r'value="false-positive"\s+aria-describedby="[^"]+" checked', page)
    assert _status(session, world.zenith_case.id) is CaseStatus.OPEN
    nothing = _decide(client, csrf, world.zenith_case.id, reason="Looked at it closely")
    assert "Choose a decision" in nothing.text


def test_confirming_a_hit_needs_the_officer_to_acknowledge_the_block(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, session: Session
) -> None:
    case = world.zenith_case
    sign_in(client, world.officer)
    unconfirmed = _decide(
        client,
        csrf,
        case.id,
        decision="confirmed",
        reason="Same directors and address as the listed entity",
    )
    assert unconfirmed.status_code == 422
    assert 'id="f-confirm_block-error"' in unconfirmed.text
    assert _status(session, case.id) is CaseStatus.OPEN

    confirmed = _decide(
        client,
        csrf,
        case.id,
        decision="confirmed",
        confirm_block="yes",
        reason="Same directors and address as the listed entity",
    )

    assert confirmed.status_code == 303
    assert _status(session, case.id) is CaseStatus.CONFIRMED
    page = client.get(f"/screening/cases/{case.id}").text
    assert 'value="cleared"' in page and 'value="false-positive"' not in page
    assert "Cleared — lift a confirmed hit" in page


def test_a_decision_the_case_no_longer_allows_is_explained_and_a_foreign_next_ignored(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str
) -> None:
    sign_in(client, world.officer)
    stale = _decide(
        client,
        csrf,
        world.zenith_case.id,
        decision="cleared",
        reason="Delisted in the March update",
    )
    assert stale.status_code == 409
    assert "can become false-positive, confirmed, not cleared" in stale.text

    done = _decide(
        client,
        csrf,
        world.zenith_case.id,
        decision="false-positive",
        reason="Another company entirely",
        next="https://elsewhere.example/",
    )
    assert done.headers["location"] == "/screening"
    assert client.get("/screening/cases/999999").status_code == 404


# --- lists --------------------------------------------------------------------------------


def _upload(paths: list[Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "text/csv")) for p in paths]


def test_an_administrator_imports_a_new_version_and_reads_what_changed(
    client: TestClient,
    world: SimpleNamespace,
    sign_in: SignIn,
    csrf: str,
    session: Session,
    tmp_path: Path,
) -> None:
    rows = [list(r) for r in SDN_ROWS[:2]]  # 9003 leaves the list
    rows[1][3] = "[RUSSIA-EO14024] [UKRAINE-EO13660]"  # 9002 gains a programme
    rows.append(
        [
            "9004",
            "NORTHWIND AVIONICS LLC",
            "-0-",
            "[NPWMD]",
            "-0-",
            "-0-",
            "-0-",
            "-0-",
            "-0-",
            "-0-",
            "-0-",
            "-0-",
        ]
    )
    sign_in(client, world.admin)

    response = client.post(
        "/screening/lists",
        data={"csrf_token": csrf, "format": "ofac"},
        files=_upload(write_ofac(tmp_path / "v2", sdn=rows)),
    )

    assert response.status_code == 303
    assert "version 2: 3 entries; 1 added, 1 changed, 1 removed" in _flash(response)
    assert session.scalar(select(func.count()).select_from(ListVersion)) == 2
    history = client.get("/screening/lists/ofac-sdn").text
    assert "Version 2" in history and "Version 1" in history
    second = session.scalars(select(ListVersion).where(ListVersion.number == 2)).one()
    sha = str(next(f["sha256"] for f in second.files if f["name"] == "sdn.csv"))
    assert f'<code title="SHA-256 {sha}">{sha[:12]}</code>' in history
    assert world.admin.email in history

    changes = client.get("/screening/lists/ofac-sdn/versions/2").text
    assert all(
        n in changes
        for n in ("NORTHWIND AVIONICS LLC", "BLUE LAGOON SHIPPING CO", "VOLKOV, Dmitri Arkadyevich")
    )
    assert "RUSSIA-EO14024, UKRAINE-EO13660" in changes  # the changed programmes, before/now
    added = client.get("/screening/lists/ofac-sdn/versions/2?kind=added").text
    assert "NORTHWIND AVIONICS LLC" in added and "BLUE LAGOON" not in added
    assert client.get("/screening/lists/ofac-sdn/versions/9").status_code == 404
    assert client.get("/screening/lists/nope").status_code == 404


def test_an_import_with_missing_or_unreadable_files_is_refused_inline(
    client: TestClient,
    world: SimpleNamespace,
    sign_in: SignIn,
    csrf: str,
    session: Session,
    tmp_path: Path,
) -> None:
    sign_in(client, world.admin)
    nothing = client.post(
        "/screening/lists",
        data={"csrf_token": csrf, "format": "csv"},
        files=[("files", ("", b"", "application/octet-stream"))],
    )
    assert nothing.status_code == 422
    assert 'id="f-files-error"' in nothing.text and 'id="f-list-error"' in nothing.text
    assert "Choose the list&#39;s file or files" in nothing.text

    bad = tmp_path / "sdn.csv"
    bad.write_text("not,an,ofac,file\n")
    broken = client.post(
        "/screening/lists", data={"csrf_token": csrf, "format": "ofac"}, files=_upload([bad])
    )
    assert broken.status_code == 422
    assert 'id="f-files-error"' in broken.text and "sdn.csv" in broken.text
    assert "indusx-list-" not in broken.text  # the temporary folder is not shown
    assert session.scalar(select(func.count()).select_from(ListVersion)) == 1


def test_a_simple_csv_list_is_imported_with_its_key_and_name(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, tmp_path: Path
) -> None:
    path = write_simple(
        tmp_path / "entities.csv",
        [
            {
                "schema": "Company",
                "name": "Crimson Lotus Aerospace",
                "aliases": "CLA",
                "country": "CN",
                "program": "1260H",
                "notes": "",
            }
        ],
    )
    sign_in(client, world.admin)
    response = client.post(
        "/screening/lists",
        files=_upload([path]),
        data={
            "csrf_token": csrf,
            "format": "csv",
            "list": "dod-1260h",
            "name": "DoD Section 1260H",
        },
    )
    assert response.status_code == 303
    assert "DoD Section 1260H version 1: 1 entries" in _flash(response)
    page = client.get("/screening/lists").text
    assert "DoD Section 1260H" in page and "dod-1260h" in page


# --- the check ----------------------------------------------------------------------------


def test_a_member_checks_a_name_and_sees_the_hit_with_its_reasons(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str
) -> None:
    sign_in(client, world.bob)
    page = client.post(
        "/screening/check",
        data={
            "csrf_token": csrf,
            "name": "Zenith Strike Armaments Ltd",
            "country": "Belarus",
            "type": "entity",
        },
    ).text

    assert "ZENITH STRIKE ARMAMENTS LIMITED" in page and "<code>9001</code>" in page
    assert "OFAC SDN" in page and "NPWMD" in page
    assert "country BY matches" in page
    assert "needs review by a programme officer; it is not a reason to refuse" in page

    clear = client.post(
        "/screening/check", data={"csrf_token": csrf, "name": "Harbour Acoustics"}
    ).text
    assert "No match for “Harbour Acoustics”" in clear
    assert "Searched OFAC Specially Designated Nationals (SDN) List" in clear


def test_the_check_refuses_bad_input_inline_and_answers_htmx_with_the_panel(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str
) -> None:
    sign_in(client, world.bob)
    bad = client.post(
        "/screening/check",
        data={"csrf_token": csrf, "name": "Someone", "country": "Narnia", "birth_date": "May 1961"},
    )
    assert bad.status_code == 422
    assert 'id="f-country-error"' in bad.text and 'id="f-birth_date-error"' in bad.text
    assert "not an ISO country code or an English country name" in bad.text

    partial = client.post(
        "/screening/check",
        headers=HTMX,
        data={"csrf_token": csrf, "name": "Blue Lagoon Shipping Company"},
    )
    assert partial.status_code == 200 and "<html" not in partial.text
    assert "BLUE LAGOON SHIPPING CO" in partial.text
    blank = client.post("/screening/check", headers=HTMX, data={"csrf_token": csrf, "name": ""})
    assert blank.status_code == 200 and 'id="f-name-error"' in blank.text


def test_the_check_says_when_no_list_is_loaded(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.bob)
    assert "No restricted-party list is loaded" in client.get("/screening/check").text


# --- the organisation profile -------------------------------------------------------------


def test_the_profile_shows_the_screening_standing_to_members_and_officers_only(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str
) -> None:
    sign_in(client, world.alice)
    page = client.get(f"/orgs/{world.zenith.slug}").text
    assert "Restricted-party screening" in page and "Under review" in page
    assert f"/screening/cases/{world.zenith_case.id}" not in page  # links are for officers
    assert "Clear" in client.get(f"/orgs/{world.org.slug}").text
    sign_in(client, world.charlie)
    assert "Restricted-party screening" not in client.get(f"/orgs/{world.zenith.slug}").text

    sign_in(client, world.officer)
    _decide(
        client,
        csrf,
        world.zenith_case.id,
        decision="confirmed",
        confirm_block="yes",
        reason="Same directors and address as the listed entity",
    )
    page = client.get(f"/orgs/{world.zenith.slug}").text
    assert "Confirmed hit" in page
    assert f'href="/screening/cases/{world.zenith_case.id}"' in page
