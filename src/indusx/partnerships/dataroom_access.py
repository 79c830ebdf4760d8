"""Who may open a data-room document: the one pure rule, with the reasons when the answer is no.

- A **member** is a user the room's managers named who is, at this moment, a member of a party
  organisation or an officer assigned to the partnership; losing either ends access at once.
- **Public** and **Business Confidential** documents: every member.
- **Controlled Technical Data**: members whose organisation's country and own declared
  eligibility the room allows, and only while the partnership's latest regulatory assessment
  covers the sharing (no licence required, or authorisations required and the room records an
  authorisation that has not expired). Officers and admins follow the same rule: no bypass.
- **Managers** (owners and editors of a party organisation, assigned officers, admins) name the
  members and read the access log; only assigned officers and admins set the room's rules and
  record an authorisation.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from indusx.accounts.models import Eligibility
from indusx.partnerships.markings import Marking

CTD = "Controlled Technical Data"
DEFAULT_COUNTRIES: tuple[str, ...] = ("US", "IN")
DEFAULT_ELIGIBILITIES: tuple[str, ...] = (
    Eligibility.US_PERSON.value,
    Eligibility.INDIAN_NATIONAL.value,
)
UNDECLARED = "undeclared"
ELIGIBILITY_LABELS: dict[str, str] = {
    Eligibility.US_PERSON.value: "US person",
    Eligibility.INDIAN_NATIONAL.value: "Indian national",
    Eligibility.OTHER_FOREIGN_PERSON.value: "Other foreign person",
    UNDECLARED: "Undeclared",
}
NO_LICENCE_REQUIRED = "no-licence-required"
AUTHORISATIONS_REQUIRED = "authorisations-required"


@dataclass(frozen=True, slots=True)
class Viewer:
    """What the rule needs to know about the person asking, read fresh on every request."""

    named: bool  # on the room's member list
    in_party_org: bool  # a member of one of the partnership's organisations now
    assigned_officer: bool  # assigned to the partnership now
    org_countries: frozenset[str]  # countries of the organisations they act for
    eligibility: str | None  # their own declaration; None when undeclared

    @property
    def is_member(self) -> bool:
        return self.named and (self.in_party_org or self.assigned_officer)


@dataclass(frozen=True, slots=True)
class RoomRules:
    """The room's rules for Controlled Technical Data and the authorisation it records."""

    allowed_countries: frozenset[str]
    allowed_eligibilities: frozenset[str]
    authorisation_reference: str = ""
    authorisation_expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether something is allowed and, when it is not, why (sentences for the user)."""

    allowed: bool
    reasons: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


ALLOWED = Decision(True)


def _listed(values: Iterable[str], order: Iterable[str] = ()) -> str:
    ordered = [v for v in order if v in values]
    rest = sorted(set(values) - set(ordered))
    return ", ".join([*ordered, *rest]) or "none"


def coverage(*, verdict: str | None, rules: RoomRules, today: date) -> Decision:
    """Return whether the partnership's latest assessment covers sharing Controlled Technical
    Data, and why not."""
    if verdict is None:
        return Decision(False, (f"{CTD}: no regulatory assessment is saved for this partnership",))
    if verdict == NO_LICENCE_REQUIRED:
        return ALLOWED
    if verdict != AUTHORISATIONS_REQUIRED:
        return Decision(False, (
            f"{CTD}: the latest regulatory assessment's verdict is {verdict}; sharing needs "
            f"{NO_LICENCE_REQUIRED}, or {AUTHORISATIONS_REQUIRED} with a recorded authorisation",
        ))
    if not rules.authorisation_reference or rules.authorisation_expires_on is None:
        return Decision(False, (
            f"{CTD}: the assessment requires authorisations and the room records none",
        ))
    if rules.authorisation_expires_on < today:
        return Decision(False, (
            f"{CTD}: the authorisation {rules.authorisation_reference} expired on "
            f"{rules.authorisation_expires_on.isoformat()}",
        ))
    return ALLOWED


def decide(
    *, marking: Marking, viewer: Viewer, rules: RoomRules, verdict: str | None, today: date
) -> Decision:
    """Return whether the viewer may open a document with this marking, and why not."""
    if not viewer.named:
        return Decision(False, ("you are not a named member of this data room",))
    if not viewer.is_member:
        return Decision(False, (
            "you are no longer a member of a party organisation or an officer assigned to "
            "this partnership",
        ))
    if marking is not Marking.CONTROLLED_TECHNICAL_DATA:
        return ALLOWED
    reasons: list[str] = []
    countries = _listed(rules.allowed_countries, DEFAULT_COUNTRIES)
    if not viewer.org_countries:
        reasons.append(f"{CTD}: you act for no organisation; the room allows organisations "
                       f"from {countries}")
    elif not viewer.org_countries & rules.allowed_countries:
        reasons.append(f"{CTD}: your organisation's country is "
                       f"{_listed(viewer.org_countries)}; the room allows {countries}")
    if viewer.eligibility not in rules.allowed_eligibilities:
        reasons.append(f"{CTD}: your declared eligibility is {viewer.eligibility or UNDECLARED}; "
                       f"the room allows "
                       f"{_listed(rules.allowed_eligibilities, DEFAULT_ELIGIBILITIES)}")
    reasons += coverage(verdict=verdict, rules=rules, today=today).reasons
    return Decision(not reasons, tuple(reasons))


def is_manager(*, is_admin: bool, assigned_officer: bool, edits_a_party: bool) -> bool:
    """Return whether someone names the room's members and reads its access log."""
    return is_admin or assigned_officer or edits_a_party


def sets_rules(*, is_admin: bool, assigned_officer: bool) -> bool:
    """Return whether someone sets the room's rules and records its authorisation."""
    return is_admin or assigned_officer


def may_be_member(*, in_party_org: bool, assigned_officer: bool) -> bool:
    """Return whether a user may be named a member: party members and assigned officers."""
    return in_party_org or assigned_officer
