"""Rule files: the packaged rule set loads; a bad file is refused with its file and line."""

from pathlib import Path

import pytest

from indusx.pathway.engine.conditions import ConditionError, compile_condition, holds
from indusx.pathway.engine.rules import RULES_DIR, RuleFileError, RuleKind, load_ruleset

GOOD_RULE = """\
version: "2026-11-23"
rules:
  - id: test-rule
    title: A test rule
    side: US
    scope: item
    kind: authorisation
    authorisation: A licence
    conclusion: "{item.name} needs a licence."
    citation: 22 CFR 124
    source_url: https://www.ecfr.gov/
    effective: 2022-02-01
    confidence: medium
    confidence_note: A test.
    when:
      item.regime: usml
      activity: [co-production]
"""


def _write(folder: Path, text: str, name: str = "rules.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_packaged_rule_set_loads_and_every_rule_cites_its_source() -> None:
    ruleset = load_ruleset()

    assert len(ruleset.rules) >= 25
    assert ruleset.version.startswith("2026-11-23+")
    for rule in ruleset.rules:
        spec = rule.spec
        assert spec.citation and spec.source_url.startswith("https://"), rule.id
        assert spec.effective.year >= 1996 and spec.confidence_note, rule.id
    kinds = {rule.spec.kind for rule in ruleset.rules}
    assert {
        RuleKind.AUTHORISATION,
        RuleKind.BLOCK,
        RuleKind.DETERMINATION,
        RuleKind.NO_LICENCE,
    } <= kinds


def test_rules_citing_secondary_sources_say_so() -> None:
    ruleset = load_ruleset()
    mla = ruleset.by_id("us-itar-mla-manufacture-abroad").spec
    sosa = ruleset.by_id("bilateral-sosa-priority-delivery").spec

    assert "secondary" in mla.confidence_note and mla.confidence == "medium"
    assert "news reprint" in sosa.confidence_note and sosa.confidence == "low"


def test_a_good_rule_file_loads_with_the_rule_s_file_and_line(tmp_path: Path) -> None:
    ruleset = load_ruleset(_write(tmp_path, GOOD_RULE))

    [rule] = ruleset.rules
    assert (rule.id, rule.file, rule.line) == ("test-rule", "rules.yaml", 3)


def test_an_unknown_fact_is_refused_with_its_file_and_line(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD_RULE.replace("item.regime: usml", "item.regim: usml"))

    with pytest.raises(RuleFileError) as caught:
        load_ruleset(folder)

    message = str(caught.value)
    assert f"{folder / 'rules.yaml'}:16: rules[0].when.item.regim: unknown fact" in message


def test_a_value_outside_a_fact_s_vocabulary_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD_RULE.replace("[co-production]", "[coproduction]"))

    pattern = r"rules\.yaml:17: rules\[0\]\.when\.activity\[0\]: .*'coproduction' is not one"
    with pytest.raises(RuleFileError, match=pattern):
        load_ruleset(folder)


def test_a_missing_citation_is_refused_at_the_rule_s_line(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD_RULE.replace("    citation: 22 CFR 124\n", ""))

    with pytest.raises(RuleFileError, match=r"rules\.yaml:3: rules\[0\]\.citation: Field required"):
        load_ruleset(folder)


def test_broken_yaml_is_refused_with_the_line_of_the_problem(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD_RULE.replace("    side: US\n", "    side: [US\n"))

    with pytest.raises(RuleFileError, match=r"rules\.yaml:\d+: not valid YAML"):
        load_ruleset(folder)


def test_a_duplicate_rule_id_across_files_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, GOOD_RULE, "a.yaml")
    _write(tmp_path, GOOD_RULE, "b.yaml")

    with pytest.raises(RuleFileError, match=r"b\.yaml:3: rules\[0\]\.id: duplicate rule id"):
        load_ruleset(tmp_path)


def test_an_item_fact_in_an_assessment_rule_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD_RULE.replace("    scope: item\n", ""))

    with pytest.raises(RuleFileError, match=r"item\.regime is an item fact"):
        load_ruleset(folder)


def test_an_authorisation_rule_must_name_its_authorisation(tmp_path: Path) -> None:
    folder = _write(tmp_path, GOOD_RULE.replace("    authorisation: A licence\n", ""))

    with pytest.raises(RuleFileError, match="must name its authorisation"):
        load_ruleset(folder)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    two = GOOD_RULE + GOOD_RULE.split("rules:\n", 1)[1].replace("test-rule", "other-rule")
    folder = _write(tmp_path, two.replace("item.regime: usml", "item.regime: itar"))

    with pytest.raises(RuleFileError) as caught:
        load_ruleset(folder)

    assert [line for _, line, _ in caught.value.problems] == [16, 31]


def test_the_rules_directory_is_package_data() -> None:
    assert RULES_DIR.is_dir() and sorted(p.name for p in RULES_DIR.glob("*.yaml"))


def test_conditions_combine_all_any_not_lists_and_numbers() -> None:
    condition = compile_condition(
        {
            "activity": ["investment"],
            "investment.equity_share": {"gt": 74},
            "any": [{"investment.investee_country": "IN"}, {"countries": "IN"}],
            "not": {"red_flags": True},
        },
        scope="assessment",
    )
    facts = {
        "activity": ["co-development", "investment"],
        "investment.equity_share": 80.0,
        "investment.investee_country": None,
        "countries": ["IN", "US"],
        "red_flags": False,
    }

    assert holds(condition, facts)
    assert not holds(condition, {**facts, "investment.equity_share": 74})
    assert not holds(condition, {**facts, "investment.equity_share": None})
    assert not holds(condition, {**facts, "red_flags": True})
    assert not holds(condition, {**facts, "countries": ["US"]})


def test_present_tests_whether_a_fact_was_given() -> None:
    condition = compile_condition(
        {"investment.equity_share": {"present": False}}, scope="assessment"
    )

    assert holds(condition, {"investment.equity_share": None})
    assert not holds(condition, {"investment.equity_share": 10})


def test_a_number_operator_on_a_text_fact_is_refused_with_its_path() -> None:
    with pytest.raises(ConditionError) as caught:
        compile_condition({"all": [{"item.regime": {"gt": 3}}]}, scope="item")

    assert caught.value.path == ("all", 0, "item.regime", "gt")
