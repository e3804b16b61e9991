"""What writing daily rows costs through the triggers: rows/s of multi-row INSERT statements,
each its own transaction, as a write API sends them.

Imports only odm and the standard library, so that the same file measures another checkout:
`<other checkout>/.venv/bin/python bench/writes.py URL` reports that checkout's rate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time

from odm.config import Settings
from odm.db import open_database

# After every demo data set's last day: the rows written here are new, and removed after.
FIRST_DAY = dt.date(2030, 1, 1)
COLUMNS = "well_id, production_date, hours_on, oil, gas, water, water_injected, oil_sold"


def _statement(rows: int) -> str:
    marks = ", ".join(
        f"(:w{i}, :d{i}, 24.0, :o{i}, :g{i}, :o{i}, NULL, :o{i})" for i in range(rows)
    )
    return f"INSERT INTO odm_daily_production ({COLUMNS}) VALUES {marks}"


async def write_rate(url: str, rows: int = 20_000, per_statement: int = 100) -> float:
    """Rows/s of `rows` new daily rows (a day of many wells per statement, as a daily feed
    sends them), then the rows deleted again (not timed)."""
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        wells = [w for (w,) in await db.fetch_all("SELECT well_id FROM odm_well", {})]
        keys = [
            (wells[i % len(wells)], FIRST_DAY + dt.timedelta(days=i // len(wells)))
            for i in range(rows)
        ]
        sql = _statement(per_statement)
        started = time.perf_counter()
        for first in range(0, rows - per_statement + 1, per_statement):
            params = {}
            for i, (well, day) in enumerate(keys[first : first + per_statement]):
                params |= {f"w{i}": well, f"d{i}": day, f"o{i}": 100.0 + i / 7, f"g{i}": 1.5 * i}
            await db.execute(sql, params)
        elapsed = time.perf_counter() - started
        await db.execute(
            "DELETE FROM odm_daily_production WHERE production_date >= :first", {"first": FIRST_DAY}
        )
        return (rows // per_statement * per_statement) / elapsed
    finally:
        await db.close()


if __name__ == "__main__":
    print(f"{asyncio.run(write_rate(sys.argv[1])):,.0f} rows/s")
