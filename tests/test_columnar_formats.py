"""Arrow IPC stream and Parquet answers: the same rows, types, units, fields, pages and
access control as JSON, readable by pyarrow and pandas."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import subprocess
import sys
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.auth.identity import Role
from odm.columnar import arrow_schema, parquet_file, record_batch
from odm.db.base import Batch
from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData
from tests.access import make_key_sync
from tests.backends import app_settings

COLUMNAR = ["arrow", "parquet"]
LISTS = [
    "/v1/production/daily?start=2025-06-01",
    "/v1/production/daily?units=metric&fields=production_date,oil,gas&sort=-production_date",
    "/v1/production/monthly",
    "/v1/divisions",
    "/v1/wells?units=metric",
    "/v1/production/rollup?level=well",
    "/v1/production/rollup?level=company&grain=year&units=metric",
    "/v1/production/cumulative?level=division&as_of=2026-06-30",
    "/v1/production/monthly/rollup",
    "/v1/budget-vs-actual?grain=month&level=division",
    "/v1/prices/daily?units=metric",
    "/v1/prices/monthly",
    "/v1/decline?model=hyperbolic",
    f"/v1/wells/{SEED_WELL_ID}/forecast?units=metric",
    "/v1/type-curves?division_id=21&normalize=none",
]


def read_table(body: bytes, fmt: str) -> pa.Table:
    """A body as an Arrow table, read as a client would read the file."""
    if fmt == "arrow":
        return pa.ipc.open_stream(body).read_all()
    return pq.read_table(io.BytesIO(body))


def jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Arrow's Python values as JSON gives them (dates as ISO text)."""
    return [
        {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()} for row in rows
    ]


