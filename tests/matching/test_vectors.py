"""Stored profile vectors follow profile edits, re-embedding only what changed."""

from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.awards.models import Award
from indusx.matching import vectors
from indusx.matching.models import OrgVector
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.schemas import OrgUpdate
from tests.conftest import ACTOR


class CountingEmbedder:
    """Stands in for the model where a test counts what gets embedded (not what it means)."""

    name = "counting"
    dim = 384

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str], batch_size: int = 64, progress: object = None
              ) -> np.ndarray:
        self.seen.extend(texts)
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            out[i, hash(text) % self.dim] = 1.0
        return out


def _rows(session: Session, org_id: int) -> list[OrgVector]:
    return list(session.scalars(
        select(OrgVector).where(OrgVector.org_id == org_id).order_by(OrgVector.ordinal)
    ))


def test_a_new_organisation_is_stale_until_synced_then_has_a_profile_and_passage_vectors(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    org = make_org(offerings=[{"name": "Sonar buoy", "description": "Passive sonar.", "trl": 7}])
    embedder = CountingEmbedder()

    assert org.id in vectors.stale_org_ids(session)
    vectors.sync(session, embedder=embedder)  # type: ignore[arg-type]

    rows = _rows(session, org.id)
    assert [r.label for r in rows] == [
        "Profile", "Description", "Capabilities", "Offering: Sonar buoy (TRL 7)"]
    assert rows[3].text == "Sonar buoy. Passive sonar."
    assert np.isclose(np.linalg.norm(vectors.decode(rows[0].vector)), 1.0)
    assert org.id not in vectors.stale_org_ids(session)


def test_an_edit_re_embeds_only_the_passages_whose_text_changed(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    org = make_org()
    embedder = CountingEmbedder()
    vectors.sync(session, embedder=embedder)  # type: ignore[arg-type]
    embedder.seen.clear()

    org_service.update_org(
        session=session, org=org, actor=ACTOR,
        org_in=OrgUpdate.model_validate({"capabilities": "Acoustic modems and sonar arrays."}),
    )
    session.flush()

    assert vectors.stale_org_ids(session) == [org.id]
    result = vectors.sync(session, embedder=embedder)  # type: ignore[arg-type]
    assert embedder.seen == ["Acoustic modems and sonar arrays."]
    assert result.embedded == 1
    assert vectors.stale_org_ids(session) == []


def test_awards_become_passages_newest_first_and_capped(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    org = make_org()
    for year in range(1990, 1990 + vectors.MAX_AWARD_PASSAGES + 5):
        session.add(Award(org_id=org.id, source_key=f"t-{year}", source="sbir", year=year,
                          title=f"Project {year}", abstract="Work."))
    session.flush()

    profile = vectors.load_profiles(session, [org.id])[org.id]

    award_labels = [p.label for p in profile.passages if p.label.startswith("Award")]
    assert len(award_labels) == vectors.MAX_AWARD_PASSAGES
    assert award_labels[0] == f"Award {1990 + vectors.MAX_AWARD_PASSAGES + 4}: Project " \
        f"{1990 + vectors.MAX_AWARD_PASSAGES + 4}"


def test_the_engine_profile_carries_public_fields_only(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    org = make_org(needs="Secret need", private_notes="Secret note")

    profile = vectors.load_profiles(session, [org.id])[org.id]

    assert profile.country == "IN" and profile.kind == "startup"
    assert profile.focus == frozenset({"undersea"})
    assert profile.seeking == frozenset({"co_development"})
    assert "Secret" not in profile.text
