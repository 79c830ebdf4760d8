"""Password hashing (argon2id), the random secrets behind tokens and sessions, and the keys.

Every stored hash or derivation says which algorithm made it, so that one can be replaced
without voiding live credentials (ASVS 6.2.4): argon2 hashes carry their parameters; token
hashes are version 1 (bare SHA-256 hex) or `<n>$<digest>` for a later version; CSRF tokens
start with their version; a TOTP enrolment stores its derivation version and key id. The app
key (`INDUSX_SECRET_KEY`) is never used directly: each use takes its own subkey, derived with
a label naming the purpose and version, so one use can never compute another's values.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

# Verifying against this keeps sign-in time the same whether or not the e-mail exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether the password matches; constant-time-ish even when there is no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return whether a stored hash uses outdated parameters."""
    return _hasher.check_needs_rehash(password_hash)


def new_token(prefix: str = "") -> str:
    """Return a new random URL-safe secret (256 bits), with an optional readable prefix."""
    return prefix + secrets.token_urlsafe(32)


# Token hashes by version. A token is random (256 bits), so a fast unsalted hash suffices; the
# hash is a function of the token alone, so a later version can be looked up beside the old
# one and a row rewritten when its token is next used. Version 1 is stored bare (as before
# versions existed); later ones as "<n>$<digest>".
TOKEN_HASHES: dict[int, Callable[[str], str]] = {
    1: lambda token: hashlib.sha256(token.encode()).hexdigest(),
}
TOKEN_HASH_VERSION = 1


def token_hash(token: str, version: int | None = None) -> str:
    """Return the stored form of a high-entropy token's hash (the current version by default)."""
    version = TOKEN_HASH_VERSION if version is None else version
    digest = TOKEN_HASHES[version](token)
    return digest if version == 1 else f"{version}${digest}"


def token_hashes(token: str) -> list[str]:
    """Return a token's hash under every known version, the current one first (for look-ups)."""
    others = sorted((v for v in TOKEN_HASHES if v != TOKEN_HASH_VERSION), reverse=True)
    return [token_hash(token, v) for v in (TOKEN_HASH_VERSION, *others)]


def subkey(secret_key: str, purpose: str) -> bytes:
    """Return the key for one purpose ("csrf/2", "totp/2"), derived from the app key."""
    # HMAC(key, label) is HKDF-Expand's single block (RFC 5869) without the extract step,
    # which a uniformly random key of 32+ characters does not need.
    return hmac.new(secret_key.encode(), f"indusx subkey:{purpose}".encode(),
                    hashlib.sha256).digest()


def key_id(secret_key: str) -> str:
    """Return a short public name of a key (stored beside what it derived; reveals nothing)."""
    return subkey(secret_key, "key-id").hex()[:12]


CSRF_VERSION = 2  # version 1 was HMAC with the app key itself, shared with the TOTP derivation


def csrf_token_for(secret_key: str, csrf_cookie: str) -> str:
    """Return the CSRF form token bound to a browser's CSRF cookie."""
    mac = hmac.new(subkey(secret_key, f"csrf/{CSRF_VERSION}"), csrf_cookie.encode(),
                   hashlib.sha256).hexdigest()
    return f"{CSRF_VERSION}.{mac}"


def csrf_valid(secret_key: str, csrf_cookie: str | None, submitted: str | None) -> bool:
    """Return whether a submitted CSRF token matches the browser's cookie."""
    if not csrf_cookie or not submitted:
        return False
    return hmac.compare_digest(csrf_token_for(secret_key, csrf_cookie), submitted)
