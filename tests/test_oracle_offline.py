"""What can be checked of the Oracle backend without an Oracle server.

Every SQL statement the service sends to Oracle is captured (by serving every GET route
over a recording backend of dialect "oracle") and parsed with sqlglot's Oracle dialect, plus
checks for what that parser accepts but Oracle does not. The package source is checked for
the contract's signatures; the DDL is split as `odm init-db` splits it; the CLOB piece reader
runs on large texts; the settings map the seed's variable names.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
from collections.abc import AsyncGenerator, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from fastapi.testclient import TestClient
from sqlglot import exp

import odm.app
from odm.app import create_app
from odm.config import Settings, settings_variables
from odm.db import open_database
from odm.db.base import (
    Batch,
    Database,
    DatabaseUnavailable,
    Params,
    Progress,
    Session,
    TableRows,
    migration_scripts,
)
from odm.db.oracle import OracleDatabase, read_clob_pieces, ucs2_length
from odm.db.oracle_text import (
    BIND_SUFFIX,
    connect_params,
    insert_sql,
    oracle_params,
    oracle_sql,
    split_script,
    staged_merge_sql,
    staging_insert_sql,
)
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData, DemoSpec
from odm.queries import load_sql
from tests.access import as_admin
from tests.isolation import isolated_settings

ORACLE_DIR = Path(__file__).resolve().parent.parent / "database" / "oracle"


# --- every statement the service sends -------------------------------------------------


class RecordingDatabase(Database):
    """Records the SQL the API layer sends; every lookup finds the seed well and division."""

    dialect = "oracle"

    def __init__(self) -> None:
        self.statements: list[tuple[str, dict[str, Any]]] = []

    async def open(self) -> None:
        """Nothing to open."""

    async def close(self) -> None:
        """Nothing to close."""

    async def fetch(self, sql: str, params: Params) -> Batch:
        self.statements.append((sql, dict(params)))
        return Batch(("division_found", "well_division"), [(SEED_DIVISION_ID, SEED_DIVISION_ID)])

    async def stream(self, sql: str, params: Params, batch_rows: int) -> AsyncGenerator[Batch]:
        self.statements.append((sql, dict(params)))
        yield Batch((), [])

    async def schema_version(self) -> int:
        return 2

    async def apply_migration(self, version: int, script: str) -> bool:
        return False

    async def write_tables(self, tables: Any, progress: Progress, replace: bool = False) -> None:
        """Not used by the API."""

    async def execute(self, sql: str, params: Params) -> int:
        self.statements.append((sql, dict(params)))
        return 0

    async def recompute_totals(self) -> None:
        """Not used by the API."""

    def session(self) -> AbstractAsyncContextManager[Session]:
        raise NotImplementedError("writes are parsed by tests/test_ingest_sql.py")


def _value(name: str, schema: dict[str, Any]) -> Any:
    """A plausible value for a query parameter, from its name and OpenAPI schema."""
    options = schema.get("anyOf", [schema])
    types = {o.get("type") for o in options} | {o.get("format") for o in options}
    enums = [v for o in options for v in o.get("enum", [])]
    if "well_id" in name:
        return SEED_WELL_ID
    if "division" in name:
        return SEED_DIVISION_ID
    if name == "format" and "json" in enums:
        return "json"  # the change feed's event stream would never end
    if enums:
        return enums[0]
    if "date" in types or name in {"start", "end", "month"}:
        return "2024-01-01"
    return 10 if "integer" in types else None


def _requests(openapi: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each GET route without parameters, then with every query parameter it knows."""
    for path, item in openapi["paths"].items():
        if "get" not in item or "{" in path:
            continue
        yield path, {"format": "json"} if path == "/v1/changes" else {}
        params = {}
        for param in item["get"].get("parameters", []):
            if param["in"] == "query":
                params[param["name"]] = _value(param["name"], param.get("schema", {}))
        yield path, {k: v for k, v in params.items() if v is not None}


