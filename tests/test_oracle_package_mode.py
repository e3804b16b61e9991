"""Package mode of the seed routes, through HTTP, without an Oracle server.

The backend here is SQLite with one more method, `stream_procedure_json`, which serves a
procedure's JSON through the same piece reader the Oracle backend uses (over an in-memory
text with Oracle's UCS-2 offsets): what is checked is the route's side of package mode.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Iterator, Sequence

import pytest
from fastapi.testclient import TestClient

import odm.app
from odm.app import create_app
from odm.db.base import DatabaseUnavailable
from odm.db.oracle import read_clob_pieces
from odm.db.sqlite import SQLiteDatabase
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID
from tests.access import as_admin
from tests.backends import load_demo_sync, sqlite_url
from tests.isolation import isolated_settings
from tests.test_oracle_offline import Utf16Text

SEED = {"well_id": SEED_WELL_ID, "division_id": SEED_DIVISION_ID}
ANSWER = [{"well_id": SEED_WELL_ID, "well_name": 'O\'Brien "7" \\ Ærø 🛢', "oil_price": None}] * 3000


class PackageSQLite(SQLiteDatabase):
    """SQLite for the 404 checks, plus procedures answering ANSWER in small pieces."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.calls: list[tuple[str, tuple[int, ...]]] = []
        self.down = False

    async def stream_procedure_json(
        self, procedure: str, params: Sequence[int]
    ) -> AsyncGenerator[bytes]:
        self.calls.append((procedure, tuple(params)))
        if self.down:
            raise DatabaseUnavailable("down")
        text = json.dumps(ANSWER, ensure_ascii=False)
        async for piece in read_clob_pieces(Utf16Text(text), 4000):
            yield piece.encode()


@pytest.fixture(scope="module")
def package_db(tmp_path_factory: pytest.TempPathFactory) -> PackageSQLite:
    url = sqlite_url(tmp_path_factory.mktemp("package"))
    load_demo_sync(url)
    return PackageSQLite(url)


def _client(db: PackageSQLite, mode: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(odm.app, "open_database", lambda settings: db)
    settings = isolated_settings(database_url=db_url(db), oracle_mode=mode)
    return TestClient(as_admin(create_app(settings)))


def db_url(db: PackageSQLite) -> str:
    return f"sqlite:///{db.path}"


@pytest.fixture
def client(package_db: PackageSQLite, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    package_db.calls.clear()
    package_db.down = False
    with _client(package_db, "package", monkeypatch) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "params", "procedure"),
    [
        ("/division-list", {}, ("Get_Division_List", ())),
        ("/division-summary", {}, ("Get_Division_Summary_Data", ())),
        ("/well-summary", SEED, ("Get_Well_Summary_Data", (SEED_WELL_ID, SEED_DIVISION_ID))),
        (
            "/well-summary-by-day",
            SEED,
            ("Get_Well_Summary_By_Day", (SEED_WELL_ID, SEED_DIVISION_ID)),
        ),
    ],
)
def test_package_mode_streams_the_procedure_json(
    client: TestClient,
    package_db: PackageSQLite,
    path: str,
    params: dict[str, int],
    procedure: tuple[str, tuple[int, ...]],
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == ANSWER
    assert package_db.calls == [procedure]


def test_404_checks_come_before_the_procedure(
    client: TestClient, package_db: PackageSQLite
) -> None:
    response = client.get("/well-summary", params={"well_id": 4242, "division_id": 63})
    assert response.status_code == 404 and package_db.calls == []


def test_database_down_before_the_first_piece_is_503(
    client: TestClient, package_db: PackageSQLite
) -> None:
    package_db.down = True
    response = client.get("/division-list")
    assert response.status_code == 503 and response.headers["Retry-After"]


def test_sql_mode_never_calls_the_package(
    package_db: PackageSQLite, monkeypatch: pytest.MonkeyPatch
) -> None:
    package_db.calls.clear()
    with _client(package_db, "sql", monkeypatch) as client:
        assert client.get("/well-summary", params=SEED).json()[0]["well_id"] == SEED_WELL_ID
    assert package_db.calls == []
