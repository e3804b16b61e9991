"""Oracle's columnar path, offline: python-oracledb's data frames (`fetch_df_batches`) as the
driver gives them (capitalised names, DATE as timestamps) become the bytes the row path
writes, with the statement, binds and session the row path sends."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pyarrow as pa
import pytest

from odm.api.column_streams import stream_columns
from odm.api.quantities import DAILY
from odm.columns import ColumnPlan
from odm.db.base import Batch
from odm.db.oracle_text import oracle_params, oracle_sql
from odm.models import DailyProduction, field_kinds, field_names
from odm.queries import lists
from odm.queries.compose import ALL_DIVISIONS
from odm.streaming import WRITERS, Format
from odm.units import M3_PER_BBL, SM3_PER_MCF, UnitSystem, column_factors
from tests.fake_oracle import recording_backend

FIELDS = field_names(DailyProduction)
DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(5)]
ROWS = [
    (7, day, 24.0, 100.5 + i, None if i == 2 else 3.25 * i, 0.0, 1e-5, 99.5, -2.5)
    for i, day in enumerate(DAYS)
]


def frame(rows: list[tuple[Any, ...]]) -> pa.Table:
    """A data frame as python-oracledb builds one: upper-case names, DATE as timestamp[s]."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(FIELDS)
    types = [pa.int64(), pa.timestamp("s")] + [pa.float64()] * 7
    stamps = [[dt.datetime.combine(d, dt.time()) for d in columns[1]]]
    arrays = [
        pa.array(list(c), t)
        for c, t in zip([columns[0], *stamps, *columns[2:]], types, strict=True)
    ]
    return pa.Table.from_arrays(arrays, names=[f.upper() for f in FIELDS])


async def _body(response: Any) -> bytes:
    return b"".join([chunk async for chunk in response.body_iterator])


async def _rows_body(fmt: Format, units: UnitSystem) -> bytes:
    factors = column_factors({"oil": DAILY["oil"], "gas": DAILY["gas"]}, units)

    async def batches() -> AsyncIterator[Batch]:
        yield Batch(FIELDS, [tuple(_converted(r, factors)) for r in ROWS])

    return b"".join([chunk async for chunk in WRITERS[fmt](batches())])


def _converted(row: tuple[Any, ...], factors: dict[str, float]) -> list[Any]:
    return [
        v * factors[f] if f in factors and v is not None else v
        for f, v in zip(FIELDS, row, strict=True)
    ]


@pytest.mark.parametrize("units", [UnitSystem.FIELD, UnitSystem.METRIC])
@pytest.mark.parametrize("fmt", [Format.JSON, Format.NDJSON, Format.CSV])
def test_data_frames_give_the_row_paths_bytes(fmt: Format, units: UnitSystem) -> None:
    db, pool = recording_backend(
        frames={"odm_daily_production": [frame(ROWS[:3]), frame(ROWS[3:])]}
    )
    query = lists.daily_production(
        "oracle", ALL_DIVISIONS, lists.DailyFilter(None, 7, lists.Span())
    )
    select = query.select(query.keys())
    factors = {"oil": M3_PER_BBL, "gas": SM3_PER_MCF} if units is UnitSystem.METRIC else {}
    plan = ColumnPlan(FIELDS, field_kinds(DailyProduction), factors)

    async def answer() -> bytes:
        response = await stream_columns(db, select, plan, fmt, {}, 1000)
        assert response is not None
        return await _body(response)

    assert asyncio.run(answer()) == asyncio.run(_rows_body(fmt, units))
    [sent] = [s for s in pool.log if s.kind == "fetch_df_batches"]
    # The statement and binds the row path sends (`stream`), named as Oracle needs them.
    assert sent.sql == oracle_sql(select.sql)
    assert sent.params["parameters"] == oracle_params(select.params)
    assert sent.params["size"] == 1000 and sent.params["fetch_decimals"] is False
    assert sent.call_timeout == db.call_timeout_ms


def test_dates_arrive_as_days_in_arrow() -> None:
    db, _ = recording_backend(frames={"odm_daily_production": [frame(ROWS)]})
    query = lists.daily_production(
        "oracle", ALL_DIVISIONS, lists.DailyFilter(None, None, lists.Span())
    )

    async def first() -> Any:
        source = db.stream_columns(query.select(query.keys()).sql, {}, 10)
        assert source is not None
        batch = await anext(source)
        await source.aclose()
        return batch

    batch = asyncio.run(first())
    assert batch.schema.field("PRODUCTION_DATE").type == pa.date32()
    assert batch.column(1).to_pylist() == DAYS


def test_no_frame_at_all_takes_the_row_path() -> None:
    db, _ = recording_backend(frames={})
    query = lists.daily_production(
        "oracle", ALL_DIVISIONS, lists.DailyFilter(None, None, lists.Span())
    )
    plan = ColumnPlan(FIELDS, field_kinds(DailyProduction), {})
    response = asyncio.run(
        stream_columns(db, query.select(query.keys()), plan, Format.JSON, {}, 10)
    )
    assert response is None