@pytest.mark.parametrize("fmt", COLUMNAR)
@pytest.mark.parametrize("url", LISTS)
def test_rows_and_fields_equal_json(client: TestClient, url: str, fmt: str) -> None:
    expected = client.get(url)
    response = client.get(f"{url}{'&' if '?' in url else '?'}format={fmt}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(f"application/vnd.apache.{fmt}")
    assert response.headers.get("x-units") == expected.headers.get("x-units")
    table = read_table(response.content, fmt)
    assert table.column_names == list((expected.json() or [{}])[0]) or not expected.json()
    assert jsonable(table.to_pylist()) == expected.json()


@pytest.mark.parametrize("fmt", COLUMNAR)
def test_columns_have_the_models_types(client: TestClient, fmt: str) -> None:
    url = "/v1/production/daily"
    params = {"format": fmt, "well_id": SEED_WELL_ID, "limit": 5}
    schema = read_table(client.get(url, params=params).content, fmt).schema
    assert schema.field("well_id").type == pa.int64()
    assert schema.field("production_date").type == pa.date32()
    assert schema.field("oil").type == pa.float64()
    budget = client.get("/v1/budget-vs-actual", params={"format": fmt, "grain": "year"})
    assert read_table(budget.content, fmt).schema.field("favourable").type == pa.bool_()


@pytest.mark.parametrize("fmt", COLUMNAR)
def test_an_empty_list_has_the_schema(client: TestClient, fmt: str) -> None:
    params = {"format": fmt, "start": "2099-01-01", "fields": "production_date,oil"}
    table = read_table(client.get("/v1/production/daily", params=params).content, fmt)
    assert table.num_rows == 0
    assert table.schema == pa.schema([("production_date", pa.date32()), ("oil", pa.float64())])


@pytest.mark.parametrize("fmt", COLUMNAR)
def test_pages_join_into_the_whole_list(client: TestClient, fmt: str) -> None:
    params: dict[str, Any] = {"format": fmt, "start": "2025-06-01", "sort": "-production_date"}
    whole = read_table(client.get("/v1/production/daily", params=params).content, fmt)
    pages, response = [], client.get("/v1/production/daily", params=params | {"limit": 997})
    while True:
        assert response.status_code == 200
        pages.append(read_table(response.content, fmt))
        link = response.headers.get("link")
        if link is None:
            break
        response = client.get(link[1 : link.index(">")])
    assert len(pages) == -(-whole.num_rows // 997) and len(pages) > 2
    assert pa.concat_tables(pages).equals(whole)


def test_pandas_reads_parquet_and_accept_chooses_the_format(client: TestClient) -> None:
    params = {"well_id": SEED_WELL_ID}
    accept = {"Accept": "application/vnd.apache.parquet"}
    response = client.get("/v1/production/daily", params=params, headers=accept)
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    frame = pd.read_parquet(io.BytesIO(response.content))
    rows = client.get("/v1/production/daily", params=params).json()
    assert len(frame) == len(rows)
    assert frame["oil"].sum() == pytest.approx(sum(r["oil"] or 0 for r in rows))
    accept = {"Accept": "application/vnd.apache.arrow.stream"}
    arrow = client.get("/v1/production/daily", params=params, headers=accept)
    assert arrow.headers["content-type"] == "application/vnd.apache.arrow.stream"


@pytest.mark.parametrize("fmt", COLUMNAR)
def test_a_reader_gets_only_its_divisions_rows(
    demo_database: tuple[str, DemoData], fmt: str
) -> None:
    url, _ = demo_database
    key = make_key_sync(url, f"reader-{fmt}", Role.READER, frozenset({SEED_DIVISION_ID}))
    with TestClient(create_app(app_settings(url, rate_limit=0))) as anonymous:
        refused = anonymous.get("/v1/production/daily", params={"format": fmt})
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/json"
        reader = {"Authorization": f"Bearer {key}"}
        params = {"format": fmt, "fields": "division_id"}
        wells = anonymous.get("/v1/wells", params=params, headers=reader)
        assert set(read_table(wells.content, fmt)["division_id"].to_pylist()) == {SEED_DIVISION_ID}


async def _batches(count: int, rows: int) -> AsyncIterator[Batch]:
    for start in range(0, count * rows, rows):
        yield Batch(("n", "day"), [(i, "2025-01-02") for i in range(start, start + rows)])


def test_parquet_row_groups_are_written_as_they_fill() -> None:
    async def chunks() -> list[bytes]:
        writer = parquet_file(_batches(10, 300), {"n": int, "day": dt.date}, row_group_rows=1000)
        return [chunk async for chunk in writer]

    parts = asyncio.run(chunks())
    # Three full row groups (of four batches: 1,200 rows) went out before the footer.
    assert len(parts) == 3
    metadata = pq.read_metadata(io.BytesIO(b"".join(parts)))
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [
        1200,
        1200,
        600,
    ]
    table = pq.read_table(io.BytesIO(b"".join(parts)))
    assert table["n"].to_pylist() == list(range(3000))
    assert table["day"][0].as_py() == dt.date(2025, 1, 2)


def test_parquet_answers_are_what_pyarrows_public_writer_writes() -> None:
    # ODM calls the writer that `pyarrow.parquet.ParquetWriter` wraps, with that class's
    # defaults written out (`PARQUET_OPTIONS`): a pyarrow whose defaults move fails here.
    kinds = {"n": int, "day": dt.date}

    async def chunks() -> bytes:
        writer = parquet_file(_batches(10, 300), kinds, row_group_rows=1000)
        return b"".join([chunk async for chunk in writer])

    ours = asyncio.run(chunks())
    sink = io.BytesIO()
    schema = pa.schema([("n", pa.int64()), ("day", pa.date32())])
    days = pa.array([dt.date(2025, 1, 2)] * 1200, pa.date32())
    with pq.ParquetWriter(sink, schema, use_dictionary=False) as public:
        for start in (0, 1200, 2400):
            count = 600 if start == 2400 else 1200
            numbers = pa.array(range(start, start + count), pa.int64())
            public.write_table(pa.table([numbers, days[:count]], schema=schema))
    assert ours == sink.getvalue()


AWKWARD_COLUMNS: list[tuple[pa.DataType, list[Any]]] = [
    (pa.int64(), [1, -(2**63), 2**63 - 1, 0]),
    (pa.int64(), [None, 5, None, 7]),
    (pa.int64(), [5.0, 7, -2.0]),  # a driver's float for a computed integer
    (pa.int64(), [None, 5.0, 7]),
    (pa.int64(), [Decimal(5), 3, None]),  # psycopg's numeric (SUM of a bigint)
    (pa.float64(), [1.5, -0.0, float("nan"), float("inf"), 1e-300, 3]),
    (pa.float64(), [None, None, None]),
    (pa.float64(), [0.1, None, 2.5]),
    (pa.bool_(), [True, False, None, True]),
    (pa.bool_(), [1, 0, 1]),  # SQLite's truth values
    (pa.bool_(), [1.0, 0, None, "y"]),
    (pa.string(), ["Brent", "", "Ekofisk 2/4-K", "Åsgard", "Frøy ✓", "15/9-F-1 C"]),
    (pa.string(), [None, "a", None]),
    (pa.string(), []),
    (pa.date32(), ["2025-01-02", "1900-02-28", None]),  # SQLite's days
    (pa.date32(), [dt.date(2025, 1, 2), None, dt.date(1, 1, 1), dt.date(9999, 12, 31)]),
    (pa.date32(), [dt.datetime(2025, 1, 2, 0, 0)]),  # Oracle's DATE
]


@pytest.mark.parametrize(("kind", "values"), AWKWARD_COLUMNS)
def test_row_batches_become_the_arrays_pyarrow_would_build(
    kind: pa.DataType, values: list[Any]
) -> None:
    # The row path builds its Arrow columns from buffers rather than with `pa.array`.
    names = [f"c{i}" for i in range(2)]
    kinds = {
        "c0": int,
        "c1": {pa.int64(): int, pa.float64(): float, pa.bool_(): bool}.get(
            kind, dt.date if kind == pa.date32() else str
        ),
    }
    rows = [(i, v) for i, v in enumerate(values)]
    built = record_batch(Batch(tuple(names), rows), arrow_schema(names, kinds))
    if kind == pa.bool_():
        values = [None if v is None else bool(v) for v in values]
    if kind == pa.date32() and values and isinstance(values[0], str):
        expected = pa.array(values, pa.string()).cast(kind)
    else:
        expected = pa.array(values, kind)
    assert built.column(1).type == kind
    # repr tells NaN from NaN and -0.0 from 0.0, as `==` does not.
    assert [repr(v) for v in built.column(1).to_pylist()] == [repr(v) for v in expected.to_pylist()]
    assert built.column(1).null_count == expected.null_count


ROW_PATH_WITHOUT_PANDAS = """
import asyncio, datetime as dt, sys
from odm.columnar import arrow_stream, parquet_file
from odm.db.base import Batch

kinds = {"n": int, "day": dt.date, "oil": float, "name": str, "on": bool}
def rows():
    return [(i, "2025-01-02", None if i % 3 else 1.5, f"W{i}", i % 2) for i in range(100)]

async def main():
    async def batches():
        yield Batch(tuple(kinds), rows())
    arrow = b"".join([c async for c in arrow_stream(batches(), kinds)])
    parquet = b"".join([c async for c in parquet_file(batches(), kinds)])
    return arrow, parquet

arrow, parquet = asyncio.run(main())
assert arrow and parquet.startswith(b"PAR1")
print("pandas" in sys.modules)
"""


def test_the_row_paths_arrow_and_parquet_never_load_pandas() -> None:
    """`pa.array` imports pandas where it is installed: about 45 MB more in a server that
    answers Arrow or Parquet from rows (SQLite's lists, short ones on PostgreSQL)."""
    ran = subprocess.run(
        [sys.executable, "-c", ROW_PATH_WITHOUT_PANDAS], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "False"


PARQUET_WITHOUT_FILESYSTEMS = """
import asyncio, sys
from odm.columnar import parquet_file
from odm.db.base import Batch

async def main():
    async def batches():
        yield Batch(("n",), [(1,), (2,)])
    return b"".join([c async for c in parquet_file(batches(), {"n": int})])

assert asyncio.run(main()).startswith(b"PAR1")
print(sorted(m for m in ("pyarrow.fs", "pyarrow._s3fs", "pyarrow.parquet") if m in sys.modules))
"""


def test_a_parquet_answer_loads_no_filesystem_module() -> None:
    """`pyarrow.parquet` imports pyarrow's filesystems (S3's library among them), for files
    that a streamed answer never opens: 4 MB of a server's peak at 10M rows."""
    ran = subprocess.run(
        [sys.executable, "-c", PARQUET_WITHOUT_FILESYSTEMS], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"


def test_polars_and_duckdb_read_the_answers(client: TestClient, tmp_path: Path) -> None:
    params = {"well_id": SEED_WELL_ID, "units": "metric", "fields": "production_date,oil,gas"}
    rows = client.get("/v1/production/daily", params=params).json()
    arrow = client.get("/v1/production/daily", params=params | {"format": "arrow"})
    frame = polars.read_ipc_stream(arrow.content)
    assert frame.columns == ["production_date", "oil", "gas"] and frame.height == len(rows)
    assert frame["oil"].to_list() == [r["oil"] for r in rows]
    path = tmp_path / "daily.parquet"
    path.write_bytes(
        client.get("/v1/production/daily", params=params | {"format": "parquet"}).content
    )
    assert polars.read_parquet(path)["gas"].to_list() == [r["gas"] for r in rows]
    found = duckdb.sql(f"SELECT count(*), max(production_date) FROM '{path}'").fetchall()[0]
    assert found == (len(rows), max(dt.date.fromisoformat(r["production_date"]) for r in rows))
