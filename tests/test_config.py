"""Settings refuse insecure defaults outside dev mode."""

import pytest
from pydantic import ValidationError

from indusx.config import DEV_SECRET_KEY, Environment, Settings


@pytest.mark.parametrize("env", [Environment.PRODUCTION, Environment.TEST])
def test_the_default_secret_is_refused_outside_dev(env: Environment) -> None:
    with pytest.raises(ValidationError, match="INDUSX_SECRET_KEY must be set"):
        Settings(env=env, secret_key=DEV_SECRET_KEY)


def test_a_short_secret_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(env=Environment.PRODUCTION, secret_key="too-short")


def test_dev_mode_accepts_the_default_secret_and_sqlite_under_var() -> None:
    settings = Settings(env=Environment.DEV)
    assert settings.secret_key == DEV_SECRET_KEY and settings.is_dev
    assert settings.database_url.endswith("var/indusx.db")


def test_settings_come_from_indusx_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INDUSX_ENV", "production")
    monkeypatch.setenv("INDUSX_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("INDUSX_FILE_KEYS", "k:" + "A" * 43 + "=")
    monkeypatch.setenv("INDUSX_COOKIE_SECURE", "true")
    settings = Settings()
    assert settings.env is Environment.PRODUCTION and settings.cookie_secure
    assert not settings.is_dev
