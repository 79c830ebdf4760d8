"""Settings from environment variables (prefix INDUSX_) and secret files; insecure defaults
only in dev."""

import ipaddress
import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from indusx import filecrypt

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
# Dev and test runs seal uploads under this well-known ring; production refuses it.
_DEV_FILE_KEYS = filecrypt.dev_key_ring(DEV_SECRET_KEY)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it could resolve anywhere
        return False


class LogFormat(StrEnum):
    JSON = "json"
    TEXT = "text"


class Background(StrEnum):
    INLINE = "inline"
    WORKER = "worker"


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class ListReading(BaseSettings):
    """The restricted-party list readers' setting, readable on its own (they run without an
    app's settings, from the CLI too); `Settings` holds it as well."""

    model_config = SettingsConfigDict(env_prefix="INDUSX_", extra="ignore")

    # A gzip list file may decompress to at most this much (a decompression bomb is refused).
    list_max_unpacked_bytes: int = Field(default=1024 * 1024 * 1024, ge=1024)


# Folders of secret files, one file a setting (`indusx_secret_key`): systemd's, holding the
# service's credentials (LoadCredential=, LoadCredentialEncrypted=), and one of our own (a
# tmpfs a Vault agent writes, a mounted Kubernetes secret). See docs/deploy.md.
SECRET_FOLDER_VARIABLES = ("CREDENTIALS_DIRECTORY", "INDUSX_SECRETS_DIR")


def secret_folders() -> list[Path]:
    """Return the secret folders that are set and exist (a missing one is passed over)."""
    paths = (os.environ.get(name, "") for name in SECRET_FOLDER_VARIABLES)
    return [Path(p) for p in paths if p and Path(p).is_dir()]


