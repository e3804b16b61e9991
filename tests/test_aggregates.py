"""The monthly aggregates equal fresh sums of the daily and budget rows through random inserts,
updates, deletes, wells moved between divisions, bulk loads and rolled-back writes; and the
rollups, cumulative volumes and budget comparisons read from them answer what the rows sum
to, for any range of days."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from odm import consistency
from odm.app import create_app
from odm.cli import app as cli
from odm.config import Settings
from odm.db import open_database
from odm.db.base import Database, DatabaseError, Row, TableRows
from odm.demo import DAILY_COLUMNS, DemoData
from tests.access import as_admin
from tests.backends import load_demo_sync
from tests.isolation import isolated_settings

D = dt.date
DAILY_INSERT = (
    "INSERT INTO odm_daily_production (well_id, production_date, hours_on, oil, gas, water, "
    "water_injected, oil_sold, sales_value) VALUES "
)
ROW_MARKS = "(:w{i}, :d{i}, :h{i}, :o{i}, :g{i}, :wa{i}, :wi{i}, :s{i}, :v{i})"


# --- the writes --------------------------------------------------------------------------


class Writer:
    """Random writes of every kind, remembering which daily and budget keys exist."""

    def __init__(self, db: Database, data: DemoData, rng: random.Random) -> None:
        self.db, self.rng = db, rng
        self.days = {(r[0], D.fromisoformat(r[1])) for r in data.daily_rows()}
        self.budgets = {(r[0], D.fromisoformat(r[1])) for r in data.budget_rows()}
        self.wells = sorted({w.well_id for w in data.wells})
        self.divisions = sorted({w.division_id for w in data.wells})

    def _values(self, i: int, well: int, day: D) -> dict[str, Any]:
        r = self.rng
        hours = r.choice([None, 0.0, 24.0, round(r.uniform(0, 24), 2)])
        oil = r.choice([None, 0.0, round(r.uniform(0, 900), 2), round(r.uniform(0, 1), 7)])
        names = ("w", "d", "h", "o", "g", "wa", "wi", "s", "v")
        gas = r.choice([None, round(r.uniform(0, 2000), 3)])
        water = round(r.uniform(0, 300), 2)
        values = (well, day, hours, oil, gas, water, None, oil, r.choice([None, 1234.5]))
        return {f"{name}{i}": value for name, value in zip(names, values, strict=True)}

    def _row(self, well: int, day: D) -> Row:
        """A daily row as a bulk load takes it (its day as ISO text, as the demo writes it)."""
        values = list(self._values(0, well, day).values())
        values[1] = day.isoformat()
        return tuple(values)

    def _new_day(self) -> tuple[int, D]:
        while True:
            key = (
                self.rng.choice(self.wells),
                D(2023, 1, 1) + dt.timedelta(self.rng.randrange(1800)),
            )
            if key not in self.days:
                self.days.add(key)
                return key

    async def insert(self) -> None:
        """One to three new days, in one statement (months and years new or not)."""
        keys = [self._new_day() for _ in range(self.rng.randint(1, 3))]
        params: dict[str, Any] = {}
        for i, (well, day) in enumerate(keys):
            params |= self._values(i, well, day)
        marks = ", ".join(ROW_MARKS.format(i=i) for i in range(len(keys)))
        await self.db.execute(DAILY_INSERT + marks, params)

    async def update_values(self) -> None:
        well, day = self.rng.choice(sorted(self.days))
        values = self._values(0, well, day)
        await self.db.execute(
            "UPDATE odm_daily_production SET hours_on = :h0, oil = :o0, gas = :g0 "
            "WHERE well_id = :w0 AND production_date = :d0",
            values,
        )

    async def scale_a_well(self) -> None:
        """A set-based update of every row of a well (many months and years at once)."""
        await self.db.execute(
            "UPDATE odm_daily_production SET oil = oil * 1.1, water = NULL WHERE well_id = :w",
            {"w": self.rng.choice(self.wells)},
        )

    async def move_a_day(self) -> None:
        """A row moved to another day, perhaps another month, year or well."""
        old = self.rng.choice(sorted(self.days))
        new = self._new_day()
        self.days.discard(old)
        await self.db.execute(
            "UPDATE odm_daily_production SET well_id = :w, production_date = :d "
            "WHERE well_id = :ow AND production_date = :od",
            {"w": new[0], "d": new[1], "ow": old[0], "od": old[1]},
        )

    async def delete_days(self) -> None:
        """One day, or the whole month of a well."""
        well, day = self.rng.choice(sorted(self.days))
        first, last = day, day
        if self.rng.random() < 0.5:
            first = day.replace(day=1)
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        self.days = {(w, d) for w, d in self.days if not (w == well and first <= d <= last)}
        await self.db.execute(
            "DELETE FROM odm_daily_production "
            "WHERE well_id = :w AND production_date >= :f AND production_date <= :l",
            {"w": well, "f": first, "l": last},
        )

    async def change_budgets(self) -> None:
        well = self.rng.choice(self.wells)
        month = D(2027, self.rng.randint(1, 12), 1)
        if (well, month) in self.budgets:
            self.budgets.discard((well, month))
            sql = "DELETE FROM odm_well_budget WHERE well_id = :w AND month = :m"
            await self.db.execute(sql, {"w": well, "m": month})
        else:
            self.budgets.add((well, month))
            sql = (
                "INSERT INTO odm_well_budget (well_id, month, budget, actual) "
                "VALUES (:w, :m, 10.5, 7.25)"
            )
            await self.db.execute(sql, {"w": well, "m": month})
        await self.db.execute(
            "UPDATE odm_well_budget SET actual = actual + 1.5 WHERE well_id = :w",
            {"w": self.rng.choice(self.wells)},
        )

    async def move_a_well(self) -> None:
        """A well moved to another division takes its months and budgets along."""
        await self.db.execute(
            "UPDATE odm_well SET division_id = :d WHERE well_id = :w",
            {"d": self.rng.choice(self.divisions), "w": self.rng.choice(self.wells)},
        )

    async def fail_midway(self) -> None:
        """A statement whose last row breaks a check: none of its rows stays."""
        keys = [self._new_day() for _ in range(2)]
        params = self._values(0, *keys[0]) | self._values(1, *keys[1]) | {"h1": 99.0}
        with pytest.raises(DatabaseError):
            await self.db.execute(
                DAILY_INSERT + ROW_MARKS.format(i=0) + ", " + ROW_MARKS.format(i=1), params
            )
        self.days -= set(keys)

    async def bulk_upsert(self) -> None:
        """An import: new and existing days through the bulk path, replacing the existing."""
        keys = [self._new_day() for _ in range(5)] + self.rng.sample(sorted(self.days), 5)
        rows = [self._row(w, d) for w, d in keys]
        table = TableRows(
            "odm_daily_production", DAILY_COLUMNS, rows, True, ("well_id", "production_date")
        )
        await self.db.write_tables([table], lambda n: None)

    async def bulk_that_fails(self) -> None:
        """A bulk load whose rows run out in an error: it writes nothing."""

        def rows() -> Iterator[Row]:
            for well, day in [self._new_day() for _ in range(3)]:
                yield self._row(well, day)
            raise RuntimeError("the source broke")

        before = set(self.days)
        with pytest.raises(RuntimeError):
            await self.db.write_tables(
                [TableRows("odm_daily_production", DAILY_COLUMNS, rows())], lambda n: None
            )
        self.days = {key for key in self.days if key in before}

    def kinds(self) -> list[Callable[[], Any]]:
        return [
            self.insert,
            self.insert,
            self.update_values,
            self.scale_a_well,
            self.move_a_day,
            self.delete_days,
            self.change_budgets,
            self.move_a_well,
            self.fail_midway,
            self.bulk_upsert,
            self.bulk_that_fails,
        ]


async def _write_and_check(url: str, data: DemoData, seed: int) -> consistency.Report:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        writer = Writer(db, data, random.Random(seed))
        for _ in range(60):
            await writer.rng.choice(writer.kinds())()
        return await consistency.check(db)
    finally:
        await db.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_random_writes_keep_every_aggregate_equal_to_its_rows(
    fresh_database: tuple[str, DemoData], seed: int
) -> None:
    url, data = fresh_database
    report = asyncio.run(_write_and_check(url, data, seed))
    assert [str(d) for d in report.differences] == []
    assert report.keys["odm_well_month"] > 300 and report.keys["odm_division_year"] > 5
    with TestClient(as_admin(create_app(isolated_settings(database_url=url)))) as client:
        rows = _daily_rows(client)
        for case in _cases(random.Random(seed), 15):
            _assert_rollup(client, rows, case)


def test_check_names_what_differs_and_exits_non_zero(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odm.db'}"
    load_demo_sync(url)
    runner = CliRunner()
    clean = runner.invoke(cli, ["check", "-d", url])
    assert clean.exit_code == 0 and "no differences" in clean.output
    asyncio.run(_corrupt(url))
    found = runner.invoke(cli, ["check", "-d", url])
    assert found.exit_code == 1
    assert "odm_well_month (well_id " in found.output and "month 2025-03): oil is" in found.output


async def _corrupt(url: str) -> None:
    db = open_database(Settings(database_url=url), url)
    await db.open()
    try:
        await db.execute(
            "UPDATE odm_well_month SET oil = oil + 1 WHERE month = :m AND well_id = "
            "(SELECT MIN(well_id) FROM odm_well_month WHERE month = :m)",
            {"m": D(2025, 3, 1)},
        )
    finally:
        await db.close()


# --- the answers -------------------------------------------------------------------------


def _daily_rows(client: TestClient) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = client.get("/v1/production/daily").json()
    wells = {w["well_id"]: w for w in client.get("/v1/wells").json()}
    for row in rows:
        row["division_id"] = wells[row["well_id"]]["division_id"]
    return rows


def _cases(rng: random.Random, count: int) -> Iterator[dict[str, Any]]:
    """Random rollup requests: level, grain, a division or well, a range cut anywhere."""
    days = [None] + [D(2024, 1, 1) + dt.timedelta(i) for i in range(0, 1100, 7)]
    days += [D(2025, 1, 1), D(2025, 12, 31), D(2024, 12, 31), D(2026, 6, 30)]
    for _ in range(count):
        case: dict[str, Any] = {
            "level": rng.choice(["well", "division", "company"]),
            "grain": rng.choice(["month", "year"]),
            "start": rng.choice(days),
            "end": rng.choice(days),
        }
        if rng.random() < 0.3:
            case["division_id"] = 63
        elif rng.random() < 0.15:
            case["well_id"] = 1851797476
        yield {k: v for k, v in case.items() if v is not None}


def _rollup_truth(rows: list[dict[str, Any]], case: dict[str, Any]) -> dict[Any, dict[str, Any]]:
    start, end = (str(case[k]) if k in case else None for k in ("start", "end"))
    width = 7 if case["grain"] == "month" else 4
    groups: dict[Any, dict[str, Any]] = defaultdict(lambda: {"wells": set[int]()})
    for row in rows:
        day = row["production_date"]
        if (start and day < start) or (end and day > end):
            continue
        if case.get("division_id", row["division_id"]) != row["division_id"]:
            continue
        if case.get("well_id", row["well_id"]) != row["well_id"]:
            continue
        entity = {"well": row["well_id"], "division": row["division_id"], "company": None}
        g = groups[(day[:width], entity[case["level"]])]
        g["wells"].add(row["well_id"])
        g["record_days"] = g.get("record_days", 0) + 1
        g["measured_days"] = g.get("measured_days", 0) + (row["hours_on"] is not None)
        g["producing_days"] = g.get("producing_days", 0) + ((row["hours_on"] or 0) > 0)
        for name in ("hours_on", "oil", "gas", "water", "water_injected"):
            g[name] = g.get(name, 0.0) + (row[name] or 0)
    return groups


def _assert_rollup(client: TestClient, rows: list[dict[str, Any]], case: dict[str, Any]) -> None:
    answer = client.get("/v1/production/rollup", params=case).json()
    truth = _rollup_truth(rows, case)
    assert sorted((r["period"], r["entity_id"]) for r in answer) == sorted(truth), case
    for r in answer:
        t = truth[(r["period"], r["entity_id"])]
        assert r["well_count"] == len(t["wells"]), case
        for name in ("record_days", "measured_days", "producing_days"):
            assert r[name] == t[name], (case, name)
        for name in ("hours_on", "oil", "gas", "water", "water_injected"):
            assert r[name] == pytest.approx(t[name], abs=1e-3), (case, name)


@pytest.fixture(scope="session")
def daily_rows(client: TestClient) -> list[dict[str, Any]]:
    """The demo database's daily rows with their wells' divisions."""
    return _daily_rows(client)


@pytest.mark.parametrize("seed", range(40))
def test_rollups_equal_the_sums_of_the_daily_rows(
    client: TestClient, daily_rows: list[dict[str, Any]], seed: int
) -> None:
    for case in _cases(random.Random(seed), 3):
        _assert_rollup(client, daily_rows, case)


@pytest.mark.parametrize(
    "as_of", ["2024-01-01", "2025-03-15", "2025-12-31", "2026-02-28", "2026-10-31", "2030-01-01"]
)
@pytest.mark.parametrize("level", ["well", "division", "company"])
def test_cumulative_equals_the_sums_of_the_daily_rows(
    client: TestClient, daily_rows: list[dict[str, Any]], as_of: str, level: str
) -> None:
    rows = daily_rows
    answer = client.get("/v1/production/cumulative", params={"level": level, "as_of": as_of}).json()
    truth: dict[Any, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        day = row["production_date"]
        if day > as_of:
            continue
        entity = {"well": row["well_id"], "division": row["division_id"], "company": None}[level]
        for name in ("oil", "gas", "water"):
            value = row[name] or 0
            truth[entity][f"ltd_{name}"] += value
            truth[entity][f"ytd_{name}"] += value if day[:4] == as_of[:4] else 0
            truth[entity][f"mtd_{name}"] += value if day[:7] == as_of[:7] else 0
    if level == "company" and not truth:
        truth[None] = defaultdict(float)
    assert sorted(r["entity_id"] or 0 for r in answer) == sorted(e or 0 for e in truth)
    for r in answer:
        for name, value in truth[r["entity_id"]].items():
            assert r[name] == pytest.approx(value, abs=1e-3), (level, as_of, name)


@pytest.mark.parametrize("grain", ["month", "year"])
@pytest.mark.parametrize("level", ["well", "division", "company"])
@pytest.mark.parametrize("year", [None, 2025])
def test_budget_vs_actual_equals_the_sums_of_the_budget_rows(
    client: TestClient,
    demo_database: tuple[str, DemoData],
    grain: str,
    level: str,
    year: int | None,
) -> None:
    _, data = demo_database
    divisions = {w.well_id: w.division_id for w in data.wells}
    params: dict[str, Any] = {"grain": grain, "level": level, "through": "2025-06-15"}
    if year is not None:
        params["year"] = year
    truth: dict[Any, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for well, month, budget, actual in data.budget_rows():
        if year is not None and not month.startswith(str(year)):
            continue
        entity = {"well": well, "division": divisions[well], "company": None}[level]
        t = truth[(month[: 7 if grain == "month" else 4], entity)]
        t[0] += budget
        if month <= "2025-06-01":
            t[1] += budget
            t[2] += actual
    answer = client.get("/v1/budget-vs-actual", params=params).json()
    assert sorted((r["period"], r["entity_id"] or 0) for r in answer) == sorted(
        (p, e or 0) for p, e in truth
    )
    for r in answer:
        expected = truth[(r["period"], r["entity_id"])]
        got = [r["budget"], r["budget_to_date"], r["actual_to_date"]]
        assert got == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("aggregate", consistency.AGGREGATES, ids=lambda a: a.table)
def test_check_statements_parse_as_oracle(aggregate: consistency.Aggregate) -> None:
    from tests.test_oracle_offline import oracle_problems

    assert oracle_problems(aggregate.statement("oracle")) == []


def test_a_truncate_empties_the_aggregates_of_its_rows(
    backend: str, fresh_database: tuple[str, DemoData]
) -> None:
    if backend != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (and fires no row or statement trigger)")
    url, _ = fresh_database

    async def run() -> list[int]:
        db = open_database(Settings(database_url=url), url)
        await db.open()
        try:
            await db.execute("TRUNCATE odm_daily_production, odm_well_budget", {})
            tables = [a.table for a in consistency.AGGREGATES if a.table != "odm_well_totals"]
            counts = [(await db.fetch_all(f"SELECT COUNT(*) FROM {t}", {}))[0][0] for t in tables]
            return [int(count) for count in counts]
        finally:
            await db.close()

    assert asyncio.run(run()) == [0, 0, 0, 0]
