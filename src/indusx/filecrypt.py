"""Stored files sealed with AES-256-GCM: confidential and authenticated at rest.

A sealed file is `MAGIC`, a version byte, the key id (a length byte, then ASCII), a 12-byte
random nonce, and the ciphertext with GCM's 16-byte tag. The associated data is that header and
the file's storage key, so a file altered, read under another key, or moved to another record's
storage key fails to open instead of yielding bytes. Files written before sealing start without
the magic and read as they are (legacy plaintext) until `indusx uploads encrypt` seals them.

Keys come in a ring (`INDUSX_FILE_KEYS`: comma-separated `id:base64(32 bytes)`): the first seals,
all open, so a key is rotated by putting the new one first, re-sealing, then dropping the old.
"""

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# \x89 first: no PDF (%PDF), Office file (PK, \xd0\xcf) or UTF-8 text starts with it, so a
# legacy file is never mistaken for a sealed one.
MAGIC = b"\x89IXF"
VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
DEV_KEY_ID = "dev"
_KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")


class KeyRingError(ValueError):
    """A key ring setting that cannot be used; the message never holds key material."""


class Unreadable(RuntimeError):
    """A stored file that fails to open: altered, moved, or under a key not in the ring."""


@dataclass(frozen=True, slots=True, repr=False)
class KeyRing:
    """Named AES-256 keys, the first of which seals."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyRingError("the key ring is empty")

    def __repr__(self) -> str:
        return f"KeyRing(ids={self.ids!r})"  # never the keys themselves

    @property
    def ids(self) -> tuple[str, ...]:
        """Return the key ids, the sealing one first."""
        return tuple(key_id for key_id, _ in self.keys)

    @property
    def current(self) -> str:
        """Return the id of the key that seals."""
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes | None:
        """Return the key with this id, or None."""
        return next((key for found, key in self.keys if found == key_id), None)

    def shares_a_key_with(self, other: "KeyRing") -> bool:
        """Return whether any key of this ring is also in the other (by value)."""
        theirs = {key for _, key in other.keys}
        return any(key in theirs for _, key in self.keys)


def parse_key_ring(text: str) -> KeyRing:
    """Return the key ring of an `INDUSX_FILE_KEYS` value; raise KeyRingError naming the fault."""
    keys: list[tuple[str, bytes]] = []
    for number, entry in enumerate((e.strip() for e in text.split(",") if e.strip()), 1):
        key_id, colon, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not colon or not _KEY_ID.fullmatch(key_id):
            raise KeyRingError(f"INDUSX_FILE_KEYS entry {number} is not id:base64-key (an id of "
                               "1-32 letters, digits, '.', '_' or '-')")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyRingError(f"INDUSX_FILE_KEYS key {key_id!r} is not base64") from None
        if len(key) != KEY_BYTES:
            raise KeyRingError(f"INDUSX_FILE_KEYS key {key_id!r} has {len(key)} bytes; "
                               f"AES-256 needs {KEY_BYTES}")
        if any(found == key_id for found, _ in keys):
            raise KeyRingError(f"INDUSX_FILE_KEYS names key {key_id!r} twice")
        keys.append((key_id, key))
    if not keys:
        raise KeyRingError("INDUSX_FILE_KEYS holds no key")
    return KeyRing(tuple(keys))


def dev_key_ring(secret: str) -> KeyRing:
    """Return the fixed key ring of dev and test runs, derived from their well-known secret."""
    key = hashlib.sha256(b"indusx dev file key\0" + secret.encode()).digest()
    return KeyRing(((DEV_KEY_ID, key),))


def new_entry(key_id: str | None = None) -> str:
    """Return a fresh `id:base64-key` entry for INDUSX_FILE_KEYS (a random id if none given)."""
    key_id = key_id or secrets.token_hex(4)
    if not _KEY_ID.fullmatch(key_id):
        raise KeyRingError("a key id is 1-32 letters, digits, '.', '_' or '-'")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def is_sealed(blob: bytes) -> bool:
    """Return whether stored bytes are sealed (else they are legacy plaintext)."""
    return blob.startswith(MAGIC)


def _header(key_id: str) -> bytes:
    encoded = key_id.encode("ascii")
    return MAGIC + bytes([VERSION, len(encoded)]) + encoded


def key_id_of(blob: bytes) -> str | None:
    """Return the id of the key a sealed file is under (None for legacy plaintext)."""
    if not is_sealed(blob):
        # A sealed file with a damaged magic must not pass for plaintext (its ciphertext would
        # be served); no PDF or Office file, and hardly a text file, starts with three of its
        # four bytes.
        if sum(a == b for a, b in zip(blob[:len(MAGIC)], MAGIC, strict=False)) >= len(MAGIC) - 1:
            raise Unreadable("its header is damaged")
        return None
    at = len(MAGIC)
    if len(blob) < at + 2 or blob[at] != VERSION:
        raise Unreadable(f"unknown sealed-file version {blob[at:at + 1].hex() or 'none'}")
    try:
        return blob[at + 2:at + 2 + blob[at + 1]].decode("ascii")
    except UnicodeDecodeError:
        raise Unreadable("its key id is not ASCII") from None


def seal(ring: KeyRing, data: bytes, *, storage_key: str) -> bytes:
    """Return the data sealed under the ring's first key, bound to its storage key."""
    header = _header(ring.current)
    # A fresh random 96-bit nonce per sealing: with at most millions of files per key the
    # chance of a repeat stays far below NIST SP 800-38D's 2^-32 bound.
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(ring.keys[0][1]).encrypt(nonce, data, _associated(header, storage_key))
    return header + nonce + sealed


def open_sealed(ring: KeyRing, blob: bytes, *, storage_key: str) -> bytes:
    """Return a stored file's plaintext (legacy plaintext as it is); raise Unreadable."""
    try:
        key_id = key_id_of(blob)
    except Unreadable as exc:
        raise Unreadable(f"stored file {storage_key} cannot be opened: {exc}") from None
    if key_id is None:
        return blob
    key = ring.key(key_id)
    if key is None:
        raise Unreadable(f"stored file {storage_key} is sealed under key {key_id!r}, which "
                         f"INDUSX_FILE_KEYS lacks (it holds {', '.join(ring.ids)})")
    header = _header(key_id)
    body = len(header) + NONCE_BYTES
    if len(blob) < body + TAG_BYTES:
        raise Unreadable(f"stored file {storage_key} is truncated")
    try:
        return AESGCM(key).decrypt(blob[len(header):body], blob[body:],
                                   _associated(header, storage_key))
    except InvalidTag:
        raise Unreadable(f"stored file {storage_key} fails authentication under key "
                         f"{key_id!r}: altered, moved from another storage key, or sealed "
                         "with a different key of that id") from None


def _associated(header: bytes, storage_key: str) -> bytes:
    return header + b"\0" + storage_key.encode("ascii")
