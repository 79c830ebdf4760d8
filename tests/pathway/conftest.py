"""Fixtures of the regulatory-pathway tests: a restricted-party list, a US and an Indian firm."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from indusx.orgs.models import Organisation
from indusx.screening import imports
from indusx.screening.lists import ListFormat
from tests.conftest import ACTOR
from tests.screening.support import write_ofac


@pytest.fixture
def lists(session: Session, tmp_path: Path) -> Path:
    """Load a small fictional OFAC list, so that parties are screened against it."""
    imports.import_list(
        session=session, fmt=ListFormat.OFAC, paths=write_ofac(tmp_path / "ofac"), actor=ACTOR
    )
    session.commit()
    return tmp_path


@pytest.fixture
def firms(make_org: Callable[..., Organisation]) -> SimpleNamespace:
    """A US engine maker and an Indian component maker, both in the directory."""
    us = make_org(
        name="Harbour Turbine Works",
        country="US",
        kind="large_company",
        focus_areas=["jet-propulsion"],
        contact_email="ops@harbour.example",
    )
    india = make_org(
        name="Deccan Aero Components", country="IN", kind="msme", focus_areas=["jet-propulsion"]
    )
    return SimpleNamespace(us=us, india=india)


def coproduction(us: str, india: str, **extra: object) -> dict[str, object]:
    """Return an assessment body: co-production in India of a USML Category XIX part."""
    return {
        "title": "Turbine blades in India",
        "activity": ["co-production"],
        "parties": [{"org": us, "role": "licensor"}, {"org": india, "role": "manufacturer"}],
        "items": [{"name": "HP turbine blade", "classification": "Cat. XIX"}],
        **extra,
    }