@pytest.fixture(scope="module")
def sent_statements() -> list[tuple[str, dict[str, Any]]]:
    """Every statement (as sent, binds renamed) the routes send to an Oracle backend."""
    recorder = RecordingDatabase()
    patch = pytest.MonkeyPatch()
    patch.setattr(odm.app, "open_database", lambda settings: recorder)
    try:
        app = as_admin(create_app(isolated_settings(database_url="oracle://u:p@h:1521/s")))
        with TestClient(app, raise_server_exceptions=False) as client:
            for path, params in _requests(client.get("/openapi.json").json()):
                client.get(path, params=params)
    finally:
        patch.undo()
    return [(oracle_sql(sql), oracle_params(params)) for sql, params in recorder.statements]


# `FROM t AS x`, `JOIN t AS x` or `(subquery) AS x`: Oracle takes no AS before a table alias.
_TABLE_ALIAS_AS = (
    r"\b(FROM|JOIN)\s+\w+\s+AS\s+\w+"
    r"|\)\s+AS\s+\w+\s*(\n\s*(WHERE|JOIN|LEFT|INNER|GROUP|ORDER|ON)\b|\)|$)"
)


def oracle_problems(sql: str) -> list[str]:
    """What sqlglot's Oracle parser accepts but Oracle Database rejects."""
    tree = sqlglot.parse_one(sql, read="oracle")
    problems = [
        f"SELECT without FROM: {s.sql()[:60]}"
        for s in tree.find_all(exp.Select)
        if not s.args.get("from_")
    ]
    comparisons = (exp.GT, exp.GTE, exp.LT, exp.LTE)
    problems += [
        f"row-value comparison: {c.sql()}"
        for c in tree.find_all(*comparisons)
        if isinstance(c.this, exp.Tuple) or isinstance(c.expression, exp.Tuple)
    ]
    text = re.sub(r"'[^']*'|--[^\n]*", "", sql)
    for pattern, what in [
        (r"\bLIMIT\b", "LIMIT (Oracle: FETCH FIRST n ROWS ONLY)"),
        (_TABLE_ALIAS_AS, "AS before a table alias"),
        (r"::", "PostgreSQL cast"),
        (r"\bILIKE\b", "ILIKE"),
    ]:
        if re.search(pattern, text, re.IGNORECASE):
            problems.append(what)
    return problems


def test_routes_send_statements(sent_statements: list[tuple[str, dict[str, Any]]]) -> None:
    names = " ".join(sql for sql, _ in sent_statements)
    for table in ("odm_division", "odm_well_totals", "odm_daily_production"):
        assert table in names
    assert len(sent_statements) >= 8


def test_every_sent_statement_parses_as_oracle(
    sent_statements: list[tuple[str, dict[str, Any]]],
) -> None:
    failures = {}
    for sql, _params in sent_statements:
        try:
            if problems := oracle_problems(sql):
                failures[sql] = problems
        except sqlglot.errors.ParseError as exc:
            failures[sql] = [str(exc)]
    assert failures == {}


def test_every_bind_is_passed_suffixed_and_short(
    sent_statements: list[tuple[str, dict[str, Any]]],
) -> None:
    for sql, params in sent_statements:
        code = re.sub(r"'[^']*'|--[^\n]*", "", sql)
        binds = set(re.findall(r"(?<![:\w]):([A-Za-z_]\w*)", code))
        assert binds <= set(params), sql
        # No reserved word ends with the suffix (ORA-01745); bind names hold 30 bytes.
        assert all(b.endswith(BIND_SUFFIX) and len(b) <= 30 for b in binds), sql


def test_every_bind_name_is_suffixed_and_text_is_never_guessed_to_be_a_date() -> None:
    sql = oracle_sql("SELECT 1 FROM t WHERE d >= :start AND d <= :end AND x = :rows")
    assert sql == "SELECT 1 FROM t WHERE d >= :start_ AND d <= :end_ AND x = :rows_"
    day = dt.date(2024, 2, 29)
    params = oracle_params({"start": day, "comment": "x", "key": "2021-13-45", "n": 1})
    assert params == {"start_": day, "comment_": "x", "key_": "2021-13-45", "n_": 1}


@pytest.mark.parametrize("word", ["rows", "comment", "file", "session", "option", "access"])
def test_reserved_words_bind_under_another_name(word: str) -> None:
    assert oracle_sql(f"SELECT 1 FROM t WHERE x = :{word}") == f"SELECT 1 FROM t WHERE x = :{word}_"
    assert list(oracle_params({word: 1})) == [f"{word}_"]


