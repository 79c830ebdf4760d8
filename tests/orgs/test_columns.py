"""The in-memory facet columns: kept current with the database, and searching like SQL would."""

import random
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from indusx.orgs import facets, search
from indusx.orgs import service as org_service
from indusx.orgs.models import FocusArea, Organisation
from indusx.orgs.schemas import OrgCreate, OrgUpdate
from indusx.orgs.search import (
    OrgQuery,
    Sort,
    _text_matches,
    _text_ranks,
    search_orgs,
    terms,
)
from indusx.orgs.taxonomy import (
    COUNTRY_LABELS,
    KIND_LABELS,
    SEEKING_LABELS,
    STAGE_LABELS,
    STAGED_KINDS,
    Country,
    FundingStage,
    OrgKind,
    Seeking,
)
from tests.conftest import ACTOR

MakeOrg = Callable[..., Organisation]


def _names(session: Session, query: OrgQuery) -> list[str]:
    return [org.name for org in search_orgs(session=session, query=query).items]


def test_a_search_sees_organisations_created_edited_and_deleted_by_another_session(
    session: Session, session_factory: sessionmaker[Session], make_org: MakeOrg
) -> None:
    alpha_id = make_org(name="Alpha Sonar", country="IN", focus_areas=["undersea"]).id
    assert _names(session, OrgQuery(country=[Country.IN])) == ["Alpha Sonar"]

    with session_factory() as other:
        beta = org_service.create_org(
            session=other,
            actor=ACTOR,
            org_in=OrgCreate.model_validate(
                {
                    "name": "Beta Radar",
                    "country": "IN",
                    "kind": "msme",
                    "focus_areas": ["air-combat"],
                    "seeking": [],
                }
            ),
        )
        other.commit()
        beta_id = beta.id
    result = search_orgs(session=session, query=OrgQuery(country=[Country.IN]))
    assert [org.name for org in result.items] == ["Alpha Sonar", "Beta Radar"]
    assert dict((v, n) for v, _, n in result.facets["kind"])["msme"] == 1

    with session_factory() as other:
        beta = org_service.get_org(session=other, org_id=beta_id)
        org_service.update_org(
            session=other, org=beta, actor=ACTOR, org_in=OrgUpdate.model_validate({"country": "US"})
        )
        other.commit()
    assert _names(session, OrgQuery(country=[Country.IN])) == ["Alpha Sonar"]
    assert _names(session, OrgQuery(country=[Country.US])) == ["Beta Radar"]

    with session_factory() as other:
        alpha = org_service.get_org(session=other, org_id=alpha_id)
        org_service.delete_org(session=other, org=alpha, actor=ACTOR)
        other.commit()
    result = search_orgs(session=session, query=OrgQuery())
    assert [org.name for org in result.items] == ["Beta Radar"]
    assert result.total == 1
    assert dict((v, n) for v, _, n in result.facets["focus_area"])["undersea"] == 0


def test_a_renamed_organisation_moves_in_the_name_order(
    session: Session, make_org: MakeOrg
) -> None:
    first = make_org(name="Aaa Avionics")
    make_org(name="Bbb Ballistics")
    assert _names(session, OrgQuery(sort=Sort.NAME)) == ["Aaa Avionics", "Bbb Ballistics"]
    org_service.update_org(
        session=session,
        org=first,
        actor=ACTOR,
        org_in=OrgUpdate.model_validate({"name": "Ccc Composites"}),
    )
    session.commit()
    assert _names(session, OrgQuery(sort=Sort.NAME)) == ["Bbb Ballistics", "Ccc Composites"]


