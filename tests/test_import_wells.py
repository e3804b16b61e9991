"""File imports name wells by any identifier, create the wells they lack when asked, count
what they did to the stored rows and the unusual values they accepted, on every backend."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from odm.cli import app
from odm.db import open_database
from odm.db.base import TableRows, migrate
from odm.importers import Division, ImportOptions, ImportReport, Rejection, import_file
from odm.importers.mapping import parse_mapping
from odm.importers.validate import UNKNOWN_WELLS, WELL_IDS
from odm.ingest.targets import TARGETS
from odm.ingest.wells import WellKeys
from odm.units import UNITS, Quantity
from tests.backends import empty_database
from tests.isolation import isolated_settings

HEADER = "Wellbore,Date,Hours,Oil,Gas,Water\n"
DAILY = {
    "table": "odm_daily_production",
    "columns": {
        "well_name": "Wellbore",
        "production_date": "Date",
        "hours_on": "Hours",
        "oil": {"source": "Oil", "unit": "Sm3"},
        "gas": {"source": "Gas", "unit": "Sm3"},
        "water": {"source": "Water", "unit": "Sm3"},
    },
}
NORTH_SEA = Division(100, "North Sea")


def daily_csv(folder: Path, *lines: str) -> Path:
    path = folder / "daily.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines))
    return path


async def _with_db(url: str, work: Any) -> Any:
    db = open_database(isolated_settings(database_url=url), url)
    await db.open()
    try:
        await migrate(db)
        return await work(db)
    finally:
        await db.close()


def run_import(
    url: str, path: Path, document: dict[str, Any] = DAILY, **options: Any
) -> tuple[ImportReport, list[Rejection]]:
    rejections: list[Rejection] = []
    mapping = parse_mapping(document)
    chosen = ImportOptions(on_reject=rejections.append, **options)
    report = asyncio.run(_with_db(url, lambda db: import_file(db, path, mapping, chosen)))
    return report, rejections


def fetch(url: str, sql: str) -> list[Any]:
    return list(asyncio.run(_with_db(url, lambda db: db.fetch_all(sql, {}))))


def add_wells(url: str, *wells: tuple[int, str]) -> None:
    division = TableRows("odm_division", ("division_id", "division_name"), [(5, "D")])
    rows = TableRows("odm_well", ("well_id", "well_name", "division_id", "uwi"), [])
    rows = TableRows(rows.table, rows.columns, [(i, name, 5, f"UWI-{i}") for i, name in wells])
    asyncio.run(_with_db(url, lambda db: db.write_tables([division, rows], lambda n: None)))


def test_wells_named_by_text_are_created_once(backend: str, tmp_path: Path) -> None:
    path = daily_csv(
        tmp_path,
        "15/9-F-1 C,2024-10-26,24,1000.5,150000,200",
        "15/9-F-1 C,2024-10-27,25,1042.25,156000,-3.5",  # clocks go back: a 25-hour day
        "15/9-F-11,2024-10-27,24,800,120000,-0.25",  # meter corrections below zero
    )
    with empty_database(backend, tmp_path) as url:
        report, rejections = run_import(url, path, create_missing=True, division=NORTH_SEA)
        assert rejections == []
        assert report.new_wells == ["15/9-F-1 C", "15/9-F-11"]
        assert (report.counts.inserted, report.counts.updated) == (3, 0)
        assert report.warnings == {"hours_on above 24": 1, "water below 0": 2}
        assert fetch(url, "SELECT well_id, well_name, division_id FROM odm_well ORDER BY 1") == [
            (1, "15/9-F-1 C", 100),
            (2, "15/9-F-11", 100),
        ]
        assert fetch(url, "SELECT division_id, division_name FROM odm_division") == [
            (100, "North Sea")
        ]
        again, _ = run_import(url, path, create_missing=True, division=NORTH_SEA)
        assert again.new_wells == [] and again.counts.unchanged == 3
        water = fetch(url, "SELECT water FROM odm_daily_production ORDER BY well_id, 1")
        assert [round(w * 0.158987294928, 12) for (w,) in water] == [-3.5, 200.0, -0.25]


def test_unknown_wells_are_rejected_with_what_to_do(backend: str, tmp_path: Path) -> None:
    path = daily_csv(tmp_path, "15/9-F-1 C,2024-10-26,24,1,1,1", "15/9-F-1 C,2024-10-27,24,1,1,1")
    with empty_database(backend, tmp_path) as url:
        report, rejections = run_import(url, path)
        assert fetch(url, "SELECT COUNT(*) FROM odm_well") == [(0,)]
    assert [r.reason for r in rejections] == ["no well has well_name '15/9-F-1 C'"] * 2
    assert (report.rejected, report.counts.inserted, report.hints) == (2, 0, {UNKNOWN_WELLS: 2})


def test_any_identifier_names_a_well_and_left_out_columns_keep_their_values(
    backend: str, tmp_path: Path
) -> None:
    oil = {"source": "Oil", "unit": "Sm3"}
    by_uwi = DAILY | {"columns": {"uwi": "Wellbore", "production_date": "Date", "oil": oil}}
    with empty_database(backend, tmp_path) as url:
        add_wells(url, (7, "A-1"), (8, "A-2"))
        first = daily_csv(tmp_path, "A-1,2024-01-01,24,10,20,30", "A-2,2024-01-01,24,1,2,3")
        report, _ = run_import(url, first)
        assert report.counts.inserted == 2
        # The same days by UWI, oil only: oil changes, gas and water stay as stored.
        second = daily_csv(tmp_path, "UWI-7,2024-01-01,,11,,", "UWI-8,2024-01-01,,1,,")
        report, rejections = run_import(url, second, by_uwi)
        rows = fetch(url, "SELECT well_id, oil, gas, water FROM odm_daily_production ORDER BY 1")
    assert rejections == []
    assert (report.counts.updated, report.counts.unchanged) == (1, 1)
    assert rows[0][0] == 7 and rows[0][1] == pytest.approx(11 / 0.158987294928, rel=1e-15)
    assert rows[0][2:] == pytest.approx((20 / 28.316846592, 30 / 0.158987294928), rel=1e-15)


def test_a_text_code_mapped_to_well_id_says_where_it_belongs(tmp_path: Path) -> None:
    document = DAILY | {"columns": {"well_id": "Wellbore", "production_date": "Date"}}
    path = daily_csv(tmp_path, "15/9-F-1 C,2024-10-26,24,1,1,1", "42,2024-10-26,24,1,1,1")
    report, rejections = run_import(f"sqlite:///{tmp_path / 'odm.db'}", path, document)
    assert "'15/9-F-1 C' is not a number" in rejections[0].reason
    assert rejections[1].reason == "unknown well_id 42"
    assert report.hints == {WELL_IDS: 2}  # --create-missing creates wells by text, not by id


def test_a_new_well_cannot_take_a_name_in_use(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odm.db'}"
    add_wells(url, (7, "A-1"))
    by_uwi = DAILY | {"columns": {"uwi": "Wellbore", "production_date": "Date"}}
    path = daily_csv(tmp_path, "A-1,2024-01-01,24,1,1,1", "B-9,2024-01-01,24,1,1,1")
    report, rejections = run_import(url, path, by_uwi, create_missing=True, division=NORTH_SEA)
    assert [r.line for r in rejections] == [2]
    assert "a new one cannot be named 'A-1': well 7 is" in rejections[0].reason
    assert report.new_wells == ["B-9"]
    assert fetch(url, "SELECT well_id, well_name, uwi FROM odm_well ORDER BY 1") == [
        (7, "A-1", "UWI-7"),
        (8, "B-9", "B-9"),
    ]


def test_new_wells_are_numbered_again_if_wells_appeared_meanwhile(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def stale_keys(db: Any, scope: Any) -> WellKeys:
        return WellKeys()  # as if read before well 1 was created by someone else

    path = daily_csv(tmp_path, "N-1,2024-01-01,24,1,1,1", "N-2,2024-01-01,24,1,1,1")
    with empty_database(backend, tmp_path) as url:
        add_wells(url, (1, "Other"))
        monkeypatch.setattr("odm.importers.pipeline.load_well_keys", stale_keys)
        report, _ = run_import(url, path, create_missing=True, division=NORTH_SEA)
        rows = fetch(
            url,
            "SELECT w.well_name, p.well_id FROM odm_daily_production p "
            "JOIN odm_well w ON w.well_id = p.well_id ORDER BY 2",
        )
    assert report.new_wells == ["N-1", "N-2"] and report.counts.inserted == 2
    assert rows == [("N-1", 2), ("N-2", 3)]  # planned as 1 and 2


def test_create_missing_needs_a_division_and_a_well_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odm.db'}"
    path = daily_csv(tmp_path, "N-1,2024-01-01,24,1,1,1")
    with pytest.raises(ValueError, match="--create-missing needs the division"):
        run_import(url, path, create_missing=True)
    monthly = {
        "table": "odm_monthly_production",
        "columns": {"entity_key": "Wellbore", "month": "Date"},
        "constants": {"entity_type": "well"},
    }
    with pytest.raises(ValueError, match="--create-missing creates wells"):
        run_import(url, path, monthly, create_missing=True, division=NORTH_SEA)


def test_a_31_day_month_plus_an_hour_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "monthly.csv"
    path.write_text("Key,Month,Days\nL1,2024-10-01,31.0416666\nL2,2024-10-01,31.05\n")
    monthly = {
        "table": "odm_monthly_production",
        "columns": {"entity_key": "Key", "month": "Month", "days_on": "Days"},
        "constants": {"entity_type": "lease"},
    }
    report, rejections = run_import(
        f"sqlite:///{tmp_path / 'odm.db'}", path, monthly, division=NORTH_SEA
    )
    assert report.warnings == {"days_on above 31": 1}
    assert [r.reason for r in rejections] == ["days_on 31.05 is outside 0..31.0417"]


def invoke(*arguments: str) -> Result:
    return CliRunner().invoke(app, ["import", *arguments])


def test_a_new_users_first_import_says_what_went_wrong_and_how_to_fix_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odm.db'}"
    path = daily_csv(
        tmp_path, "15/9-F-1 C,2024-10-27,25,1000,150000,-2", "15/9-F-11,2024-10-27,24,1,1,1"
    )
    flags = ["-d", url, "--table", "daily_production", "--column", "production_date=Date"]
    flags += ["--column", "hours_on=Hours", "--column", "oil=Oil", "--unit", "oil=Sm3"]
    flags += ["--column", "water=Water", "--unit", "water=Sm3"]
    first = invoke(str(path), *flags, "--column", "well_id=Wellbore")
    assert first.exit_code == 1
    assert f"2 rows rejected because {WELL_IDS}" in first.output
    assert "error: 2 rows rejected, more than --max-rejects 0: exit status 1 (no row was " in (
        first.output
    )
    by_name = [str(path), *flags, "--column", "well_name=Wellbore"]
    second = invoke(*by_name)
    assert second.exit_code == 1 and f"2 rows rejected because {UNKNOWN_WELLS}" in second.output
    created = invoke(*by_name, "--create-missing", "--division", "100", "--division-name", "NS")
    assert created.exit_code == 0, created.output
    assert "2 imported, 0 rejected" in created.output
    assert "stored rows: 2 inserted, 0 updated, 0 unchanged" in created.output
    assert "2 new wells in division 100: 15/9-F-1 C, 15/9-F-11" in created.output
    assert "accepted with warnings (values out of the ordinary): 1 hours_on above 24, " in (
        created.output
    )
    # Every import is audited, in its transaction, with the rows it wrote.
    audit = fetch(url, "SELECT method, route, target, row_count FROM odm_audit ORDER BY audit_id")
    assert audit == [
        ("CLI", "odm import", "odm_daily_production from daily.csv", n) for n in (0, 0, 2)
    ]


def test_import_help_lists_every_table_and_unit_uncut() -> None:
    result = CliRunner().invoke(app, ["import", "--help"], terminal_width=80)
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # as wrapped
    for table in TARGETS:
        assert f"{table}:" in text
    for quantity in (Quantity.LIQUID, Quantity.GAS):
        assert ", ".join(UNITS[quantity]) in text
    assert "hours_on (0..25; above 24 warns)" in text
    assert "or sqlite:///var/odm.db)" in text and "--create-missing" in text
    assert "…" not in result.output and "..." not in result.output
    assert max(map(len, result.output.splitlines())) <= 80
