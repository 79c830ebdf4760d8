"""Importing a restricted-party list: a new version, its delta, and the re-screening it needs."""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.errors import Invalid, NotFound
from indusx.screening import service as screening_service
from indusx.screening.lists import ListFormat, read_list
from indusx.screening.lists.entry import ListEntry, ListFormatError
from indusx.screening.models import (
    ChangeKind,
    ListChange,
    ListEntryRecord,
    ListVersion,
    ScreeningList,
)

# The list each official format goes into unless the caller names another.
DEFAULT_LISTS: dict[ListFormat, tuple[str, str]] = {
    ListFormat.OFAC: ("ofac-sdn", "OFAC Specially Designated Nationals (SDN) List"),
    ListFormat.CSL: ("us-csl", "US Consolidated Screening List"),
    ListFormat.UN: ("un-sc", "UN Security Council Consolidated List"),
}
_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_BATCH = 1000


@dataclass(frozen=True, slots=True)
class ImportResult:
    list_key: str
    list_name: str
    version: int | None  # None: nothing changed, no version recorded
    entries: int
    added: int
    removed: int
    changed: int
    subjects_screened: int
    cases_opened: int
    cases_withdrawn: int
    skipped: tuple[str, ...] = ()  # rows that could not be read, each with file and line


def list_key_for(fmt: ListFormat, paths: Sequence[Path], key: str | None) -> str:
    """Return the key of the list an import goes into, validated."""
    if key is None:
        if fmt in DEFAULT_LISTS:
            return DEFAULT_LISTS[fmt][0]
        key = re.sub(r"[^a-z0-9]+", "-", paths[0].name.split(".")[0].lower()).strip("-")
    if not _KEY.fullmatch(key):
        raise Invalid.field("list", "use lower-case letters, digits and hyphens (at most 64)")
    return key


