"""A daily history of any size written by PostgreSQL itself (generate_series), for sizes that
`odm demo` (Python, about 25,000 rows/s on a busy 2-core machine) would take hours to write.

Wells get ten years of days each (2016-11-01 to 2026-10-31), a declining oil rate with noise,
gas, water and sales from it; the divisions are the demo's. The rows go in one INSERT per
year through ODM's own schema (version 8 and its triggers: every total and monthly aggregate
is kept as by any write), each year's partition made first by odm_daily_partitions_cover.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import time

import psycopg

from bench.datasets import odm_command
from odm.demo import DemoData, DemoSpec

START, END = dt.date(2016, 11, 1), dt.date(2026, 10, 31)
DAYS = (END - START).days + 1
FIRST_WELL_ID = 5_000_000_001
# Wells per size: ten years of days each, so about 3,652 rows per well.
WELLS = {"tiny": 3, "1m": 274, "10m": 2739, "100m": 27383}

WELLS_SQL = """
INSERT INTO odm_well (well_id, well_name, division_id, first_production_date)
SELECT %(first)s + g, 'Bulk ' || g, (%(divisions)s::bigint[])[1 + g %% %(count)s], %(start)s
FROM generate_series(0, %(wells)s - 1) g
"""
PRICES_SQL = """
INSERT INTO odm_oil_price (price_date, price)
SELECT d::date, 70 + 10 * sin(extract(epoch FROM d) / 2e6)
FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') d
ON CONFLICT DO NOTHING
"""
YEAR_SQL = """
INSERT INTO odm_daily_production
    (well_id, production_date, hours_on, oil, gas, water, water_injected, oil_sold, sales_value)
SELECT w.well_id, d.day, 24, r.oil, r.oil * 1.3, r.oil * 0.4, NULL, r.oil, r.oil * 72
FROM odm_well w
CROSS JOIN generate_series(%(low)s::date, %(high)s::date, interval '1 day') AS g (ts)
CROSS JOIN LATERAL (SELECT g.ts::date AS day) d
CROSS JOIN LATERAL (
    SELECT round((300 * exp(-0.0004 * (d.day - %(start)s::date)) * (0.8 + 0.4 * random()))
                 ::numeric, 2)::float8 AS oil
) r
WHERE w.well_id >= %(first)s
"""


def row_count(wells: int) -> int:
    """The daily rows a bulk history of this many wells holds."""
    return wells * DAYS


def build(url: str, wells: int, history: bool = True) -> float:
    """Write the history into the (empty) database at `url`; the seconds it took
    (`history` False: the divisions, wells and prices only)."""
    started = time.perf_counter()
    subprocess.run([*odm_command(), "init-db", "--database", url], check=True)
    divisions = [d for d, _ in DemoData(DemoSpec(wells=1, years=1)).division_rows()]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(b"SET statement_timeout = 0")
        common = {"start": START, "end": END, "first": FIRST_WELL_ID}
        args = common | {"divisions": divisions, "count": len(divisions), "wells": wells}
        with conn.cursor() as cursor:
            cursor.executemany(
                b"INSERT INTO odm_division (division_id, division_name) VALUES (%s, %s)",
                DemoData(DemoSpec(wells=1, years=1)).division_rows(),
            )
        conn.execute(WELLS_SQL.encode(), args)
        conn.execute(PRICES_SQL.encode(), common)
        if not history:
            return time.perf_counter() - started
        for year in range(START.year, END.year + 1):
            low, high = max(START, dt.date(year, 1, 1)), min(END, dt.date(year, 12, 31))
            conn.execute(b"SELECT odm_daily_partitions_cover(%s, %s)", (low, high))
            conn.execute(YEAR_SQL.encode(), common | {"low": low, "high": high})
            print(f"bulk: {year} written at {time.perf_counter() - started:.0f} s", flush=True)
        conn.execute(b"VACUUM (ANALYZE) odm_daily_production")
        # One INSERT per year updated every well's totals row each time: ten dead versions
        # per well that one `odm demo` COPY (one update per well) never leaves behind.
        conn.execute(b"VACUUM (FULL, ANALYZE) odm_well_totals")
    return time.perf_counter() - started