def test_colons_in_literals_comments_and_assignments_are_not_binds() -> None:
    sql = "SELECT 'a :b', \"c:d\" FROM t -- :e\nWHERE x = :x /* :y */ AND z := 1"
    assert oracle_sql(sql) == sql.replace("= :x ", "= :x_ ")


@pytest.mark.parametrize(
    "sql",
    [
        load_sql("schema_version_exists", "oracle"),
        load_sql("date_columns", "oracle"),
        "SELECT COALESCE(MAX(version), 0) FROM odm_schema_version",
        "INSERT INTO odm_schema_version (version) VALUES (:version)",
        staged_merge_sql(
            TableRows(
                "odm_daily_production",
                ("well_id", "production_date", "oil"),
                [],
                False,
                ("well_id", "production_date"),
            )
        ),
        staged_merge_sql(
            TableRows("odm_monthly_price", ("product", "month"), [], False, ("product", "month"))
        ),
        staging_insert_sql(
            TableRows("odm_monthly_price", ("product", "month", "price"), [], False, ("month",))
        ),
        insert_sql(TableRows("odm_division", ("division_id", "division_name"), [])),
    ],
)
def test_backend_statements_parse_as_oracle(sql: str) -> None:
    assert oracle_problems(oracle_sql(sql)) == []


# --- the package and the DDL -------------------------------------------------------------

SIGNATURES = [
    "PROCEDURE Get_Division_List(p_json OUT CLOB);",
    "PROCEDURE Get_Division_Summary_Data(p_json OUT CLOB);",
    "PROCEDURE Get_Well_Summary_Data(p_well_id IN NUMBER, p_division_id IN NUMBER, "
    "p_json OUT CLOB);",
    "PROCEDURE Get_Well_Summary_By_Day(p_well_id IN NUMBER, p_division_id IN NUMBER, "
    "p_json OUT CLOB);",
]


def _package_units() -> tuple[str, str]:
    statements = split_script((ORACLE_DIR / "get_odm_data_pkg.sql").read_text(), ORACLE_DIR)
    spec, body = statements
    return spec, body


def test_package_spec_declares_the_contract_signatures() -> None:
    spec, body = _package_units()
    assert spec.startswith("CREATE OR REPLACE PACKAGE Get_ODM_Data_Pkg ")
    declared = [" ".join(line.split()) for line in spec.splitlines() if "PROCEDURE" in line]
    assert declared == SIGNATURES
    assert body.startswith("CREATE OR REPLACE PACKAGE BODY Get_ODM_Data_Pkg AS")
    for signature in SIGNATURES:
        assert signature.removesuffix(";") + " IS" in " ".join(body.split())


def test_package_builds_json_with_sql_json_functions() -> None:
    _spec, body = _package_units()
    code = re.sub(r"--[^\n]*", "", body)
    assert "||" not in code, "no JSON by string concatenation"
    aggregates = re.findall(r"JSON_ARRAYAGG\((.*?)RETURNING CLOB\)", code, re.DOTALL)
    assert len(aggregates) == 4
    for aggregate in aggregates:
        assert "ORDER BY" in aggregate and "ABSENT ON NULL" in aggregate
        assert "NULL ON NULL" in aggregate  # each JSON_OBJECT keeps null fields
    assert code.count("RETURNING CLOB ASCII") == 4
    assert code.count("empty_if_null(p_json);") == 4 and "TO_CLOB('[]')" in code
    assert "TO_CHAR(v.date_value, 'YYYY-MM-DD')" in code


def test_package_field_names_are_the_contract_names() -> None:
    from tests.test_seed_contract import (
        DIVISION_SUMMARY_FIELDS,
        WELL_DAY_FIELDS,
        WELL_SUMMARY_FIELDS,
    )

    _spec, body = _package_units()
    procedures = body.split("PROCEDURE Get_")[1:]
    expected = [
        ["Division_Id", "Division_Name"],
        DIVISION_SUMMARY_FIELDS,
        WELL_SUMMARY_FIELDS,
        WELL_DAY_FIELDS,
    ]
    for source, fields in zip(procedures, expected, strict=True):
        assert re.findall(r"'(\w+)' VALUE", source) == fields


