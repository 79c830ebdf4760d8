"""Import SBIR awards as organisations with award evidence, and list an organisation's awards.

One organisation per firm (country US, kind MSME: SBIR awardees are small businesses), found
again on re-import by `external_ref` "sbir:<firm key>". Its description, capabilities and
focus areas are built from all its stored awards. They are refreshed only while no person
has taken the profile over: once the organisation has a member, or someone has edited it
(an `org.update` in the audit log; every edit through the web, the API or the CLI writes
one), new awards are still added as evidence but the profile is left as people wrote it.
Organisations without an "sbir:" reference are never touched.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership
from indusx.audit import service as audit
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.awards import focus, names, profile
from indusx.awards.models import Award
from indusx.awards.sbir import REF_PREFIX, SOURCE, SbirAward, SbirFile
from indusx.db import utcnow
from indusx.orgs import service as org_service
from indusx.orgs.models import FocusArea, Organisation
from indusx.orgs.taxonomy import Country, OrgKind
from indusx.screening import service as screening_service

BATCH = 500
AWARD_FIELDS = ("year", "title", "abstract", "agency", "branch", "program", "phase",
                "research_institution", "link")


@dataclass(slots=True)
class SbirReport:
    """What an import did, for the command's summary and the audit log."""

    lines: int = 0
    awards_read: int = 0
    left_out: int = 0  # later than --until-year
    errors: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)
    orgs_created: list[int] = field(default_factory=list)
    orgs_updated: list[int] = field(default_factory=list)
    orgs_kept: list[int] = field(default_factory=list)  # new evidence, profile edited by people
    orgs_unchanged: int = 0
    awards_created: int = 0
    awards_updated: int = 0
    awards_unchanged: int = 0
    # New awards not attached: their firm has a confirmed restricted-party match.
    awards_blocked: int = 0
    written: bool = False

    @property
    def changed(self) -> bool:
        """Return whether the import changed anything."""
        return bool(self.orgs_created or self.orgs_updated or self.orgs_kept
                    or self.awards_created or self.awards_updated)

    def counts(self) -> dict[str, Any]:
        """Return the figures as plain data."""
        return {
            "lines": self.lines, "awards_read": self.awards_read, "left_out": self.left_out,
            "skipped": len(self.errors), "duplicates": len(self.duplicates),
            "orgs_created": len(self.orgs_created), "orgs_updated": len(self.orgs_updated),
            "orgs_kept": len(self.orgs_kept), "orgs_unchanged": self.orgs_unchanged,
            "awards_created": self.awards_created, "awards_updated": self.awards_updated,
            "awards_unchanged": self.awards_unchanged, "awards_blocked": self.awards_blocked,
            "written": self.written,
        }


@dataclass(frozen=True, slots=True)
class _Derived:
    description: str
    capabilities: str
    focus: tuple[str, ...]


def _select(data: SbirFile, until_year: int | None) -> list[SbirAward]:
    return [a for a in data.awards if until_year is None or a.year <= until_year]


def count_firms(data: SbirFile, *, until_year: int | None = None) -> int:
    """Return how many firms an import of this data would create or refresh."""
    return len({a.firm_key for a in _select(data, until_year)})


def _facts(award: SbirAward | Award) -> profile.AwardFacts:
    return profile.AwardFacts(
        year=award.year, title=award.title, abstract=award.abstract, agency=award.agency,
        branch=award.branch, program=award.program, phase=award.phase,
    )


def _derive_profile(
    awards: Sequence[SbirAward | Award], firm_words: Iterable[str], known_areas: Iterable[str]
) -> _Derived:
    facts = [_facts(a) for a in awards]
    texts = [focus.AwardText(a.title, a.abstract) for a in awards]
    return _Derived(
        description=profile.build_description(facts),
        capabilities=profile.build_capabilities(facts, firm_words=firm_words),
        focus=tuple(focus.infer_focus(texts, known=known_areas)),
    )


def _award_values(award: SbirAward) -> dict[str, Any]:
    return {name: getattr(award, name) for name in AWARD_FIELDS}


def _taken_over(session: Session, org_ids: list[int]) -> set[int]:
    """Return the organisations that have members or were edited by someone."""
    if not org_ids:
        return set()
    members = set(session.scalars(
        select(Membership.org_id).where(Membership.org_id.in_(org_ids)).distinct()
    ))
    edited = session.scalars(
        select(AuditEvent.object_id).where(
            AuditEvent.object_type == "organisation", AuditEvent.action == "org.update",
            AuditEvent.object_id.in_([str(i) for i in org_ids]),
        ).distinct()
    )
    return members | {int(i) for i in edited}


class _Slugs:
    """Hand out unique slugs against those already taken, without a query per firm."""

    def __init__(self, session: Session) -> None:
        self.taken = set(session.scalars(select(Organisation.slug))) | org_service.RESERVED_SLUGS

    def take(self, name: str) -> str:
        slug = base = org_service.slugify(name)
        n = 2
        while slug in self.taken:
            slug, n = f"{base}-{n}", n + 1
        self.taken.add(slug)
        return slug


