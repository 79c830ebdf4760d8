"""The demo supply chains: three labelled systems with saved scenarios, loaded once."""


import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.permissions import Principal
from indusx.demo import loader
from indusx.matching import vectors
from indusx.matching.engine import embedder
from indusx.supply import access, demo, simulation
from indusx.supply.models import Part, Scenario, Source, SupplySystem


def test_the_demo_loads_three_labelled_systems_once_with_scenarios_that_suggest_alternates(
    session: Session,
) -> None:
    loader.load_demo(session=session, orgs=60, seed=7)

    systems = list(session.scalars(select(SupplySystem).order_by(SupplySystem.code)))
    assert [s.code for s in systems] == ["HWZ-155D", "ICV-8D", "TF-40D"]
    assert all(s.is_demo and s.name.endswith("(demo)") for s in systems)
    assert all(s.integrator_org_id is not None for s in systems)
    for system in systems:
        parts = session.scalar(select(func.count()).where(Part.system_id == system.id))
        assert parts is not None and 40 <= parts <= 80
    countries = set(session.scalars(select(Source.country)))
    assert {"US", "IN", "JP", "DE", "CN"} <= countries
    assert session.scalar(select(func.count()).select_from(Scenario)) == 3
    # The demo load does not wait for the matching index: the scenarios are kept with their
    # alternates pending, and the indexer fills them in once it has caught up.
    scenarios = list(session.scalars(select(Scenario).order_by(Scenario.id)))
    assert all(s.result["alternates_pending"] for s in scenarios)
    vectors.sync(session, vectors.stale_org_ids(session))
    assert simulation.refresh_pending_alternates(session=session) == 3
    for scenario in scenarios:
        session.refresh(scenario)
        assert scenario.result["alternates_note"] == "", scenario.name
        assert scenario.result["alternates_pending"] is False
        alternates = [a for s in scenario.result["shortfalls"] for a in s["alternates"]]
        assert alternates, scenario.name
        assert {a["country"] for a in alternates} <= {"US", "IN"}
    assert simulation.refresh_pending_alternates(session=session) == 0

    assert demo.load_demo_supply(session=session) == []
    assert session.scalar(select(func.count()).select_from(SupplySystem)) == 3

    founder = account_service.find_user_by_email(session=session,
                                                 email="founder.in@indusx.example")
    assert founder is not None
    visible = access.visible_system_ids(
        session, Principal.load(session=session, user=founder, via="test"))
    assert visible == {next(s.id for s in systems if s.code == "TF-40D")}


def test_without_the_embedding_model_the_scenarios_stay_pending(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader.load_demo(session=session, orgs=60, seed=7)

    def unavailable() -> None:
        raise OSError("model files missing")

    monkeypatch.setattr(embedder, "get_embedder", unavailable)

    assert simulation.refresh_pending_alternates(session=session) == 0
    for scenario in session.scalars(select(Scenario)):
        assert scenario.result["alternates_pending"] is True
        assert [a for s in scenario.result["shortfalls"] for a in s["alternates"]] == []
