"""Awards as evidence on the organisation profile."""

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.service import Actor
from indusx.awards import service as award_service
from indusx.awards.sbir import read_sbir
from indusx.orgs.models import Organisation
from tests.awards.support import award, write_jsonl

SignIn = Callable[[TestClient, User], TestClient]


def _import(session: Session, tmp_path: Path, rows: list[dict[str, object]]) -> str:
    path = write_jsonl(tmp_path / "awards.jsonl", rows)
    award_service.import_sbir(session=session, data=read_sbir(path), actor=Actor.system("test"),
                              source_name=path.name)
    session.commit()
    return session.scalars(select(Organisation.slug).where(
        Organisation.external_ref == "sbir:acme-sonar")).one()


def test_the_profile_shows_awards_newest_first_with_links_and_abstracts(
    client: TestClient, session: Session, tmp_path: Path, make_user: Callable[..., User],
    sign_in: SignIn,
) -> None:
    slug = _import(session, tmp_path, [
        award(1, year=2004, research_institution="Woods Hole"),
        award(2, year=2011, abstract="A <b>bold</b> claim.", link=""),
    ])
    sign_in(client, make_user())
    page = client.get(f"/orgs/{slug}").text
    assert "Awards (evidence)" in page
    assert page.index("Broadband sonar array 2") < page.index("Broadband sonar array 1")
    assert '<a href="https://www.sbir.gov/sbirsearch/detail/1"' in page
    assert "Department of Defense · Navy — SBIR Phase II" in page
    assert "with Woods Hole" in page
    assert "<summary>Abstract</summary>" in page
    assert "A &lt;b&gt;bold&lt;/b&gt; claim." in page  # escaped, never markup
    assert "Show all" not in page


def test_many_awards_are_capped_with_a_link_to_show_all(
    client: TestClient, session: Session, tmp_path: Path, make_user: Callable[..., User],
    sign_in: SignIn,
) -> None:
    slug = _import(session, tmp_path, [award(n, year=2000 + n) for n in range(1, 13)])
    sign_in(client, make_user())
    page = client.get(f"/orgs/{slug}").text
    assert page.count('class="award ') == 10
    assert "Broadband sonar array 12" in page and "Broadband sonar array 2<" not in page
    assert 'href="?awards=all#awards">Show all 12 awards' in page
    full = client.get(f"/orgs/{slug}?awards=all").text
    assert full.count('class="award ') == 12 and "Show all" not in full


def test_a_profile_without_awards_has_no_awards_section(
    client: TestClient, make_org: Callable[..., Organisation], make_user: Callable[..., User],
    sign_in: SignIn,
) -> None:
    org = make_org()
    sign_in(client, make_user())
    assert "Awards (evidence)" not in client.get(f"/orgs/{org.slug}").text
