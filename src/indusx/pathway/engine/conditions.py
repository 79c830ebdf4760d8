"""The condition language of rule files: compile a `when:` mapping, then test it on facts.

    when:
      activity: [co-production, technology-transfer]   # any of these
      item.regime: usml                                 # equals
      investment.equity_share: {gt: 74}                 # gt, gte, lt, lte
      procurement.route: {present: false}               # the fact is (not) given
      not: {item.missile_technology: true}
      any: [{item.eccn_series: "600"}, {item.regime: usml}]
      all: [...]

Every key of a mapping must hold (they are AND-ed); `all`, `any` and `not` nest. When the
fact is a list (activity, countries, item.destination, parties.screening) a value matches if
the list contains it. Fact names and vocabulary values are checked when the rules load.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indusx.pathway.engine.facts import FACTS

Path = tuple[str | int, ...]
NUMBER_OPS = ("gt", "gte", "lt", "lte")
SCOPES = {
    "assessment": {"assessment"},
    "item": {"assessment", "item"},
    "party": {"assessment", "party"},
}


class ConditionError(ValueError):
    """A condition that cannot be compiled; `path` locates it inside the `when:` mapping."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class Test:
    fact: str
    op: str  # "is", "in", "gt", "gte", "lt", "lte", "present"
    value: Any


@dataclass(frozen=True, slots=True)
class All:
    parts: tuple["Condition", ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple["Condition", ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: "Condition"


Condition = Test | All | AnyOf | Not


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and value is not None


def _check_value(fact: str, value: Any, path: Path) -> Any:
    spec = FACTS[fact]
    if not _scalar(value):
        raise ConditionError(path, f"{fact}: expected a value, not {type(value).__name__}")
    if spec.type == "bool" and not isinstance(value, bool):
        raise ConditionError(path, f"{fact} is true or false, not {value!r}")
    if spec.type == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ConditionError(path, f"{fact} is a number, not {value!r}")
    if spec.type in ("text", "list"):
        value = str(value)
        if spec.values is not None and value not in spec.values:
            allowed = ", ".join(spec.values)
            raise ConditionError(path, f"{fact}: {value!r} is not one of {allowed}")
    return value


def _test(fact: str, expected: Any, path: Path, scope: str) -> Condition:
    spec = FACTS.get(fact)
    if spec is None:
        raise ConditionError(path, f"unknown fact {fact!r} (see docs/pathway.md for the list)")
    if spec.scope not in SCOPES[scope]:
        raise ConditionError(path, f"{fact} is an {spec.scope} fact; this rule's scope is {scope}")
    if isinstance(expected, list):
        if not expected:
            raise ConditionError(path, f"{fact}: the list of values is empty")
        values = tuple(_check_value(fact, v, (*path, i)) for i, v in enumerate(expected))
        return Test(fact, "in", values)
    if isinstance(expected, Mapping):
        if len(expected) != 1:
            raise ConditionError(
                path, f"{fact}: give exactly one operator ({', '.join(NUMBER_OPS)} or present)"
            )
        [(op, value)] = expected.items()
        if op == "present":
            if not isinstance(value, bool):
                raise ConditionError((*path, op), "present is true or false")
            return Test(fact, op, value)
        if op not in NUMBER_OPS:
            raise ConditionError(
                (*path, op), f"unknown operator {op!r}; use {', '.join(NUMBER_OPS)} or present"
            )
        if spec.type != "number":
            raise ConditionError((*path, op), f"{op} compares numbers; {fact} is not one")
        return Test(fact, op, _check_value(fact, value, (*path, op)))
    return Test(fact, "is", _check_value(fact, expected, path))


def compile_condition(raw: Any, *, scope: str, path: Path = ()) -> Condition:
    """Return the compiled condition of a `when:` mapping; raise ConditionError if invalid."""
    if not isinstance(raw, Mapping) or not raw:
        raise ConditionError(path, "a condition is a non-empty mapping of facts to values")
    parts: list[Condition] = []
    for key, value in raw.items():
        here = (*path, str(key))
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ConditionError(here, f"{key} takes a non-empty list of conditions")
            subs = tuple(
                compile_condition(v, scope=scope, path=(*here, i)) for i, v in enumerate(value)
            )
            parts.append(All(subs) if key == "all" else AnyOf(subs))
        elif key == "not":
            parts.append(Not(compile_condition(value, scope=scope, path=here)))
        else:
            parts.append(_test(str(key), value, here, scope))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _holds(test: Test, actual: Any) -> bool:
    if test.op == "present":
        given = actual is not None and actual != []
        return given is test.value
    if actual is None:
        return False
    if test.op in NUMBER_OPS:
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        number = float(actual)
        limit = float(test.value)
        return {
            "gt": number > limit,
            "gte": number >= limit,
            "lt": number < limit,
            "lte": number <= limit,
        }[test.op]
    wanted = test.value if test.op == "in" else (test.value,)
    if isinstance(actual, list):
        return any(a in wanted for a in actual)
    return actual in wanted


def holds(condition: Condition, facts: Mapping[str, Any]) -> bool:
    """Return whether the condition holds for the named facts."""
    match condition:
        case Test():
            return _holds(condition, facts.get(condition.fact))
        case All(parts):
            return all(holds(p, facts) for p in parts)
        case AnyOf(parts):
            return any(holds(p, facts) for p in parts)
        case Not(part):
            return not holds(part, facts)
    raise TypeError(condition)


def facts_tested(condition: Condition) -> list[str]:
    """Return the names of the facts a condition reads, in order, once each."""
    match condition:
        case Test(fact=fact):
            return [fact]
        case All(parts) | AnyOf(parts):
            return list(dict.fromkeys(f for p in parts for f in facts_tested(p)))
        case Not(part):
            return facts_tested(part)
    raise TypeError(condition)