def _kinds(statements: list[str]) -> list[str]:
    """Each statement's kind: its words up to the object name."""
    words = (re.sub(r"\s+", " ", s).split(" ") for s in statements)
    return [" ".join(w[: 4 if w[1] == "OR" else 2]).upper() for w in words]


def test_init_db_scripts_split_into_statements() -> None:
    scripts = {version: path for version, path in migration_scripts("oracle")}
    assert list(scripts) == [v for v, _ in migration_scripts("sqlite")]
    core = split_script(scripts[1].read_text(), ORACLE_DIR)
    kinds = _kinds(core)
    assert kinds.count("CREATE TABLE") == 7
    assert kinds.count("CREATE GLOBAL") == 1  # the staging table of daily rows
    assert kinds.count("CREATE OR REPLACE TRIGGER") == 3
    assert kinds.count("CREATE OR REPLACE VIEW") == 3
    assert kinds[-3:] == [
        "CREATE OR REPLACE PACKAGE",
        "CREATE OR REPLACE PACKAGE",
        "DECLARE L_READER",
    ]
    for statement, kind in zip(core, kinds, strict=True):
        plsql = "TRIGGER" in kind or "PACKAGE" in kind or kind.startswith("DECLARE")
        assert statement.endswith(";") == plsql, statement[:60]
        assert not statement.endswith("/") and "\n/\n" not in statement
    monthly = _kinds(split_script(scripts[2].read_text(), ORACLE_DIR))
    assert monthly[:4] == ["CREATE TABLE", "CREATE INDEX", "CREATE INDEX", "CREATE TABLE"]
    assert monthly[4:] == ["CREATE GLOBAL", "CREATE GLOBAL", "DECLARE L_READER"]
    access = _kinds(split_script(scripts[3].read_text(), ORACLE_DIR))
    assert access == ["CREATE TABLE", "CREATE TABLE", "DECLARE L_READER"]


def test_views_are_named_as_the_design_and_never_materialized() -> None:
    views = (ORACLE_DIR / "odm_views.sql").read_text()
    for name in (
        "Get_Well_Summary_By_Day_VW",
        "Get_Well_Summary_Data_MV",
        "Get_Division_Summary_Data_MV",
    ):
        assert f"CREATE OR REPLACE VIEW {name} AS" in views
    assert "MATERIALIZED" not in views.upper()
    for statement in split_script(views, ORACLE_DIR):
        query = statement.split(" AS\n", 1)[1]
        assert oracle_problems(query) == []


def test_uninstall_is_one_block_dropping_every_table() -> None:
    (block,) = split_script((ORACLE_DIR / "uninstall.sql").read_text(), ORACLE_DIR)
    assert block.startswith("BEGIN") and block.endswith("END;")
    for script in ORACLE_DIR.glob("[0-9][0-9][0-9]_*.sql"):
        for table in re.findall(r"CREATE (?:GLOBAL TEMPORARY )?TABLE (\w+)", script.read_text()):
            assert f"'{table.upper()}'" in block


def test_unterminated_statement_is_refused() -> None:
    with pytest.raises(ValueError, match="unterminated"):
        split_script("CREATE TABLE t (x NUMBER)\n", ORACLE_DIR)


# --- CLOB pieces -------------------------------------------------------------------------


class Utf16Text:
    """A text read as Oracle reads a CLOB: offsets and amounts in UCS-2 code units from 1.

    A read that ends inside a surrogate pair returns its first half, as a driver decoding
    leniently would; the reader must then never emit it alone.
    """

    def __init__(self, text: str) -> None:
        self.units = text.encode("utf-16-be")
        self.reads: list[tuple[int, int]] = []

    async def size(self) -> int:
        return len(self.units) // 2

    async def read(self, offset: int = 1, amount: int | None = None) -> str:
        amount = amount if amount is not None else len(self.units) // 2
        self.reads.append((offset, amount))
        data = self.units[(offset - 1) * 2 : (offset - 1 + amount) * 2]
        return data.decode("utf-16-be", "surrogatepass")


