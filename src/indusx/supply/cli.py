"""`indusx supply`: systems, CSV import and export, risk analysis, disruption scenarios.

    indusx supply systems
    indusx supply import DIR [--dry-run]
    indusx supply export DIR [--system CODE ...]
    indusx supply analyse SYSTEM [--json] [--top N]
    indusx supply simulate SCENARIO.yaml [--json] [--save]
    indusx supply requests [--status S ...] [--overdue] [--json]   (sos/cli.py)
    indusx supply remind

File formats are in docs/supply.md; examples in examples/supply/. Progress goes to stderr,
results to stdout; problems exit non-zero (2 for a malformed file).
"""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from pydantic import ValidationError

supply_app = typer.Typer(
    help="Supply chains: systems, BOM import/export, risk, disruption scenarios, Security "
         "of Supply requests.",
    no_args_is_help=True,
)


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _days(value: float | None) -> str:
    return "never" if value is None else f"{value:.0f} d"


@supply_app.command("systems")
def systems() -> None:
    """List the supply systems with their size and criticality."""
    from indusx.cli import _settings, unit_of_work
    from indusx.supply import service

    with unit_of_work() as session:
        page = service.list_systems(session=session, principal=None, page_size=10_000,
                                    settings=_settings())
    if not page.items:
        typer.echo("no supply systems yet: see `indusx supply import` or `indusx demo load`")
        return
    typer.echo(f"{'code':<12} {'parts':>6} {'sources':>8} {'single':>7} {'crit':>6}  name")
    for s in page.items:
        crit = "" if s.criticality is None else f"{s.criticality:.1f}"
        typer.echo(f"{s.code:<12} {s.parts:>6} {s.sources:>8} {s.single_source:>7} "
                   f"{crit:>6}  {s.name}")


