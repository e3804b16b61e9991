"""CSV exports are safe to open in Excel: a text cell that starts like a formula (`=`, `+`,
`-`, `@`, tab or CR) is written with a leading `'`, so that it shows as text and never runs."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator

import pytest
from fastapi.testclient import TestClient

from odm.config import Settings
from odm.db import open_database
from odm.db.base import Batch
from odm.demo import SEED_WELL_ID, DemoData
from odm.streaming import csv_rows

DANGEROUS = [
    '=HYPERLINK("http://evil.example","open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _csv(rows: list[tuple[object, ...]], batch: int = 2) -> str:
    async def batches() -> AsyncIterator[Batch]:
        for start in range(0, len(rows), batch):
            yield Batch(("text", "number"), rows[start : start + batch])

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in csv_rows(batches())])

    return asyncio.run(collect()).decode()


@pytest.mark.parametrize("batch", [1, 2, 3])  # the cell first, second or last in its batch
@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_text_is_written_as_text(text: str, batch: int) -> None:
    body = _csv([("plain", 1), (text, -2.5), ("a,b", None)], batch)
    assert list(csv.reader(io.StringIO(body))) == [
        ["text", "number"],
        ["plain", "1"],
        ["'" + text, "-2.5"],
        ["a,b", ""],
    ]


def test_numbers_and_ordinary_text_are_unchanged() -> None:
    rows: list[tuple[object, ...]] = [("2024-01-01", -1.5), ("O'Brien = 7", -3), ("", 0)]
    body = _csv(rows, batch=1)
    assert body == "text,number\r\n2024-01-01,-1.5\r\nO'Brien = 7,-3\r\n,0\r\n"


async def _rename_well(url: str, name: str) -> None:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        sql = "UPDATE odm_well SET well_name = :name WHERE well_id = :well_id"
        await db.execute(sql, {"name": name, "well_id": SEED_WELL_ID})
    finally:
        await db.close()


def test_a_well_named_like_a_formula_exports_as_text(
    fresh_client: TestClient, fresh_database: tuple[str, DemoData]
) -> None:
    asyncio.run(_rename_well(fresh_database[0], DANGEROUS[0]))
    params = {"format": "csv", "fields": "well_id,well_name"}
    rows = list(csv.DictReader(io.StringIO(fresh_client.get("/v1/wells", params=params).text)))
    seed = next(r for r in rows if r["well_id"] == str(SEED_WELL_ID))
    assert seed["well_name"] == "'" + DANGEROUS[0]
    as_json = fresh_client.get(f"/v1/wells/{SEED_WELL_ID}").json()
    assert as_json["well_name"] == DANGEROUS[0]  # only CSV is changed
    variance = fresh_client.get(
        "/v1/budget-vs-actual",
        params={"format": "csv", "through": "2026-06-30", "grain": "month", "level": "well"},
    ).text
    assert ",-" in variance and ",'-" not in variance  # negative numbers stay numbers