def _pieces(source: Utf16Text, piece_chars: int) -> list[str]:
    async def collect() -> list[str]:
        return [piece async for piece in read_clob_pieces(source, piece_chars)]

    return asyncio.run(collect())


def _large_text() -> str:
    well = '{"well_name":"O\'Brien \\"7\\" Ærø 🛢 油井 𝔘","oil_produced":12.5,"oil_price":null}'
    return "[" + ",".join([well] * 5000) + "]"


@pytest.mark.parametrize("piece_chars", [2, 3, 7, 1000, 4000, 32_000, 10**7])
def test_pieces_reassemble_exactly(piece_chars: int) -> None:
    text = _large_text()
    source = Utf16Text(text)
    pieces = _pieces(source, piece_chars)
    # The backend sends each piece as UTF-8: a lone surrogate would fail this strict encode.
    assert b"".join(piece.encode() for piece in pieces) == text.encode()
    assert all(ucs2_length(piece) <= piece_chars for piece in pieces)
    assert all(amount <= piece_chars for _offset, amount in source.reads)


def test_a_pair_across_a_piece_boundary_moves_whole_to_the_next_piece() -> None:
    text = "a" * 3999 + "🛢" + "b" * 4000
    pieces = _pieces(Utf16Text(text), 4000)
    assert [len(p) for p in pieces] == [3999, 3999, 2]
    assert pieces[1].startswith("🛢") and "".join(pieces) == text


def test_every_boundary_position_around_astral_characters() -> None:
    text = "é🛢𝔘x" * 50
    for piece_chars in range(2, 12):
        assert "".join(_pieces(Utf16Text(text), piece_chars)) == text


def test_empty_clob_gives_no_piece_and_ucs2_counts_pairs_twice() -> None:
    assert _pieces(Utf16Text(""), 4000) == []
    assert ucs2_length("a€🛢") == 4


# --- settings --------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No variable Settings reads is set; each test sets its own."""
    for name in list(os.environ):
        if name.upper() in settings_variables():
            monkeypatch.delenv(name)
    return monkeypatch


def _settings() -> Settings:
    """Settings from the environment these tests set (and never from a `.env`)."""
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_seed_oracle_variables_build_the_url(clean_env: pytest.MonkeyPatch) -> None:
    for name, value in [
        ("ORACLE_USER", "odm"),
        ("ORACLE_PASSWORD", "p@ss:/w"),
        ("ORACLE_HOST", "db.example"),
        ("ORACLE_SERVICE_NAME", "FREEPDB1"),
    ]:
        clean_env.setenv(name, value)
    url = _settings().resolved_database_url()
    assert url == "oracle://odm:p%40ss%3A%2Fw@db.example:1521/FREEPDB1"
    assert connect_params(url) == ("odm", "p@ss:/w", "db.example:1521/FREEPDB1")


def test_original_db_variables_with_host_port(clean_env: pytest.MonkeyPatch) -> None:
    for name, value in [
        ("DB_USER", "legacy"),
        ("DB_PASSWORD", "pw"),
        ("DB_HOST", "old.example:1600"),
        ("DB_SERVICE", "ORCL"),
    ]:
        clean_env.setenv(name, value)
    assert connect_params(_settings().resolved_database_url()) == (
        "legacy",
        "pw",
        "old.example:1600/ORCL",
    )


def test_oracle_variables_win_over_db_variables(clean_env: pytest.MonkeyPatch) -> None:
    for name, value in [
        ("DB_USER", "legacy"),
        ("DB_HOST", "old.example:1600"),
        ("DB_SERVICE", "ORCL"),
        ("ORACLE_USER", "odm"),
        ("ORACLE_HOST", "new.example"),
        ("ORACLE_PORT", "1522"),
        ("ORACLE_SERVICE_NAME", "FREEPDB1"),
        ("ORACLE_PASSWORD", "x"),
    ]:
        clean_env.setenv(name, value)
    assert connect_params(_settings().resolved_database_url()) == (
        "odm",
        "x",
        "new.example:1522/FREEPDB1",
    )
    clean_env.delenv("ORACLE_HOST")
    clean_env.delenv("ORACLE_PORT")
    # DB_HOST's port applies when ORACLE_PORT is unset.
    assert _settings().resolved_database_url().endswith("@old.example:1600/FREEPDB1")


