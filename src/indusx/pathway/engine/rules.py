"""Rule files: the YAML format, its validation, and loading with file and line in every error.

A rule file holds a version and a list of rules:

    version: "2026-11-23"
    rules:
      - id: us-itar-mla
        title: Manufacturing Licence Agreement
        side: US                     # US, IN or both
        scope: item                  # assessment (default), item or party
        kind: authorisation          # see RuleKind
        authorisation: ITAR Manufacturing Licence Agreement (MLA)
        conclusion: "{item.name} ({item.classification}) may be manufactured abroad only ..."
        conditions: [...]            # what comes with the authorisation (optional)
        steps: [...]                 # typical steps (optional)
        hurdles: [mla-lead-time]     # keys of hurdle-register entries it hits (optional)
        citation: 22 CFR 124; DDTC Agreement Guidelines rev. 5.0 (Feb 2022)
        source_url: https://www.ecfr.gov/current/title-22/chapter-I/subchapter-M/part-124
        effective: 2022-02-01
        confidence: medium           # high, medium or low
        confidence_note: Read in secondary copies of the DDTC guidelines; ...
        when: {activity: co-production, item.regime: usml, item.exported: true}

See docs/pathway.md for the condition language and the facts a rule may test.
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from indusx.pathway.engine.conditions import Condition, ConditionError, compile_condition
from indusx.pathway.engine.facts import FACTS

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
Loc = tuple[str | int, ...]
_PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")


class RuleKind(StrEnum):
    AUTHORISATION = "authorisation"  # a licence, agreement or approval is needed
    NO_LICENCE = "no-licence"  # positively, no licence is needed
    CONDITION = "condition"  # conditions that come with the collaboration or an exception
    DETERMINATION = "determination"  # something must be determined first: no verdict
    HURDLE = "hurdle"  # an open obstacle to resolve (does not change the verdict)
    BLOCK = "block"  # the collaboration may not proceed
    NOTE = "note"  # context: programmes, arrangements, procurement rules


class RuleSpec(BaseModel):
    """One rule as written in a rule file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)
    title: str = Field(min_length=3, max_length=200)
    side: Literal["US", "IN", "both"]
    scope: Literal["assessment", "item", "party"] = "assessment"
    kind: RuleKind
    authorisation: str | None = Field(None, max_length=200)
    determine: str | None = Field(None, max_length=200)
    conclusion: str = Field(min_length=3)
    conditions: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    hurdles: tuple[str, ...] = ()
    citation: str = Field(min_length=3)
    source_url: str = Field(pattern=r"^https?://\S+$")
    effective: date
    confidence: Literal["high", "medium", "low"]
    confidence_note: str = Field(min_length=3)
    when: dict[str, Any]

    @model_validator(mode="after")
    def _fields_of_its_kind(self) -> "RuleSpec":
        if self.kind is RuleKind.AUTHORISATION and not self.authorisation:
            raise ValueError("an authorisation rule must name its authorisation")
        if self.authorisation and self.kind not in (RuleKind.AUTHORISATION, RuleKind.CONDITION):
            raise ValueError("only authorisation and condition rules name an authorisation")
        if self.kind is RuleKind.DETERMINATION and not self.determine:
            raise ValueError("a determination rule must say what to determine")
        return self


class RuleFileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}(?:\.\d+)?$")
    rules: list[dict[str, Any]] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule, its compiled condition, and where it was written."""

    spec: RuleSpec
    condition: Condition
    file: str
    line: int

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str  # the newest file version, then a digest of every file's text
    rules: tuple[Rule, ...]

    def by_id(self, rule_id: str) -> Rule:
        """Return the rule with this id; raise KeyError if there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


class FileProblems(ValueError):
    """A YAML file that does not load: every problem with its file and line."""

    def __init__(self, problems: list[tuple[str, int | None, str]]) -> None:
        self.problems = problems
        super().__init__(
            "\n".join(
                f"{file}:{line}: {message}" if line else f"{file}: {message}"
                for file, line, message in problems
            )
        )


class RuleFileError(FileProblems):
    """Rule files that do not load."""


