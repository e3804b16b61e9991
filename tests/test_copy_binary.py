"""PostgreSQL's binary COPY written from Arrow columns (odm.db.copy_binary): a real server
stores exactly what the CSV path stores for awkward columns, and large writes of daily
production are staged this way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import psycopg
import pyarrow as pa
import pytest

from odm.db.arrow import table_csv
from odm.db.copy_binary import binary_types, copy_binary
from odm.ingest.targets import DAILY_PRODUCTION
from odm.queries import ingest, load_sql
from tests.backends import load_demo_sync, postgres_database

COLUMNS = ("seq", "fieldset", "well", "day", "oil", "gas")
TYPES = ("bigint", "integer", "bigint", "date", "double precision", "double precision")
DAYS = [dt.date(1, 1, 1), dt.date(1999, 12, 31), dt.date(2000, 1, 1), dt.date(9999, 12, 31)]
FLOATS = [-0.0, 5e-324, 1.7976931348623157e308, -1 / 3, 0.1 + 0.2, 12.5]


def awkward() -> pa.Table:
    """Nulls in every kind of column, a column of nulls only, a slice (an offset into its
    buffers) and a column of two chunks; extreme days and doubles."""
    rows = 12
    wells = pa.array([2**63 - 1, -(2**63), 0, None, 7, 8, 9, 10, 11, 12, 13, 14], pa.int64())
    days = pa.array([*DAYS, None, *DAYS, dt.date(2024, 2, 29), None, DAYS[2]], pa.date32())
    oil = pa.chunked_array(
        [pa.array([*FLOATS[:4], None], pa.float64()), pa.array([*FLOATS, None], pa.float64())]
    )
    sliced = pa.array(range(-5, rows), pa.int64()).slice(5)
    fieldsets = pa.array([0, 511, None, 2**31 - 1, -(2**31), *range(7)], pa.int64())
    gas = pa.nulls(rows, pa.float64())
    return pa.table([sliced, fieldsets, wells, days, oil, gas], names=list(COLUMNS))


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with postgres_database() as made:
        load_demo_sync(made)  # the schema, for the last test's staging table
        yield made


def stored(url: str, form: str, body: bytes) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        conn.execute(
            b"CREATE TEMPORARY TABLE staged (seq bigint, fieldset integer, well bigint, "
            b"day date, oil double precision, gas double precision)"
        )
        copy_sql = f"COPY staged ({', '.join(COLUMNS)}) FROM STDIN (FORMAT {form})"
        with conn.cursor() as cursor, cursor.copy(copy_sql.encode()) as copy:
            copy.write(body)
        # Doubles as their exact text: -0 and the last bit count.
        sql = b"SELECT seq, fieldset, well, day, oil::text, gas FROM staged ORDER BY seq"
        return conn.execute(sql).fetchall()


def test_binary_copy_stores_what_csv_stores(url: str) -> None:
    table = awkward()
    types = binary_types(TYPES, table)
    assert types == TYPES
    binary = stored(url, "binary", copy_binary(table, types))
    assert binary == stored(url, "csv", table_csv(table))
    assert [row[0] for row in binary] == list(range(12))
    assert [row[3] for row in binary] == [*DAYS, None, *DAYS, dt.date(2024, 2, 29), None, DAYS[2]]
    exact = ["-0", "5e-324", "1.7976931348623157e+308", "-0.3333333333333333", None, "-0"]
    assert [row[4] for row in binary[:6]] == exact
    assert [row[1] for row in binary[:5]] == [0, 511, None, 2**31 - 1, -(2**31)]
    assert {row[5] for row in binary} == {None}


def test_only_fixed_width_columns_of_their_own_type_go_binary() -> None:
    table = awkward()
    assert binary_types(("bigint", "integer", "bigint", "date", "text"), table) is None
    assert (
        binary_types(("bigint", "integer", "bigint", "bigint", "double precision"), table) is None
    )
    assert binary_types(TYPES[:4], table) is None
    texts = pa.table([pa.array(["a"])], names=["name"])
    assert binary_types(("text",), texts) is None
    # A 4-byte integer column given a value it cannot hold: CSV, which the server refuses.
    wide = table.set_column(1, "fieldset", pa.array([2**31, *range(11)], pa.int64()))
    assert binary_types(TYPES, wide) is None
    assert binary_types(("bigint", "bigint", *TYPES[2:]), wide) is not None


def test_daily_production_is_staged_in_binary(url: str) -> None:
    # The staging table of daily production, as a write makes it, has only types written
    # in binary, from the Arrow types the fast path reads (odm.ingest.columns).
    from odm.db.postgres import to_pyformat
    from odm.ingest.columns import ARROW_TYPES

    table = ingest.staging_table(DAILY_PRODUCTION)
    columns = ingest.staged_columns(DAILY_PRODUCTION)
    with psycopg.connect(url) as conn:
        conn.execute(ingest.create_staging("postgresql", DAILY_PRODUCTION).encode())
        sql = to_pyformat(load_sql("staging_column_types", "postgresql"))
        found = dict(conn.execute(sql, {"table_name": table}).fetchall())
    arrow = [pa.int64(), pa.int64()]
    arrow += [ARROW_TYPES[DAILY_PRODUCTION.types[c]] for c in columns[2:]]
    empty = pa.schema(list(zip(columns, arrow, strict=True))).empty_table()
    assert binary_types([found[c] for c in columns], empty) is not None
