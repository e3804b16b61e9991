"""Large NDJSON writes read in columns (odm.ingest.columns): a block the fast path takes
stores exactly what the row path stores, and a block it cannot take (a record to reject or
warn about, a field some records leave out, anything JSON does not allow) is read record by
record, with the same answer as before."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from contextlib import closing
from typing import Any

import httpx2 as httpx
import orjson
import psycopg
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from bench.ingest import Feed
from odm.auth.identity import Role
from odm.db.sqlite import sqlite_path
from odm.demo import SEED_DIVISION_ID, DemoData
from odm.ingest.columns import ColumnReader
from odm.ingest.records import RecordError, RecordReader
from odm.ingest.targets import DAILY_PRODUCTION, MONTHLY_PRICE, MONTHLY_PRODUCTION
from odm.ingest.wells import WellKeys
from odm.ingest.writer import MIN_COLUMNAR_ROWS
from odm.queries.compose import ALL_DIVISIONS, DivisionScope
from odm.units import UnitSystem
from tests.access import make_key_sync
from tests.server import running_server

DAILY = "/v1/production/daily"
NDJSON = {"content-type": "application/x-ndjson"}
ROWS = 3 * MIN_COLUMNAR_ROWS
WELLS = (1, 2, 3)


def _ndjson(records: Sequence[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def _daily(
    rng: random.Random, wells: Sequence[int] = WELLS, first: str = "2031-01-01"
) -> list[dict[str, Any]]:
    """Ordinary daily records: every field given, values of every kind JSON has (whole
    numbers, decimals, 17 significant digits, tiny and huge ones), and a
    column of nulls."""
    start = dt.date.fromisoformat(first)
    values = [0, 1, 24, 0.1, 12.5, 1e-300, 5e-324, 123456789.123, 2**40 + 1]
    records = []
    for n in range(ROWS):
        day = start + dt.timedelta(days=n // len(wells))
        records.append(
            {"well_id": wells[n % len(wells)], "production_date": day.isoformat()}
            | {"hours_on": rng.choice([24, 0, 12.5, rng.uniform(0, 24)])}
            | {"oil": rng.choice([*values, rng.uniform(0, 1e4), rng.random()])}
            | {"gas": rng.uniform(0, 1e9), "water": rng.choice(values), "water_injected": None}
            | {"oil_sold": rng.expovariate(0.01), "sales_value": rng.uniform(-1e6, 1e6)}
        )
    return records


def _reader(target: Any = DAILY_PRODUCTION, units: UnitSystem = UnitSystem.FIELD) -> RecordReader:
    wells = WellKeys(divisions={w: 1 for w in WELLS})
    defaults = {"source": "api:test"} if "source" in target.types else None
    return RecordReader(target, units, wells, ALL_DIVISIONS, defaults, frozenset({1, 2}))


def _rows_of(block: bytes, reader: RecordReader) -> list[tuple[Any, ...]] | None:
    read = ColumnReader(reader).read(block)
    if read is None:
        return None
    return list(zip(*(c.to_pylist() for c in read.table.columns), strict=True))


@pytest.mark.parametrize("units", list(UnitSystem))
def test_a_block_in_columns_holds_the_row_paths_values(units: UnitSystem) -> None:
    reader = _reader(units=units)
    records = _daily(random.Random(1))
    block = _ndjson(records)
    expected = [reader.read(r) for r in records]
    columns = ColumnReader(reader).read(block)
    assert columns is not None
    assert columns.fieldset == expected[0].fieldset
    got = list(zip(*(c.to_pylist() for c in columns.table.columns), strict=True))
    # The same doubles, bit for bit (repr tells -0.0 from 0.0), and the same dates.
    assert [tuple(map(repr, row)) for row in got] == [tuple(map(repr, r.values)) for r in expected]


def test_monthly_targets_read_months_text_and_defaults_in_columns() -> None:
    reader = _reader(MONTHLY_PRODUCTION)
    records = [
        {
            "entity_type": "well",
            "entity_key": f"W-{n}",
            "month": "2031-03" if n % 2 else "2031-04-01",
        }
        | {"division_id": 1 + n % 2, "oil": n * 1.5, "days_on": 31, "entity_name": f"Well {n}"}
        for n in range(MIN_COLUMNAR_ROWS)
    ]
    got = _rows_of(_ndjson(records), reader)
    assert got == [reader.read(r).values for r in records]
    for month in ("2031-03-02", "2031-13", "2031-3", "2031-03-1"):
        odd = [*records[1:], records[0] | {"month": month}]
        assert _rows_of(_ndjson(odd), reader) is None, month
        with pytest.raises(RecordError):
            reader.read(odd[-1])
    prices = [
        {"product": "oil", "month": f"{2000 + n // 12}-{1 + n % 12:02d}", "price": 70}
        for n in range(MIN_COLUMNAR_ROWS)
    ]
    price_reader = _reader(MONTHLY_PRICE)
    assert _rows_of(_ndjson(prices), price_reader) == [price_reader.read(r).values for r in prices]


UNORDINARY = {
    "a value to warn about": ('"hours_on":24', '"hours_on":25'),
    "a negative volume": ('"water_injected":null', '"water_injected":-1'),
    "a value to reject": ('"hours_on":24', '"hours_on":26'),
    "an unknown well": ('"well_id":2', '"well_id":9'),
    "a well named by another identifier": ('"well_id":2', '"uwi":"X"'),
    "an unknown field": ('"water_injected":null', '"water_injected":null,"choke":1'),
    "a field given twice": ('"water_injected":null', '"water_injected":null,"oil":1'),
    "a field some records leave out": (',"water_injected":null', ""),
    "a null in the key": ('"well_id":2', '"well_id":null'),
    "a whole number written as a decimal": ('"well_id":2', '"well_id":2.0'),
    "a date fromisoformat refuses": ('"2031-01-05"', '"2031-1-5"'),
    "a day that does not exist": ('"2031-01-05"', '"2031-02-30"'),
    "a date with a time": ('"2031-01-05"', '"2031-01-05T00:00"'),
    "a year before 1": ('"2031-01-05"', '"0000-01-05"'),
    "a date without dashes": ('"2031-01-05"', '"20310105"'),
    "NaN": ('"hours_on":24', '"hours_on":NaN'),
    "the integer -0 (0 to the row path)": ('"hours_on":24', '"hours_on":-0'),
    "-0.0": ('"hours_on":24', '"hours_on":-0.0'),
    "Infinity": ('"hours_on":24', '"hours_on":Infinity'),
    "two records on a line": ("}\n{", "} {"),
    "a blank line": ("}\n{", "}\n\n{"),
    "a value of another type": ('"hours_on":24', '"hours_on":"24"'),
    "true for a number": ('"hours_on":24', '"hours_on":true'),
    "an array": ('{"well_id":2', '[{"well_id":2'),
}


@pytest.mark.parametrize("case", UNORDINARY)
def test_a_block_with_anything_unordinary_is_read_record_by_record(case: str) -> None:
    old, new = UNORDINARY[case]
    records = [r | {"hours_on": 24} for r in _daily(random.Random(2))]
    block = _ndjson(records)
    assert _rows_of(block, _reader()) is not None
    changed = block.replace(
        old.encode(), new.encode(), 1 if case != "a field some records leave out" else 5
    )
    assert changed != block
    assert _rows_of(changed, _reader()) is None


@pytest.mark.parametrize(
    ("written", "read_in_columns"),
    [
        (b'"water_injected":null', True),  # every record clears it
        (b"", True),  # no record gives it: the stored value stays
        (b'"water_injected" : null', False),  # a null written otherwise: not counted
        (b'"w\\u0061ter_injected":null', False),  # the name escaped
    ],
)
def test_a_column_left_out_is_told_from_a_column_of_nulls(
    written: bytes, read_in_columns: bool
) -> None:
    reader = _reader()
    records = [r | {"hours_on": 24} for r in _daily(random.Random(9))]
    block = _ndjson(records).replace(b',"water_injected":null', b"," + written if written else b"")
    expected = [reader.read(orjson.loads(line)) for line in block.splitlines()]
    columns = ColumnReader(reader).read(block)
    if not read_in_columns:
        assert columns is None
        return
    assert columns is not None
    assert columns.fieldset == expected[0].fieldset
    got = list(zip(*(c.to_pylist() for c in columns.table.columns), strict=True))
    assert got == [r.values for r in expected]


def test_fields_that_are_not_columns_cost_the_columnar_read_nothing() -> None:
    """A block of records with ever new field names (each would be a column of the table
    pyarrow builds) is refused by the parser at the first one."""
    reader = _reader()
    lines = [
        f'{{"well_id":1,"production_date":"2031-01-01","x{n}":1,"y{n}":2}}' for n in range(10_000)
    ]
    pool = pa.default_memory_pool()
    before = pool.max_memory() or 0
    assert ColumnReader(reader).read(("\n".join(lines) + "\n").encode()) is None
    assert (pool.max_memory() or 0) - before < 50_000_000


def test_text_is_taken_in_columns_only_as_the_row_path_would_store_it() -> None:
    reader = _reader(MONTHLY_PRODUCTION)
    base = {"entity_type": "lease", "month": "2031-03", "division_id": 1}
    plain = [base | {"entity_key": f"L{n}"} for n in range(MIN_COLUMNAR_ROWS)]
    assert _rows_of(_ndjson(plain), reader) is not None
    for odd in (" L1", "L1 ", "\u00a0L1", "L\u00011", "", "x" * 201):
        records = [*plain[1:], base | {"entity_key": odd}]
        assert _rows_of(_ndjson(records), reader) is None, odd
    # UTF-8 that is not Unicode text (an encoded surrogate; past U+10FFFF): orjson refuses
    # the record, and pyarrow's parser does not.
    for invalid in (b"\xed\xa0\x80", b"\xf4\x90\x80\x80"):
        block = _ndjson(plain).replace(b'"L5"', b'"L' + invalid + b'5"')
        assert _rows_of(block, reader) is None
    wrong_choice = [*plain[1:], base | {"entity_type": "pad", "entity_key": "P"}]
    assert _rows_of(_ndjson(wrong_choice), reader) is None
    other_division = [*plain[1:], base | {"entity_key": "Z", "division_id": 3}]
    assert _rows_of(_ndjson(other_division), reader) is None


def test_a_division_scope_bounds_the_columns_too() -> None:
    wells = WellKeys(divisions={1: 1, 2: 1})  # the writer's wells: well 3 is not among them
    reader = RecordReader(DAILY_PRODUCTION, UnitSystem.FIELD, wells, DivisionScope(frozenset({1})))
    block = _ndjson(_daily(random.Random(3)))
    assert _rows_of(block, reader) is None
    with pytest.raises(RecordError):
        reader.read(orjson.loads(block.split(b"\n")[2]))


def _blocks(read: str) -> float:
    value = REGISTRY.get_sample_value(
        "odm_ingest_blocks_total", {"table": "odm_daily_production", "read": read}
    )
    return value or 0.0


def _wells(client: TestClient) -> list[int]:
    return [int(w["well_id"]) for w in client.get("/v1/wells").json()][:3]


def _stored(client: TestClient, start: str, end: str) -> list[list[Any]]:
    answer = client.get(
        DAILY, params={"start": start, "end": end, "format": "json", "limit": 10000}
    )
    assert answer.status_code == 200, answer.text[:300]
    body = answer.json()
    rows = body["items"] if isinstance(body, dict) else body
    return [[r[k] for k in sorted(r) if k != "production_date"] for r in rows]


def test_a_large_write_stores_what_the_same_records_store_one_by_one(
    fresh_client: TestClient,
) -> None:
    """The same records posted as NDJSON (in columns) for 2031 and as a JSON array (record by
    record) for 2041 are stored alike, in metric units too."""
    records = _daily(random.Random(4), _wells(fresh_client))
    later = [
        r | {"production_date": str(int(r["production_date"][:4]) + 10) + r["production_date"][4:]}
        for r in records
    ]
    in_columns = _blocks("columns")
    answer = fresh_client.post(
        DAILY, params={"units": "metric"}, content=_ndjson(records), headers=NDJSON
    )
    assert answer.status_code == 200, answer.text[:300]
    assert answer.json()["inserted"] == ROWS
    assert _blocks("columns") == in_columns + 1
    one_by_one = fresh_client.post(DAILY, params={"units": "metric"}, json=later)
    assert one_by_one.json()["inserted"] == ROWS
    first = _stored(fresh_client, "2031-01-01", "2039-12-31")
    assert len(first) == ROWS
    assert first == _stored(fresh_client, "2041-01-01", "2049-12-31")
    again = fresh_client.post(
        DAILY, params={"units": "metric"}, content=_ndjson(records), headers=NDJSON
    )
    assert again.json()["unchanged"] == ROWS


def test_large_writes_keep_left_out_fields_and_clear_nulled_ones(fresh_client: TestClient) -> None:
    records = _daily(random.Random(5), _wells(fresh_client))
    assert fresh_client.post(DAILY, content=_ndjson(records), headers=NDJSON).status_code == 200
    keys = [{"well_id": r["well_id"], "production_date": r["production_date"]} for r in records]
    oil_only = [k | {"oil": 7.5} for k in keys]
    in_columns = _blocks("columns")
    updated = fresh_client.post(DAILY, content=_ndjson(oil_only), headers=NDJSON).json()
    assert _blocks("columns") == in_columns + 1
    assert updated["updated"] + updated["unchanged"] == ROWS
    water_cleared = [k | {"water": None} for k in keys]
    fresh_client.post(DAILY, content=_ndjson(water_cleared), headers=NDJSON)
    stored = fresh_client.get(DAILY, params={"start": "2031-01-01", "limit": 10000}).json()
    rows = stored["items"] if isinstance(stored, dict) else stored
    assert len(rows) == ROWS
    by_key = {(r["well_id"], r["production_date"]): r for r in rows}
    for record in records:
        row = by_key[(record["well_id"], record["production_date"])]
        assert row["oil"] == 7.5 and row["water"] is None
        assert row["gas"] == pytest.approx(record["gas"], rel=1e-12)


def test_a_bad_record_in_a_large_block_is_named_and_nothing_is_written(
    fresh_client: TestClient,
) -> None:
    records = _daily(random.Random(6), _wells(fresh_client))
    records[700]["hours_on"] = 30
    records[400]["hours_on"] = 25  # accepted, with a warning
    records[500]["well_id"] = 99_999
    in_records = _blocks("records")
    answer = fresh_client.post(DAILY, content=_ndjson(records), headers=NDJSON)
    assert answer.status_code == 422, answer.text[:300]
    body = answer.json()
    assert _blocks("records") > in_records
    reasons = {r["position"]: r["reason"] for r in body["rejections"]}
    assert set(reasons) == {501, 701} and "hours_on" in reasons[701], reasons
    assert body["written"] is False
    assert _stored(fresh_client, "2031-01-01", "2039-12-31") == []
    skipped = fresh_client.post(
        DAILY,
        params={"on_error": "skip"},
        content=_ndjson([*records[:700], *records[701:]]),
        headers=NDJSON,
    ).json()
    assert skipped["inserted"] == ROWS - 2 and skipped["rejected"] == 1
    assert skipped["warnings"] == {"hours_on above 24": 1}


def test_a_damaged_block_is_read_record_by_record_and_never_fails() -> None:
    """Bytes changed anywhere in a block: the columnar read answers None (the row path then
    names what is wrong) or rows the row path accepts, never an error of its own."""
    reader, rng = _reader(), random.Random(7)
    block = _ndjson([r | {"hours_on": 24} for r in _daily(rng)])
    taken = 0
    for _ in range(300):
        damaged = bytearray(block)
        for _ in range(rng.choice([1, 1, 2, 5])):
            damaged[rng.randrange(len(damaged))] = rng.choice(
                b'{}[]",:.-+e0123456789 \n\\nautlx\xff'
            )
        rows = _rows_of(bytes(damaged), reader)
        if rows is not None:
            taken += 1
            records = [orjson.loads(line) for line in bytes(damaged).splitlines()]
            assert rows == [reader.read(r).values for r in records]
    assert 0 < taken < 300


@pytest.mark.slow
def test_a_large_ndjson_write_keeps_a_real_servers_memory_bounded(
    fresh_database: tuple[str, DemoData],
) -> None:
    """200,000 new days posted as NDJSON to a real server, sent as they are made: all
    inserted, read in columns (its /metrics says so), server peak RSS under 200 MB (the
    write path's goal; at 1M rows the benchmark measured 185 MB)."""
    url, data = fresh_database
    key = make_key_sync(url, "loader", Role.WRITER)
    wells = tuple(sorted(int(w) for w in _well_ids(url)))
    feed = Feed(wells, data.spec.end + dt.timedelta(days=1), 200_000)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"}
    scrape = {"Authorization": "Bearer scrape-token-for-the-test"}
    with running_server(
        url, ODM_AUTH="required", ODM_METRICS_TOKEN="scrape-token-for-the-test"
    ) as server:
        answer = httpx.post(server.url + DAILY, content=feed.chunks(), headers=headers, timeout=300)
        assert answer.status_code == 200, answer.text[:300]
        assert answer.json()["inserted"] == 200_000
        metrics = httpx.get(server.url + "/metrics", headers=scrape, timeout=60).text
        blocks = dict(
            re.findall(
                r'odm_ingest_blocks_total\{read="(\w+)",table="odm_daily_production"\} (\S+)',
                metrics,
            )
        )
        # About 35 MB of lines in blocks of about 1 MiB, each read in columns but perhaps
        # the last, if it holds too few lines.
        assert float(blocks["columns"]) >= 25 and float(blocks.get("records", 0)) <= 1, blocks
        assert server.peak_rss_mb() < 200


def _well_ids(url: str) -> list[int]:
    sql = "SELECT well_id FROM odm_well"
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(sqlite_path(url))) as conn:
            return [row[0] for row in conn.execute(sql)]
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute(sql.encode())]


