"""The dashboard's and the docs' files are served by ODM itself, without a key and without a
reference to any other host (the browser tests prove the same in Chromium)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from tests.isolation import isolated_settings

EXTERNAL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def anonymous(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """An app whose every data request needs a key; no key is sent."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'odm.db'}"
    return TestClient(create_app(isolated_settings(database_url=url)))


def test_the_pages_need_no_key_and_name_no_other_host(anonymous: TestClient) -> None:
    with anonymous as client:
        assert client.get("/v1/divisions").status_code == 401  # data does
        for path in ("/", "/docs"):
            page = client.get(path)
            assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
            assert EXTERNAL.search(page.text) is None, path
            for asset in re.findall(r"""(?:src|href)=["'](/[^"']+)""", page.text):
                assert client.get(asset).status_code == 200, asset
        assert "default-src 'self'" in client.get("/").headers["content-security-policy"]
        assert client.get("/redoc").status_code == 404


def test_unknown_and_escaping_asset_paths_are_json_404s(anonymous: TestClient) -> None:
    with anonymous as client:
        for path in ("/static/nope.js", "/static/../pages.py", "/docs/assets/../../odm.db"):
            answer = client.get(path)
            assert answer.status_code == 404 and answer.json() == {"detail": "Not Found"}
