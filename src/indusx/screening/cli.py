"""`indusx screening`: list import, single and batch checks, re-screening, list versions.

    indusx screening import --format ofac sdn.csv alt.csv add.csv
    indusx screening import --format csv --list dod-1260h --name "DoD Section 1260H" FILE.csv
    indusx screening check --name "Ivan Petrov" [--country RU] [--type person] [--json]
    indusx screening batch --queries names.csv > hits.jsonl
    indusx screening rescreen
    indusx screening lists

Progress goes to stderr; results to stdout.
"""

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from indusx.screening.engine.types import EntityType, Query
from indusx.screening.facts import parse_birth_date, parse_country
from indusx.screening.lists import ListFormat

screening_app = typer.Typer(help="Restricted-party screening.", no_args_is_help=True)
BATCH_SIZE = 500


def _hit_json(hit: Any) -> dict[str, Any]:
    return {"list": hit.source, "entry_id": hit.entry_id, "name": hit.name,
            "matched_name": hit.matched_name, "score": hit.score, "reasons": list(hit.reasons),
            "matched_fields": list(hit.matched_fields), "list_key": hit.list_key}


@screening_app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="the list's files (OFAC: sdn.csv alt.csv "
                                                     "add.csv)", metavar="PATH...")],
    fmt: Annotated[ListFormat, typer.Option("--format", help="the file format")],
    list_key: Annotated[str | None, typer.Option("--list", help="the list's key (default: by "
                                                 "format, or the file name for csv)")] = None,
    name: Annotated[str | None, typer.Option(help="the list's display name (new lists)")] = None,
    strict: Annotated[bool, typer.Option(help="refuse the import if any row cannot be "
                                               "read")] = False,
) -> None:
    """Import a list as its next version, show the delta, and re-screen what it affects."""
    from indusx.cli import _cli_actor, fail, unit_of_work
    from indusx.screening import imports

    for path in paths:
        if not path.is_file():
            raise fail(f"{path}: no such file", 2)
    typer.echo(f"reading {', '.join(p.name for p in paths)} ...", err=True)
    with unit_of_work() as session:
        result = imports.import_list(session=session, fmt=fmt, paths=paths, actor=_cli_actor(),
                                     key=list_key, name=name, strict=strict)
    for problem in result.skipped:
        typer.secho(f"warning: row left out: {problem}", fg=typer.colors.YELLOW, err=True)
    if result.version is None:
        typer.echo(f"{result.list_name}: {result.entries:,} entries, unchanged since the last "
                   "import (no new version)")
        return
    typer.echo(f"{result.list_name} ({result.list_key}) version {result.version}: "
               f"{result.entries:,} entries; {result.added:,} added, {result.changed:,} "
               f"changed, {result.removed:,} removed")
    typer.echo(f"re-screened {result.subjects_screened:,} parties against the changes: "
               f"{result.cases_opened} case(s) opened, {result.cases_withdrawn} withdrawn")


@screening_app.command("check")
def check(
    name: Annotated[str, typer.Option(help="the name to screen")],
    country: Annotated[str | None, typer.Option(help="ISO code or English name")] = None,
    entity_type: Annotated[EntityType | None, typer.Option("--type")] = None,
    birth_date: Annotated[str | None, typer.Option(help="a year or YYYY-MM-DD")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Screen one name against the loaded lists (nothing is recorded)."""
    from indusx.cli import fail, unit_of_work
    from indusx.screening import service

    try:
        query = Query(name=name, country=parse_country(country), entity_type=entity_type,
                      birth_date=parse_birth_date(birth_date))
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    with unit_of_work() as session:
        hits = service.check(session=session, query=query)
        lists = _list_names(session)
    if as_json:
        typer.echo(json.dumps({"name": name, "hits": [_hit_json(h) for h in hits]}, indent=2))
        return
    if not lists:
        typer.echo("no restricted-party list is loaded: run `indusx screening import` first")
    elif not hits:
        typer.echo(f"no hit for '{name}' on {', '.join(lists)}")
    for hit in hits:
        typer.echo(f"{hit.score:.2f}  {hit.name}  [{hit.source}, entry {hit.entry_id}]")
        if hit.matched_name != hit.name:
            typer.echo(f"      matched: {hit.matched_name}")
        for reason in hit.reasons:
            typer.echo(f"      - {reason}")


def _list_names(session: Any) -> list[str]:
    from sqlalchemy import select

    from indusx.screening.models import ScreeningList

    return list(session.scalars(select(ScreeningList.name).order_by(ScreeningList.name)))


def read_queries(path: Path) -> list[tuple[str, Query]]:
    """Return (id, query) rows of a batch file; raise ValueError naming the line."""
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    out: list[tuple[str, Query]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = {f.strip().lower() for f in reader.fieldnames or []}
        if not {"id", "name"} <= fields:
            raise ValueError(f"{path}:1: the header must have the columns id,name "
                             "(and optionally country,type,birth_date)")
        for number, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            if not row.get("name"):
                raise ValueError(f"{path}:{number}: the name is empty")
            try:
                kind = row.get("type") or None
                query = Query(
                    name=row["name"], country=parse_country(row.get("country")),
                    entity_type=EntityType(kind.lower()) if kind else None,
                    birth_date=parse_birth_date(row.get("birth_date")),
                )
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from exc
            out.append((row["id"], query))
    return out


@screening_app.command("batch")
def batch(
    queries: Annotated[Path, typer.Option(help="CSV with id,name[,country,type,birth_date]")],
) -> None:
    """Screen many names; one JSON line per query on stdout, in input order."""
    from indusx.cli import fail, unit_of_work
    from indusx.screening import service

    try:
        rows = read_queries(queries)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    out = sys.stdout
    with unit_of_work() as session:
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start:start + BATCH_SIZE]
            found = service.check_many(session=session, queries=[q for _, q in chunk])
            for (query_id, _), hits in zip(chunk, found, strict=True):
                out.write(json.dumps({"id": query_id, "hits": [_hit_json(h) for h in hits]},
                                     ensure_ascii=False) + "\n")
            done = min(start + BATCH_SIZE, len(rows))
            typer.echo(f"\rscreened {done:,}/{len(rows):,}", err=True, nl=done >= len(rows))
    out.flush()


@screening_app.command("rescreen")
def rescreen() -> None:
    """Screen every organisation, contact and user against every live list entry."""
    from indusx.cli import _cli_actor, unit_of_work
    from indusx.screening import service

    with unit_of_work() as session:
        result = service.rescreen_all(session=session, actor=_cli_actor())
    typer.echo(f"screened {result.subjects:,} parties: {result.opened} case(s) opened, "
               f"{result.withdrawn} withdrawn")


@screening_app.command("lists")
def lists() -> None:
    """Show the loaded lists and their versions."""
    from indusx.cli import unit_of_work
    from indusx.screening import imports

    with unit_of_work() as session:
        summaries = imports.list_summaries(session=session)
        if not summaries:
            typer.echo("no list is loaded")
        for s in summaries:
            latest = s.latest
            when = latest.imported_at.strftime("%Y-%m-%d %H:%M") if latest else "-"
            typer.echo(f"{s.list.key:<20} {s.live_entries:>7,} entries  v{s.versions}  "
                       f"imported {when}  {s.list.name}")