def test_a_body_whose_last_line_lacks_its_newline_is_read_in_columns(
    fresh_client: TestClient,
) -> None:
    records = _daily(random.Random(8), _wells(fresh_client))
    in_columns, in_records = _blocks("columns"), _blocks("records")
    body = _ndjson(records).removesuffix(b"\n")
    answer = fresh_client.post(DAILY, content=body, headers=NDJSON)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.json()["inserted"] == ROWS
    assert (_blocks("columns"), _blocks("records")) == (in_columns + 1, in_records)


PANDAS_FREE = """
import sys, orjson, datetime as dt
from odm.ingest import targets
from odm.ingest.records import RecordReader
from odm.ingest.wells import WellKeys
from odm.ingest.columns import ColumnReader
from odm.queries.compose import ALL_DIVISIONS
from odm.units import UnitSystem
from odm.db.arrow import table_csv, table_rows
daily = RecordReader(
    targets.DAILY_PRODUCTION, UnitSystem.METRIC, WellKeys(divisions={1: 1, 2: 1}), ALL_DIVISIONS
)
start = dt.date(2030, 1, 1)
block = b"".join(
    orjson.dumps({"well_id": 1 + n % 2, "production_date": str(start + dt.timedelta(days=n // 2)),
                  "oil": n * 1.5, "water_injected": None}) + b"\\n"
    for n in range(1000)
)
read = ColumnReader(daily).read(block)
staged = read.staged(("n", "fieldset", *targets.DAILY_PRODUCTION.types), 0)
table_csv(staged), table_rows(staged, True), read.keys(("well_id", "production_date"))
monthly = RecordReader(
    targets.MONTHLY_PRODUCTION, UnitSystem.FIELD, WellKeys(), ALL_DIVISIONS,
    {"source": "api:x"}, frozenset({1}),
)
lines = b"".join(
    orjson.dumps({"entity_type": "well", "entity_key": f"K{n}", "month": "2031-03",
                  "division_id": 1, "oil": 1.5}) + b"\\n"
    for n in range(300)
)
assert ColumnReader(monthly).read(lines) is not None
print("pandas" in sys.modules)
"""