def test_cached_word_matches_and_ranks_follow_edits_made_by_another_session(
    session: Session, session_factory: sessionmaker[Session], make_org: MakeOrg
) -> None:
    make_org(name="Gamma Hydrophones", description="towed hydrophone arrays")
    other_id = make_org(name="Delta Forge", description="forged shafts").id
    query = OrgQuery(q="hydrophone", sort=Sort.RELEVANCE)
    assert _names(session, query) == ["Gamma Hydrophones"]
    assert _names(session, query) == ["Gamma Hydrophones"]  # the second answer is cached

    with session_factory() as other:
        delta = org_service.get_org(session=other, org_id=other_id)
        org_service.update_org(
            session=other,
            org=delta,
            actor=ACTOR,
            org_in=OrgUpdate.model_validate(
                {"name": "Delta Hydrophone Works", "description": "hydrophone hydrophone"}
            ),
        )
        other.commit()
    # Matched and ranked anew: the name weighs most, so the renamed one comes first.
    assert _names(session, query) == ["Delta Hydrophone Works", "Gamma Hydrophones"]
    search.clear_text_cache(session)
    assert _names(session, query) == ["Delta Hydrophone Works", "Gamma Hydrophones"]


WORDS = ["radar", "sonar", "turbine", "composite", "telemetry"]


def _random_directory(rnd: random.Random, make_org: MakeOrg, areas: list[str]) -> None:
    for n in range(36):
        kind = rnd.choice(list(OrgKind))
        fields: dict[str, Any] = {
            # Names repeat, so that the id breaks ties.
            "name": f"{rnd.choice(['Apex', 'Bharat', 'Cobalt', 'Delta'])} {n % 7}",
            "country": rnd.choice(list(Country)).value,
            "kind": kind.value,
            "description": " ".join(rnd.sample(WORDS, rnd.randint(0, 3))),
            "capabilities": " ".join(rnd.choices(WORDS, k=rnd.randint(0, 4))),
            "focus_areas": rnd.sample(areas, rnd.randint(0, 3)),
            "seeking": [s.value for s in rnd.sample(list(Seeking), rnd.randint(0, 3))],
            "offerings": [
                {"name": f"Product {i}", "trl": rnd.randint(1, 9)} for i in range(rnd.randint(0, 2))
            ],
        }
        if kind in STAGED_KINDS and rnd.random() < 0.7:
            fields["funding_stage"] = rnd.choice(list(FundingStage)).value
        make_org(**fields)


def _random_query(rnd: random.Random, areas: list[str]) -> OrgQuery:
    query = OrgQuery(
        q=rnd.choice(["", "", "radar", "sonar turbine", "composites", "the telemetry"]),
        sort=rnd.choice([None, *Sort]),
        page=rnd.choice([1, 1, 2, 3]),
        page_size=rnd.choice([3, 5, 20]),
    )
    for facet in rnd.sample(
        ["country", "kind", "focus_area", "seeking", "stage", "trl"], rnd.randint(0, 3)
    ):
        if facet == "country":
            query.country = rnd.sample(list(Country), 1)
        elif facet == "kind":
            query.kind = rnd.sample(list(OrgKind), rnd.randint(1, 3))
        elif facet == "focus_area":
            query.focus_area = rnd.sample([*areas, "no-such-area"], rnd.randint(1, 2))
        elif facet == "seeking":
            query.seeking = rnd.sample(list(Seeking), rnd.randint(1, 2))
        elif facet == "stage":
            query.stage = rnd.sample(list(FundingStage), rnd.randint(1, 2))
        else:
            query.trl_min = rnd.choice([None, 2, 5])
            query.trl_max = rnd.choice([None, 6, 9])
    return query


