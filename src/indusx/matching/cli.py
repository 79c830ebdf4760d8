"""`indusx match`: suggestions for an organisation, batch solver search, and re-indexing.

    indusx match ORG --mode co-development [-k 10] [--json]
    indusx match solvers --queries FILE.jsonl [-k 10]      (JSON lines in, JSON lines out)
    indusx match reindex                                   (embed every stale profile)

ORG is an organisation's id or slug. Progress goes to stderr; results to stdout.
"""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from indusx.matching.models import MatchMode

SOLVER_BATCH = 256


def _progress(label: str) -> Any:
    def report(done: int, total: int) -> None:
        typer.echo(f"\r{label}: {done:,}/{total:,}", err=True, nl=done >= total)

    return report


def match(
    target: Annotated[
        str,
        typer.Argument(
            help="an organisation id or slug; or 'solvers' (batch solver search) or 'reindex'",
            metavar="ORG|solvers|reindex",
        ),
    ],
    mode: Annotated[MatchMode, typer.Option(help="suggestion mode")] = MatchMode.CO_DEVELOPMENT,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="how many results")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    same_country: Annotated[bool, typer.Option(help="include the same country")] = False,
    queries: Annotated[
        Path | None, typer.Option(help='solvers: a JSON-lines file of {"id": ..., "text": ...}')
    ] = None,
) -> None:
    """Suggest partners for an organisation, run solver search in batch, or re-index."""
    from indusx.cli import fail, unit_of_work

    if target == "reindex":
        _reindex()
        return
    if target == "solvers":
        if queries is None:
            raise fail('give --queries FILE.jsonl (lines of {"id": ..., "text": ...})', 2)
        _solvers(queries, k)
        return
    if queries is not None:
        raise fail("--queries is only for 'indusx match solvers'", 2)
    from indusx.matching import service
    from indusx.orgs import service as org_service

    with unit_of_work() as session:
        org = org_service.get_org_by_slug(session=session, slug=target)
        _catch_up(session)
        result = service.suggestions(
            session=session,
            principal=None,
            org_id=org.id,
            mode=mode,
            k=k,
            cross_border=not same_country,
        )
        if as_json:
            typer.echo(result.model_dump_json(indent=2))
            return
        typer.echo(f"{mode.value} suggestions for {org.name} ({org.country.value}):")
        if not result.items:
            typer.echo("  (none: no eligible organisation fits yet)")
        for rank, item in enumerate(result.items, start=1):
            c = item.candidate
            parts = ", ".join(f"{name} {value:.2f}" for name, value in item.components.items())
            typer.echo(
                f"{rank:>3}. {item.score:.3f}  {c.name} [{c.country}, {c.org_kind or c.kind}]"
                f" (id {c.id})"
            )
            typer.echo(f"       {item.reason}")
            typer.echo(f"       {parts}")


def _catch_up(session: Any) -> None:
    """Embed what changed since the last run, so results reflect the current profiles."""
    from indusx.matching import vectors

    stale, _ = vectors.stale_count(session)
    if stale:
        vectors.sync(session, progress=_progress("embedding changed profiles"))
        session.commit()


def _reindex() -> None:
    from indusx.cli import unit_of_work
    from indusx.matching import vectors

    with unit_of_work() as session:
        ids = vectors.stale_org_ids(session)
        if not ids:
            typer.echo("every profile is up to date")
            return
        done = 0
        report = _progress("embedding profiles")
        for start in range(0, len(ids), 512):
            result = vectors.sync(session, ids[start : start + 512])
            session.commit()  # progress survives an interruption
            done += result.orgs
            report(done, len(ids))
        typer.echo(f"embedded {len(ids):,} profile(s)")
        # Saved supply scenarios kept while the index was being built get their alternates.
        from indusx.supply import simulation

        filled = simulation.refresh_pending_alternates(session=session)
        if filled:
            typer.echo(f"alternate sources filled in for {filled} saved supply scenario(s)")


def _read_queries(path: Path) -> list[tuple[Any, str]]:
    from indusx.cli import fail

    if not path.exists():
        raise fail(f"{path}: no such file", 2)
    out = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise fail(f"{path}:{number}: not JSON ({exc.msg})", 2) from exc
            if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
                raise fail(f'{path}:{number}: expected {{"id": ..., "text": "..."}}', 2)
            out.append((row["id"], row["text"]))
    return out


def _solvers(path: Path, k: int) -> None:
    from indusx.cli import unit_of_work
    from indusx.matching import service

    rows = _read_queries(path)
    with unit_of_work() as session:
        _catch_up(session)
        results = service.solvers_many(
            session=session,
            texts=[text for _, text in rows],
            k=k,
            progress=_progress("queries"),
        )
    out = sys.stdout
    for (query_id, _), matches in zip(rows, results, strict=True):
        out.write(json.dumps({"id": query_id, "matches": matches}) + "\n")
    out.flush()
