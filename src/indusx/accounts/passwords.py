"""Password rules after NIST SP 800-63B section 5.1.1: length, a blocklist, no composition rules.

The blocklist is the 30,000 most common passwords of real breaches that the zxcvbn package
ships (its `passwords` frequency list, drawn from leaked password dumps), so nothing downloads
at run time. A password is refused when it is on the list, or is a listed password with only
digits or punctuation around it ("Password2026!"), or is a run or repetition of characters
("1234567890123", "abababababab"), or contains
the user's e-mail name or a part of their name.
"""

import re
import string
from functools import lru_cache

# NIST's floor is 8; 12 is the usual choice for accounts that reach sensitive data (OWASP
# ASVS 2.1.1, and what a passphrase of three words reaches without effort).
DEFAULT_MIN_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# Parts of a name or e-mail address shorter than this say too little to refuse a password.
MIN_PERSONAL_PART = 4
MIN_DISTINCT_CHARACTERS = 5
_PADDING = string.digits + string.punctuation + " "
_SEQUENCES = ("0123456789" * 26, string.ascii_lowercase * 10, "qwertyuiopasdfghjklzxcvbnm" * 10)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the breached/common password list (lower case), loaded once."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """Return whether a password is a breached/common one, with or without padding around it."""
    lowered = password.lower()
    listed = common_passwords()
    if lowered in listed:
        return True
    core = lowered.strip(_PADDING)
    return len(core) >= 4 and core in listed


def _personal_parts(email: str, full_name: str) -> set[str]:
    local = email.split("@")[0].lower()
    parts = {local, *re.split(r"[._+\-]+", local), *full_name.lower().split()}
    squeezed = "".join(full_name.lower().split())
    parts.add(squeezed)
    return {p for p in parts if len(p) >= MIN_PERSONAL_PART}


def password_problem(
    password: str, *, min_length: int = DEFAULT_MIN_LENGTH, email: str = "", full_name: str = ""
) -> str | None:
    """Return why a new password is unacceptable, or None when it may be used."""
    if len(password) < min_length:
        return f"must be at least {min_length} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if not password.strip():
        return "must not be only spaces"
    lowered = password.lower()
    if len(set(password)) < MIN_DISTINCT_CHARACTERS or any(
        lowered in seq or lowered in seq[::-1] for seq in _SEQUENCES
    ):
        return "is a run or repetition of characters; choose a few unrelated words"
    if is_common(password):
        return "is one of the most common passwords in data breaches; choose another"
    if any(part in lowered for part in _personal_parts(email, full_name)):
        return "must not contain your name or e-mail address"
    return None
