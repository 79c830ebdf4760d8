"""A joint challenge from problem statement to award, driven through the real UI in headless
Chromium: one browser context per person, so that their sessions never mix."""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy.orm import sessionmaker

from indusx import migrate
from indusx.accounts import service as account_service
from indusx.config import Environment, Settings
from indusx.db import make_engine, session_scope
from indusx.demo.loader import DEMO_PASSWORD, load_demo
from indusx.main import create_app
from indusx.orgs import service as org_service
from tests.support.live_server import live_server

pytestmark = pytest.mark.browser

OFFICER = "officer@indusx.example"
FOUNDER_IN = "founder.in@indusx.example"
FOUNDER_US = "founder.us@indusx.example"
REVIEWER = "reviewer1@indusx.example"
REVIEWER_NAME = "Meera Iyer"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHALLENGE = "Acoustic modems for swarming undersea drones"
PROPOSAL = "Wideband acoustic mesh for drone swarms"
ZONE = "Asia/Kolkata"


@dataclass(frozen=True)
class Site:
    url: str
    lead: str  # founder.in's start-up, which leads the proposal
    partner: str  # founder.us's start-up, invited as co-applicant


def _pdf() -> bytes:
    """Return a one-page PDF with a correct cross-reference table: tiny, but a real document."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj %s endobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    if os.environ.get("INDUSX_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Serve the demo ecosystem, with uploads kept in a temporary folder."""
    folder = tmp_path_factory.mktemp("browser-challenge")
    settings = Settings(
        env=Environment.TEST,
        database_url=f"sqlite:///{folder / 'c.db'}",
        secret_key="x" * 40,
        outbox_worker=False,
        match_indexer=False,
        upload_dir=folder / "uploads",
        form_min_seconds=0,  # the human-pace check has its own test (test_human_pace.py)
    )
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with session_scope(sessionmaker(bind=engine)) as session:
        org_service.seed_focus_areas(session=session)
        load_demo(session=session, orgs=40)
        names = {}
        for email in (FOUNDER_IN, FOUNDER_US):
            user = account_service.find_user_by_email(session=session, email=email)
            assert user is not None
            [(org, _)] = org_service.orgs_of_user(session=session, user_id=user.id)
            names[email] = org.name
    with live_server(create_app(settings, engine=engine)) as url:
        yield Site(url=url, lead=names[FOUNDER_IN], partner=names[FOUNDER_US])
    engine.dispose()


class People:
    """Everyone in the flow, each signed in in a browser context of their own."""

    def __init__(self, site: Site, browser: Browser) -> None:
        self.site, self.browser = site, browser
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []  # page errors and console errors, of everyone

    def sign_in(self, email: str) -> Page:
        """Return a page where `email` is signed in."""
        context = self.browser.new_context(viewport={"width": 1360, "height": 1000})
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{email}: {exc}"))
        page.on(
            "console",
            lambda msg: self.errors.append(f"{email}: {msg.text}") if msg.type == "error" else None,
        )
        page.goto(f"{self.site.url}/login")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile(r"/login"))
        return page


@pytest.fixture
def people(site: Site, browser: Browser) -> Iterator[People]:
    cast = People(site, browser)
    yield cast
    for context in cast.contexts:
        context.close()


