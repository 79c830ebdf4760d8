"""The demo supply chains: three labelled systems with saved scenarios, loaded once."""

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.permissions import Principal
from indusx.demo import loader
from indusx.matching import vectors
from indusx.matching.engine import embedder
from indusx.matching.models import OrgVector
from indusx.orgs.models import Organisation
from indusx.supply import access, demo
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
    # The directory was indexed before the scenarios were saved, so each names alternates.
    assert vectors.stale_org_ids(session) == []
    for scenario in session.scalars(select(Scenario).order_by(Scenario.id)):
        assert scenario.result["alternates_note"] == "", scenario.name
        alternates = [a for s in scenario.result["shortfalls"] for a in s["alternates"]]
        assert alternates, scenario.name
        assert {a["country"] for a in alternates} <= {"US", "IN"}

    assert demo.load_demo_supply(session=session) == []
    assert session.scalar(select(func.count()).select_from(SupplySystem)) == 3

    founder = account_service.find_user_by_email(session=session,
                                                 email="founder.in@indusx.example")
    assert founder is not None
    visible = access.visible_system_ids(
        session, Principal.load(session=session, user=founder, via="test"))
    assert visible == {next(s.id for s in systems if s.code == "TF-40D")}


def test_without_the_embedding_model_the_directory_is_left_unindexed(
    session: Session, make_org: Callable[..., Organisation], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = make_org()

    def unavailable() -> None:
        raise OSError("model files missing")

    monkeypatch.setattr(embedder, "get_embedder", unavailable)

    assert demo.index_directory(session) is False
    assert org.id in vectors.stale_org_ids(session)
    assert session.scalar(select(func.count()).select_from(OrgVector)) == 0