def _file_facts(paths: Sequence[Path]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in paths:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
        out.append({"name": path.name, "sha256": digest.hexdigest(),
                    "bytes": path.stat().st_size})
    return out


def _record_values(entry: ListEntry, fingerprint: str) -> dict[str, object]:
    return {"name": entry.name[:500], "source": entry.source[:200],
            "entity_type": entry.entity_type.value if entry.entity_type else None,
            "fingerprint": fingerprint, "data": entry.to_json()}


def import_list(
    *,
    session: Session,
    fmt: ListFormat,
    paths: Sequence[Path],
    actor: Actor,
    key: str | None = None,
    name: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """Import a list's files as its next version, record the delta, and re-screen.

    The whole import is one transaction: a file that cannot be read changes nothing. A row
    that cannot be read is left out and reported (with `strict`, it refuses the import).
    Re-importing identical content records no version.
    """
    key = list_key_for(fmt, paths, key)
    default_name = DEFAULT_LISTS.get(fmt, (key, paths[0].stem if paths else key))[1]
    problems: list[ListFormatError] | None = None if strict else []
    try:
        entries = read_list(fmt, paths, source=name or None, skipped=problems)
    except ListFormatError as exc:
        raise Invalid.field("files", str(exc)) from exc
    skipped = tuple(_short(str(p)) for p in problems or ())
    return import_entries(session=session, fmt=fmt, key=key, name=name or default_name,
                          entries=entries, files=_file_facts(paths), actor=actor,
                          skipped=skipped)


def import_entries(
    *,
    session: Session,
    fmt: ListFormat,
    key: str,
    name: str,
    entries: Sequence[ListEntry],
    files: list[dict[str, object]],
    actor: Actor,
    skipped: tuple[str, ...] = (),
) -> ImportResult:
    """Record entries as a list's next version (the import, after the files are read)."""
    if not entries:
        raise Invalid.field("files", "the list has no entries; nothing was imported")

    lst = session.scalar(select(ScreeningList).where(ScreeningList.key == key))
    if lst is None:
        lst = ScreeningList(key=key, name=name, format=fmt.value)
        session.add(lst)
        session.flush()
    elif lst.format != fmt.value:
        raise Invalid.field("format", f"the list '{key}' was imported as {lst.format}, "
                                      f"not {fmt.value}")
    existing = {
        r.entry_id: r for r in session.execute(
            select(ListEntryRecord.id, ListEntryRecord.entry_id, ListEntryRecord.fingerprint,
                   ListEntryRecord.removed_version, ListEntryRecord.data)
            .where(ListEntryRecord.list_id == lst.id))
    }
    incoming = {e.entry_id: (e, e.fingerprint()) for e in entries}
    added = [eid for eid, _ in incoming.items()
             if eid not in existing or existing[eid].removed_version is not None]
    changed = [eid for eid, (_, fp) in incoming.items()
               if eid in existing and existing[eid].removed_version is None
               and existing[eid].fingerprint != fp]
    removed = [eid for eid, r in existing.items()
               if r.removed_version is None and eid not in incoming]
    if not (added or changed or removed):
        return ImportResult(key, lst.name, None, len(entries), 0, 0, 0, 0, 0, 0, skipped)

    number = (session.scalar(select(func.max(ListVersion.number))
                             .where(ListVersion.list_id == lst.id)) or 0) + 1
    version = ListVersion(list_id=lst.id, number=number, imported_at=utcnow(),
                          imported_by=actor.email or actor.via, files=files,
                          entry_count=len(entries), added=len(added), removed=len(removed),
                          changed=len(changed))
    session.add(version)
    session.flush()

    changes: list[dict[str, object]] = []
    fresh = [eid for eid in added if eid not in existing]
    for start in range(0, len(fresh), _BATCH):
        rows = [{"list_id": lst.id, "entry_id": eid, "first_version": number,
                 "changed_version": number, "removed_version": None,
                 **_record_values(*incoming[eid])} for eid in fresh[start:start + _BATCH]]
        session.execute(insert(ListEntryRecord), rows)
    ids = dict(session.execute(select(ListEntryRecord.entry_id, ListEntryRecord.id)
                               .where(ListEntryRecord.list_id == lst.id)).all())
    for eid in added:
        if eid in existing:  # back on the list after a removal
            session.execute(update(ListEntryRecord).where(ListEntryRecord.id == ids[eid])
                            .values(changed_version=number, removed_version=None,
                                    **_record_values(*incoming[eid])))
        changes.append({"version_id": version.id, "entry_record_id": ids[eid],
                        "kind": ChangeKind.ADDED, "before": None})
    for eid in changed:
        session.execute(update(ListEntryRecord).where(ListEntryRecord.id == ids[eid])
                        .values(changed_version=number, **_record_values(*incoming[eid])))
        changes.append({"version_id": version.id, "entry_record_id": ids[eid],
                        "kind": ChangeKind.CHANGED, "before": existing[eid].data})
    for eid in removed:
        session.execute(update(ListEntryRecord).where(ListEntryRecord.id == ids[eid])
                        .values(removed_version=number))
        changes.append({"version_id": version.id, "entry_record_id": ids[eid],
                        "kind": ChangeKind.REMOVED, "before": existing[eid].data})
    for start in range(0, len(changes), _BATCH):
        session.execute(insert(ListChange), changes[start:start + _BATCH])
    session.flush()

    summary = screening_service.screen_delta(
        session=session, changed_record_ids=[ids[e] for e in added + changed],
        removed_record_ids=[ids[e] for e in removed], actor=actor)
    audit.record(
        session=session, actor=actor, action="screening.list_imported",
        object_type="screening_list", object_id=lst.id,
        summary=f"{lst.name} version {number}: {len(added)} added, {len(changed)} changed, "
                f"{len(removed)} removed",
        after={"list": key, "version": number, "entries": len(entries), "added": len(added),
               "changed": len(changed), "removed": len(removed),
               "files": version.files, "cases_opened": summary.opened,
               "rows_skipped": list(skipped)},
    )
    return ImportResult(key, lst.name, number, len(entries), len(added), len(removed),
                        len(changed), summary.subjects, summary.opened, summary.withdrawn,
                        skipped)


def _short(message: str) -> str:
    """Return a reader's message with the file named, not its temporary folder."""
    head, sep, tail = message.partition(": ")
    return f"{Path(head).name}{sep}{tail}" if sep else message


# --- reading back -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ListSummary:
    list: ScreeningList
    versions: int
    latest: ListVersion | None
    live_entries: int


def list_summaries(*, session: Session) -> list[ListSummary]:
    """Return every list with its newest version and live entry count."""
    lists = list(session.scalars(select(ScreeningList).order_by(ScreeningList.name)))
    live = dict(session.execute(
        select(ListEntryRecord.list_id, func.count())
        .where(ListEntryRecord.removed_version.is_(None)).group_by(ListEntryRecord.list_id)
    ).all())
    out = []
    for lst in lists:
        versions = list(session.scalars(select(ListVersion).where(ListVersion.list_id == lst.id)
                                        .order_by(ListVersion.number.desc())))
        out.append(ListSummary(lst, len(versions), versions[0] if versions else None,
                               int(live.get(lst.id, 0))))
    return out


def get_list(*, session: Session, key: str) -> ScreeningList:
    """Return a list by key or raise NotFound."""
    lst = session.scalar(select(ScreeningList).where(ScreeningList.key == key))
    if lst is None:
        raise NotFound(f"No screening list '{key}'")
    return lst


def versions_of(*, session: Session, list_id: int) -> list[ListVersion]:
    """Return a list's versions, newest first."""
    return list(session.scalars(select(ListVersion).where(ListVersion.list_id == list_id)
                                .order_by(ListVersion.number.desc())))


def changes_in(
    *, session: Session, version_id: int, page: int = 1, per_page: int = 50,
    kind: ChangeKind | None = None,
) -> tuple[list[tuple[ListChange, ListEntryRecord]], int]:
    """Return one page of a version's changes with their entries, and the total."""
    stmt = (select(ListChange, ListEntryRecord)
            .join(ListEntryRecord, ListEntryRecord.id == ListChange.entry_record_id)
            .where(ListChange.version_id == version_id))
    if kind is not None:
        stmt = stmt.where(ListChange.kind == kind)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(ListChange.kind, ListEntryRecord.name)
                           .offset((page - 1) * per_page).limit(per_page))
    return [(change, entry) for change, entry in rows], int(total)
