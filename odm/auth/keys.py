"""API key secrets: made from 256 random bits, stored only as a SHA-256 hash, compared in
constant time.

A key reads `odm_<key_id>_<secret>`. The key id (64 random bits, hex) is public: it finds the
stored row and names the key in logs and the audit log. The secret is 32 random bytes in
base64url. A slow password hash (bcrypt, Argon2) protects guessable passwords; a 256-bit random
secret cannot be guessed, so SHA-256 is enough and keeps every request fast.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX = "odm_"
_KEY = re.compile(r"odm_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class PresentedKey:
    """A key as a client sent it: its public id and the whole text (secret included)."""

    key_id: str
    text: str

    def __repr__(self) -> str:
        return f"PresentedKey(key_id={self.key_id!r}, text=<hidden>)"


def new_key() -> PresentedKey:
    """A fresh key: a random id and a random 256-bit secret."""
    key_id = secrets.token_hex(8)
    return PresentedKey(key_id, f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}")


def parse_key(text: str) -> PresentedKey | None:
    """The key in a header value, or None if it does not have a key's shape."""
    match = _KEY.fullmatch(text.strip())
    return PresentedKey(match[1], match[0]) if match else None


def key_hash(key: PresentedKey) -> str:
    """What is stored in place of the key: the SHA-256 of its text, in hex."""
    return hashlib.sha256(key.text.encode()).hexdigest()


def key_matches(key: PresentedKey, stored_hash: str) -> bool:
    """Whether a presented key is the one stored, in time independent of where they differ."""
    return hmac.compare_digest(key_hash(key).encode(), stored_hash.encode())
