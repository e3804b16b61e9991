"""Bearer JWTs from the company's identity provider (Entra ID, Okta, Keycloak, ...).

The signature is checked against the provider's JWKS (fetched and cached by PyJWT's
PyJWKClient) or a PEM public key file; `iss`, `aud`, `exp` and `sub` are required and `nbf`
is honoured; only public-key algorithms are accepted (never `none`, never HS*). The role and
divisions come from configurable claims.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import anyio.to_thread
import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from odm.auth.identity import (
    Caller,
    Forbidden,
    ProviderUnavailable,
    Role,
    Unauthenticated,
    division_scope,
    parse_divisions,
)
from odm.config import Settings

# What each refusal says: enough for the caller to fix its token, nothing about ODM's keys.
REFUSALS: list[tuple[type[jwt.InvalidTokenError], str]] = [
    (jwt.ExpiredSignatureError, "token expired"),
    (jwt.ImmatureSignatureError, "token not valid yet (nbf)"),
    (jwt.InvalidAudienceError, "token audience is not this service"),
    (jwt.InvalidIssuerError, "token issuer is not trusted"),
    (jwt.InvalidSignatureError, "token signature invalid"),
    (jwt.MissingRequiredClaimError, "token lacks a required claim (iss, aud, exp, sub)"),
    (jwt.DecodeError, "malformed token"),
]


class TokenVerifier:
    """Checks bearer tokens against one identity provider's settings."""

    def __init__(self, settings: Settings) -> None:
        assert settings.oidc_issuer and settings.oidc_audience
        self.issuer = settings.oidc_issuer
        self.audience = settings.oidc_audience
        self.algorithms = settings.token_algorithms()
        self.role_claim = settings.oidc_role_claim
        self.divisions_claim = settings.oidc_divisions_claim
        self.leeway = settings.oidc_leeway
        self.jwks: jwt.PyJWKClient | None = None
        self.public_key: Any = None
        if settings.oidc_jwks_url:
            self.jwks = jwt.PyJWKClient(
                settings.oidc_jwks_url, lifespan=settings.oidc_jwks_cache, timeout=10
            )
        elif settings.oidc_public_key_file:
            self.public_key = load_pem_public_key(settings.oidc_public_key_file.read_bytes())

    async def verify(self, token: str) -> Caller:
        """The caller a token stands for. In a worker thread: a JWKS fetch blocks."""
        return await anyio.to_thread.run_sync(self.verify_now, token)

    def verify_now(self, token: str) -> Caller:
        """`verify`, in the calling thread."""
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
            if algorithm not in self.algorithms:
                raise Unauthenticated(f"token algorithm {algorithm!r} is not accepted")
            claims = jwt.decode(
                token,
                self._signing_key(token),
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated(_refusal(exc)) from None
        return self.caller(claims)

    def _signing_key(self, token: str) -> Any:
        if self.jwks is None:
            return self.public_key
        try:
            return self.jwks.get_signing_key_from_jwt(token).key
        except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError) as exc:
            raise ProviderUnavailable("the identity provider's keys cannot be fetched") from exc
        except jwt.PyJWKClientError:
            raise Unauthenticated("token signed by an unknown key") from None

    def caller(self, claims: dict[str, Any]) -> Caller:
        """The caller of verified claims: role and divisions from the configured claims."""
        role = _highest_role(_words(claim_at(claims, self.role_claim)))
        if role is None:
            raise Forbidden(f"the token grants no ODM role (claim {self.role_claim!r})")
        granted = claim_at(claims, self.divisions_claim)
        try:
            divisions = _divisions(granted)
        except ValueError:
            raise Forbidden(f"unreadable divisions claim {self.divisions_claim!r}") from None
        name = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])
        return Caller(name, role, division_scope(role, divisions), f"oidc:{claims['sub']}")


def _refusal(exc: jwt.InvalidTokenError) -> str:
    return next((text for kind, text in REFUSALS if isinstance(exc, kind)), "invalid token")


def claim_at(claims: dict[str, Any], path: str) -> Any:
    """A claim by dotted path (`realm_access.roles` for Keycloak), or None."""
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _words(value: Any) -> list[str]:
    """A claim holding one string, space-separated strings or a list, as strings."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _highest_role(names: Iterable[str]) -> Role | None:
    roles = [Role(n.lower()) for n in names if n.lower() in {r.value for r in Role}]
    return max(roles, key=lambda r: r.rank, default=None)


def _divisions(value: Any) -> frozenset[int] | None:
    """A divisions claim: a list of ids, a string of ids, or `*`; absent grants none."""
    if value is None:
        return frozenset()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    if not isinstance(value, str):
        raise ValueError("divisions claim")
    return parse_divisions(value)
