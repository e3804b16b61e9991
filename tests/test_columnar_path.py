"""The columnar path (Arrow batches from the driver, compiled writers) answers byte for byte
what the row path answers, in every format, unit system and field selection."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import math
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import adbc_driver_postgresql
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from odm.api.column_streams import WRITERS as COLUMN_WRITERS
from odm.app import create_app
from odm.db.arrow import record_batches
from odm.db.base import Batch, DatabaseUnavailable
from odm.db.postgres import PostgresDatabase
from odm.demo import DemoData
from odm.streaming import WRITERS, Format
from tests.access import authorized
from tests.backends import app_settings, postgres_database

ROW_BATCH = 400
# Not a multiple of the row batch, so the two paths split the rows differently.
COLUMN_BATCH = 1500
SINCE = "2026-02-01"  # about 3,500 rows of the test data: three columnar batches
FIELDS = [None, "production_date,oil,gas", "gas,well_id,sales_value"]
DAILY = "/v1/production/daily"
DIVISION = 21


@pytest.fixture(scope="module")
def paths(demo_database: tuple[str, DemoData]) -> Iterator[dict[str, TestClient]]:
    """Clients of two apps over the same database: rows only, and the columnar path."""
    url, _ = demo_database
    headers = authorized(url, "columnar")
    apps = {
        "rows": create_app(app_settings(url, rate_limit=0, columnar=False, batch_rows=ROW_BATCH)),
        "columns": create_app(
            app_settings(url, rate_limit=0, batch_rows=ROW_BATCH, column_batch_rows=COLUMN_BATCH)
        ),
    }
    with (
        TestClient(apps["rows"], headers=headers) as rows,
        TestClient(apps["columns"], headers=headers) as columns,
    ):
        yield {"rows": rows, "columns": columns}


def both(paths: dict[str, TestClient], url: str, params: dict[str, Any]) -> tuple[Any, Any]:
    """The answers of the row path and of the columnar path to one request."""
    rows, columns = (paths[name].get(url, params=params) for name in ("rows", "columns"))
    assert rows.status_code == columns.status_code == 200, columns.text
    assert rows.headers["content-type"] == columns.headers["content-type"]
    assert rows.headers.get("x-units") == columns.headers.get("x-units")
    return rows, columns


def arrow_batches(body: bytes) -> list[pa.RecordBatch]:
    """The record batches of an Arrow IPC stream, as sent."""
    return list(pa.ipc.open_stream(body))


@pytest.mark.parametrize("fields", FIELDS)
@pytest.mark.parametrize("units", ["field", "metric"])
@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_text_formats_are_byte_identical(
    paths: dict[str, TestClient], fmt: str, units: str, fields: str | None
) -> None:
    params = {"format": fmt, "units": units, "start": SINCE}
    rows, columns = both(paths, DAILY, params | ({"fields": fields} if fields else {}))
    assert len(rows.content) > 50_000
    assert columns.content == rows.content


@pytest.mark.parametrize("fields", FIELDS)
@pytest.mark.parametrize("units", ["field", "metric"])
def test_arrow_and_parquet_hold_the_same_table(
    paths: dict[str, TestClient], units: str, fields: str | None, backend: str
) -> None:
    params = {"units": units, "sort": "-production_date", "start": SINCE}
    params |= {"fields": fields} if fields else {}
    rows, columns = both(paths, DAILY, params | {"format": "arrow"})
    by_rows, by_columns = arrow_batches(rows.content), arrow_batches(columns.content)
    # The batches show which path answered: the columnar one sends the driver's batches
    # (PostgreSQL's driver cuts them by size, about COLUMN_BATCH rows). SQLite has no
    # columnar fetch (odm.db.sqlite): both answers are the row path's.
    assert by_rows[0].num_rows == ROW_BATCH
    if backend == "sqlite":
        assert by_columns[0].num_rows == ROW_BATCH
    else:
        assert by_columns[0].num_rows > 2 * ROW_BATCH
    whole = pa.Table.from_batches(by_rows)
    assert pa.Table.from_batches(by_columns).equals(whole, check_metadata=True)
    rows, columns = both(paths, DAILY, params | {"format": "parquet"})
    assert pq.read_table(io.BytesIO(columns.content)).equals(whole)
    assert pq.read_table(io.BytesIO(rows.content)).equals(whole)


@pytest.mark.parametrize("fmt", ["json", "csv", "arrow"])
def test_filters_and_a_cursor_without_limit_agree(paths: dict[str, TestClient], fmt: str) -> None:
    params: dict[str, Any] = {"format": fmt, "division_id": DIVISION, "limit": 50}
    params |= {"start": "2025-03-01", "end": "2025-11-30", "sort": "-production_date"}
    link = paths["rows"].get(DAILY, params=params).headers["link"]
    cursor = link[link.index("cursor=") + 7 : link.index(">")].split("&")[0]
    rest = params | {"cursor": cursor, "limit": None}
    rows, columns = both(paths, DAILY, {k: v for k, v in rest.items() if v is not None})
    if fmt == "arrow":
        rows_table = pa.Table.from_batches(arrow_batches(rows.content))
        assert pa.Table.from_batches(arrow_batches(columns.content)).equals(rows_table)
        assert rows_table.num_rows > 500
    else:
        assert columns.content == rows.content


def test_monthly_production_in_arrow_and_parquet(paths: dict[str, TestClient]) -> None:
    for fmt in ("arrow", "parquet", "json"):
        rows, columns = both(paths, "/v1/production/monthly", {"format": fmt, "units": "metric"})
        if fmt == "json":
            assert columns.content == rows.content
        elif fmt == "arrow":
            by_rows = pa.Table.from_batches(arrow_batches(rows.content))
            assert pa.Table.from_batches(arrow_batches(columns.content)).equals(by_rows)


def test_a_first_batch_of_nulls_takes_the_row_path(demo_database: tuple[str, DemoData]) -> None:
    """SQLite's driver types a column from its first batch's values: one of nulls only is
    typed as integers, so the list goes by rows, with the same answer."""
    url, _ = demo_database
    settings = app_settings(url, rate_limit=0, batch_rows=ROW_BATCH, column_batch_rows=1)
    with TestClient(create_app(settings), headers=authorized(url, "nulls")) as client:
        # Pages (`limit`) take the row path, whatever the batch size.
        listed = {"fields": "well_id,production_date,gas", "limit": 10_000}
        days = client.get(DAILY, params=listed).json()
        first_null = next(i for i, day in enumerate(days) if day["gas"] is None)
        start = days[first_null]
        params = {"well_id": start["well_id"], "start": start["production_date"]}
        answer = client.get(DAILY, params=params | {"format": "arrow"})
        sizes = {batch.num_rows for batch in arrow_batches(answer.content)}
        expected = client.get(DAILY, params=params | {"limit": 10_000}).json()
        assert pa.Table.from_batches(arrow_batches(answer.content)).num_rows == len(expected)
        assert client.get(DAILY, params=params | {"format": "json"}).json() == expected
    if url.startswith("sqlite"):
        assert max(sizes) > 1  # the row path's batches, not the driver's batches of one row


def _awkward_rows() -> list[tuple[Any, ...]]:
    """Rows whose doubles cover every way of writing one: exponents from 1e-300 to 1e300,
    signed zeros, integers, NaN, infinities, nulls; and negative integers and dates."""
    rng = random.Random(14)
    floats = [0.0, -0.0, 1.0, -2.5, 1e-4, 9.99e-5, 1e-5, 1e16, 9999999999999998.0, 1e22]
    floats += [math.nan, math.inf, -math.inf, 5e-324, 1.7976931348623157e308, None]
    floats += [rng.uniform(-1, 1) * 10 ** rng.randint(-300, 300) for _ in range(3000)]
    floats += [round(rng.uniform(0, 5000), rng.randint(0, 6)) for _ in range(3000)]
    day = dt.date(2024, 2, 29)
    return [
        (rng.randint(-(2**63), 2**63 - 1), day + dt.timedelta(days=i), value, -i)
        for i, value in enumerate(floats)
    ]


async def _written(writer: Any, batches: list[Any]) -> bytes:
    async def source() -> AsyncIterator[Any]:
        for batch in batches:
            yield batch

    return b"".join([chunk async for chunk in writer(source())])


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_compiled_writers_write_every_double_as_the_row_writers(fmt: str) -> None:
    rows = _awkward_rows()
    columns = ("well_id", "production_date", "oil", "days")
    pieces = [rows[i : i + 1000] for i in range(0, len(rows), 1000)]
    by_rows = asyncio.run(_written(WRITERS[Format(fmt)], [Batch(columns, p) for p in pieces]))
    types = (pa.int64(), pa.date32(), pa.float64(), pa.int64())
    schema = pa.schema(list(zip(columns, types, strict=True)))
    tables = [
        pa.RecordBatch.from_pylist([dict(zip(columns, r, strict=True)) for r in p], schema)
        for p in pieces
    ]
    assert asyncio.run(_written(COLUMN_WRITERS[Format(fmt)], tables)) == by_rows


def test_a_database_that_refuses_the_columnar_connection_is_unavailable() -> None:
    # The columnar path opens a connection of its own per export: when the database refuses
    # it (down, restarting, out of connections) the answer is the 503 of DatabaseUnavailable,
    # as on the row path. A soak run through a PostgreSQL restart got a 500 here once: the
    # driver's database handle was made, its connection refused, and the cleanup failed.
    role = f"odm_refused_{uuid.uuid4().hex[:8]}"
    with postgres_database() as url, psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN".encode())
        try:
            as_role = url.replace("postgres@", f"{role}@", 1)

            def opener() -> Any:
                handle = adbc_driver_postgresql.connect(as_role)
                admin.execute(f"ALTER ROLE {role} NOLOGIN".encode())  # refused from now on
                return handle

            async def first_batch() -> None:
                batches = record_batches(opener, (), "SELECT 1", {})
                try:
                    with pytest.raises(DatabaseUnavailable, match=role):
                        await anext(batches)
                finally:
                    await batches.aclose()

            asyncio.run(first_batch())
        finally:
            admin.execute(f"DROP ROLE {role}".encode())


def test_the_columnar_fetch_types_its_columns_without_reading_the_catalog() -> None:
    # ADBC's driver by default reads the server's whole type catalog each time an export
    # opens its database handle (about 40 ms of a core per export). ODM's queries return
    # built-in types only, which the driver knows without asking: with the catalog closed
    # to the role, an export of every kind of column still arrives.
    role = f"odm_no_catalog_{uuid.uuid4().hex[:8]}"
    with postgres_database() as url, psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN".encode())
        admin.execute(b"REVOKE SELECT ON pg_catalog.pg_type FROM PUBLIC")
        db = PostgresDatabase(url.replace("postgres@", f"{role}@", 1), 4, 5.0, 10.0)
        sql = (
            "SELECT CAST(:well AS BIGINT) AS well_id, DATE '2026-03-01' AS production_date,"
            " 1.5::float8 AS oil, 24::integer AS days, 'Brent'::text AS name, true AS flag"
        )

        async def fetched() -> Any:
            source = db.stream_columns(sql, {"well": 7}, 100)
            assert source is not None
            try:
                return await anext(source)
            finally:
                await source.aclose()
                await db.close()

        try:
            with (
                psycopg.connect(url.replace("postgres@", f"{role}@", 1)) as as_role,
                pytest.raises(psycopg.errors.InsufficientPrivilege),
            ):
                as_role.execute(b"SELECT count(*) FROM pg_type")
            batch = asyncio.run(fetched())
        finally:
            admin.execute(f"DROP ROLE {role}".encode())
    assert batch.to_pylist() == [
        {
            "well_id": 7,
            "production_date": dt.date(2026, 3, 1),
            "oil": 1.5,
            "days": 24,
            "name": "Brent",
            "flag": True,
        }
    ]
