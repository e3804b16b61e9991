"""Rejected rows are reported with their line number and reason; strict imports write
nothing; daily rows through a mapping file upsert and keep the well totals exact."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from odm.cli import app
from odm.db import open_database
from odm.db.base import TableRows, migrate
from odm.demo import SEED_WELL_ID, DemoData
from odm.importers import (
    Division,
    ImportOptions,
    ImportReport,
    Mapping,
    Rejection,
    StrictRejection,
    import_file,
    load_mapping,
    load_preset,
)
from tests.backends import empty_database
from tests.isolation import isolated_settings

DATA = Path(__file__).resolve().parent / "data"


def run_import(
    url: str, path: Path, mapping: Mapping, **options: Any
) -> tuple[ImportReport, list[Rejection]]:
    """Import a file; return its report and every rejection in order."""
    rejections: list[Rejection] = []

    async def run() -> ImportReport:
        db = open_database(isolated_settings(database_url=url), url)
        await db.open()
        try:
            await migrate(db)
            return await import_file(
                db, path, mapping, ImportOptions(on_reject=rejections.append, **options)
            )
        finally:
            await db.close()

    return asyncio.run(run()), rejections


def fetch(url: str, sql: str) -> list[Any]:
    async def run() -> list[Any]:
        db = open_database(isolated_settings(database_url=url), url)
        await db.open()
        try:
            return await db.fetch_all(sql, {})
        finally:
            await db.close()

    return asyncio.run(run())


def test_bad_rows_are_reported_by_line_and_reason(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as url:
        report, rejections = run_import(
            url, DATA / "bad_lease.csv", load_preset("bsee-lease-monthly")
        )
        rows = fetch(url, "SELECT entity_key, oil, gas FROM odm_monthly_production ORDER BY 1")
    reasons = {r.line: r.reason for r in rejections}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "month" in reasons[3] and "13" in reasons[3]
    assert "'abc' is not a number" in reasons[4] and "Lease Oil Production" in reasons[4]
    assert "entity_key is missing" in reasons[5]
    assert reasons[6] == "duplicate of line 2: counted once"
    assert reasons[7] == "same key as line 2 with different values: replaces it"
    assert [r.replaces for r in rejections] == [None, None, None, None, 2]
    assert (report.rows_read, report.imported, report.rejected, report.duplicates) == (7, 3, 3, 1)
    assert report.replaced == 1
    # The footer's oil total is 999 - 5: what is stored, line 7 having replaced line 2.
    assert (report.blank_lines, report.footer_line, report.checksum_failures()) == (1, 10, [])
    assert rows == [("00016", 999.0, 15.0), ("G00001", -5.0, 2.0)]


def lease_csv(path: Path, *rows: str) -> Path:
    """A BSEE lease file (bad_lease.csv's header) holding the given data lines."""
    header = (DATA / "bad_lease.csv").read_text().splitlines()[0]
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_a_repeat_differing_only_by_hash_equal_values_replaces_the_row(
    backend: str, tmp_path: Path
) -> None:
    # hash(-1.0) == hash(-2.0) in CPython: the second row once passed for a mere repeat.
    assert hash(-1.0) == hash(-2.0)
    path = lease_csv(
        tmp_path / "corrected.csv",
        " 00016,1,2000,-1,0,10,5,50,1,18",
        " 00016,1,2000,-2,0,10,5,50,1,18",
        " 00016,1,2000,-2,0,10,5,50,1,18",
        ',,,"Sum=-2",,,,,,',
    )
    with empty_database(backend, tmp_path) as url:
        report, rejections = run_import(url, path, load_preset("bsee-lease-monthly"))
        rows = fetch(url, "SELECT entity_key, oil FROM odm_monthly_production")
    assert [(r.line, r.reason, r.duplicate) for r in rejections] == [
        (3, "same key as line 2 with different values: replaces it", False),
        (4, "duplicate of line 3: counted once", True),  # compared with the row that won
    ]
    assert (report.imported, report.rejected, report.duplicates, report.replaced) == (2, 0, 1, 1)
    assert rows == [("00016", -2.0)]  # the later row wins
    assert report.checksums() == [("Lease Oil Production (BBL)", -2.0, -2.0)]


def add_wells(url: str, well_ids: tuple[int, ...]) -> None:
    """Create the schema, a division and the given wells."""

    async def run() -> None:
        db = open_database(isolated_settings(database_url=url), url)
        await db.open()
        try:
            await migrate(db)
            division = TableRows("odm_division", ("division_id", "division_name"), [(5, "D")])
            columns = ("well_id", "well_name", "division_id")
            wells = TableRows("odm_well", columns, [(i, f"W{i}", 5) for i in well_ids])
            await db.write_tables([division, wells], lambda count: None)
        finally:
            await db.close()

    asyncio.run(run())


def test_keys_that_hash_equal_are_still_different_keys(backend: str, tmp_path: Path) -> None:
    well_ids = (-1, -2)
    assert hash(-1) == hash(-2)  # so the two rows' keys once passed for the same key
    path = tmp_path / "daily.csv"
    path.write_text(
        "Well,Day,Hours,Oil m3,Gas Sm3,Water m3\n"
        + "".join(f"{well_id},01.01.2030,24,10,1000,1\n" for well_id in well_ids)
    )
    with empty_database(backend, tmp_path) as url:
        add_wells(url, well_ids)
        report, rejections = run_import(url, path, load_mapping(DATA / "daily_metric.toml"))
        rows = fetch(url, "SELECT well_id FROM odm_daily_production ORDER BY well_id")
    assert (rejections, report.imported) == ([], 2)
    assert rows == sorted((well_id,) for well_id in well_ids)


def test_strict_import_writes_nothing(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as url:
        with pytest.raises(StrictRejection, match="3 rows rejected"):
            run_import(url, DATA / "bad_lease.csv", load_preset("bsee-lease-monthly"), strict=True)
        assert fetch(url, "SELECT COUNT(*) FROM odm_monthly_production") == [(0,)]
        assert fetch(url, "SELECT COUNT(*) FROM odm_division") == [(0,)]


def test_leading_zeros_and_a_chosen_division(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as url:
        division = Division(77, "Test shelf")
        run_import(
            url,
            DATA / "bsee_well_leading_zero.csv",
            load_preset("bsee-well-monthly"),
            division=division,
        )
        rows = fetch(url, "SELECT entity_key, division_id FROM odm_monthly_production")
        divisions = fetch(url, "SELECT division_id, division_name FROM odm_division")
    assert rows == [("012345678900-A001", 77)] * 2
    assert divisions == [(77, "Test shelf")]


def well_totals_agree(url: str) -> bool:
    totals = fetch(
        url, f"SELECT day_count, oil, gas FROM odm_well_totals WHERE well_id = {SEED_WELL_ID}"
    )
    daily = fetch(
        url,
        "SELECT COUNT(*), SUM(oil), SUM(gas) FROM odm_daily_production "
        f"WHERE well_id = {SEED_WELL_ID}",
    )
    return totals[0][0] == daily[0][0] and all(
        abs(a - b) < 1e-6 * max(1.0, abs(b))
        for a, b in zip(totals[0][1:], daily[0][1:], strict=True)
    )


def test_daily_rows_through_a_mapping_file(
    fresh_database: tuple[str, DemoData],
) -> None:
    url, _ = fresh_database
    mapping = load_mapping(DATA / "daily_metric.toml")
    for _ in range(2):  # twice: the second pass replaces the first's rows
        report, rejections = run_import(url, DATA / "daily_metric.csv", mapping)
        assert well_totals_agree(url)
        assert (report.imported, report.rejected) == (3, 4)
    reasons = {r.line: r.reason for r in rejections}
    assert sorted(reasons) == [4, 5, 6, 8]
    assert "unknown well_id 42" in reasons[4]
    assert "'30.02.2030' is not a date" in reasons[5]
    assert "hours_on 26 is outside 0..25" in reasons[6]
    assert "well_id is missing" in reasons[8]
    rows = fetch(
        url,
        f"SELECT production_date, oil, gas, water FROM odm_daily_production "
        f"WHERE well_id = {SEED_WELL_ID} AND production_date >= '2030-01-01' ORDER BY 1",
    )
    assert [str(r[0]) for r in rows] == ["2030-01-01", "2030-01-02", "2030-01-04"]
    # m³ and Sm³ to bbl and Mcf with the exact factors (unit = "m3" and "Sm3" in the mapping).
    exact = (10 / 0.158987294928, 1000 / 28.316846592, 1 / 0.158987294928)
    assert rows[0][1:] == pytest.approx(exact, rel=1e-15)
    assert rows[2][1:] == (None, None, None)  # empty cells: not measured, not zero


def test_cli_import_with_rejects_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odm.db'}"
    rejects = tmp_path / "rejects.csv"
    result = CliRunner().invoke(
        app, ["import", str(DATA / "bad_lease.csv"), "-d", url, "--rejects", str(rejects)]
    )
    # Rejected rows fail the command (exit status 1), the accepted ones are imported.
    assert result.exit_code == 1, result.output
    assert "line 4: rejected: oil" in result.output
    assert "line 7: imported: same key as line 2 with different values" in result.output
    assert "3 imported, 3 rejected, 1 duplicates counted once; stored rows: 2 inserted" in (
        result.output
    )
    assert "1 rows replaced an earlier row with the same key" in result.output
    assert "error: 3 rows rejected, more than --max-rejects 0: exit status 1 (the other rows " in (
        result.output
    )
    allowed = CliRunner().invoke(
        app, ["import", str(DATA / "bad_lease.csv"), "-d", url, "--max-rejects", "3"]
    )
    assert allowed.exit_code == 0, allowed.output
    assert "stored rows: 0 inserted, 0 updated, 2 unchanged" in allowed.output
    with rejects.open(newline="") as file:
        lines = list(csv.reader(file))
    assert [row[0] for row in lines] == ["line", "3", "4", "5", "6", "7"]
    assert lines[2][2:5] == [" 00017", "1", "2000"]


def test_cli_column_flags(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odm.db'}"
    prices = tmp_path / "prices.csv"
    prices.write_text("when,usd\n2020-01-15,55.5\n2020-02-01,x\n")
    result = CliRunner().invoke(
        app,
        [
            "import",
            str(prices),
            "-d",
            url,
            "--table",
            "monthly_price",
            "--column",
            "month=when",
            "--column",
            "price=usd",
            "--constant",
            "product=gas",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "line 3: rejected: price (column 'usd'): 'x' is not a number" in result.output
    assert fetch(url, "SELECT product, month, price FROM odm_monthly_price") == [
        ("gas", "2020-01-01", 55.5)
    ]


DAILY_FLAGS = [
    "--table",
    "daily_production",
    "--column",
    "well_id=Well",
    "--column",
    "production_date=Day",
    "--date-format",
    "%d.%m.%Y",
    "--column",
    "hours_on=Hours",
    "--column",
    "oil=Oil m3",
]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["missing.csv"], "no such file"),
        ([str(DATA / "daily_metric.csv")], "no preset fits"),
        ([str(DATA / "bad_lease.csv"), "--preset", "nope"], "unknown preset"),
        ([str(DATA / "bad_lease.csv"), "--table", "odm_well"], "unknown table"),
        (
            [str(DATA / "bad_lease.csv"), "--table", "monthly_price", "--column", "month"],
            "NAME=VALUE",
        ),
        ([str(DATA / "bad_lease.csv"), "--mapping", str(DATA / "nothing.toml")], "cannot read"),
        (
            [
                str(DATA / "daily_metric.csv"),
                "--mapping",
                str(DATA / "daily_metric.toml"),
                "--preset",
                "bsee-well-monthly",
            ],
            "only one of",
        ),
        (
            [
                str(DATA / "bad_lease.csv"),
                "--table",
                "monthly_production",
                "--column",
                "entity_key=Lease Number",
                "--column",
                "month=Nope",
                "--constant",
                "entity_type=lease",
            ],
            "rows need a division",
        ),
        (
            [str(DATA / "daily_metric.csv"), *DAILY_FLAGS, "--unit", "hours_on=h"],
            "odm_daily_production.hours_on takes no unit (columns with units: oil, gas",
        ),
        (
            [str(DATA / "daily_metric.csv"), *DAILY_FLAGS, "--unit", "oil=gallon"],
            "oil: unknown liquid unit 'gallon': use one of bbl, Mbbl, MMbbl, m3, Sm3",
        ),
        (
            [str(DATA / "daily_metric.csv"), *DAILY_FLAGS, "--unit", "water=m3"],
            "--factor or --unit for a column not mapped: water",
        ),
    ],
)
def test_cli_usage_errors_are_one_clear_line(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["import", *arguments, "-d", f"sqlite:///{tmp_path}/o.db"])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_unknown_column_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "import",
            str(DATA / "bad_lease.csv"),
            "-d",
            f"sqlite:///{tmp_path}/o.db",
            "--table",
            "monthly_production",
            "--division",
            "5",
            "--constant",
            "entity_type=lease",
            "--column",
            "entity_key=Lease Number",
            "--column",
            "month=Nope",
        ],
    )
    assert result.exit_code == 2
    assert "no column 'Nope' in the header" in result.output
