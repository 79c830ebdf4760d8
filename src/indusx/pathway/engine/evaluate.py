"""Apply a rule set to the facts of a collaboration: cited conclusions and a verdict.

Assessment rules are tested once, item rules once per item, party rules once per party. Each
conclusion carries its rule's id, citation, source, effective date and confidence, and the
facts that triggered it. The verdict, in order of precedence:

- blocked: a block rule fired (a party has a confirmed screening hit);
- incomplete: a determination rule fired (e.g. an unknown classification): no verdict is
  given until the named facts are determined;
- authorisations required: at least one authorisation rule fired (listed);
- no licence required: none of the above.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from indusx.pathway.engine.conditions import facts_tested, holds
from indusx.pathway.engine.facts import (
    Facts,
    assessment_namespace,
    item_namespace,
    party_namespace,
)
from indusx.pathway.engine.rules import Rule, RuleKind, RuleSet

NOTICE = (
    "Decision support, not legal advice. These conclusions come from encoded rules that cite "
    "their sources, several of them secondary; check each against the primary text (eCFR for "
    "ITAR and the EAR, DGFT and DDP notifications for SCOMET) and take advice from your export "
    "compliance officer or counsel before acting. Where a fact is unknown, a person must "
    "determine it."
)
_PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")
KIND_ORDER = [
    RuleKind.BLOCK,
    RuleKind.DETERMINATION,
    RuleKind.AUTHORISATION,
    RuleKind.CONDITION,
    RuleKind.NO_LICENCE,
    RuleKind.HURDLE,
    RuleKind.NOTE,
]


class Verdict(StrEnum):
    BLOCKED = "blocked"
    INCOMPLETE = "incomplete"
    AUTHORISATIONS_REQUIRED = "authorisations-required"
    NO_LICENCE_REQUIRED = "no-licence-required"


VERDICT_LABELS = {
    Verdict.BLOCKED: "Blocked",
    Verdict.INCOMPLETE: "Incomplete: determine classification",
    Verdict.AUTHORISATIONS_REQUIRED: "Authorisations required",
    Verdict.NO_LICENCE_REQUIRED: "No licence required",
}


@dataclass(frozen=True, slots=True)
class Conclusion:
    rule_id: str
    kind: RuleKind
    side: str
    title: str
    text: str
    citation: str
    source_url: str
    effective: date
    confidence: str
    confidence_note: str
    facts: dict[str, Any]  # the facts the rule's condition read, with their values
    subject: str | None = None  # "item: <name>" or "party: <name>"; None for the whole
    authorisation: str | None = None
    determine: str | None = None
    conditions: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    hurdles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    verdict_label: str
    ruleset_version: str
    conclusions: tuple[Conclusion, ...]
    authorisations: tuple[Conclusion, ...] = ()
    to_determine: tuple[str, ...] = ()
    blocked_by: tuple[str, ...] = ()
    hurdle_keys: tuple[str, ...] = ()
    notice: str = field(default=NOTICE)


def _show(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fill(template: str | None, names: dict[str, Any]) -> str | None:
    """Return a rule's text with its {fact} placeholders replaced by the facts' values."""
    if template is None:
        return None
    return _PLACEHOLDER.sub(lambda m: _show(names.get(m[1])), template)


def _conclude(rule: Rule, names: dict[str, Any], subject: str | None) -> Conclusion:
    spec = rule.spec
    return Conclusion(
        rule_id=spec.id,
        kind=spec.kind,
        side=spec.side,
        title=spec.title,
        text=fill(spec.conclusion, names) or "",
        citation=spec.citation,
        source_url=spec.source_url,
        effective=spec.effective,
        confidence=spec.confidence,
        confidence_note=spec.confidence_note,
        facts={name: names.get(name) for name in facts_tested(rule.condition)},
        subject=subject,
        authorisation=fill(spec.authorisation, names),
        determine=fill(spec.determine, names),
        conditions=spec.conditions,
        steps=spec.steps,
        hurdles=spec.hurdles,
    )


def assess(ruleset: RuleSet, facts: Facts) -> Outcome:
    """Return the conclusions of every rule that applies, and the verdict they make."""
    base = assessment_namespace(facts)
    found: list[tuple[int, int, Conclusion]] = []
    for order, rule in enumerate(ruleset.rules):
        rank = KIND_ORDER.index(rule.spec.kind)
        if rule.spec.scope == "assessment":
            if holds(rule.condition, base):
                found.append((rank, order, _conclude(rule, base, None)))
        elif rule.spec.scope == "item":
            for item in facts.items:
                names = {**base, **item_namespace(facts, item)}
                if holds(rule.condition, names):
                    found.append((rank, order, _conclude(rule, names, f"item: {item.name}")))
        else:
            for party in facts.parties:
                names = {**base, **party_namespace(party)}
                if holds(rule.condition, names):
                    found.append((rank, order, _conclude(rule, names, f"party: {party.name}")))
    conclusions = tuple(c for _, _, c in sorted(found, key=lambda f: (f[0], f[1])))
    blocks = tuple(c.text for c in conclusions if c.kind is RuleKind.BLOCK)
    determine = tuple(
        dict.fromkeys(
            c.determine for c in conclusions if c.kind is RuleKind.DETERMINATION and c.determine
        )
    )
    authorisations = tuple(c for c in conclusions if c.kind is RuleKind.AUTHORISATION)
    if blocks:
        verdict = Verdict.BLOCKED
    elif determine:
        verdict = Verdict.INCOMPLETE
    elif authorisations:
        verdict = Verdict.AUTHORISATIONS_REQUIRED
    else:
        verdict = Verdict.NO_LICENCE_REQUIRED
    label = VERDICT_LABELS[verdict]
    if verdict is Verdict.INCOMPLETE and not all("classification" in d for d in determine):
        label = "Incomplete: " + "; ".join(determine)
    return Outcome(
        verdict=verdict,
        verdict_label=label,
        ruleset_version=ruleset.version,
        conclusions=conclusions,
        authorisations=authorisations,
        to_determine=determine,
        blocked_by=blocks,
        hurdle_keys=tuple(dict.fromkeys(k for c in conclusions for k in c.hurdles)),
    )