@supply_app.command("import")
def import_(
    directory: Annotated[Path, typer.Argument(help="a folder with systems.csv, bom.csv, "
                                                   "sources.csv")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check only, write nothing")] = False,
) -> None:
    """Import systems, BOMs and sources from CSV files (all or nothing)."""
    from indusx.cli import unit_of_work
    from indusx.supply import imports

    with unit_of_work() as session:
        try:
            texts = imports.read_dir(directory)
            count = len({r.split(",", 1)[0] for name, text in texts.items()
                         for r in text.splitlines()[1:] if r.strip()})
            with typer.progressbar(length=max(count, 1), label="importing systems",
                                   file=sys.stderr) as bar:
                summary = imports.import_texts(session=session, principal=None, texts=texts,
                                               dry_run=dry_run, progress=bar.update)
        except imports.ImportProblems as exc:
            for line in exc.problems:
                typer.secho(line, fg=typer.colors.RED, err=True)
            typer.secho(f"{len(exc.problems)} problem(s); nothing was imported",
                        fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from exc
    verb = "would import" if dry_run else "imported"
    typer.echo(f"{verb} {len(summary.systems_created)} new and "
               f"{len(summary.systems_updated)} existing systems: {summary.parts} parts, "
               f"{summary.lines} BOM lines, {summary.sources} sources")


@supply_app.command("export")
def export(
    directory: Annotated[Path, typer.Argument(help="the folder to write the three files to")],
    system: Annotated[list[str], typer.Option("--system", help="a system code (repeatable)")]
    = [],  # noqa: B006
) -> None:
    """Export systems, BOMs and sources as CSV (the import format)."""
    from indusx.cli import unit_of_work
    from indusx.supply import exports

    with unit_of_work() as session:
        counts = exports.export_dir(session=session, principal=None, directory=directory,
                                    codes=system)
    typer.echo(", ".join(f"{name}: {n} rows" for name, n in counts.items())
               + f" written to {directory}")


@supply_app.command("analyse")
def analyse(
    system: Annotated[str, typer.Argument(help="a system code or id")],
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    top: Annotated[int, typer.Option(help="rows of the risk table", min=1)] = 15,
) -> None:
    """Show a system's risk figures and its most critical parts."""
    from indusx.cli import _settings, unit_of_work
    from indusx.supply import analysis, service

    with unit_of_work() as session:
        found = service.get_system_by_code(session=session, principal=None, code=system)
        view = analysis.system_risk(session=session, principal=None, settings=_settings(),
                                    system_id=found.id, page_size=top)
    if as_json:
        typer.echo(view.model_dump_json(indent=2))
        return
    s = view.summary
    typer.secho(f"{view.system.code}  {view.system.name}", bold=True)
    typer.echo(f"criticality {s.criticality:.1f}/100; {s.parts} parts, {s.sourced_parts} "
               f"sourced, {s.unsourced_leaves} leaf parts without a source")
    typer.echo(f"single-source parts {s.single_source}, single-country {s.single_country}; "
               f"HHI mean {s.mean_hhi:,.0f}, max {s.max_hhi:,.0f}")
    typer.echo(f"supply outside partners and allies {_pct(s.outside_share)}, from watched "
               f"countries {_pct(s.watch_share)}; parts with flagged suppliers "
               f"{s.flagged_parts}")
    path = " > ".join(p.number for p in view.critical_path)
    typer.echo(f"longest lead-time path {s.longest_path_days} days: {path}")
    typer.echo("")
    typer.echo(f"{'crit':>5} {'part':<14} {'src':>3} {'HHI':>6} {'out':>5} {'watch':>5} "
               f"{'lead':>5}  name / why")
    for r in view.rows:
        typer.echo(f"{r.criticality:>5.1f} {r.number:<14} {r.sources:>3} {r.hhi:>6,.0f} "
                   f"{_pct(r.outside_share):>5} {_pct(r.watch_share):>5} "
                   f"{r.path_lead_days:>5}  {r.name}")
        if r.reasons:
            typer.echo(f"{'':>44}{'; '.join(r.reasons[:3])}")


def _read_spec(file: Path) -> Any:
    from indusx.supply.schemas import ScenarioSpec

    try:
        data = yaml.safe_load(file.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        typer.secho(f"{file}: not valid YAML: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    if not isinstance(data, dict):
        typer.secho(f"{file}: expected a mapping of scenario fields", fg=typer.colors.RED,
                    err=True)
        raise typer.Exit(2)
    try:
        return ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "file"
            message = str(err["msg"]).removeprefix("Value error, ")
            typer.secho(f"{file}: {where}: {message}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc


@supply_app.command("simulate")
def simulate(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="a YAML scenario file")],
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    save: Annotated[bool, typer.Option(help="keep the scenario (needs a name; audited)")]
    = False,
) -> None:
    """Run a disruption scenario: buildable units, shortfalls, recovery, alternate sources."""
    from indusx.cli import _settings, unit_of_work
    from indusx.supply import simulation

    spec = _read_spec(file)
    settings = _settings()
    with unit_of_work() as session:
        view = simulation.run(session=session, principal=None, settings=settings, spec=spec)
        saved = (simulation.save_scenario(session=session, principal=None, settings=settings,
                                          spec=spec, view=view) if save else None)
        saved_id = saved.id if saved is not None else None
    if as_json:
        out = view.model_dump(mode="json")
        if saved_id is not None:
            out["scenario_id"] = saved_id
        typer.echo(json.dumps(out, indent=2))
        return
    typer.secho(spec.name or file.name, bold=True)
    typer.echo(f"out: countries {', '.join(view.countries_out) or '-'}; suppliers "
               f"{', '.join(view.suppliers_out) or '-'}; demand x{spec.demand_factor:g} for "
               f"{spec.days} days; {view.lost_sources} sources lost")
    typer.echo("")
    typer.echo(f"{'system':<12} {'planned':>8} {'buildable':>9} {'recovery':>9}  short parts")
    for o in view.systems:
        typer.echo(f"{o.code:<12} {o.planned:>8.1f} {o.buildable:>9.0f} "
                   f"{_days(o.recovery_days):>9}  {o.short_parts}")
    if view.shortfalls:
        typer.echo("")
        typer.echo(f"{'part':<14} {'system':<10} {'short':>9} {'of need':>7} {'recovery':>9}"
                   "  name")
    for s in view.shortfalls[:20]:
        typer.echo(f"{s.number:<14} {s.system_code:<10} {s.shortfall:>9.1f} "
                   f"{_pct(s.short_share):>7} {_days(s.recovery_days):>9}  {s.name}")
        for a in s.alternates:
            typer.echo(f"{'':>16}alternate: {a.name} ({a.country}) {a.score:.2f}")
    if view.alternates_note:
        typer.echo(view.alternates_note)
    if saved_id is not None:
        typer.echo(f"saved as scenario {saved_id}")


from indusx.supply.sos import cli as _sos_cli  # noqa: E402, F401  (adds `requests`, `remind`)