@pytest.mark.parametrize(
    ("url", "dsn"),
    [
        ("oracle://u:p@[::1]:1521/FREEPDB1", "[::1]:1521/FREEPDB1"),
        ("oracle://u:p@[2001:db8::7]/ORCL", "[2001:db8::7]:1521/ORCL"),
        ("oracle://u:p@10.0.0.7:1600/ORCL", "10.0.0.7:1600/ORCL"),
    ],
)
def test_ipv6_hosts_keep_their_brackets_in_the_dsn(url: str, dsn: str) -> None:
    assert connect_params(url) == ("u", "p", dsn)


@pytest.mark.parametrize(
    ("name", "host", "dsn"),
    [
        ("ORACLE_HOST", "::1", "[::1]:1521/FREEPDB1"),
        ("ORACLE_HOST", "[fe80::1]", "[fe80::1]:1521/FREEPDB1"),
        ("DB_HOST", "[2001:db8::7]:1600", "[2001:db8::7]:1600/FREEPDB1"),
        ("DB_HOST", "2001:db8::7", "[2001:db8::7]:1521/FREEPDB1"),
    ],
)
def test_ipv6_hosts_in_the_settings(
    clean_env: pytest.MonkeyPatch, name: str, host: str, dsn: str
) -> None:
    clean_env.setenv(name, host)
    clean_env.setenv("ORACLE_SERVICE_NAME", "FREEPDB1")
    assert connect_params(_settings().resolved_database_url())[2] == dsn


def test_open_database_builds_the_oracle_backend_from_settings() -> None:
    settings = isolated_settings(
        database_url="oracle://odm:pw@db:1521/FREEPDB1",
        statement_timeout=7.5,
        pool_size=3,
        oracle_clob_piece_chars=8000,
    )
    db = open_database(settings)
    assert isinstance(db, OracleDatabase) and db.dialect == "oracle"
    assert (db.dsn, db.call_timeout_ms, db.pool_size, db.clob_piece_chars) == (
        "db:1521/FREEPDB1",
        7500,
        3,
        8000,
    )


def test_database_down_is_503_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real driver against a closed port: nothing listens, the pool cannot connect.
    settings = isolated_settings(
        database_url="oracle://odm:pw@127.0.0.1:9/FREEPDB1", pool_timeout=1.0
    )
    with TestClient(as_admin(create_app(settings))) as client:
        for path in ("/division-list", "/well-summary-by-day?well_id=1&division_id=1"):
            response = client.get(path)
            assert response.status_code == 503 and response.headers["Retry-After"]


# Generous bounds on behaviour that must not hang (a pool timeout of 0.5 s, a close bound of
# 0.5 s): exceeding one fails the test with TimeoutError; no duration is compared.
NO_HANG = 30.0


def test_a_server_that_never_answers_is_unavailable_and_nothing_hangs() -> None:
    async def run() -> Exception | None:
        silent: list[asyncio.StreamWriter] = []  # accepted, never answered
        server = await asyncio.start_server(lambda _r, w: silent.append(w), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        db = OracleDatabase(f"oracle://odm:pw@127.0.0.1:{port}/FREEPDB1", pool_timeout=0.5)
        db.close_timeout = 0.5
        await db.open()
        error = None
        try:
            await asyncio.wait_for(db.fetch_all("SELECT 1 FROM dual", {}), NO_HANG)
        except DatabaseUnavailable as exc:
            error = exc
        await asyncio.wait_for(db.close(), NO_HANG)
        for writer in silent:
            writer.close()
        server.close()
        await server.wait_closed()
        return error

    error = asyncio.run(run())
    # DPY-4005: no connection within the pool's wait timeout (not the test's bound).
    assert isinstance(error, DatabaseUnavailable) and "DPY-4005" in str(error)


def test_demo_rows_fit_the_oracle_columns() -> None:
    data = DemoData(DemoSpec(wells=4, years=1, seed=3))
    names = [w.name for w in data.wells] + [d[1] or "" for d in data.division_rows()]
    assert max(len(name) for name in names) <= 200  # VARCHAR2(200 CHAR)
    assert all(0 < w.well_id < 10**19 for w in data.wells)  # NUMBER(19)
