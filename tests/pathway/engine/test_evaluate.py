"""The engine on the issue's cases, and each example file on its documented verdict."""

from pathlib import Path

import pytest

from indusx.pathway import service
from indusx.pathway.engine import classification
from indusx.pathway.engine.evaluate import NOTICE, Outcome, Verdict, assess
from indusx.pathway.engine.facts import (
    Activity,
    Facts,
    InvestmentFacts,
    ItemFacts,
    PartyFacts,
    PartyKind,
    Screening,
)
from indusx.pathway.engine.rules import load_ruleset
from indusx.pathway.files import read_assessment

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "pathway"
RULES = load_ruleset()
US = PartyFacts("Example Turbine Works Inc.", "US", screening=Screening.CLEAR)
IN = PartyFacts("Example Aero Components Pvt Ltd", "IN", screening=Screening.CLEAR)


def _item(name: str, classified: str | None, **kw: object) -> ItemFacts:
    return ItemFacts(name=name, classification=classification.parse(classified), **kw)  # type: ignore[arg-type]


def _assess(
    *activities: Activity,
    parties: tuple[PartyFacts, ...] = (US, IN),
    items: tuple[ItemFacts, ...] = (),
    **kw: object,
) -> Outcome:
    return assess(RULES, Facts(activities=activities, parties=parties, items=items, **kw))  # type: ignore[arg-type]


def _ids(outcome: Outcome) -> list[str]:
    return [c.rule_id for c in outcome.conclusions]


def test_co_production_in_india_of_a_usml_xix_engine_part_needs_an_mla() -> None:
    outcome = _assess(Activity.CO_PRODUCTION, items=(_item("Turbine blade", "USML Cat. XIX"),))

    assert outcome.verdict is Verdict.AUTHORISATIONS_REQUIRED
    [mla] = outcome.authorisations
    assert mla.rule_id == "us-itar-mla-manufacture-abroad"
    assert mla.authorisation == "ITAR Manufacturing Licence Agreement (MLA)"
    assert mla.subject == "item: Turbine blade" and "XIX" in mla.text
    assert mla.facts == {
        "item.regime": "usml",
        "item.exported": True,
        "activity": ["co-production"],
    }
    assert mla.citation.startswith("22 CFR 124") and mla.source_url.startswith("https://")
    assert str(mla.effective) == "2022-02-01" and mla.confidence == "medium"


def test_an_ear99_item_between_two_clear_parties_needs_no_export_licence() -> None:
    outcome = _assess(Activity.CO_DEVELOPMENT, items=(_item("Data logger", "EAR99"),))

    assert outcome.verdict is Verdict.NO_LICENCE_REQUIRED
    assert outcome.verdict_label == "No licence required"
    assert outcome.authorisations == ()
    assert _ids(outcome) == ["us-ear99-no-licence"]


def test_an_ear99_item_with_red_flags_gets_no_verdict_until_they_are_resolved() -> None:
    outcome = _assess(
        Activity.CO_DEVELOPMENT,
        items=(_item("Data logger", "EAR99"),),
        red_flags=("end user will not say where it is used",),
    )

    assert outcome.verdict is Verdict.INCOMPLETE
    assert outcome.to_determine == ("whether the red flags about Data logger are resolved",)


def test_an_unknown_classification_says_what_to_determine_and_gives_no_verdict() -> None:
    outcome = _assess(Activity.TECHNOLOGY_TRANSFER, items=(_item("Radar design", None),))

    assert outcome.verdict is Verdict.INCOMPLETE
    assert outcome.verdict_label == "Incomplete: determine classification"
    assert outcome.to_determine == ("the classification of Radar design",)
    assert outcome.authorisations == ()
    [determination] = outcome.conclusions
    assert determination.rule_id == "classification-unknown"
    assert "USML" in determination.text and "SCOMET" in determination.text


def test_an_unknown_classification_outweighs_the_authorisations_of_other_items() -> None:
    outcome = _assess(
        Activity.CO_PRODUCTION, items=(_item("Blade", "USML Cat. XIX"), _item("Harness", None))
    )

    assert outcome.verdict is Verdict.INCOMPLETE
    assert [a.rule_id for a in outcome.authorisations] == ["us-itar-mla-manufacture-abroad"]


@pytest.mark.parametrize("hit", [US, IN])
def test_a_confirmed_screening_hit_on_any_party_is_reported_and_blocks(
    hit: PartyFacts,
) -> None:
    listed = PartyFacts(
        hit.name,
        hit.country,
        screening=Screening.CONFIRMED,
        screening_summary="confirmed on the SDN list",
    )
    parties = (listed, IN) if hit is US else (US, listed)

    outcome = _assess(
        Activity.CO_DEVELOPMENT, parties=parties, items=(_item("Data logger", "EAR99"),)
    )

    assert outcome.verdict is Verdict.BLOCKED
    [block] = [c for c in outcome.conclusions if c.kind.value == "block"]
    assert block.rule_id == "screening-confirmed-hit-blocks"
    assert block.subject == f"party: {hit.name}"
    assert "confirmed on the SDN list" in block.text
    assert outcome.blocked_by == (block.text,)
    assert "us-ear99-no-licence" not in _ids(outcome)  # no "no licence" beside a listed party


