"""Schemathesis, every check, against a real server that requires a key, with an admin key:
no failure, and no operation that answered only 401/403 (the key was used throughout).

A narrow run: the routes of access control (the audit log, the key list), the seed's four
endpoints, divisions and health. The key goes in both headers the schema offers (ODM
refuses two different credentials). Left out: DELETE, whose inferred links would revoke the
run's own key (the audit tests cover it), and the `fields`, `sort` and `cursor` parameters,
which belong to the lists (their examples fit one list only, a field selection narrows rows
below their response model, any string is a schema-valid cursor); a whole-API run of the
lists covers those.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import pytest

from odm.auth.identity import Role
from odm.demo import DemoSpec
from tests.access import make_key_sync
from tests.backends import load_demo_sync, sqlite_url
from tests.server import running_server

pytestmark = pytest.mark.slow
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
LIST_SHAPING = {"fields", "sort", "cursor"}
PATHS = r"^/(v1/(audit|keys|divisions)|division-list|division-summary|well-summary|health)"


def _schema_without_list_shaping(url: str, path: Path) -> Path:
    schema = httpx.get(url + "/openapi.json", timeout=10).json()
    for item in schema["paths"].values():
        for operation in item.values():
            parameters = operation.get("parameters", [])
            operation["parameters"] = [p for p in parameters if p["name"] not in LIST_SHAPING]
    path.write_text(json.dumps(schema))
    return path


def test_schemathesis_finds_no_failure_with_a_key(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    load_demo_sync(url, DemoSpec(wells=6, years=1))
    key = make_key_sync(url, "schemathesis-admin-7f3c9e2a41", Role.ADMIN)
    settings = {"ODM_AUTH": "required", "ODM_RATE_LIMIT": "0", "ODM_MAX_EXPORTS": "100"}
    with running_server(url, **settings) as server:
        schema = _schema_without_list_shaping(server.url, tmp_path / "openapi.json")
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                str(schema),
                "--url",
                server.url,
                "--checks",
                "all",
                "--header",
                f"Authorization: Bearer {key}",
                "--header",
                f"X-API-Key: {key}",
                "--max-examples",
                "50",
                "--seed",
                "20260101",
                "--include-path-regex",
                PATHS,
                "--exclude-method",
                "DELETE",
                "--no-color",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        still_valid = httpx.get(server.url + "/v1/keys", headers={"X-API-Key": key}, timeout=10)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-6000:]
    assert "Authentication failed" not in report, report[-3000:]
    assert still_valid.status_code == 200