def test_an_officer_runs_a_joint_challenge_from_problem_statement_to_award(
    site: Site, people: People, tmp_path: Path
) -> None:
    officer = people.sign_in(OFFICER)

    # The officer writes the challenge: problem, funding, a two-criterion rubric, one question.
    officer.goto(f"{site.url}/challenges")
    officer.get_by_role("link", name=re.compile(r"New challenge")).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("New challenge")
    officer.get_by_label("Title").fill(CHALLENGE)
    officer.get_by_label("Sponsoring agency").select_option(label="iDEX (demo)")
    officer.get_by_label("Summary").fill("Short-range acoustic links between small drones.")
    officer.get_by_label("Problem statement").fill(
        "Swarms of small undersea drones need a covert acoustic link at 2 km in shallow water."
    )
    officer.get_by_label("Funding (USD)").fill("250,000")
    officer.get_by_label("Undersea domain").check()
    officer.get_by_label("Time zone").select_option(ZONE)
    # Far enough ahead never to pass mid-test: the officer closes submissions by hand below.
    deadline = datetime.now(ZoneInfo(ZONE)) + timedelta(minutes=30)
    officer.get_by_label("Submission deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    officer.get_by_label("Criterion").fill("Technical merit")
    officer.get_by_label("Weight").fill("3")
    officer.get_by_role("button", name="Add a criterion").click()  # a row added by the script
    officer.get_by_label("Criterion").nth(1).fill("Team and plan")
    officer.get_by_label("Weight").nth(1).fill("1")
    officer.get_by_label("Reviews per proposal").fill("1")
    officer.get_by_label("Question", exact=True).fill("How does your modem work?")
    officer.get_by_role("button", name="Save draft").click()

    expect(officer.locator(".flash")).to_contain_text("saved as a draft")
    expect(officer.get_by_role("heading", level=1)).to_have_text(CHALLENGE)
    challenge_url = officer.url
    officer.get_by_role("button", name="Move to: Open for proposals").click()
    expect(officer.locator(".flash")).to_contain_text("now: open")
    phase_now = officer.get_by_role("list", name="Phases").locator("[aria-current=step]")
    expect(phase_now).to_have_text("Open for proposals")

    # The Indian start-up finds it among the open challenges and drafts a proposal.
    lead = people.sign_in(FOUNDER_IN)
    lead.goto(f"{site.url}/challenges")
    lead.get_by_role("link", name=CHALLENGE).click()
    lead.get_by_role("button", name=f"Apply as {site.lead}").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Untitled proposal")
    lead.get_by_label("Title").fill(PROPOSAL)
    lead.get_by_label("Summary").fill("A mesh of wideband acoustic modems with adaptive coding.")
    lead.get_by_label("Technology readiness (TRL)").select_option("5")
    lead.get_by_label(re.compile(r"How does your modem work\?")).fill(
        "Orthogonal chirps over 18-34 kHz, with a store-and-forward mesh between drones."
    )
    # Each autosave refreshes the checklist: once it is clear, everything typed is on the server.
    checklist = lead.get_by_role("region", name="Before you submit")
    expect(checklist).to_contain_text("Everything checked: ready to submit")

    # A real PDF, checked by its content on the server.
    pdf = tmp_path / "modem-design.pdf"
    pdf.write_bytes(_pdf())
    lead.get_by_label("Add a file").set_input_files(pdf)
    lead.get_by_role("button", name="Upload").click()
    expect(lead.locator(".flash")).to_contain_text("modem-design.pdf attached")
    attachments = lead.get_by_role("region", name="Attachments")
    with lead.expect_download() as download:
        attachments.get_by_role("link", name="modem-design.pdf").click()
    assert Path(download.value.path()).read_bytes() == pdf.read_bytes()
    expect(lead.get_by_label("Title")).to_have_value(PROPOSAL)  # the autosaved draft is kept

    # Invite the US start-up: the proposal cannot go in before it confirms.
    lead.get_by_label("Invite a co-applicant").fill(site.partner)
    lead.get_by_role("button", name="Invite").click()
    expect(lead.locator(".flash")).to_contain_text(f"{site.partner} is invited")
    expect(checklist).to_contain_text("1 thing still blocks submission")
    proposal_url = lead.url.split("#")[0]

    partner = people.sign_in(FOUNDER_US)
    partner.goto(f"{site.url}/notifications")
    partner.get_by_role(
        "link", name=f"{site.lead} invites {site.partner} to a joint proposal"
    ).click()
    expect(partner.get_by_role("heading", level=1)).to_contain_text(
        "invites you to a joint proposal"
    )
    partner.get_by_role("button", name="Confirm participation").click()
    expect(partner.locator(".flash")).to_contain_text(f"{site.partner} confirmed its participation")

    lead.goto(proposal_url)
    expect(checklist).to_contain_text("Everything checked: ready to submit")
    lead.get_by_role("link", name="Submit…").click()
    expect(lead.get_by_text("It has 1 attached file.")).to_be_visible()
    lead.get_by_role("button", name="Submit proposal").click()
    expect(lead.locator(".flash")).to_contain_text("Proposal submitted")
    expect(lead.locator(".ch-status")).to_have_text("Submitted")

    # The officer closes submissions, builds the reviewer pool and assigns the reviewer.
    officer.goto(challenge_url)
    expect(officer.get_by_role("heading", name=re.compile(r"Run this challenge"))).to_contain_text(
        "1 proposal"
    )
    # The deadline is still ahead: closing early needs a reason.
    officer.get_by_label(re.compile(r"reason for closing early")).fill("Sponsor closes early")
    officer.get_by_role("button", name="Move to: Submissions closed").click()
    expect(officer.locator(".flash")).to_contain_text("now: submissions closed")
    officer.get_by_role("button", name="Move to: Review").click()
    expect(officer.locator(".flash")).to_contain_text("now: review")
    officer.get_by_role("link", name="Reviewers and assignments").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Review desk")
    officer.get_by_label("Add reviewers by e-mail").fill(REVIEWER)
    officer.get_by_role("button", name="Add to pool").click()
    expect(officer.locator(".flash")).to_contain_text("1 reviewer(s) added")
    officer.get_by_role("button", name=re.compile(rf"^Assign {REVIEWER_NAME} to proposal")).click()
    expect(officer.locator(".flash")).to_contain_text("Reviewer assigned")
    matrix = officer.get_by_role("table", name="Proposals against reviewers")
    expect(matrix.get_by_role("row", name=re.compile(PROPOSAL))).to_contain_text("To declare")

    # The reviewer sees only a placeholder until declaring no conflict, then scores.
    reviewer = people.sign_in(REVIEWER)
    reviewer.goto(f"{site.url}/reviews")
    row = reviewer.get_by_role("row", name=re.compile(CHALLENGE))
    expect(row).not_to_contain_text(PROPOSAL)
    row.get_by_role("link", name="Declare").click()
    expect(reviewer.get_by_text(PROPOSAL)).to_have_count(0)
    reviewer.get_by_label(re.compile(r"I have no conflict of interest")).check()
    reviewer.get_by_role("button", name="Record declaration").click()
    expect(reviewer.locator(".flash")).to_contain_text("open for scoring")
    expect(reviewer.get_by_role("heading", level=1)).to_have_text(PROPOSAL)
    expect(reviewer.get_by_text("modem-design.pdf")).to_be_visible()
    reviewer.get_by_label("Technical merit", exact=True).fill("8")
    reviewer.get_by_label("Comment on Technical merit").fill("Credible range trials.")
    reviewer.get_by_label("Team and plan", exact=True).fill("6")
    reviewer.get_by_label("Overall comment").fill("A strong joint team.")
    reviewer.get_by_role("button", name="Submit review…").click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("Submit your review")
    weighted = reviewer.get_by_role("row", name=re.compile("Weighted total"))
    expect(weighted).to_contain_text("75.0%")  # (3 x 8/10 + 1 x 6/10) / 4
    reviewer.get_by_role("button", name="Submit review", exact=True).click()
    expect(reviewer.locator(".flash")).to_contain_text("Review submitted")

    # The officer shortlists in the shortlist phase, then awards in the pitch phase.
    officer.goto(challenge_url)
    officer.get_by_role("button", name="Move to: Shortlist").click()
    expect(officer.locator(".flash")).to_contain_text("now: shortlist")
    officer.get_by_role("link", name="Ranking and decisions").click()
    ranked = officer.get_by_role("row", name=re.compile(PROPOSAL))
    expect(ranked).to_contain_text("75.0%")
    ranked.get_by_text("Shortlist…").click()
    ranked.get_by_label("Shortlisted", exact=True).check()
    ranked.get_by_label(re.compile(r"^Reason")).fill("Best range and a credible joint team.")
    ranked.get_by_role("button", name="Record decision").click()
    expect(officer.locator(".flash")).to_contain_text("Decision recorded: shortlisted")

    officer.goto(challenge_url)
    officer.get_by_role("button", name="Move to: Pitch").click()
    expect(officer.locator(".flash")).to_contain_text("now: pitch")
    officer.get_by_role("link", name="Ranking and decisions").click()
    ranked.get_by_text("Award…").click()
    ranked.get_by_label("Awarded", exact=True).check()
    ranked.get_by_label(re.compile(r"^Award \(US\$")).fill("150,000")
    ranked.get_by_label(re.compile(r"^Reason")).fill("Won the pitch: sea trial funded.")
    ranked.get_by_role("button", name="Record decision").click()
    expect(officer.locator(".flash")).to_contain_text("Decision recorded: awarded")
    expect(ranked).to_contain_text("$150,000")
    expect(officer.get_by_text("$100,000")).to_be_visible()  # of the $250,000, not yet awarded

    # The applicant follows the award notification and reads the decisions on the proposal.
    lead.goto(f"{site.url}/notifications")
    lead.get_by_role("link", name=re.compile(rf"{CHALLENGE}: awarded of \$150,000")).click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(PROPOSAL)
    expect(lead.get_by_role("link", name=re.compile(r"Withdraw"))).to_have_count(0)
    decided = lead.get_by_role("region", name="Decisions")
    expect(decided).to_contain_text("award US$150,000")
    expect(decided).to_contain_text("Won the pitch: sea trial funded.")
    expect(decided).to_contain_text("Best range and a credible joint team.")
    _shoot(lead, "challenge-flow-award.png")
    assert people.errors == [], people.errors
