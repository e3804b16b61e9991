"""The Oracle backend's side of a session, over a recording pool (no server needed): time
limits, bulk writes and the statements they send."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import oracledb
import pytest
import sqlglot
from oracledb.errors import _Error

from odm.db import open_database
from odm.db.base import DatabaseError, TableRows, migration_scripts
from odm.db.oracle import OracleDatabase
from odm.db.oracle_text import oracle_sql, owner_schema
from odm.queries import QUERIES_DIR, load_sql
from tests.fake_oracle import FakeCursor, FakePool, recording_backend
from tests.isolation import isolated_settings
from tests.test_oracle_offline import oracle_problems

DAILY = ("well_id", "production_date", "oil")


def _upsert(rows: list[tuple[object, ...]]) -> TableRows:
    return TableRows("odm_daily_production", DAILY, rows, True, ("well_id", "production_date"))


def _write(tables: list[TableRows], replace: bool = False) -> FakePool:
    # The catalogue names the DATE columns of the tables written.
    dates = [("PRODUCTION_DATE",), ("PRICE_DATE",)]
    db, pool = recording_backend({"_tab_columns": dates}, statement_timeout=7.5)
    asyncio.run(db.write_tables(tables, lambda n: None, replace=replace))
    return pool


def test_requests_are_bounded_by_the_statement_timeout() -> None:
    db, pool = recording_backend(statement_timeout=7.5)
    asyncio.run(db.execute("DELETE FROM odm_oil_price WHERE price_date < :start", {"start": 1}))
    assert {sent.call_timeout for sent in pool.log} == {7500}


def test_bulk_writes_have_no_round_trip_limit_and_the_next_request_has_it_again() -> None:
    pool = _write([_upsert([(1, dt.date(2024, 1, 1), 2.0)])], replace=True)
    assert [sent.call_timeout for sent in pool.log] == [0] * len(pool.log)
    db, _ = recording_backend(statement_timeout=7.5)
    db.pool = pool  # type: ignore[assignment]
    asyncio.run(db.execute("DELETE FROM odm_oil_price", {}))
    assert pool.log[-2].call_timeout == 7500


def test_an_upsert_is_staged_then_merged_in_one_statement() -> None:
    rows = [(7, dt.date(2024, 1, d), float(d)) for d in range(1, 4)] + [(7, "2024-01-01", 9.0)]
    pool = _write([_upsert(rows)])
    kinds = [(sent.kind, sent.sql.split()[0:3]) for sent in pool.log]
    assert kinds[1:] == [
        ("execute", ["DELETE", "FROM", "odm_stage_daily_production"]),
        ("executemany", ["INSERT", "INTO", "odm_stage_daily_production"]),
        ("execute", ["MERGE", "INTO", "odm_daily_production"]),
        ("commit", []),
    ]
    staged = pool.log[2].params
    # Each row carries its position, so the last of a repeated key wins the MERGE.
    assert [row[0] for row in staged] == [0, 1, 2, 3]
    assert staged[3] == (3, 7, dt.date(2024, 1, 1), 9.0)
    assert "PARTITION BY well_id, production_date ORDER BY stage_seq DESC" in pool.log[3].sql


def test_rows_without_a_key_are_array_inserted() -> None:
    pool = _write([TableRows("odm_oil_price", ("price_date", "price"), [("2024-01-02", 70.5)])])
    (insert,) = [sent for sent in pool.log if sent.kind == "executemany"]
    assert insert.sql.startswith("INSERT INTO odm_oil_price ")
    assert not [sent for sent in pool.log if "MERGE" in sent.sql]


def test_every_statement_of_a_bulk_write_parses_as_oracle() -> None:
    pool = _write([_upsert([(1, dt.date(2024, 1, 1), 2.0)])], replace=True)
    for sent in pool.log:
        if sent.sql:
            sqlglot.parse_one(oracle_sql(sent.sql), read="oracle")
            assert oracle_problems(oracle_sql(sent.sql)) == [], sent.sql


def _exists() -> oracledb.DatabaseError:
    return oracledb.DatabaseError(_Error("ORA-00955: name is already used by an existing object"))


def _install(pool_failures: dict[str, Exception]) -> tuple[bool, FakePool]:
    db, pool = recording_backend()
    pool.conn.failures.update(pool_failures)
    ((version, path), *_) = migration_scripts("oracle")
    return asyncio.run(db.apply_migration(version, path.read_text("utf-8"))), pool


def test_an_install_run_again_keeps_the_tables_that_exist_and_finishes() -> None:
    # A first run failed after creating some tables: the retry finds them and goes on.
    applied, pool = _install({"CREATE TABLE odm_division": _exists(), "CREATE INDEX": _exists()})
    assert applied
    sent = [s.sql for s in pool.log if s.kind == "execute"]
    assert any(sql.startswith("CREATE OR REPLACE PACKAGE BODY") for sql in sent)
    assert sent[-1].startswith("INSERT INTO odm_schema_version")


def test_other_install_errors_stop_it() -> None:
    denied = oracledb.DatabaseError(_Error("ORA-01031: insufficient privileges"))
    with pytest.raises(DatabaseError, match="ORA-01031"):
        _install({"CREATE TABLE odm_well ": denied})
    # "Exists" is no excuse for a statement that replaces: only creations are skipped.
    with pytest.raises(DatabaseError, match="ORA-00955"):
        _install({"CREATE OR REPLACE VIEW": _exists()})


def test_plsql_that_does_not_compile_fails_the_install() -> None:
    db, pool = recording_backend()

    class Warned(FakeCursor):
        async def execute(self, sql: str, params: object = None) -> None:
            await super().execute(sql, params)
            self.warning = "DPY-7000: compiled with errors" if "TRIGGER" in sql else None

    pool.conn.cursor = lambda: Warned(pool.conn)  # type: ignore[method-assign]
    ((version, path), *_) = migration_scripts("oracle")
    with pytest.raises(DatabaseError, match="odm_well_totals_create"):
        asyncio.run(db.apply_migration(version, path.read_text("utf-8")))


# --- the owner's schema --------------------------------------------------------------


@pytest.mark.parametrize(("name", "schema"), [("odm", "ODM"), ("Odm_Owner$1", "ODM_OWNER$1")])
def test_the_owner_schema_is_an_identifier_in_upper_case(name: str, schema: str) -> None:
    assert owner_schema(name) == schema
    assert owner_schema(None) is None and owner_schema("") is None


@pytest.mark.parametrize("name", ["odm; DROP USER x", '"odm"', "1odm", "odm.x", "a" * 129])
def test_anything_but_a_plain_identifier_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="schema name"):
        owner_schema(name)


def test_the_setting_reaches_the_backend() -> None:
    settings = isolated_settings(
        database_url="oracle://odm_app:pw@db:1521/FREEPDB1",
        oracle_schema="odm",
    )
    db = open_database(settings)
    assert isinstance(db, OracleDatabase) and db.schema == "ODM"


def test_every_statement_runs_in_the_owner_schema() -> None:
    db, pool = recording_backend(schema="odm")
    asyncio.run(db.schema_version())
    asyncio.run(db.fetch_all("SELECT 1 FROM odm_well WHERE well_id = :well_id", {"well_id": 1}))
    assert len(pool.log) == 2
    assert {sent.current_schema for sent in pool.log} == {"ODM"}


def test_without_the_setting_the_session_keeps_its_own_schema() -> None:
    db, pool = recording_backend()
    asyncio.run(db.fetch_all("SELECT 1 FROM dual", {}))
    assert pool.log[0].current_schema is None


def test_package_calls_name_the_owner() -> None:
    db, pool = recording_backend(schema="odm")

    async def call() -> None:
        async for _piece in db.stream_procedure_json("Get_Division_List", []):
            pass

    with pytest.raises(DatabaseError, match="returned no CLOB"):
        asyncio.run(call())
    assert pool.log[0].sql == "ODM.Get_ODM_Data_Pkg.Get_Division_List"


def test_catalogue_queries_find_the_owner_tables_from_any_account() -> None:
    # user_* views list only the connecting account's own objects (ORA-00942 or "no schema"
    # for an application account): the owner's are in all_* views, under CURRENT_SCHEMA.
    for path in QUERIES_DIR.glob("oracle/*.sql"):
        sql = path.read_text("utf-8")
        assert not re.search(r"\buser_\w+", sql, re.IGNORECASE), path.name
        if re.search(r"\ball_\w+", sql, re.IGNORECASE):
            assert "owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')" in sql, path.name
        assert oracle_problems(oracle_sql(load_sql(path.stem, "oracle"))) == [], path.name


def test_recompute_totals_is_one_serializable_merge_without_time_limit() -> None:
    db, pool = recording_backend(statement_timeout=7.5)
    asyncio.run(db.recompute_totals())
    first, merge, commit = pool.log
    assert first.sql == "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"
    assert not merge.sql.endswith(";")  # ORA-00933 (a `;` ends PL/SQL, not SQL)
    assert "MERGE INTO odm_well_totals t" in merge.sql and merge.call_timeout == 0
    assert commit.kind == "commit"
    for sent in (first, merge):
        sqlglot.parse_one(sent.sql, read="oracle")
        assert oracle_problems(sent.sql) == [], sent.sql
