"""Import and export organisations as CSV or JSON, validating every row before writing."""

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy.orm import Session

from indusx.audit.service import Actor
from indusx.errors import DomainError
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate

LIST_COLUMNS = ("focus_areas", "seeking")
JSON_COLUMNS = ("offerings", "thesis")
EXPORT_COLUMNS = [
    "name", "country", "kind", "description", "capabilities", "focus_areas", "seeking",
    "funding_stage", "headcount", "city", "state", "website", "uei", "cage", "cin", "udyam",
    "dpiit", "contact_name", "contact_email", "contact_phone", "needs", "private_notes",
    "offerings", "thesis",
]


class ImportFileError(DomainError):
    status = 422


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    rows: int = 0


def _csv_row(raw: dict[str, str | None]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in raw.items():
        if key is None:
            raise ValueError("more values than columns")
        key = key.strip()
        value = (value or "").strip()
        if key in LIST_COLUMNS:
            row[key] = [v.strip() for v in value.split(";") if v.strip()]
        elif key in JSON_COLUMNS:
            if value:
                try:
                    row[key] = json.loads(value)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{key}: not valid JSON ({exc.msg})") from exc
        elif value != "":
            row[key] = value
    return row


def read_rows(path: Path) -> list[tuple[int, dict[str, Any] | str]]:
    """Return (row number, data or parse error) for each record of a CSV or JSON file."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"{path.name}: not valid JSON ({exc.msg}, line {exc.lineno})"
            ) from exc
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            data = data["items"]
        if not isinstance(data, list):
            raise ImportFileError(f"{path.name}: expected a JSON list of organisations")
        return [(i, r if isinstance(r, dict) else "not a JSON object")
                for i, r in enumerate(data, start=1)]
    if path.suffix.lower() != ".csv":
        raise ImportFileError(f"{path.name}: use a .csv or .json file")
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise ImportFileError(f"{path.name}: the CSV needs a header row with at least 'name'")
    unknown = set(reader.fieldnames) - set(EXPORT_COLUMNS)
    if unknown:
        raise ImportFileError(f"{path.name}: unknown column(s): {', '.join(sorted(unknown))}")
    out: list[tuple[int, dict[str, Any] | str]] = []
    for number, raw in enumerate(reader, start=2):  # row 1 is the header
        try:
            out.append((number, _csv_row(raw)))
        except ValueError as exc:
            out.append((number, str(exc)))
    return out


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "row"
            parts.append(f"{loc}: {str(err['msg']).removeprefix('Value error, ')}")
        return "; ".join(parts)
    if isinstance(exc, DomainError):
        return exc.message
    return str(exc)


def import_orgs(
    *,
    session: Session,
    path: Path,
    actor: Actor,
    partial: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import organisations; unless partial, one bad row means nothing is written."""
    rows = read_rows(path)
    report = ImportReport(rows=len(rows))
    for number, data in rows:
        if isinstance(data, str):
            report.errors.append((number, data))
        else:
            savepoint = session.begin_nested()
            try:
                org_service.create_org(
                    session=session, org_in=OrgCreate.model_validate(data), actor=actor
                )
                savepoint.commit()
                report.created += 1
            except (ValidationError, DomainError, ValueError) as exc:
                savepoint.rollback()
                report.errors.append((number, _reason(exc)))
        if progress is not None:
            progress(1)
    if report.errors and not partial:
        report.created = 0
    return report


def export_rows(*, session: Session) -> Iterator[dict[str, Any]]:
    """Yield every organisation as a plain record, in the import format."""
    for org in org_service.iter_all(session=session):
        data = org_service.snapshot(org)
        yield {k: getattr(data.get(k), "value", data.get(k)) for k in EXPORT_COLUMNS}


def write_csv(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write records as CSV; list columns joined by ';', nested ones as JSON. Return count."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    count = 0
    for record in records:
        row = dict(record)
        for key in LIST_COLUMNS:
            row[key] = ";".join(row[key] or [])
        for key in JSON_COLUMNS:
            row[key] = json.dumps(row[key]) if row[key] else ""
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        count += 1
    return count


def write_json(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write records as a JSON list, one object per line. Return count."""
    out.write("[")
    count = 0
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count
