"""Loading the demo ecosystem into the database through the bulk path."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole
from indusx.challenges import demo as challenge_demo
from indusx.challenges.models import Challenge
from indusx.demo import loader
from indusx.orgs.models import Offering, Organisation
from indusx.orgs.search import OrgQuery, search_orgs
from indusx.partnerships.models import Partnership
from indusx.pathway.models import Assessment
from indusx.roadmap.models import Initiative
from indusx.supply.models import SupplySystem
from indusx.supply.sos.models import SosRequest


def test_the_demo_is_searchable_and_its_founders_own_start_ups(session: Session) -> None:
    created = loader.load_demo(session=session, orgs=80, seed=11)
    assert {u.email for u in created} == {u.email for u in loader.DEMO_USERS}
    # The generated 80, and the two demo agencies that sponsor the demo challenges.
    assert session.scalar(select(func.count()).select_from(Organisation)) == 80 + len(
        challenge_demo.AGENCIES
    )
    top = session.scalar(select(func.max(Offering.trl)))
    org = session.scalars(select(Organisation).where(Organisation.max_trl == top)).first()
    assert org is not None
    word = org.name.split()[0]
    result = search_orgs(session=session, query=OrgQuery(q=word))
    assert org.id in {o.id for o in result.items}
    assert sum(n for _, _, n in result.facets["country"]) == result.total
    founder = account_service.find_user_by_email(session=session,
                                                 email="founder.in@indusx.example")
    assert founder is not None
    (membership,) = account_service.memberships_of(session=session, user_id=founder.id)
    owned = session.get(Organisation, membership.org_id)
    assert membership.role is OrgRole.OWNER and owned is not None
    assert owned.kind.value == "startup" and owned.country.value == "IN"
    # Every capability's demo comes with the one load.
    for model in (Challenge, SupplySystem, SosRequest, Initiative, Partnership, Assessment):
        assert session.scalar(select(func.count()).select_from(model)), model.__name__


def test_loading_twice_keeps_slugs_unique(session: Session) -> None:
    loader.load_demo(session=session, orgs=30, seed=1)
    loader.load_demo(session=session, orgs=30, seed=1)
    slugs = list(session.scalars(select(Organisation.slug)))
    # Twice the generated 30; the demo agencies are added once.
    assert len(slugs) == 60 + len(challenge_demo.AGENCIES) == len(set(slugs))
