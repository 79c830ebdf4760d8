"""Property tests: the parsers of outside input fail only with their own documented errors.

Hypothesis writes arbitrary files for the directory import (CSV and JSON), the supply-chain
CSV import, the restricted-party list readers and the pathway rule loader, and arbitrary
names for the screening name normaliser. Runs are derandomized so CI repeats itself.
"""

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from indusx.orgs.transfer import EXPORT_COLUMNS, ImportFileError, read_rows
from indusx.pathway.engine.rules import RuleFileError, load_ruleset
from indusx.screening.engine.names import normalise_name
from indusx.screening.lists import ListFormat, ListFormatError, read_list
from indusx.supply import imports as supply_imports

PROPERTIES = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])

cells = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | cells,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(cells, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def csv_texts(draw: st.DrawFn, columns: list[str]) -> str:
    """Return CSV text: a header of known and unknown columns, and ragged rows."""
    header = draw(st.lists(st.sampled_from(columns) | cells, min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(cells, max_size=8), max_size=5))
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", '"']))


def _write(folder: str, name: str, text: str) -> Path:
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


@PROPERTIES
@given(text=csv_texts(EXPORT_COLUMNS))
def test_the_directory_csv_reader_fails_only_with_its_import_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            rows = read_rows(_write(folder, "orgs.csv", text))
        except ImportFileError as exc:
            assert "orgs.csv" in exc.message
            return
    for number, row in rows:
        assert number >= 2
        assert isinstance(row, dict | str)


@PROPERTIES
@given(data=json_values | st.text(max_size=40))
def test_the_directory_json_reader_fails_only_with_its_import_error(data: object) -> None:
    text = data if isinstance(data, str) else json.dumps(data)
    with tempfile.TemporaryDirectory() as folder:
        try:
            rows = read_rows(_write(folder, "orgs.json", text))
        except ImportFileError as exc:
            assert "orgs.json" in exc.message
            return
    assert all(isinstance(row, dict | str) for _, row in rows)


@PROPERTIES
@given(systems=csv_texts(["code", "name", "integrator", "annual_demand", "focus_area"]),
       bom=csv_texts(["system", "parent", "part", "name", "kind", "quantity", "unit"]),
       sources=csv_texts(["system", "part", "supplier", "country", "share", "lead_time_days"]))
def test_the_supply_import_reports_problems_and_never_crashes(
    session: Session, systems: str, bom: str, sources: str
) -> None:
    texts = {"systems.csv": systems, "bom.csv": bom, "sources.csv": sources}
    try:
        supply_imports.check(session=session, principal=None, texts=texts)
    except supply_imports.ImportProblems as exc:
        assert exc.problems
    finally:
        session.rollback()


@PROPERTIES
@given(fmt=st.sampled_from([ListFormat.CSV, ListFormat.CSL]),
       text=csv_texts(["schema", "name", "aliases", "country", "program", "notes", "source",
                       "alt_names", "addresses", "type", "programs"]))
def test_the_list_readers_fail_only_with_a_list_format_error(fmt: ListFormat, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "list.csv", text)
        try:
            entries = read_list(fmt, [path])
        except ListFormatError as exc:
            assert exc.path == str(path)
            return
    assert all(entry.name for entry in entries)


@PROPERTIES
@given(sdn=st.lists(st.lists(cells, min_size=1, max_size=13), max_size=4))
def test_the_ofac_reader_fails_only_with_a_list_format_error(sdn: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = "\n".join(",".join(json.dumps(c) for c in row) for row in sdn)
        path = _write(folder, "sdn.csv", text)
        try:
            read_list(ListFormat.OFAC, [path])
        except ListFormatError as exc:
            assert exc.path.endswith("sdn.csv")


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(name=st.text(max_size=60))
def test_the_name_normaliser_never_raises_and_gives_single_spaced_tokens(name: str) -> None:
    once = normalise_name(name)
    assert once == once.strip()
    assert "  " not in once


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(name=st.text(max_size=60))
@example(name="\u33c6 \u33c6")  # once read "c c", which normalised again to "cc"
def test_the_name_normaliser_is_idempotent(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once


@PROPERTIES
@given(data=json_values)
def test_the_rule_loader_rejects_arbitrary_yaml_with_file_and_line(data: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "rules.yaml", yaml.safe_dump(data, allow_unicode=True))
        try:
            load_ruleset(Path(folder))
        except RuleFileError as exc:
            assert exc.problems
            for file, line, _ in exc.problems:
                assert file == str(path)
                assert line is not None and line >= 1
        else:
            raise AssertionError("arbitrary YAML loaded as a rule file")


@PROPERTIES
@given(text=st.text(max_size=80))
def test_the_rule_loader_rejects_arbitrary_text_with_its_own_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "rules.yaml", text)
        try:
            load_ruleset(Path(folder))
        except RuleFileError as exc:
            assert all(file == str(path) for file, _, _ in exc.problems)
        else:
            raise AssertionError("arbitrary text loaded as a rule file")
