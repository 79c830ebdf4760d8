"""Password hashing (argon2id) and the random secrets behind tokens, sessions and CSRF."""

import hashlib
import hmac
import secrets

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


def token_hash(token: str) -> str:
    """Return the SHA-256 hex digest under which a high-entropy token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token_for(secret_key: str, csrf_cookie: str) -> str:
    """Return the CSRF form token bound to a browser's CSRF cookie."""
    return hmac.new(secret_key.encode(), csrf_cookie.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret_key: str, csrf_cookie: str | None, submitted: str | None) -> bool:
    """Return whether a submitted CSRF token matches the browser's cookie."""
    if not csrf_cookie or not submitted:
        return False
    return hmac.compare_digest(csrf_token_for(secret_key, csrf_cookie), submitted)