def test_a_party_awaiting_review_is_an_open_hurdle_not_a_block() -> None:
    waiting = PartyFacts("Example Aero", "IN", screening=Screening.REVIEW)
    outcome = _assess(
        Activity.CO_PRODUCTION, parties=(US, waiting), items=(_item("Blade", "USML Cat. XIX"),)
    )

    assert outcome.verdict is Verdict.AUTHORISATIONS_REQUIRED
    assert "screening-open-case" in _ids(outcome)


def test_a_600_series_item_for_a_private_indian_firm_lists_sta_and_its_conditions() -> None:
    outcome = _assess(Activity.HARDWARE_EXPORT, items=(_item("Fuel control", "ECCN 9A619"),))

    assert [a.rule_id for a in outcome.authorisations] == ["us-ear-600-series-licence"]
    ids = _ids(outcome)
    assert {"us-ear-sta-600-series", "us-ear-sta-end-use-checks"} <= set(ids)
    sta = next(c for c in outcome.conclusions if c.rule_id == "us-ear-sta-600-series")
    assert any("consignee" in condition for condition in sta.conditions)


def test_a_government_recipient_needs_no_end_use_check_undertaking() -> None:
    ministry = PartyFacts("Example Ministry", "IN", PartyKind.GOVERNMENT, Screening.CLEAR)
    outcome = _assess(
        Activity.HARDWARE_EXPORT,
        parties=(US, ministry),
        items=(_item("Fuel control", "ECCN 9A619"),),
    )

    assert "us-ear-sta-end-use-checks" not in _ids(outcome)


def test_a_missile_technology_item_cannot_use_sta() -> None:
    outcome = _assess(Activity.HARDWARE_EXPORT, items=(_item("Rocket motor case", "ECCN 9A120"),))

    assert [a.rule_id for a in outcome.authorisations] == ["us-ear-missile-technology"]
    assert "us-ear-sta-600-series" not in _ids(outcome)


def test_scomet_category_6_is_for_ddp_and_the_others_for_dgft() -> None:
    munitions = _assess(Activity.HARDWARE_EXPORT, items=(_item("Airframe", "SCOMET 6A"),))
    dual_use = _assess(Activity.HARDWARE_EXPORT, items=(_item("Sensor", "SCOMET 8A"),))

    assert [a.rule_id for a in munitions.authorisations] == ["in-scomet-cat6-ddp"]
    assert [a.rule_id for a in dual_use.authorisations] == ["in-scomet-dgft-licence"]
    ddp = munitions.authorisations[0]
    assert any("end-user certificate" in c for c in ddp.conditions)
    assert any("five years" in c for c in ddp.conditions)


def test_an_item_shared_only_within_its_own_country_needs_no_export_authorisation() -> None:
    outcome = _assess(
        Activity.HARDWARE_EXPORT, parties=(IN, IN), items=(_item("Airframe", "SCOMET 6A"),)
    )

    assert outcome.verdict is Verdict.NO_LICENCE_REQUIRED


@pytest.mark.parametrize(
    ("share", "route"), [(74.0, "in-fdi-automatic-route"), (80.0, "in-fdi-government-route")]
)
def test_the_fdi_route_follows_the_equity_share(share: float, route: str) -> None:
    outcome = _assess(Activity.INVESTMENT, investment=InvestmentFacts("US", "IN", share))

    assert route in _ids(outcome) and "in-fdi-security-review" in _ids(outcome)
    expected = Verdict.AUTHORISATIONS_REQUIRED if share > 74 else Verdict.NO_LICENCE_REQUIRED
    assert outcome.verdict is expected


def test_an_investment_without_an_equity_share_asks_for_it() -> None:
    outcome = _assess(Activity.INVESTMENT, investment=InvestmentFacts("US", "IN", None))

    assert outcome.verdict is Verdict.INCOMPLETE
    assert outcome.verdict_label == (
        "Incomplete: the foreign investor's equity share after the investment"
    )


def test_every_outcome_carries_the_notice() -> None:
    outcome = _assess(Activity.RESEARCH)

    assert outcome.notice == NOTICE and "not legal advice" in NOTICE


EXPECTED = {
    "usml-xix-coproduction.yaml": (
        Verdict.AUTHORISATIONS_REQUIRED,
        ["us-itar-mla-manufacture-abroad"],
    ),
    "ear99-codevelopment.yaml": (Verdict.NO_LICENCE_REQUIRED, []),
    "600-series-sta.yaml": (Verdict.AUTHORISATIONS_REQUIRED, ["us-ear-600-series-licence"]),
    "scomet-cat6-export.yaml": (Verdict.AUTHORISATIONS_REQUIRED, ["in-scomet-cat6-ddp"]),
    "unknown-classification.yaml": (Verdict.INCOMPLETE, []),
}


def test_every_example_file_is_covered() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_file_evaluates_to_its_documented_verdict(name: str) -> None:
    assessment_in = read_assessment(EXAMPLES / name)
    parties = [
        PartyFacts(p.name or "", p.country or "", p.kind or PartyKind.COMPANY, Screening.CLEAR)
        for p in assessment_in.parties
    ]

    outcome = assess(RULES, service.facts_of(assessment_in, parties))

    verdict, authorisations = EXPECTED[name]
    assert outcome.verdict is verdict
    assert [a.rule_id for a in outcome.authorisations] == authorisations
    documented = (EXAMPLES / name).read_text(encoding="utf-8")
    assert f"Documented verdict: {outcome.verdict_label.split(':')[0].lower()}" in documented
