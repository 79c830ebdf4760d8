"""Settings refuse insecure defaults outside dev mode and read secrets from secret folders."""

import base64
import warnings
from pathlib import Path

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsError

from indusx.config import DEV_SECRET_KEY, SECRET_FOLDER_VARIABLES, Environment, Settings

KEY = "credential-" + "c" * 40


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Run with no secret folder and no secret in the environment, whatever the host has."""
    for name in (*SECRET_FOLDER_VARIABLES, "INDUSX_SECRET_KEY", "INDUSX_PREVIOUS_SECRET_KEYS",
                 "INDUSX_DATABASE_URL", "INDUSX_SMTP_PASSWORD", "INDUSX_METRICS_TOKEN",
                 "INDUSX_FILE_KEYS", "INDUSX_ENV"):
        monkeypatch.delenv(name, raising=False)
    # Not dev, so the secret key is required and checked; not production, so no file keys
    # are required (a test gives them in a credentials folder).
    monkeypatch.setenv("INDUSX_ENV", "test")
    return monkeypatch


def _folder(path: Path, **files: str) -> Path:
    path.mkdir(mode=0o700)
    for name, value in files.items():
        (path / name).write_text(value + "\n")
    return path


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


def test_secrets_are_read_from_the_systemd_credentials_folder(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    file_keys = "k1:" + base64.b64encode(bytes(range(32))).decode()
    folder = _folder(tmp_path / "credentials", indusx_secret_key=KEY,
                     indusx_database_url="postgresql+psycopg://app:pw@db/indusx",
                     indusx_smtp_password="smtp-pw", indusx_metrics_token="scrape-token",
                     indusx_file_keys=file_keys)
    clean_environment.setenv("CREDENTIALS_DIRECTORY", str(folder))
    settings = Settings()
    assert settings.secret_key == KEY  # the file's final newline is not part of it
    assert settings.database_url == "postgresql+psycopg://app:pw@db/indusx"
    assert (settings.smtp_password, settings.metrics_token) == ("smtp-pw", "scrape-token")
    assert settings.file_keys is not None and settings.file_keys.get_secret_value() == file_keys


def test_secrets_are_read_from_the_indusx_secrets_folder_beside_the_environment(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = _folder(tmp_path / "vault", INDUSX_SECRET_KEY=KEY)
    clean_environment.setenv("INDUSX_SECRETS_DIR", str(folder))
    clean_environment.setenv("INDUSX_METRICS_TOKEN", "from-the-environment")
    settings = Settings()
    assert (settings.secret_key, settings.metrics_token) == (KEY, "from-the-environment")


def test_a_setting_given_differently_in_a_file_and_the_environment_stops_the_start(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = _folder(tmp_path / "credentials", indusx_secret_key=KEY)
    clean_environment.setenv("CREDENTIALS_DIRECTORY", str(folder))
    clean_environment.setenv("INDUSX_SECRET_KEY", KEY)
    assert Settings().secret_key == KEY  # the same value twice is no conflict
    stale = "stale-" + "s" * 40
    clean_environment.setenv("INDUSX_SECRET_KEY", stale)
    with pytest.raises(SettingsError, match="INDUSX_SECRET_KEY is set differently") as refused:
        Settings()
    assert KEY not in str(refused.value) and stale not in str(refused.value)


def test_a_secret_folder_that_is_missing_is_passed_over_without_a_warning(
    clean_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_environment.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "absent"))
    clean_environment.setenv("INDUSX_SECRETS_DIR", str(tmp_path / "also-absent"))
    clean_environment.setenv("INDUSX_SECRET_KEY", KEY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Settings().secret_key == KEY


def test_secrets_appear_neither_in_the_settings_repr_nor_in_a_refusal(
    clean_environment: pytest.MonkeyPatch,
) -> None:
    # Nothing logs the settings; a traceback or a debugging line that shows them shows this.
    secret_values = {"secret_key": KEY, "previous_secret_keys": "previous-" + "p" * 40,
                     "database_url": "postgresql+psycopg://app:db-password@db/indusx",
                     "smtp_password": "smtp-password", "metrics_token": "metrics-token"}
    settings = Settings(**secret_values)
    for value in secret_values.values():
        assert value not in repr(settings) and value not in str(settings)
    with pytest.raises(ValidationError) as refused:
        Settings(secret_key="short-secret-key")
    assert "short-secret-key" not in str(refused.value)


def test_previous_keys_follow_the_current_one_and_must_be_long_outside_dev(
    clean_environment: pytest.MonkeyPatch,
) -> None:
    previous = "previous-" + "p" * 40
    settings = Settings(env=Environment.TEST, secret_key=KEY,
                        previous_secret_keys=f" {previous}\n{KEY} {previous}")
    assert settings.secret_keys == [KEY, previous]
    with pytest.raises(ValidationError, match="INDUSX_PREVIOUS_SECRET_KEYS"):
        Settings(env=Environment.TEST, secret_key=KEY, previous_secret_keys="short")


@pytest.mark.parametrize("env", [Environment.PRODUCTION, Environment.TEST])
def test_the_dev_secret_is_refused_among_the_previous_keys_outside_dev(
    clean_environment: pytest.MonkeyPatch, env: Environment,
) -> None:
    with pytest.raises(ValidationError, match="must not hold the dev secret key") as refused:
        Settings(env=env, secret_key=KEY, previous_secret_keys=f"{'o' * 40} {DEV_SECRET_KEY}",
                 file_keys="k:" + "A" * 43 + "=")
    assert DEV_SECRET_KEY not in str(refused.value)
    assert Settings(env=Environment.DEV, previous_secret_keys=DEV_SECRET_KEY).is_dev