def test_the_columnar_write_path_never_loads_pandas() -> None:
    """pyarrow imports pandas, where installed, when it converts a Python value (`pa.array`,
    `pa.scalar`, a number in a compute call): about 50 MB more in a server that writes."""
    ran = subprocess.run(
        [sys.executable, "-c", PANDAS_FREE], capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == "False", ran.stderr


def test_a_large_monthly_write_stores_text_months_and_defaults_as_one_by_one(
    fresh_client: TestClient,
) -> None:
    """Monthly rows with text holding commas, quotes and other scripts (PostgreSQL stages
    them through CSV), months in both forms, metric units and the writer's default source:
    posted as NDJSON (in columns) and as a JSON array (record by record), stored alike."""

    def records(suffix: str) -> list[dict[str, Any]]:
        rng = random.Random(10)  # the same values for both
        return [
            {
                "entity_type": "lease",
                "entity_key": f'L{n}, "Nord" Åsgard {suffix}',
                "entity_name": f'Lease {n}, "north" — {suffix}',
                "month": f"2031-{1 + n % 12:02d}" if n % 2 else f"2031-{1 + n % 12:02d}-01",
                "division_id": SEED_DIVISION_ID,
                "oil": rng.uniform(0, 1e4),
                "gas": rng.choice([0, 1, 2.5, None]),
                "days_on": rng.choice([0, 15.5, 31]),
            }
            for n in range(ROWS)
        ]

    monthly = "/v1/production/monthly"
    before = REGISTRY.get_sample_value(
        "odm_ingest_blocks_total", {"table": "odm_monthly_production", "read": "columns"}
    )
    ndjson = fresh_client.post(
        monthly, params={"units": "metric"}, content=_ndjson(records("c")), headers=NDJSON
    )
    assert ndjson.status_code == 200, ndjson.text[:300]
    assert ndjson.json()["inserted"] == ROWS
    after = REGISTRY.get_sample_value(
        "odm_ingest_blocks_total", {"table": "odm_monthly_production", "read": "columns"}
    )
    assert (after or 0) == (before or 0) + 1
    array = fresh_client.post(monthly, params={"units": "metric"}, json=records("r"))
    assert array.json()["inserted"] == ROWS
    stored = fresh_client.get(monthly, params={"entity_type": "lease", "limit": 10000}).json()
    rows = stored["items"] if isinstance(stored, dict) else stored
    by_path: dict[str, dict[str, Any]] = {"c": {}, "r": {}}
    for row in rows:
        suffix = row["entity_key"][-1]
        key = (row["entity_key"][:-1], row["month"])
        by_path[suffix][repr(key)] = {
            k: (v[:-1] if k in ("entity_key", "entity_name") else v) for k, v in row.items()
        }
    assert len(by_path["c"]) == ROWS
    assert by_path["c"] == by_path["r"]
    assert {r["source"] for r in by_path["c"].values()} == {"api:tests"}


ALLOCATOR = """
import odm.app, pyarrow as pa
print(pa.default_memory_pool().backend_name)
"""


@pytest.mark.parametrize(("chosen", "expected"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_arrow_takes_the_c_librarys_allocator_unless_told_otherwise(
    chosen: str | None, expected: str
) -> None:
    """With mimalloc a server kept what a large write had freed (bench/findings.md)."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    ran = subprocess.run(
        [sys.executable, "-c", ALLOCATOR], capture_output=True, text=True, check=True, env=env
    )
    assert ran.stdout.strip() == expected, ran.stderr
