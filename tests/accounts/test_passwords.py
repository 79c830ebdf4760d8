"""Password rules after NIST SP 800-63B: length, the breached list, no composition rules."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from indusx.accounts import passwords
from indusx.accounts import service as account_service
from indusx.accounts.models import User
from indusx.config import Settings
from indusx.demo.loader import DEMO_PASSWORD
from indusx.errors import Invalid
from tests.conftest import ACTOR, PASSWORD


def test_the_demo_and_test_passwords_are_acceptable() -> None:
    assert passwords.password_problem(DEMO_PASSWORD, email="admin@indusx.example",
                                      full_name="Asha Admin") is None
    assert passwords.password_problem(PASSWORD, email="user1@example.org",
                                      full_name="User 1") is None


def test_a_password_shorter_than_the_minimum_is_refused() -> None:
    assert passwords.password_problem("tulip-harbo") == "must be at least 12 characters"
    assert passwords.password_problem("tulip-harbo", min_length=8) is None


def test_no_composition_rules_apply_to_a_long_lower_case_phrase() -> None:
    assert passwords.password_problem("purple monkey dishwasher") is None
    assert passwords.password_problem("x" * 300) is not None
    assert passwords.password_problem("ünïcødé pässwörd ok") is None


@pytest.mark.parametrize("common", ["password1234", "qwertyuiop123", "Iloveyou2026!",
                                    "baseball!!!!!!"])
def test_a_breached_or_common_password_is_refused(common: str) -> None:
    problem = passwords.password_problem(common)
    assert problem is not None and "common" in problem


def test_the_breached_list_is_the_one_shipped_with_zxcvbn() -> None:
    listed = passwords.common_passwords()
    assert len(listed) > 25_000 and "dragon" in listed


@pytest.mark.parametrize("run", ["abababababab", "1234567890123", "zyxwvutsrqpon"])
def test_a_run_or_repetition_of_characters_is_refused(run: str) -> None:
    problem = passwords.password_problem(run)
    assert problem is not None and "run or repetition" in problem


def test_a_password_containing_the_email_name_or_the_full_name_is_refused() -> None:
    assert passwords.password_problem(
        "my-kavita-secret", email="kavita.rao@example.org"
    ) == "must not contain your name or e-mail address"
    assert passwords.password_problem(
        "raoraoraoxyz1", email="k@example.org", full_name="Kavita Rao"
    ) is None  # three letters of a name say too little to refuse
    assert passwords.password_problem(
        "kavitarao-2026!", email="k@example.org", full_name="Kavita Rao"
    ) is not None


def test_creating_a_user_with_a_short_password_names_the_field(session: Session) -> None:
    with pytest.raises(Invalid) as caught:
        account_service.create_user(session=session, email="s@example.org", full_name="S",
                                    password="too-short", actor=ACTOR)
    assert caught.value.errors == [{"field": "password",
                                    "message": "must be at least 12 characters"}]


def test_sign_up_refuses_a_breached_password_next_to_the_field(
    client: TestClient, csrf: str
) -> None:
    response = client.post("/signup", data={"email": "nia@example.org", "full_name": "Nia Obi",
                                            "password": "password1234", "csrf_token": csrf})
    assert response.status_code == 422
    assert 'id="f-password-error"' in response.text
    assert "most common passwords" in response.text


def test_the_api_sign_up_refuses_a_short_password_with_the_field(client: TestClient) -> None:
    response = client.post("/api/v1/auth/signup", json={
        "email": "nia@example.org", "full_name": "Nia Obi", "password": "short-one"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "password",
                                          "message": "must be at least 12 characters"}]


def test_the_minimum_length_comes_from_the_settings(
    app: object, client: TestClient, settings: Settings
) -> None:
    settings.password_min_length = 24
    response = client.post("/api/v1/auth/signup", json={
        "email": "nia@example.org", "full_name": "Nia Obi", "password": PASSWORD})
    assert response.status_code == 422
    assert "at least 24" in response.json()["errors"][0]["message"]


def test_changing_the_password_checks_the_current_one_and_the_rules(
    client: TestClient, csrf: str, make_user: Callable[..., User],
    sign_in: Callable[[TestClient, User], TestClient], session: Session,
) -> None:
    user = make_user()
    sign_in(client, user)
    wrong = client.post("/account/password", data={
        "current_password": "not-it", "new_password": "tulip-harbour-lantern",
        "csrf_token": csrf})
    assert wrong.status_code == 422 and 'id="f-current_password-error"' in wrong.text
    weak = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "password12345", "csrf_token": csrf})
    assert weak.status_code == 422 and 'id="f-new_password-error"' in weak.text
    old_cookie = client.cookies.get("indusx_session")
    done = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "tulip-harbour-lantern",
        "csrf_token": csrf})
    assert done.status_code == 303
    new_cookie = done.cookies.get("indusx_session")
    assert new_cookie and new_cookie != old_cookie
    assert account_service.user_for_web_session(session=session, raw=old_cookie or "") is None
    session.refresh(user)
    assert account_service.authenticate(session=session, email=user.email,
                                        password="tulip-harbour-lantern", actor=ACTOR)


def test_the_command_line_refuses_a_common_password(cli_db: str) -> None:
    from indusx.cli import app as cli_app

    result = CliRunner().invoke(cli_app, ["users", "create", "--email", "x@example.org",
                                          "--password-stdin"], input="qwertyuiop123\n")
    assert result.exit_code == 1
    assert "common passwords" in result.output
