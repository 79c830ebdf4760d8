"""A small, fictional restricted-party list for the demo, and the cases it raises.

Every entry is invented. Three of them are written to resemble demo organisations, so that
the demo shows a case awaiting review, a confirmed hit that blocks its party, and a false
positive an officer has already dismissed.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, PlatformRole, User
from indusx.accounts.permissions import Principal
from indusx.audit.service import Actor
from indusx.orgs.models import Organisation
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening import service as screening_service
from indusx.screening.engine.types import EntityType
from indusx.screening.lists import ListFormat
from indusx.screening.lists.entry import Address, Alias, ListEntry
from indusx.screening.models import CaseStatus, ScreeningList

DEMO_LIST_KEY = "demo-restricted"
DEMO_LIST_NAME = "Demo restricted parties (fictional)"
SOURCE = "Demo list (fictional)"

_FICTIONAL = [
    ListEntry("D-100", "Crimson Lotus Aerospace Group", EntityType.ENTITY, SOURCE,
              aliases=(Alias("CLAG"),), programs=("DEMO-1260H",), countries=("CN",),
              listed_on="2024-01-31", remarks="Fictional entry for the demo."),
    ListEntry("D-101", "Arkady Sergeyevich Morozov", EntityType.PERSON, SOURCE,
              aliases=(Alias("Аркадий Сергеевич Морозов"),), programs=("DEMO-EO",),
              countries=("RU",), birth_dates=("1964-07-02",),
              addresses=(Address(city="Novosibirsk", country="RU", country_name="Russia"),),
              remarks="Fictional entry for the demo."),
    ListEntry("D-102", "Blue Lagoon Maritime Trading LLC", EntityType.ENTITY, SOURCE,
              programs=("DEMO-IRAN",), countries=("AE",), remarks="Fictional entry."),
]


def _lookalike(org: Organisation, entry_id: str, program: str) -> ListEntry:
    """Return an invented entry whose name resembles a demo organisation's."""
    name = org.name.upper().replace("PRIVATE LIMITED", "PVT LTD").replace("LIMITED", "LTD")
    return ListEntry(entry_id, name, EntityType.ENTITY, SOURCE, programs=(program,),
                     countries=(org.country.value,),
                     remarks="Fictional entry for the demo, resembling a demo organisation.")


def load_demo_list(*, session: Session, actor: Actor) -> int:
    """Import the demo list, screen everyone against it, and decide two of its cases.

    Only the first demo load imports the list; a later load screens its new organisations.
    """
    if session.scalar(select(ScreeningList.id).where(ScreeningList.key == DEMO_LIST_KEY)):
        return screening_service.screen_unscreened(session=session, actor=actor).opened
    owned = set(session.scalars(select(Membership.org_id)))
    orgs = list(session.scalars(
        select(Organisation).where(Organisation.is_demo, Organisation.id.not_in(owned or {0}))
        .order_by(Organisation.id).limit(3)))
    entries = _FICTIONAL + [_lookalike(o, f"D-2{n:02d}", "DEMO-EL")
                            for n, o in enumerate(orgs)]
    result = imports.import_entries(
        session=session, fmt=ListFormat.CSV, key=DEMO_LIST_KEY, name=DEMO_LIST_NAME,
        entries=entries, files=[], actor=actor)
    officer = session.scalar(select(User).where(User.platform_role == PlatformRole.OFFICER)
                             .order_by(User.id))
    if officer is None or len(orgs) < 3:
        return result.cases_opened
    principal = Principal.load(session=session, user=officer, via="demo")
    for org, (decision, reason) in zip(orgs[1:], [
        (CaseStatus.CONFIRMED, "Demo: same registered address and directors as the entry"),
        (CaseStatus.FALSE_POSITIVE, "Demo: different company, registration checked"),
    ], strict=True):
        for case in screening_cases.subject_cases(session=session, org_id=org.id):
            if case.status is not CaseStatus.OPEN:
                continue  # loaded before
            screening_cases.decide(session=session, principal=principal, case_id=case.id,
                                     decision=decision, reason=reason)
    return result.cases_opened