def import_sbir(
    *,
    session: Session,
    data: SbirFile,
    actor: Actor,
    source_name: str,
    until_year: int | None = None,
    partial: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SbirReport:
    """Import read award data; unless partial, any bad line means nothing is written."""
    report = SbirReport(lines=data.lines, awards_read=len(data.awards), errors=data.errors,
                        duplicates=data.duplicates)
    if data.errors and not partial:
        return report
    wanted = _select(data, until_year)
    report.left_out = len(data.awards) - len(wanted)
    by_firm: dict[str, list[SbirAward]] = defaultdict(list)
    for award in wanted:
        by_firm[award.firm_key].append(award)
    areas = {a.slug: a for a in session.scalars(
        select(FocusArea).where(FocusArea.slug.in_(list(focus.RULES))))}
    slugs = _Slugs(session)
    blocked = screening_service.blocked_org_ids(session=session)
    ordered = sorted(by_firm)
    for start in range(0, len(ordered), BATCH):
        keys = ordered[start:start + BATCH]
        _import_batch(session, keys, by_firm, areas, slugs, report, blocked)
        if progress is not None:
            progress(len(keys))
    # New firms are parties like any other: screened before anyone can partner with them.
    screening_service.screen_unscreened(session=session, actor=actor)
    report.written = True
    if report.changed:
        audit.record(
            session=session, actor=actor, action="sbir.import", object_type="organisation",
            summary=_summary(source_name, report),
            after={"file": source_name, "until_year": until_year, "partial": partial,
                   **report.counts(), "created_org_ids": report.orgs_created,
                   "updated_org_ids": report.orgs_updated, "kept_org_ids": report.orgs_kept},
        )
    return report


def _summary(source_name: str, report: SbirReport) -> str:
    return (f"SBIR import of {source_name}: {len(report.orgs_created)} firms created, "
            f"{len(report.orgs_updated)} updated; {report.awards_created} awards created, "
            f"{report.awards_updated} updated")


def _import_batch(
    session: Session,
    keys: Sequence[str],
    by_firm: dict[str, list[SbirAward]],
    areas: dict[str, FocusArea],
    slugs: _Slugs,
    report: SbirReport,
    blocked: set[int],
) -> None:
    existing = {
        org.external_ref: org for org in session.scalars(
            select(Organisation)
            .where(Organisation.external_ref.in_([REF_PREFIX + k for k in keys]))
            .options(*org_service.FULL_LOAD)
        )
    }
    org_ids = [org.id for org in existing.values()]
    stored: dict[int, list[Award]] = defaultdict(list)
    if org_ids:
        for row in session.scalars(select(Award).where(Award.org_id.in_(org_ids))):
            stored[row.org_id].append(row)
    taken_over = _taken_over(session, org_ids)
    created: list[tuple[Organisation, list[SbirAward]]] = []
    new_rows: list[dict[str, Any]] = []
    now = utcnow()
    for key in keys:
        incoming = by_firm[key]
        spellings = Counter(a.firm for a in incoming)
        org = existing.get(REF_PREFIX + key)
        if org is None:
            name = names.display_name(spellings)[:200]
            words = names.name_words([*spellings, name])
            derived = _derive_profile(incoming, words, areas)
            org = Organisation(
                slug=slugs.take(name), name=name, country=Country.US, kind=OrgKind.MSME,
                external_ref=REF_PREFIX + key, description=derived.description,
                capabilities=derived.capabilities, is_demo=False, created_at=now,
                updated_at=now, focus_areas=[areas[s] for s in derived.focus],
                seeking_links=[], offerings=[], thesis=None,
            )
            org_service.derive_fields(org)
            session.add(org)
            created.append((org, incoming))
            continue
        have = {a.source_key: a for a in stored[org.id]}
        awards_changed = False
        for award in incoming:
            old = have.get(award.source_key)
            values = _award_values(award)
            if old is None and org.id in blocked:
                report.awards_blocked += 1
            elif old is None:
                new_rows.append(_row(org.id, award))
                report.awards_created += 1
                awards_changed = True
            elif any(getattr(old, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(old, name, value)
                report.awards_updated += 1
                awards_changed = True
            else:
                report.awards_unchanged += 1
        if awards_changed:
            # Awards are passages of the profile: matchmaking re-embeds what is newer.
            org.updated_at = now
        if org.id in taken_over:
            if awards_changed:
                report.orgs_kept.append(org.id)
            else:
                report.orgs_unchanged += 1
            continue
        merged: dict[str, SbirAward | Award] = dict(have)
        merged.update((a.source_key, a) for a in incoming)
        words = names.name_words([*spellings, org.name])
        derived = _derive_profile(list(merged.values()), words, areas)
        if (org.description, org.capabilities, {a.slug for a in org.focus_areas}) == (
            derived.description, derived.capabilities, set(derived.focus)
        ):
            report.orgs_unchanged += 1
            continue
        org.description = derived.description
        org.capabilities = derived.capabilities
        org.focus_areas = [areas[s] for s in derived.focus]
        org_service.derive_fields(org)
        org.updated_at = now
        report.orgs_updated.append(org.id)
    session.flush()
    for org, incoming in created:
        report.orgs_created.append(org.id)
        new_rows += [_row(org.id, a) for a in incoming]
        report.awards_created += len(incoming)
    if new_rows:
        session.execute(insert(Award), new_rows)


def _row(org_id: int, award: SbirAward) -> dict[str, Any]:
    return {"org_id": org_id, "source": SOURCE, "source_key": award.source_key,
            "created_at": utcnow(), **_award_values(award)}


def list_for_org(
    *, session: Session, org_id: int, limit: int | None = None
) -> tuple[Sequence[Award], int]:
    """Return an organisation's awards, newest first (at most `limit`), and how many it has."""
    total = session.scalar(
        select(func.count()).select_from(Award).where(Award.org_id == org_id)) or 0
    query = select(Award).where(Award.org_id == org_id).order_by(
        Award.year.desc(), Award.title, Award.id)
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all(), total