def _reference(
    session: Session, orgs: list[Organisation], query: OrgQuery
) -> tuple[list[int], int, dict[str, Any]]:
    """Return (page ids, total, facet counts) computed plainly in Python from the ORM."""
    rank: dict[int, float] = {}
    if terms(query.q):
        ids = _text_matches(session, terms(query.q))
        ranks = _text_ranks(session, terms(query.q), ids)
        rank = dict(zip(ids.tolist(), ranks.tolist(), strict=True))
        orgs = [o for o in orgs if o.id in rank]

    def band(o: Organisation) -> str | None:
        return facets.trl_band(o.max_trl)

    values: dict[str, Callable[[Organisation], set[str]]] = {
        "country": lambda o: {o.country.value},
        "kind": lambda o: {o.kind.value},
        "focus_area": lambda o: {a.slug for a in o.focus_areas},
        "seeking": lambda o: {s.value for s in o.seeking},
        "stage": lambda o: {o.funding_stage.value} if o.funding_stage else set(),
        "trl": lambda o: {b} if (b := band(o)) else set(),
    }
    chosen: dict[str, list[Any]] = {
        "country": query.country,
        "kind": query.kind,
        "focus_area": query.focus_area,
        "seeking": query.seeking,
        "stage": query.stage,
    }

    def has_any(name: str, wanted: list[Any]) -> Callable[[Organisation], bool]:
        strings = {str(getattr(w, "value", w)) for w in wanted}
        return lambda o: bool(values[name](o) & strings)

    tests = {name: has_any(name, wanted) for name, wanted in chosen.items() if wanted}
    if query.trl_min is not None or query.trl_max is not None:
        lo, hi = query.trl_min or 1, query.trl_max or 9
        tests["trl"] = lambda o: o.max_trl is not None and lo <= o.max_trl <= hi
    selected = [o for o in orgs if all(t(o) for t in tests.values())]
    counts = {}
    for name in values:
        within = [o for o in orgs if all(t(o) for k, t in tests.items() if k != name)]
        tally: dict[str, int] = {}
        for o in within:
            for v in values[name](o):
                tally[v] = tally.get(v, 0) + 1
        counts[name] = tally
    sort = query.effective_sort
    keys: dict[Sort, Callable[[Organisation], Any]] = {
        Sort.RELEVANCE: lambda o: (-rank.get(o.id, 0.0), o.name, o.id),
        Sort.NAME: lambda o: (o.name, o.id),
        Sort.NEWEST: lambda o: (-o.created_at.timestamp(), -o.id),
        Sort.UPDATED: lambda o: (-o.updated_at.timestamp(), -o.id),
        Sort.TRL: lambda o: (-(o.max_trl or 0), o.name, o.id),
    }
    selected.sort(key=keys[sort])
    start = (query.page - 1) * query.page_size
    return ([o.id for o in selected[start : start + query.page_size]], len(selected), counts)


@pytest.mark.parametrize("seed", [1, 2])
def test_searches_agree_with_a_plain_reference_on_random_queries(
    session: Session, make_org: MakeOrg, seed: int
) -> None:
    rnd = random.Random(seed)
    areas = sorted(session.scalars(select(FocusArea.slug)))[:6]
    _random_directory(rnd, make_org, areas)
    # Some updates, so that the update order differs from the creation order.
    for org_id in rnd.sample(sorted(session.scalars(select(Organisation.id))), 8):
        org = org_service.get_org(session=session, org_id=org_id)
        org_service.update_org(
            session=session,
            org=org,
            actor=ACTOR,
            org_in=OrgUpdate.model_validate({"city": f"City {org_id}"}),
        )
        session.commit()
    labels: dict[str, dict[Any, str]] = {
        "country": COUNTRY_LABELS,
        "kind": KIND_LABELS,
        "seeking": SEEKING_LABELS,
        "stage": STAGE_LABELS,
    }
    orgs = [
        org_service.get_org(session=session, org_id=i)
        for i in session.scalars(select(Organisation.id))
    ]
    for _ in range(60):
        query = _random_query(rnd, areas)
        result = search_orgs(session=session, query=query)
        ids, total, counts = _reference(session, orgs, query)
        assert [o.id for o in result.items] == ids, query
        assert result.total == total, query
        for name, options in result.facets.items():
            assert {v: n for v, _, n in options} == {
                v: counts[name].get(v, 0) for v, _, _ in options
            }, (query, name)
            if name in labels:
                assert [v for v, _, _ in options] == [str(k.value) for k in labels[name]]