class _EnvironmentAndSecretFiles(PydanticBaseSettingsSource):
    """Settings from the environment and the secret folders; none of them outranks another.

    A setting given in two of them with different values stops the start: one of the two is
    stale (a key rotated in the credential store and an old line left in an env file, or the
    reverse), and picking either silently could run on a key the operator believes retired.
    """

    def __init__(self, settings_cls: type[BaseSettings],
                 environment: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        self._environment = environment

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Return nothing per field: `__call__` reads all the sources at once."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        sources: list[tuple[str, dict[str, Any]]] = [("the environment", self._environment())]
        for folder in secret_folders():
            files = SecretsSettingsSource(self.settings_cls, secrets_dir=folder)
            sources.append((str(folder), files()))
        values: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for where, found in sources:
            for name, value in found.items():
                if name in values and str(values[name]).strip() != str(value).strip():
                    raise SettingsError(
                        f"INDUSX_{name.upper()} is set differently in {origin[name]} and in "
                        f"{where}; remove the stale one"
                    )
                values[name], origin[name] = value, where
        return values


class Settings(ListReading):
    """One place for every setting; read from INDUSX_* environment variables and secret files.

    Secrets are left out of `repr()` (and so out of logs and tracebacks), and a refused value
    is not repeated in the error.
    """

    model_config = SettingsConfigDict(env_prefix="INDUSX_", extra="ignore",
                                      hide_input_in_errors=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Read arguments first, then the environment and secret folders together."""
        return (init_settings, _EnvironmentAndSecretFiles(settings_cls, env_settings))

    env: Environment = Environment.PRODUCTION
    # The URL holds the database password.
    database_url: str = Field(default_factory=lambda: f"sqlite:///{Path('var') / 'indusx.db'}",
                              repr=False)
    secret_key: str = Field(default=DEV_SECRET_KEY, repr=False)
    # Keys rotated out, whitespace-separated: TOTP enrolments made with one keep working
    # (accounts/totp.py). A key that may have leaked does not belong here.
    previous_secret_keys: str = Field(default="", repr=False)
    base_url: str = "http://127.0.0.1:8000"
    cookie_secure: bool = False
    session_days: int = 14
    # A browser session also ends after this long without a request (NIST SP 800-63B AAL2).
    session_idle_minutes: int = Field(default=30, ge=1)
    # Sensitive web actions need the password proven this recently (accounts/step_up.py).
    step_up_minutes: int = Field(default=10, ge=1)
    # HSTS is sent when cookies are secure (the app is behind TLS); 0 leaves it out.
    hsts_max_age_seconds: int = Field(default=365 * 24 * 60 * 60, ge=0)
    # Sign-in security (accounts/throttle.py, passwords.py, totp.py; docs/security.md).
    password_min_length: int = Field(default=12, ge=8, le=64)
    signin_max_failures: int = Field(default=5, ge=1)
    signin_failure_window_minutes: int = Field(default=15, ge=1)
    signin_lockout_minutes: int = Field(default=15, ge=1)
    signin_lockout_max_minutes: int = Field(default=24 * 60, ge=1)
    # Sign-in, second-factor and reset attempts from one address per minute.
    ip_attempts_per_minute: int = Field(default=20, ge=1)
    # Reset e-mails one address may be sent per hour.
    reset_requests_per_hour: int = Field(default=5, ge=1)
    # Bad bearer, reset or invitation tokens from one address per 15 minutes.
    bad_tokens_per_window: int = Field(default=20, ge=1)
    # Platform roles that must use a second factor; unset: "admin,officer" in production.
    require_2fa_roles: str | None = None
    access_token_minutes: int = 60
    password_reset_minutes: int = 60
    invitation_days: int = 14
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_starttls: bool = True
    mail_from: str = "INDUS-X <no-reply@indusx.invalid>"
    outbox_interval_seconds: float = 30.0
    outbox_worker: bool = True
    # Embeds new and edited profiles for matchmaking in the background (see matching/vectors).
    match_indexer: bool = True
    match_indexer_interval_seconds: float = 5.0
    # Keep the restricted-party name index built (at start and after each list import), so
    # that no request waits seconds for it.
    screening_warmer: bool = True
    # Proposal attachments: kept outside the web root, each under a random key.
    upload_dir: Path = Path("var") / "uploads"
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # Stored files are sealed with AES-256-GCM (filecrypt.py): comma-separated
    # `id:base64(32 bytes)` entries, the first seals and all open (`indusx uploads new-key`
    # prints one). Unset: a fixed dev ring in dev and test; production refuses to start.
    file_keys: SecretStr | None = None
    # Request bodies (ops/limits.py): an attachment at its limit and the form around it; the
    # administrators' list imports take several files of up to 200 MB each (OFAC: three).
    max_request_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    max_list_import_bytes: int = Field(default=601 * 1024 * 1024, ge=1024)
    # Malware scanning of uploads by ClamAV's daemon (malware.py, docs/deploy.md): its Unix
    # socket, or its host:port. Unset: dev and test keep uploads unscanned, production refuses
    # to start unless INDUSX_MALWARE_SCAN=off accepts that; on demands a scanner.
    clamd_socket: Path | None = None
    clamd_address: str | None = None
    clamd_timeout_seconds: float = Field(default=30.0, gt=0)
    malware_scan: bool | None = None
    # Supply-chain risk (ISO 3166 alpha-2 codes, comma-separated). Supply from outside the
    # partners (US, IN) and these close allies, or from a watched country, counts against a
    # part; see docs/supply.md.
    supply_allies: str = "AU,CA,DE,ES,FR,GB,IL,IT,JP,KR,NL,NO,NZ,PL,SE,SG"
    supply_watch: str = "BY,CN,CU,IR,KP,MM,RU,SY,VE"
    # Security of Supply: days a supplier has to answer a priority-delivery request.
    supply_response_days: int = Field(default=5, ge=1, le=90)
    # Retention in days (docs/privacy.md); `indusx privacy purge` and the background work
    # apply it. Audit events are kept: the log is append-only.
    retention_read_notification_days: int = Field(default=180, ge=1)
    retention_data_room_access_days: int = Field(default=730, ge=1)
    retention_finished_job_days: int = Field(default=7, ge=1)
    retention_deactivated_user_days: int = Field(default=365, ge=1)
    db_echo: bool = False
    # Operations (docs/operations.md). Logs: one JSON object a line; unset means text in dev.
    log_format: LogFormat | None = None
    log_level: str = "INFO"
    # inline: the web process runs background work in threads (make run); worker: it only
    # enqueues jobs and `indusx worker` runs them.
    background: Background = Background.INLINE
    job_visibility_seconds: float = Field(default=300.0, gt=0)
    job_poll_seconds: float = Field(default=1.0, gt=0)
    # Seconds `indusx serve` keeps an idle connection open. Longer than the proxy keeps its
    # idle upstream connections (nginx: 60 s), so the app never closes one the proxy is about
    # to reuse: a request sent on it at that moment fails (502, and nginx retries no POST).
    keep_alive_seconds: int = Field(default=75, ge=1, le=3600)
    # /metrics answers loopback callers, and others that send this bearer token.
    metrics_token: str | None = Field(default=None, repr=False)
    # Business quotas (ops/quotas.py, docs/operations.md): per user over the last 24 hours,
    # and per organisation for stored files. Requests per minute per caller, per process
    # (0 turns the limit off; nginx limit_req is the fleet-wide control).
    quota_introductions_per_day: int = Field(default=20, ge=1)
    quota_exports_per_day: int = Field(default=50, ge=1)
    quota_org_storage_bytes: int = Field(default=2 * 1024 ** 3, ge=1024)
    quota_org_files: int = Field(default=2000, ge=1)
    api_rate_per_minute: int = Field(default=600, ge=0)
    # Sign-up, introduction, proposal-submission and upload forms sent back sooner than this
    # after they were shown are refused (pacing.py); 0 turns the check off.
    form_min_seconds: float = Field(default=2.0, ge=0, le=3600)

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> "Settings":
        if self.env is not Environment.DEV:
            if self.secret_key == DEV_SECRET_KEY:
                raise ValueError(
                    "INDUSX_SECRET_KEY must be set outside dev mode "
                    "(or set INDUSX_ENV=dev for a local demo)"
                )
            if len(self.secret_key) < 32:
                raise ValueError("INDUSX_SECRET_KEY must be at least 32 characters")
            if any(len(key) < 32 for key in self.previous_secret_keys.split()):
                raise ValueError("INDUSX_PREVIOUS_SECRET_KEYS: each key must be at least "
                                 "32 characters")
            # A previous key still opens old enrolments and signatures: the public dev key
            # there would let anyone forge them.
            if DEV_SECRET_KEY in self.previous_secret_keys.split():
                raise ValueError("INDUSX_PREVIOUS_SECRET_KEYS must not hold the dev secret key "
                                 "outside dev mode")
        # Test mode is the test suites' own (they pass a ring); a staging deployment runs in
        # production mode, so the dev ring is refused wherever real files may be kept.
        if self.env not in (Environment.DEV, Environment.TEST) and self.file_keys is None:
            raise ValueError(
                "INDUSX_FILE_KEYS must be set in production: uploaded files are encrypted with "
                "it (`indusx uploads new-key` prints an entry; see docs/deploy.md)"
            )
        ring = self.file_key_ring  # a malformed ring is refused here, at start
        if (self.env not in (Environment.DEV, Environment.TEST)
                and ring.shares_a_key_with(_DEV_FILE_KEYS)):
            raise ValueError("INDUSX_FILE_KEYS must not hold the dev key in production")
        if self.require_2fa_roles is None:
            # Off for local demos and for tests' own servers (tests turn it on where they test
            # it); on in production.
            self.require_2fa_roles = (
                "admin,officer" if self.env is Environment.PRODUCTION else ""
            )
        unknown = set(_codes(self.require_2fa_roles)) - {"ADMIN", "OFFICER", "MEMBER"}
        if unknown:
            raise ValueError(f"INDUSX_REQUIRE_2FA_ROLES: unknown roles {sorted(unknown)}")
        if self.max_request_bytes <= self.upload_max_bytes:
            raise ValueError("INDUSX_MAX_REQUEST_BYTES must exceed INDUSX_UPLOAD_MAX_BYTES "
                             "(a request carries the file and its form)")
        if self.clamd_socket is not None and self.clamd_address is not None:
            raise ValueError("set INDUSX_CLAMD_SOCKET or INDUSX_CLAMD_ADDRESS, not both")
        if self.clamd_address is not None and self.clamd_host_port is None:
            raise ValueError(f"INDUSX_CLAMD_ADDRESS: {self.clamd_address!r} is not host:port")
        if (self.env is Environment.PRODUCTION and self.clamd_host_port is not None
                and not _is_loopback(self.clamd_host_port[0])):
            # INSTREAM is clear text without authentication: a remote clamd would see every
            # upload, and whoever answers on its address decides the verdict.
            raise ValueError(
                f"INDUSX_CLAMD_ADDRESS: {self.clamd_address!r} is not a loopback address; in "
                "production clamd is reached by its Unix socket, or a remote one through a "
                "local TLS tunnel (see docs/deploy.md)"
            )
        if self.malware_scan and not self.has_malware_scanner:
            raise ValueError("INDUSX_MALWARE_SCAN=on needs INDUSX_CLAMD_SOCKET or "
                             "INDUSX_CLAMD_ADDRESS")
        for name in ("supply_allies", "supply_watch"):
            for code in _codes(getattr(self, name)):
                if len(code) != 2 or not code.isalpha():
                    raise ValueError(
                        f"INDUSX_{name.upper()}: {code!r} is not a two-letter country code"
                    )
        return self

    @property
    def secret_keys(self) -> list[str]:
        """Return the app keys: the current one first, then the previous ones."""
        previous = [k for k in self.previous_secret_keys.split() if k != self.secret_key]
        return [self.secret_key, *dict.fromkeys(previous)]

    @property
    def supply_ally_countries(self) -> frozenset[str]:
        """Return the close allies counted with the partners in supply-risk figures."""
        return frozenset(_codes(self.supply_allies))

    @property
    def supply_watch_countries(self) -> frozenset[str]:
        """Return the watched countries of supply-risk figures."""
        return frozenset(_codes(self.supply_watch))

    @property
    def clamd_host_port(self) -> tuple[str, int] | None:
        """Return INDUSX_CLAMD_ADDRESS as (host, port); None when unset or malformed."""
        host, _, port = (self.clamd_address or "").strip().rpartition(":")
        host = host.removeprefix("[").removesuffix("]")  # [::1]:3310
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            return None
        return host, int(port)

    @property
    def has_malware_scanner(self) -> bool:
        """Return whether a ClamAV daemon is configured."""
        return self.clamd_socket is not None or self.clamd_address is not None

    @property
    def scans_uploads(self) -> bool:
        """Return whether uploads are scanned: a scanner is set and scanning is not off."""
        return self.has_malware_scanner and self.malware_scan is not False

    @property
    def file_key_ring(self) -> filecrypt.KeyRing:
        """Return the keys stored files are sealed with (the dev ring when unset)."""
        if self.file_keys is None:
            return _DEV_FILE_KEYS
        return filecrypt.parse_key_ring(self.file_keys.get_secret_value())

    @property
    def log_format_used(self) -> LogFormat:
        """Return the log format: the setting, else text in dev and JSON elsewhere."""
        if self.log_format is not None:
            return self.log_format
        return LogFormat.TEXT if self.is_dev else LogFormat.JSON

    @property
    def second_factor_roles(self) -> frozenset[str]:
        """Return the platform roles (values) that must sign in with a second factor."""
        return frozenset(c.lower() for c in _codes(self.require_2fa_roles or ""))

    @property
    def is_dev(self) -> bool:
        """Whether insecure conveniences (default secret, logged e-mail bodies) are allowed."""
        return self.env is Environment.DEV


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment and secret files."""
    return Settings()
