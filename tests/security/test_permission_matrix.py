"""Every route of the app, API and pages, called as every role: the permission matrix.

RULES names, for each (method, path template), which roles of the seeded world
(tests/security/matrix.py) get through. DECLARED means "what the route's declared access
dependency says" (Anyone and MaybeSignedIn: everyone; SignedIn: everyone signed in;
Officer; Admin); every other rule is an object-level exception, named after who it lets in.
A new route without an entry fails `test_every_route_has_a_rule`, naming it.

Getting through is a 2xx, or a redirect anywhere but the sign-in page, or 400/409/422 (the
input or the object's state is wrong, but authorisation passed). Being refused is 401, 403,
404 or a redirect to /login. A 5xx fails whoever the caller is.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from indusx.main import create_app
from tests.conftest import make_settings
from tests.security.harness import Harness, app_routes, endpoints, harness
from tests.security.matrix import ROLES, Outcome, Role, outcome_of
from tests.test_access_declarations import _access

A, X, V, O, R, I, F, D = ROLES  # noqa: E741 - one letter per role keeps the table readable


class Rule(frozenset[Role]):
    """The roles a rule lets through, with a name for messages."""

    name: str

    def __new__(cls, name: str, *roles: Role) -> "Rule":
        rule = super().__new__(cls, roles)
        rule.name = name
        return rule

    def __repr__(self) -> str:
        return self.name


DECLARED = Rule("DECLARED")
PUBLIC = Rule("PUBLIC", *ROLES)
SIGNED_IN = Rule("SIGNED_IN", X, V, O, R, I, F, D)
OFFICER = Rule("OFFICER", F, D)
ADMIN = Rule("ADMIN", D)
BY_DECLARATION = {"anyone": PUBLIC, "maybe": PUBLIC, "signed-in": SIGNED_IN,
                  "officer": OFFICER, "admin": ADMIN, None: PUBLIC}
# Object-level rules, in the seeded world's terms.
ORG_MEMBER = Rule("ORG_MEMBER", V, O, F, D)  # members of the start-up, officers, admins
ORG_OWNER = Rule("ORG_OWNER", O, D)
MEMBER_OR_OWNER = Rule("MEMBER_OR_OWNER", V, O, D)  # the member themself, the owner, admins
TOKEN_HOLDER = Rule("TOKEN_HOLDER", O)  # a personal token: its holder only
TOKEN_HOLDER_OR_ADMIN = Rule("TOKEN_HOLDER_OR_ADMIN", O, D)
PARTY = Rule("PARTY", V, O, F, D)  # members of a party, the assigned officer, admins
PARTY_EDITOR = Rule("PARTY_EDITOR", O, F, D)  # owners/editors of a party, officer, admins
ROOM_MEMBER = Rule("ROOM_MEMBER", V, O)  # named data-room members, eligible for the marking
AUTHOR = Rule("AUTHOR", O)  # the comment's author only
APPLICANT = Rule("APPLICANT", V, O, F, D)  # members of the proposal's parties, managers
LEAD_EDITOR = Rule("LEAD_EDITOR", O)  # owners and editors of the lead applicant
CO_APPLICANT = Rule("CO_APPLICANT")  # a co-applicant's owners: nobody in this world
MANAGER = Rule("MANAGER", F, D)  # the challenge's managers: the sponsor's officer, admins
REVIEWER_OR_MANAGER = Rule("REVIEWER_OR_MANAGER", R, F, D)
REVIEWER = Rule("REVIEWER", R)  # the review's own reviewer
NOBODY_YET = Rule("NOBODY_YET")  # not in the world's current state (e.g. undeclared review)
INTRO_PARTY = Rule("INTRO_PARTY", V, O, F, D)  # members of either side, officers, admins
INTRO_SENDER_OR_ADMIN = Rule("INTRO_SENDER_OR_ADMIN", O, D)
INTRO_RECIPIENT = Rule("INTRO_RECIPIENT", D)  # the other organisation's owners, admins
SYSTEM_READER = Rule("SYSTEM_READER", V, O, F, D)  # the integrator's and suppliers' members
SYSTEM_EDITOR = Rule("SYSTEM_EDITOR", O, F, D)  # the integrator's owners/editors, officers
SCENARIO_READER = Rule("SCENARIO_READER", V, O, F, D)  # readers of every system in it
ASSESSMENT_AUTHOR = Rule("ASSESSMENT_AUTHOR", O, F, D)
SOS_PARTY = Rule("SOS_PARTY", V, O, F, D)  # suppliers' members, officers, admins
SOS_SUPPLIER_EDITOR = Rule("SOS_SUPPLIER_EDITOR", O)  # answers for its own organisation
METRICS_SCRAPER = Rule("METRICS_SCRAPER")  # loopback or the metrics token: none here
SECOND_STEP = Rule("SECOND_STEP")  # a sign-in waiting for its second factor: none here
SIGN_OUT = Rule("SIGN_OUT")  # everyone ends on the sign-in page: nobody "gets through"

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/docs"): DECLARED,
    ("GET", "/account/2fa"): DECLARED,
    ("POST", "/account/2fa/confirm"): DECLARED,
    ("POST", "/account/2fa/disable"): DECLARED,
    ("POST", "/account/2fa/recovery-codes"): DECLARED,
    ("GET", "/account/confirm"): DECLARED,
    ("POST", "/account/confirm"): DECLARED,
    ("GET", "/account/password"): DECLARED,
    ("POST", "/account/password"): DECLARED,
    ("GET", "/privacy"): DECLARED,
    ("POST", "/privacy/accept"): DECLARED,
    ("GET", "/account/data"): DECLARED,
    ("GET", "/account/data/export.json"): DECLARED,
    ("POST", "/account/data/delete"): DECLARED,
    ("GET", "/api/v1/me/data"): DECLARED,
    ("DELETE", "/api/v1/me"): DECLARED,
    ("GET", "/api/v1/me/consents"): DECLARED,
    ("POST", "/api/v1/me/consents"): DECLARED,
    ("GET", "/login/2fa"): SECOND_STEP,
    ("POST", "/login/2fa"): SECOND_STEP,
    ("POST", "/api/v1/partnerships/{partnership_id}/parties"): PARTY_EDITOR,
    ("DELETE", "/api/v1/partnerships/{partnership_id}/parties/{org_id}"): PARTY_EDITOR,
    ("POST", "/partnerships/{partnership_id}/parties"): PARTY,
    ("GET", "/partnerships/{partnership_id}/parties/{org_id}/remove"): PARTY,
    ("POST", "/partnerships/{partnership_id}/parties/{org_id}/remove"): PARTY_EDITOR,
    ("GET", "/"): SIGNED_IN,
    ("GET", "/account/eligibility"): DECLARED,
    ("POST", "/account/eligibility"): DECLARED,
    ("GET", "/account/mentor"): DECLARED,
    ("POST", "/account/mentor"): DECLARED,
    ("GET", "/account/notifications"): DECLARED,
    ("POST", "/account/notifications"): DECLARED,
    ("GET", "/account/tokens"): DECLARED,
    ("POST", "/account/tokens"): DECLARED,
    ("GET", "/account/tokens/{token_id}/revoke"): TOKEN_HOLDER,
    ("POST", "/account/tokens/{token_id}/revoke"): TOKEN_HOLDER,
    ("GET", "/admin/audit"): DECLARED,
    ("GET", "/admin/audit/export.csv"): DECLARED,
    ("GET", "/admin/focus-areas"): DECLARED,
    ("POST", "/admin/focus-areas"): DECLARED,
    ("GET", "/admin/users"): DECLARED,
    ("POST", "/admin/users/invite"): DECLARED,
    ("POST", "/admin/users/{user_id}"): DECLARED,
    ("GET", "/admin/users/{user_id}/2fa-reset"): DECLARED,
    ("POST", "/admin/users/{user_id}/2fa-reset"): DECLARED,
    ("DELETE", "/api/v1/attachments/{attachment_id}"): LEAD_EDITOR,
    ("GET", "/api/v1/attachments/{attachment_id}"): APPLICANT,
    ("GET", "/api/v1/audit"): DECLARED,
    ("GET", "/api/v1/audit/export.csv"): DECLARED,
    ("POST", "/api/v1/auth/login"): DECLARED,
    ("POST", "/api/v1/auth/password-reset"): DECLARED,
    ("POST", "/api/v1/auth/password-reset/confirm"): DECLARED,
    ("POST", "/api/v1/auth/signup"): DECLARED,
    ("GET", "/api/v1/challenges"): DECLARED,
    ("POST", "/api/v1/challenges"): DECLARED,
    ("GET", "/api/v1/challenges/{challenge_id}"): DECLARED,
    ("PATCH", "/api/v1/challenges/{challenge_id}"): MANAGER,
    ("POST", "/api/v1/challenges/{challenge_id}/assignments"): MANAGER,
    ("POST", "/api/v1/challenges/{challenge_id}/auto-assign"): MANAGER,
    ("GET", "/api/v1/challenges/{challenge_id}/export.csv"): REVIEWER_OR_MANAGER,
    ("GET", "/api/v1/challenges/{challenge_id}/invites"): DECLARED,
    ("POST", "/api/v1/challenges/{challenge_id}/invites"): DECLARED,
    ("POST", "/api/v1/challenges/{challenge_id}/phase"): MANAGER,
    ("GET", "/api/v1/challenges/{challenge_id}/progress"): MANAGER,
    ("GET", "/api/v1/challenges/{challenge_id}/proposals"): DECLARED,
    ("POST", "/api/v1/challenges/{challenge_id}/proposals"): LEAD_EDITOR,
    ("GET", "/api/v1/challenges/{challenge_id}/ranking"): REVIEWER_OR_MANAGER,
    ("GET", "/api/v1/challenges/{challenge_id}/reviewers"): MANAGER,
    ("POST", "/api/v1/challenges/{challenge_id}/reviewers"): MANAGER,
    ("DELETE", "/api/v1/challenges/{challenge_id}/reviewers/{user_id}"): MANAGER,
    ("GET", "/api/v1/challenges/{challenge_id}/solvers"): DECLARED,
    ("GET", "/api/v1/dashboards"): DECLARED,
    ("GET", "/api/v1/dashboards/{name}"): DECLARED,
    ("GET", "/api/v1/focus-areas"): DECLARED,
    ("POST", "/api/v1/focus-areas"): DECLARED,
    ("GET", "/api/v1/introductions"): DECLARED,
    ("POST", "/api/v1/introductions"): INTRO_SENDER_OR_ADMIN,
    ("GET", "/api/v1/introductions/{intro_id}"): INTRO_PARTY,
    ("POST", "/api/v1/introductions/{intro_id}/accept"): INTRO_RECIPIENT,
    ("POST", "/api/v1/introductions/{intro_id}/decline"): INTRO_RECIPIENT,
    ("POST", "/api/v1/introductions/{intro_id}/withdraw"): INTRO_SENDER_OR_ADMIN,
    ("GET", "/api/v1/match/opportunities"): DECLARED,
    ("POST", "/api/v1/match/solvers"): DECLARED,
    ("GET", "/api/v1/notification-preferences"): DECLARED,
    ("PUT", "/api/v1/notification-preferences"): DECLARED,
    ("GET", "/api/v1/notifications"): DECLARED,
    ("POST", "/api/v1/notifications/read"): DECLARED,
    ("GET", "/api/v1/orgs"): DECLARED,
    ("POST", "/api/v1/orgs"): DECLARED,
    ("DELETE", "/api/v1/orgs/{org_id}"): ORG_OWNER,
    ("GET", "/api/v1/orgs/{org_id}"): DECLARED,
    ("PATCH", "/api/v1/orgs/{org_id}"): ORG_OWNER,
    ("GET", "/api/v1/orgs/{org_id}/matches"): ORG_MEMBER,
    ("POST", "/api/v1/orgs/{org_id}/matches/dismiss"): ORG_OWNER,
    ("GET", "/api/v1/orgs/{org_id}/members"): ORG_MEMBER,
    ("POST", "/api/v1/orgs/{org_id}/members"): ORG_OWNER,
    ("DELETE", "/api/v1/orgs/{org_id}/members/{user_id}"): MEMBER_OR_OWNER,
    ("PATCH", "/api/v1/orgs/{org_id}/members/{user_id}"): DECLARED,
    ("GET", "/api/v1/partnerships"): DECLARED,
    ("POST", "/api/v1/partnerships"): PARTY_EDITOR,
    ("POST", "/api/v1/partnerships/from-decision"): PARTY_EDITOR,
    ("POST", "/api/v1/partnerships/from-introduction"): PARTY,
    ("GET", "/api/v1/partnerships/{partnership_id}"): PARTY,
    ("PATCH", "/api/v1/partnerships/{partnership_id}"): PARTY_EDITOR,
    ("GET", "/api/v1/partnerships/{partnership_id}/comments"): PARTY,
    ("POST", "/api/v1/partnerships/{partnership_id}/comments"): PARTY,
    ("DELETE", "/api/v1/partnerships/{partnership_id}/comments/{comment_id}"): AUTHOR,
    ("PATCH", "/api/v1/partnerships/{partnership_id}/comments/{comment_id}"): AUTHOR,
    ("GET", "/api/v1/partnerships/{partnership_id}/documents"): PARTY,
    ("POST", "/api/v1/partnerships/{partnership_id}/documents"): DECLARED,
    ("GET", "/api/v1/partnerships/{partnership_id}/documents/{document_id}"): ROOM_MEMBER,
    ("GET", "/api/v1/partnerships/{partnership_id}/documents/{document_id}/download"): ROOM_MEMBER,
    ("GET", "/api/v1/partnerships/{partnership_id}/history"): PARTY,
    ("GET", "/api/v1/partnerships/{partnership_id}/officers"): PARTY,
    ("POST", "/api/v1/partnerships/{partnership_id}/officers"): OFFICER,
    ("DELETE", "/api/v1/partnerships/{partnership_id}/officers/{user_id}"): OFFICER,
    ("GET", "/api/v1/partnerships/{partnership_id}/room/access-log"): PARTY_EDITOR,
    ("PUT", "/api/v1/partnerships/{partnership_id}/room/authorisation"): OFFICER,
    ("GET", "/api/v1/partnerships/{partnership_id}/room/members"): PARTY,
    ("POST", "/api/v1/partnerships/{partnership_id}/room/members"): PARTY_EDITOR,
    ("DELETE", "/api/v1/partnerships/{partnership_id}/room/members/{user_id}"): PARTY_EDITOR,
    ("PUT", "/api/v1/partnerships/{partnership_id}/room/rules"): DECLARED,
    ("POST", "/api/v1/partnerships/{partnership_id}/stage"): PARTY_EDITOR,
    ("GET", "/api/v1/partnerships/{partnership_id}/tasks"): PARTY,
    ("POST", "/api/v1/partnerships/{partnership_id}/tasks"): PARTY_EDITOR,
    ("POST", "/api/v1/partnerships/{partnership_id}/tasks/{task_id}/done"): PARTY_EDITOR,
    ("GET", "/api/v1/partnerships/{partnership_id}/timeline"): PARTY,
    ("POST", "/api/v1/pathway/assess"): DECLARED,
    ("GET", "/api/v1/pathway/assessments"): DECLARED,
    ("GET", "/api/v1/pathway/assessments/{assessment_id}"): ASSESSMENT_AUTHOR,
    ("GET", "/api/v1/pathway/hurdles"): DECLARED,
    ("POST", "/api/v1/pathway/hurdles"): DECLARED,
    ("GET", "/api/v1/pathway/hurdles/report"): DECLARED,
    ("DELETE", "/api/v1/pathway/hurdles/{hurdle_id}"): DECLARED,
    ("GET", "/api/v1/pathway/hurdles/{hurdle_id}"): DECLARED,
    ("PATCH", "/api/v1/pathway/hurdles/{hurdle_id}"): DECLARED,
    ("GET", "/api/v1/pathway/rules"): DECLARED,
    ("GET", "/api/v1/proposals/{proposal_id}"): APPLICANT,
    ("PATCH", "/api/v1/proposals/{proposal_id}"): LEAD_EDITOR,
    ("GET", "/api/v1/proposals/{proposal_id}/attachments"): APPLICANT,
    ("POST", "/api/v1/proposals/{proposal_id}/attachments"): APPLICANT,
    ("POST", "/api/v1/proposals/{proposal_id}/co-applicants"): LEAD_EDITOR,
    ("DELETE", "/api/v1/proposals/{proposal_id}/co-applicants/{org_id}"): LEAD_EDITOR,
    ("POST", "/api/v1/proposals/{proposal_id}/confirm"): CO_APPLICANT,
    ("GET", "/api/v1/proposals/{proposal_id}/decisions"): APPLICANT,
    ("POST", "/api/v1/proposals/{proposal_id}/decisions"): MANAGER,
    ("POST", "/api/v1/proposals/{proposal_id}/decline"): CO_APPLICANT,
    ("POST", "/api/v1/proposals/{proposal_id}/submit"): LEAD_EDITOR,
    ("POST", "/api/v1/proposals/{proposal_id}/withdraw"): LEAD_EDITOR,
    ("POST", "/api/v1/reviewer-conflicts"): DECLARED,
    ("GET", "/api/v1/reviews"): DECLARED,
    ("DELETE", "/api/v1/reviews/{review_id}"): MANAGER,
    ("GET", "/api/v1/reviews/{review_id}"): REVIEWER_OR_MANAGER,
    ("PUT", "/api/v1/reviews/{review_id}"): REVIEWER,
    ("POST", "/api/v1/reviews/{review_id}/declare"): REVIEWER,
    ("GET", "/api/v1/roadmap"): DECLARED,
    ("GET", "/api/v1/roadmap/initiatives"): DECLARED,
    ("POST", "/api/v1/roadmap/initiatives"): DECLARED,
    ("DELETE", "/api/v1/roadmap/initiatives/{initiative_id}"): DECLARED,
    ("GET", "/api/v1/roadmap/initiatives/{initiative_id}"): DECLARED,
    ("PATCH", "/api/v1/roadmap/initiatives/{initiative_id}"): DECLARED,
    ("POST", "/api/v1/roadmap/initiatives/{initiative_id}/links"): DECLARED,
    ("DELETE", "/api/v1/roadmap/initiatives/{initiative_id}/links/{kind}/{target_id}"): DECLARED,
    ("POST", "/api/v1/roadmap/initiatives/{initiative_id}/milestones"): DECLARED,
    ("DELETE", "/api/v1/roadmap/milestones/{milestone_id}"): DECLARED,
    ("PATCH", "/api/v1/roadmap/milestones/{milestone_id}"): DECLARED,
    ("GET", "/api/v1/screening/cases"): DECLARED,
    ("GET", "/api/v1/screening/cases/{case_id}"): DECLARED,
    ("POST", "/api/v1/screening/cases/{case_id}/decision"): DECLARED,
    ("POST", "/api/v1/screening/check"): DECLARED,
    ("GET", "/api/v1/screening/lists"): DECLARED,
    ("POST", "/api/v1/screening/lists/import"): DECLARED,
    ("POST", "/api/v1/supply/import"): DECLARED,
    ("GET", "/api/v1/supply/requests"): DECLARED,
    ("POST", "/api/v1/supply/requests"): OFFICER,
    ("GET", "/api/v1/supply/requests/{request_id}"): SOS_PARTY,
    ("POST", "/api/v1/supply/requests/{request_id}/answers"): SOS_SUPPLIER_EDITOR,
    ("POST", "/api/v1/supply/requests/{request_id}/status"): OFFICER,
    ("GET", "/api/v1/supply/scenarios"): DECLARED,
    ("GET", "/api/v1/supply/scenarios/compare"): DECLARED,
    ("DELETE", "/api/v1/supply/scenarios/{scenario_id}"): SYSTEM_EDITOR,
    ("GET", "/api/v1/supply/scenarios/{scenario_id}"): SCENARIO_READER,
    ("GET", "/api/v1/supply/scenarios/{scenario_id}/export"): SCENARIO_READER,
    ("POST", "/api/v1/supply/simulations"): DECLARED,
    ("GET", "/api/v1/supply/systems"): DECLARED,
    ("POST", "/api/v1/supply/systems"): SYSTEM_EDITOR,
    ("DELETE", "/api/v1/supply/systems/{system_id}"): SYSTEM_EDITOR,
    ("GET", "/api/v1/supply/systems/{system_id}"): SYSTEM_READER,
    ("PATCH", "/api/v1/supply/systems/{system_id}"): SYSTEM_EDITOR,
    ("GET", "/api/v1/supply/systems/{system_id}/bom"): SYSTEM_READER,
    ("GET", "/api/v1/supply/systems/{system_id}/risk"): SYSTEM_READER,
    ("GET", "/api/v1/tokens"): DECLARED,
    ("POST", "/api/v1/tokens"): DECLARED,
    ("DELETE", "/api/v1/tokens/{token_id}"): TOKEN_HOLDER_OR_ADMIN,
    ("GET", "/api/v1/users"): DECLARED,
    ("POST", "/api/v1/users"): DECLARED,
    ("GET", "/api/v1/users/me"): DECLARED,
    ("PUT", "/api/v1/users/me/eligibility"): DECLARED,
    ("PATCH", "/api/v1/users/{user_id}"): DECLARED,
    ("POST", "/api/v1/users/{user_id}/2fa-reset"): DECLARED,
    ("POST", "/attachments/{attachment_id}/delete"): LEAD_EDITOR,
    ("GET", "/challenges"): DECLARED,
    ("GET", "/challenges/new"): DECLARED,
    ("POST", "/challenges/new"): DECLARED,
    ("GET", "/challenges/{slug}"): DECLARED,
    ("POST", "/challenges/{slug}/apply"): DECLARED,
    ("GET", "/challenges/{slug}/edit"): DECLARED,
    ("POST", "/challenges/{slug}/edit"): DECLARED,
    ("POST", "/challenges/{slug}/phase"): DECLARED,
    ("GET", "/challenges/{slug}/ranking"): REVIEWER_OR_MANAGER,
    ("POST", "/challenges/{slug}/ranking/decide"): NOBODY_YET,
    ("GET", "/challenges/{slug}/report"): MANAGER,
    ("GET", "/challenges/{slug}/report/{key}.csv"): MANAGER,
    ("GET", "/challenges/{slug}/review"): MANAGER,
    ("POST", "/challenges/{slug}/review/assign"): NOBODY_YET,
    ("POST", "/challenges/{slug}/review/auto-assign"): MANAGER,
    ("POST", "/challenges/{slug}/review/reviewers"): MANAGER,
    ("POST", "/challenges/{slug}/review/reviewers/{user_id}/remove"): MANAGER,
    ("POST", "/challenges/{slug}/review/unassign/{review_id}"): MANAGER,
    ("GET", "/challenges/{slug}/solvers"): DECLARED,
    ("POST", "/challenges/{slug}/solvers/invite"): DECLARED,
    ("GET", "/dashboards"): DECLARED,
    ("GET", "/dashboards/report.pdf"): DECLARED,
    ("GET", "/dashboards/{name}"): DECLARED,
    ("GET", "/dashboards/{name}/{key}.csv"): DECLARED,
    ("GET", "/healthz"): DECLARED,
    ("GET", "/introductions"): DECLARED,
    ("GET", "/introductions/{intro_id}"): INTRO_PARTY,
    ("POST", "/introductions/{intro_id}/accept"): INTRO_RECIPIENT,
    ("POST", "/introductions/{intro_id}/decline"): INTRO_RECIPIENT,
    ("GET", "/introductions/{intro_id}/withdraw"): INTRO_SENDER_OR_ADMIN,
    ("POST", "/introductions/{intro_id}/withdraw"): INTRO_SENDER_OR_ADMIN,
    ("GET", "/invite/accept"): DECLARED,
    ("POST", "/invite/accept"): DECLARED,
    ("GET", "/invite/join"): DECLARED,
    ("POST", "/invite/join"): DECLARED,
    ("GET", "/login"): DECLARED,
    ("POST", "/login"): DECLARED,
    ("POST", "/logout"): SIGN_OUT,
    ("GET", "/matchmaking"): DECLARED,
    ("POST", "/matchmaking/dismiss"): DECLARED,
    ("POST", "/matchmaking/introductions"): DECLARED,
    ("GET", "/matchmaking/opportunities"): DECLARED,
    ("GET", "/matchmaking/opportunities.csv"): DECLARED,
    ("GET", "/matchmaking/org-lookup"): DECLARED,
    ("GET", "/matchmaking/solvers"): DECLARED,
    ("GET", "/metrics"): METRICS_SCRAPER,
    ("GET", "/my-org"): DECLARED,
    ("GET", "/notifications"): DECLARED,
    ("POST", "/notifications/read"): DECLARED,
    ("POST", "/notifications/{notification_id}/read"): DECLARED,
    ("GET", "/orgs"): DECLARED,
    ("GET", "/orgs/new"): DECLARED,
    ("POST", "/orgs/new"): DECLARED,
    ("GET", "/orgs/{slug}"): DECLARED,
    ("GET", "/orgs/{slug}/delete"): ORG_OWNER,
    ("POST", "/orgs/{slug}/delete"): ORG_OWNER,
    ("GET", "/orgs/{slug}/edit"): ORG_OWNER,
    ("POST", "/orgs/{slug}/edit"): ORG_OWNER,
    ("POST", "/orgs/{slug}/members"): ORG_OWNER,
    ("GET", "/orgs/{slug}/members/{user_id}/remove"): MEMBER_OR_OWNER,
    ("POST", "/orgs/{slug}/members/{user_id}/remove"): MEMBER_OR_OWNER,
    ("POST", "/orgs/{slug}/members/{user_id}/role"): ORG_OWNER,
    ("GET", "/partnerships"): DECLARED,
    ("POST", "/partnerships/from-decision/{decision_id}"): PARTY_EDITOR,
    ("POST", "/partnerships/from-introduction/{intro_id}"): PARTY,
    ("GET", "/partnerships/new"): DECLARED,
    ("POST", "/partnerships/new"): DECLARED,
    ("GET", "/partnerships/{partnership_id}"): PARTY,
    ("POST", "/partnerships/{partnership_id}/comments"): PARTY,
    ("POST", "/partnerships/{partnership_id}/comments/{comment_id}/delete"): AUTHOR,
    ("POST", "/partnerships/{partnership_id}/comments/{comment_id}/edit"): AUTHOR,
    ("GET", "/partnerships/{partnership_id}/mention-options"): PARTY,
    ("POST", "/partnerships/{partnership_id}/officers"): OFFICER,
    ("POST", "/partnerships/{partnership_id}/officers/{user_id}/remove"): OFFICER,
    ("GET", "/partnerships/{partnership_id}/room"): PARTY,
    ("GET", "/partnerships/{partnership_id}/room/access-log.csv"): PARTY_EDITOR,
    ("POST", "/partnerships/{partnership_id}/room/authorisation"): OFFICER,
    ("POST", "/partnerships/{partnership_id}/room/documents"): PARTY,
    ("GET", "/partnerships/{partnership_id}/room/documents/{document_id}"): ROOM_MEMBER,
    ("GET", "/partnerships/{partnership_id}/room/documents/{document_id}/download"): ROOM_MEMBER,
    ("POST", "/partnerships/{partnership_id}/room/members"): PARTY,
    ("POST", "/partnerships/{partnership_id}/room/members/{user_id}/remove"): PARTY_EDITOR,
    ("POST", "/partnerships/{partnership_id}/room/rules"): OFFICER,
    ("POST", "/partnerships/{partnership_id}/stage"): DECLARED,
    ("POST", "/partnerships/{partnership_id}/tasks"): PARTY_EDITOR,
    ("POST", "/partnerships/{partnership_id}/tasks/{task_id}/done"): PARTY_EDITOR,
    ("GET", "/password/forgot"): DECLARED,
    ("POST", "/password/forgot"): DECLARED,
    ("GET", "/password/reset"): DECLARED,
    ("POST", "/password/reset"): DECLARED,
    ("GET", "/pathway"): DECLARED,
    ("POST", "/pathway"): DECLARED,
    ("GET", "/pathway/assessments"): DECLARED,
    ("POST", "/pathway/assessments"): DECLARED,
    ("GET", "/pathway/assessments/{assessment_id}"): ASSESSMENT_AUTHOR,
    ("GET", "/pathway/hurdles"): DECLARED,
    ("GET", "/pathway/hurdles/new"): DECLARED,
    ("POST", "/pathway/hurdles/new"): DECLARED,
    ("GET", "/pathway/hurdles/report"): DECLARED,
    ("GET", "/pathway/hurdles/{hurdle_id}"): DECLARED,
    ("GET", "/pathway/hurdles/{hurdle_id}/delete"): DECLARED,
    ("POST", "/pathway/hurdles/{hurdle_id}/delete"): DECLARED,
    ("GET", "/pathway/hurdles/{hurdle_id}/edit"): DECLARED,
    ("POST", "/pathway/hurdles/{hurdle_id}/edit"): DECLARED,
    ("GET", "/pathway/org-options"): DECLARED,
    ("GET", "/pathway/rules"): DECLARED,
    ("GET", "/proposals"): DECLARED,
    ("GET", "/proposals/{proposal_id}"): APPLICANT,
    ("POST", "/proposals/{proposal_id}/attachments"): APPLICANT,
    ("POST", "/proposals/{proposal_id}/autosave"): APPLICANT,
    ("POST", "/proposals/{proposal_id}/co-applicants"): APPLICANT,
    ("POST", "/proposals/{proposal_id}/co-applicants/{org_id}/remove"): LEAD_EDITOR,
    ("GET", "/proposals/{proposal_id}/confirm"): APPLICANT,
    ("POST", "/proposals/{proposal_id}/confirm"): CO_APPLICANT,
    ("GET", "/proposals/{proposal_id}/submit"): APPLICANT,
    ("POST", "/proposals/{proposal_id}/submit"): LEAD_EDITOR,
    ("GET", "/proposals/{proposal_id}/withdraw"): APPLICANT,
    ("POST", "/proposals/{proposal_id}/withdraw"): LEAD_EDITOR,
    ("GET", "/readyz"): DECLARED,
    ("GET", "/reviews"): DECLARED,
    ("GET", "/reviews/{review_id}"): REVIEWER_OR_MANAGER,
    ("POST", "/reviews/{review_id}"): REVIEWER,
    ("POST", "/reviews/{review_id}/declare"): REVIEWER,
    ("GET", "/reviews/{review_id}/submit"): NOBODY_YET,
    ("POST", "/reviews/{review_id}/submit"): REVIEWER,
    ("GET", "/roadmap"): DECLARED,
    ("GET", "/roadmap/initiatives/new"): DECLARED,
    ("POST", "/roadmap/initiatives/new"): DECLARED,
    ("GET", "/roadmap/initiatives/{initiative_id}"): DECLARED,
    ("GET", "/roadmap/initiatives/{initiative_id}/delete"): DECLARED,
    ("POST", "/roadmap/initiatives/{initiative_id}/delete"): DECLARED,
    ("GET", "/roadmap/initiatives/{initiative_id}/edit"): DECLARED,
    ("POST", "/roadmap/initiatives/{initiative_id}/edit"): DECLARED,
    ("POST", "/roadmap/initiatives/{initiative_id}/links"): DECLARED,
    ("POST", "/roadmap/initiatives/{initiative_id}/links/{kind}/{target_id}/remove"): DECLARED,
    ("GET", "/roadmap/initiatives/{initiative_id}/milestones/new"): DECLARED,
    ("POST", "/roadmap/initiatives/{initiative_id}/milestones/new"): DECLARED,
    ("GET", "/roadmap/milestones/{milestone_id}/delete"): DECLARED,
    ("POST", "/roadmap/milestones/{milestone_id}/delete"): DECLARED,
    ("GET", "/roadmap/milestones/{milestone_id}/edit"): DECLARED,
    ("POST", "/roadmap/milestones/{milestone_id}/edit"): DECLARED,
    ("POST", "/roadmap/milestones/{milestone_id}/status"): DECLARED,
    ("GET", "/screening"): DECLARED,
    ("GET", "/screening/cases/{case_id}"): DECLARED,
    ("POST", "/screening/cases/{case_id}/decision"): DECLARED,
    ("GET", "/screening/check"): DECLARED,
    ("POST", "/screening/check"): DECLARED,
    ("GET", "/screening/lists"): DECLARED,
    ("POST", "/screening/lists"): DECLARED,
    ("GET", "/screening/lists/{key}"): DECLARED,
    ("GET", "/screening/lists/{key}/versions/{number}"): DECLARED,
    ("GET", "/signup"): DECLARED,
    ("POST", "/signup"): DECLARED,
    ("GET", "/supply"): DECLARED,
    ("GET", "/supply/parts/{part_id}/delete"): SYSTEM_EDITOR,
    ("POST", "/supply/parts/{part_id}/delete"): SYSTEM_EDITOR,
    ("POST", "/supply/parts/{part_id}/edit"): SYSTEM_EDITOR,
    ("GET", "/supply/parts/{part_id}/sources"): SYSTEM_EDITOR,
    ("POST", "/supply/parts/{part_id}/sources"): SYSTEM_EDITOR,
    ("GET", "/supply/requests"): DECLARED,
    ("GET", "/supply/requests/export.csv"): DECLARED,
    ("GET", "/supply/requests/new"): OFFICER,
    ("POST", "/supply/requests/new"): OFFICER,
    ("GET", "/supply/requests/routing"): OFFICER,
    ("GET", "/supply/requests/{request_id}"): SOS_PARTY,
    ("POST", "/supply/requests/{request_id}/answer"): SOS_PARTY,
    ("GET", "/supply/requests/{request_id}/status/{target}"): OFFICER,
    ("POST", "/supply/requests/{request_id}/status/{target}"): OFFICER,
    ("GET", "/supply/scenarios"): DECLARED,
    ("POST", "/supply/scenarios"): DECLARED,
    ("GET", "/supply/scenarios/compare"): DECLARED,
    ("POST", "/supply/scenarios/run"): DECLARED,
    ("GET", "/supply/scenarios/suppliers"): DECLARED,
    ("GET", "/supply/scenarios/{scenario_id}"): SCENARIO_READER,
    ("GET", "/supply/scenarios/{scenario_id}/delete"): SCENARIO_READER,
    ("POST", "/supply/scenarios/{scenario_id}/delete"): SYSTEM_EDITOR,
    ("GET", "/supply/scenarios/{scenario_id}/export.{fmt}"): SCENARIO_READER,
    ("GET", "/supply/sources/{source_id}/delete"): SYSTEM_EDITOR,
    ("POST", "/supply/sources/{source_id}/delete"): SYSTEM_EDITOR,
    ("GET", "/supply/sources/{source_id}/edit"): SYSTEM_EDITOR,
    ("POST", "/supply/sources/{source_id}/edit"): SYSTEM_EDITOR,
    ("GET", "/supply/systems/{system_id}"): SYSTEM_READER,
    ("GET", "/supply/systems/{system_id}/delete"): SYSTEM_EDITOR,
    ("POST", "/supply/systems/{system_id}/delete"): SYSTEM_EDITOR,
    ("GET", "/supply/systems/{system_id}/edit"): SYSTEM_EDITOR,
    ("POST", "/supply/systems/{system_id}/edit"): SYSTEM_EDITOR,
    ("GET", "/supply/systems/{system_id}/parts/new"): SYSTEM_EDITOR,
    ("POST", "/supply/systems/{system_id}/parts/new"): SYSTEM_EDITOR,
}


def _expected(app: FastAPI) -> dict[tuple[str, str], Rule]:
    declared = {(m, r.path): BY_DECLARATION[_access(r.dependant)]
                for r in app_routes(app) for m in r.methods}
    return {key: declared[key] if rule is DECLARED else rule
            for key, rule in RULES.items() if key in declared}


@pytest.fixture(scope="module")
def route_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """Return an app to read the route table from (it never connects)."""
    path = tmp_path_factory.mktemp("routes") / "unused.db"
    return create_app(make_settings(f"sqlite:///{path}"))


def test_every_route_has_a_rule(route_app: FastAPI) -> None:
    served = endpoints(route_app)
    missing = sorted(served - RULES.keys())
    stale = sorted(RULES.keys() - served)
    assert missing == [], f"routes without a permission-matrix rule (add them to RULES): {missing}"
    assert stale == [], f"rules for routes that no longer exist: {stale}"


def test_no_rule_lets_in_more_than_the_route_declares(route_app: FastAPI) -> None:
    declared = {(m, r.path): BY_DECLARATION[_access(r.dependant)]
                for r in app_routes(route_app) for m in r.methods}
    wider = [f"{key}: {rule!r}" for key, rule in RULES.items()
             if key in declared and not rule <= declared[key]]
    assert wider == []


@pytest.fixture(scope="module")
def matrix(engine: Engine, database_url: str,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Harness, dict]]:
    """Seed one world per dialect and serve it from one app."""
    tmp: Path = tmp_path_factory.mktemp("matrix")
    with harness(engine, database_url, tmp) as h:
        yield h, _expected(h.app)


@pytest.mark.parametrize(("method", "path"), sorted(RULES), ids=lambda v: str(v))
def test_the_route_lets_in_exactly_the_roles_of_its_rule(
    matrix: tuple[Harness, dict[tuple[str, str], Rule]], method: str, path: str
) -> None:
    h, expected = matrix
    if (method, path) not in expected:
        pytest.skip("the route is not served (test_every_route_has_a_rule says so)")
    rule = expected[(method, path)]
    wrong = []
    for role in ROLES:
        response = h.call(role, method, path)
        seen = outcome_of(response.status_code, response.headers.get("location", ""))
        through = seen in (Outcome.ALLOWED, Outcome.INVALID)
        if seen is Outcome.ERROR or through != (role in rule):
            wrong.append(f"{role.value}: {response.status_code} {response.text[:120]!r}")
    assert wrong == [], f"{method} {path} under {rule!r}: " + "; ".join(wrong)
