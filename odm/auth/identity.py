"""The caller of a request: a name, a role, the divisions it may see and what made it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from odm.queries.compose import ALL_DIVISIONS, DivisionScope


class Role(StrEnum):
    """What a caller may do; each role may also do everything of the roles before it."""

    READER = "reader"  # reads the data of its divisions
    WRITER = "writer"  # also writes the data of its divisions
    ADMIN = "admin"  # also master data, keys and the audit log, in every division

    @property
    def rank(self) -> int:
        """The role's place in reader < writer < admin."""
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        """Whether this role may do what `other` may."""
        return self.rank >= other.rank


class Unauthenticated(Exception):
    """No usable credential: missing, malformed, unknown, expired, revoked (HTTP 401)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Forbidden(Exception):
    """A known caller whose role does not allow the request (HTTP 403)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ProviderUnavailable(Exception):
    """The identity provider's keys cannot be fetched, so no token can be checked (503)."""


@dataclass(frozen=True)
class Caller:
    """Who is calling. `subject` is stable and unique (`key:<key_id>`, `oidc:<sub>`,
    `anonymous`): cursors, rate limits and the audit log are bound to it."""

    name: str
    role: Role
    scope: DivisionScope
    subject: str
    key_id: str | None = None

    @property
    def anonymous(self) -> bool:
        """Whether the caller sent no credential (the loopback quick start only)."""
        return self.subject == ANONYMOUS_SUBJECT


ANONYMOUS_SUBJECT = "anonymous"
ANONYMOUS = Caller("anonymous", Role.READER, ALL_DIVISIONS, ANONYMOUS_SUBJECT)


def division_scope(role: Role, divisions: frozenset[int] | None) -> DivisionScope:
    """An admin sees every division; others those granted (`None`: every division)."""
    if role is Role.ADMIN or divisions is None:
        return ALL_DIVISIONS
    return DivisionScope(divisions)


def parse_divisions(text: str) -> frozenset[int] | None:
    """`*` (every division, None) or comma- or space-separated ids, as stored and claimed."""
    if text.strip() == "*":
        return None
    parts = text.replace(",", " ").split()
    if not all(part.isdigit() and 0 < int(part) < 2**63 for part in parts):
        raise ValueError(f"not a list of division ids: {text!r}")
    return frozenset(int(part) for part in parts)


def format_divisions(divisions: frozenset[int] | None) -> str:
    """The stored form of a division grant: `*` or sorted ids, comma-separated."""
    return "*" if divisions is None else ",".join(str(d) for d in sorted(divisions))