def _mark_lines(node: yaml.Node, path: Loc, lines: dict[Loc, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = (*path, str(key.value))
            lines[here] = key.start_mark.line + 1
            _mark_lines(value, here, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _mark_lines(item, (*path, index), lines)


def read_yaml(text: str, name: str) -> tuple[Any, dict[Loc, int]]:
    """Return a YAML document's data and the line of every key and item; errors name lines."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:
        # The reader refuses control characters as it starts, with a position, not a mark.
        line = text.count("\n", 0, getattr(exc, "position", 0)) + 1
        raise FileProblems([(name, line, f"not valid YAML: {exc}")]) from exc
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        marked = mark.line + 1 if mark else None
        raise FileProblems([(name, marked, f"not valid YAML: {exc.problem or exc}")]) from exc
    except yaml.YAMLError as exc:
        # Characters the reader refuses further in have a position, not a mark, too.
        line = text.count("\n", 0, getattr(exc, "position", 0)) + 1
        raise FileProblems([(name, line, f"not valid YAML: {exc}")]) from exc
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    if node is not None:
        _mark_lines(node, (), lines)
    return data, lines


def line_of(lines: dict[Loc, int], loc: Iterable[str | int]) -> int | None:
    """Return the line of the deepest known part of a location."""
    parts = tuple(loc)
    while parts:
        if parts in lines:
            return lines[parts]
        parts = parts[:-1]
    return lines.get(())


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_problems(
    exc: ValidationError, name: str, lines: dict[Loc, int], prefix: Loc = ()
) -> list[tuple[str, int | None, str]]:
    """Return pydantic's errors as (file, line, "field: message")."""
    out = []
    for err in exc.errors():
        loc = (*prefix, *(p for p in err["loc"] if p != "__root__"))
        message = str(err["msg"]).removeprefix("Value error, ")
        out.append((name, line_of(lines, loc), f"{_dotted(loc) or 'file'}: {message}"))
    return out


def _rules_of_file(path: Path, seen: dict[str, str]) -> tuple[str, list[Rule]]:
    name = str(path)
    try:
        data, lines = read_yaml(path.read_text(encoding="utf-8"), name)
    except FileProblems as exc:
        raise RuleFileError(exc.problems) from exc
    try:
        file_spec = RuleFileSpec.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(validation_problems(exc, name, lines)) from exc
    problems: list[tuple[str, int | None, str]] = []
    rules: list[Rule] = []
    for index, raw in enumerate(file_spec.rules):
        loc: Loc = ("rules", index)
        try:
            spec = RuleSpec.model_validate(raw)
        except ValidationError as exc:
            problems += validation_problems(exc, name, lines, loc)
            continue
        try:
            condition = compile_condition(spec.when, scope=spec.scope, path=(*loc, "when"))
        except ConditionError as exc:
            problems.append((name, line_of(lines, exc.path), f"{_dotted(exc.path)}: {exc.message}"))
            continue
        for field in ("conclusion", "determine", "authorisation"):
            for fact in _PLACEHOLDER.findall(getattr(spec, field) or ""):
                spec_of = FACTS.get(fact)
                if spec_of is None or (
                    spec_of.scope != "assessment" and spec_of.scope != spec.scope
                ):
                    problems.append(
                        (
                            name,
                            line_of(lines, (*loc, field)),
                            f"{_dotted((*loc, field))}: {{{fact}}} is not a fact "
                            f"of a {spec.scope} rule",
                        )
                    )
        if spec.id in seen:
            problems.append(
                (
                    name,
                    line_of(lines, (*loc, "id")),
                    f"{_dotted((*loc, 'id'))}: duplicate rule id {spec.id!r} "
                    f"(first in {seen[spec.id]})",
                )
            )
            continue
        seen[spec.id] = name
        rules.append(
            Rule(spec=spec, condition=condition, file=path.name, line=line_of(lines, loc) or 1)
        )
    if problems:
        raise RuleFileError(problems)
    return file_spec.version, rules


def load_ruleset(directory: Path = RULES_DIR) -> RuleSet:
    """Load and validate every `*.yaml` rule file of a directory; raise RuleFileError."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RuleFileError([(str(directory), None, "no rule files (*.yaml) found")])
    seen: dict[str, str] = {}
    problems: list[tuple[str, int | None, str]] = []
    rules: list[Rule] = []
    versions: list[str] = []
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        try:
            version, file_rules = _rules_of_file(path, seen)
        except RuleFileError as exc:
            problems += exc.problems
            continue
        versions.append(version)
        rules += file_rules
    if problems:
        raise RuleFileError(problems)
    return RuleSet(version=f"{max(versions)}+{digest.hexdigest()[:8]}", rules=tuple(rules))
