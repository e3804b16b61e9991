"""Bearer JWTs from an identity provider: checked against a JWKS endpoint that this test
serves itself (or a PEM file), with keys generated here; every bad token is a 401 with a
JSON `detail`, and a token without an ODM role a 403."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from pydantic import ValidationError

from odm.app import create_app
from odm.config import Settings
from odm.demo import SEED_DIVISION_ID, DemoData
from tests.backends import load_demo_sync, sqlite_url
from tests.server import free_port

ISSUER = "https://login.example.test/tenant-1/v2.0"
AUDIENCE = "api://odm"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(key: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = jwt.algorithms.RSAAlgorithm if alg.startswith("RS") else jwt.algorithms.ECAlgorithm
    jwk: dict[str, Any] = algorithm.to_jwk(key.public_key(), as_dict=True)
    return jwk | {"kid": kid, "alg": alg, "use": "sig"}


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    """A JWKS endpoint on 127.0.0.1, as an identity provider publishes its keys."""
    body = json.dumps({"keys": [_jwk(RSA_KEY, "rsa-1", "RS256"), _jwk(EC_KEY, "ec-1", "ES256")]})

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/keys"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, DemoData]:
    url = sqlite_url(tmp_path_factory.mktemp("tokens"))
    return url, load_demo_sync(url)


def _settings(url: str, **oidc: Any) -> Settings:
    defaults = {"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE}
    return Settings(database_url=url, rate_limit=0, **(defaults | oidc))


@pytest.fixture(scope="module")
def client(database: tuple[str, DemoData], jwks_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(database[0], oidc_jwks_url=jwks_url))) as test_client:
        yield test_client


def token(key: Any = RSA_KEY, alg: str = "RS256", kid: str | None = "rsa-1", **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "u-123",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "roles": ["reader"],
        "odm_divisions": [SEED_DIVISION_ID],
        "preferred_username": "ana@example.test",
    } | claims
    headers = {"kid": kid} if kid else {}
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, alg, headers)


def _get(client: TestClient, bearer: str, path: str = "/v1/divisions") -> Any:
    return client.get(path, headers={"Authorization": f"Bearer {bearer}"})


def test_a_reader_token_sees_its_divisions(client: TestClient) -> None:
    response = _get(client, token())
    assert response.status_code == 200
    assert [d["division_id"] for d in response.json()] == [SEED_DIVISION_ID]


def test_an_ec_admin_token_sees_every_division(
    client: TestClient, database: tuple[str, DemoData]
) -> None:
    admin = token(EC_KEY, "ES256", "ec-1", roles="admin", odm_divisions=None)
    ids = [d["division_id"] for d in _get(client, admin).json()]
    assert ids == sorted(d for d, _ in database[1].division_rows())


def _unsigned() -> str:
    """An `alg: none` token: header and payload, no signature."""
    parts = token().split(".")
    header = jwt.utils.base64url_encode(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header.decode()}.{parts[1]}."


def _hs256_with_public_key() -> str:
    """The algorithm-confusion attack: HMAC keyed with the provider's public key (which
    PyJWT refuses to make, so it is made by hand)."""
    pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "kid": "rsa-1"}).encode())
    body = token().split(".")[1].encode()
    signature = hmac.new(pem, header + b"." + body, hashlib.sha256).digest()
    return b".".join([header, body, jwt.utils.base64url_encode(signature)]).decode()


REFUSED = {
    "expired": (lambda: token(exp=int(time.time()) - 3600), "token expired"),
    "not yet valid": (lambda: token(nbf=int(time.time()) + 3600), "not valid yet"),
    "wrong audience": (lambda: token(aud="api://other"), "audience"),
    "wrong issuer": (lambda: token(iss="https://evil.example.test"), "issuer"),
    "wrongly signed": (lambda: token(STRANGER), "signature invalid"),
    "unknown key id": (lambda: token(kid="rsa-9"), "unknown key"),
    "alg none": (_unsigned, "'none' is not accepted"),
    "hs256 confusion": (_hs256_with_public_key, "'HS256' is not accepted"),
    "no sub": (lambda: token(sub=None), "required claim"),
    "no exp": (lambda: token(exp=None), "required claim"),
    "malformed": (lambda: "not-a-token", "malformed token"),
    "three dots": (lambda: "a.b.c", "malformed token"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_bad_tokens_are_401_with_a_json_detail(client: TestClient, case: str) -> None:
    make, detail = REFUSED[case]
    response = _get(client, make())
    assert response.status_code == 401
    assert detail in response.json()["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", "bearer  "]
)
def test_other_authorization_schemes_are_401(client: TestClient, header: str) -> None:
    response = client.get("/v1/divisions", headers={"Authorization": header})
    assert response.status_code == 401 and response.json()["detail"]


def test_a_token_without_an_odm_role_is_403(client: TestClient) -> None:
    response = _get(client, token(roles=["payroll"]))
    assert response.status_code == 403 and "no ODM role" in response.json()["detail"]


@pytest.mark.parametrize(
    ("claim", "divisions"),
    [("*", None), (["63", "10"], {63, 10}), ("63 10", {63, 10}), ([], set()), (63, {63})],
)
def test_division_claims(client: TestClient, claim: Any, divisions: set[int] | None) -> None:
    seen = {d["division_id"] for d in _get(client, token(odm_divisions=claim)).json()}
    if divisions is None:
        assert len(seen) > 2
    else:
        assert seen == divisions


def test_a_bad_divisions_claim_is_403(client: TestClient) -> None:
    assert _get(client, token(odm_divisions=["63; DROP TABLE"])).status_code == 403


def test_a_reader_token_cannot_use_another_users_cursor(client: TestClient) -> None:
    first = _get(client, token(), "/v1/production/daily?limit=2")
    link = first.headers["link"]
    again = _get(client, token(), link[1 : link.index(">")])
    other = _get(client, token(sub="u-456"), link[1 : link.index(">")])
    assert again.status_code == 200 and other.status_code == 404


def test_nested_claims_and_a_pem_key_file(database: tuple[str, DemoData], tmp_path: Path) -> None:
    pem = tmp_path / "provider.pem"
    pem.write_bytes(
        RSA_KEY.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    settings = _settings(
        database[0],
        oidc_public_key_file=pem,
        oidc_role_claim="realm_access.roles",
        oidc_divisions_claim="odm.divisions",
    )
    keycloak = token(
        kid=None,
        roles=None,
        odm_divisions=None,
        realm_access={"roles": ["offline_access", "writer"]},
        odm={"divisions": "63"},
    )
    with TestClient(create_app(settings)) as client:
        response = _get(client, keycloak)
        assert [d["division_id"] for d in response.json()] == [SEED_DIVISION_ID]
        assert _get(client, token(STRANGER)).status_code == 401


def test_an_unreachable_provider_is_503(database: tuple[str, DemoData]) -> None:
    url = f"http://127.0.0.1:{free_port()}/keys"
    with TestClient(create_app(_settings(database[0], oidc_jwks_url=url))) as client:
        response = _get(client, token())
    assert response.status_code == 503 and response.headers["retry-after"]
    assert "identity provider" in response.json()["detail"]


@pytest.mark.parametrize(
    "settings",
    [
        {"oidc_issuer": ISSUER, "oidc_jwks_url": "https://idp/keys"},
        {"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE},
        {"oidc_audience": AUDIENCE, "oidc_jwks_url": "https://idp/keys"},
        {
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_url": "https://idp/keys",
            "oidc_public_key_file": "key.pem",
        },
        {
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_url": "https://idp/keys",
            "oidc_algorithms": "RS256,HS256",
        },
        {
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_url": "https://idp/keys",
            "oidc_algorithms": "none",
        },
        {"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, "oidc_jwks_url": "file:///etc/x"},
    ],
)
def test_half_configured_providers_refuse_to_start(settings: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, **settings)  # type: ignore[call-arg]
