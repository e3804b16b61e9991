"""The four public files in ../shared/data import with their presets and agree with
their own totals, on every backend; importing them twice leaves the same tables."""

from __future__ import annotations

import asyncio
import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from odm.app import create_app
from odm.db import open_database
from odm.db.base import migrate
from odm.importers import ImportOptions, ImportReport, Rejection, detect_preset, import_file
from odm.units import M3_PER_BBL, SM3_PER_MCF
from tests.access import authorized
from tests.backends import empty_database, skip_or_fail
from tests.isolation import isolated_settings

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
LEASE = DATA / "bsee_lease_production_monthly_2000_2002.csv"
WELL = DATA / "bsee_well_production_monthly_blocks_540_584.csv"
NPD = DATA / "npd_field_production_monthly.csv"
EIA = DATA / "eia_us_crude_oil_first_purchase_price_monthly.xlsx"
FILES = (LEASE, WELL, NPD, EIA)
TABLES = ("odm_division", "odm_monthly_production", "odm_monthly_price")
# Every test here reads the four files imported twice per backend (about 70,000 rows).
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True, scope="module")
def _shared_data() -> None:
    """The files live beside the checkout (../shared/data); CI requires them."""
    if not DATA.is_dir():
        skip_or_fail("shared-data", f"no shared data in {DATA}")


@dataclass
class Imported:
    """A database holding the four files, imported twice, and what each pass saw."""

    url: str
    reports: dict[str, ImportReport]
    rejections: dict[str, list[Rejection]]
    first: dict[str, list[Any]]
    second: dict[str, list[Any]]


async def fetch(url: str, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    """All rows of a query."""
    db = open_database(isolated_settings(database_url=url), url)
    await db.open()
    try:
        return await db.fetch_all(sql, params or {})
    finally:
        await db.close()


async def import_all(url: str) -> tuple[dict[str, ImportReport], dict[str, list[Rejection]]]:
    """Import every file with the preset its header fits."""
    db = open_database(isolated_settings(database_url=url), url)
    await db.open()
    reports, rejections = {}, {}
    try:
        await migrate(db)
        for path in FILES:
            mapping = detect_preset(path)
            assert mapping is not None, path
            rejections[path.name] = []
            options = ImportOptions(on_reject=rejections[path.name].append)
            reports[path.name] = await import_file(db, path, mapping, options)
    finally:
        await db.close()
    return reports, rejections


async def dump(url: str) -> dict[str, list[Any]]:
    """Every row of the imported tables, in key order."""
    return {
        table: await fetch(
            url, f"SELECT * FROM {table} ORDER BY 1, 2" + (", 3" if table != "odm_division" else "")
        )
        for table in TABLES
    }


@pytest.fixture(scope="module")
def imported(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    with empty_database(backend, tmp_path_factory.mktemp(f"import-{backend}")) as url:
        asyncio.run(import_all(url))
        first = asyncio.run(dump(url))
        reports, rejections = asyncio.run(import_all(url))
        yield Imported(url, reports, rejections, first, asyncio.run(dump(url)))


def totals(imported: Imported, entity_type: str) -> dict[str, float]:
    sql = (
        "SELECT COUNT(*), SUM(oil), SUM(condensate), SUM(gas), SUM(associated_gas), "
        "SUM(water), SUM(ngl) FROM odm_monthly_production WHERE entity_type = :t"
    )
    row = asyncio.run(fetch(imported.url, sql, {"t": entity_type}))[0]
    names = ("rows", "oil", "condensate", "gas", "associated_gas", "water", "ngl")
    return dict(zip(names, row, strict=True))


def footer_totals(path: Path) -> dict[str, int]:
    """The BSEE lease file's last line: "Sum=1,323,122,722" per volume column."""
    with path.open(newline="", encoding="utf-8-sig") as file:
        header, *_, footer = csv.reader(file)
    return {
        name.strip(): int(cell.removeprefix("Sum=").replace(",", ""))
        for name, cell in zip(header, footer, strict=True)
        if cell.startswith("Sum=")
    }


def test_importing_twice_leaves_the_same_tables(imported: Imported) -> None:
    assert imported.first == imported.second
    assert all(imported.first[table] for table in TABLES)


def test_bsee_lease_totals_equal_the_footer(imported: Imported) -> None:
    footer = footer_totals(LEASE)
    stored = totals(imported, "lease")
    assert stored["rows"] == 67_357
    assert stored["oil"] == footer["Lease Oil Production (BBL)"] == 1_323_122_722
    assert stored["condensate"] == footer["Lease Condensate Production (BBL)"]
    assert stored["associated_gas"] == footer["Lease Oil-Well-Gas Production (MCF)"]
    assert stored["gas"] == (
        footer["Lease Gas-Well-Gas Production (MCF)"]
        + footer["Lease Oil-Well-Gas Production (MCF)"]
    )
    assert stored["water"] == footer["Lease Water Production (BBL)"]


def test_bsee_lease_footer_is_a_checksum_not_a_row(imported: Imported) -> None:
    report = imported.reports[LEASE.name]
    assert report.footer_line == 67_359
    assert report.rows_read == report.imported == 67_357
    assert report.rejected == 0 and report.checksum_failures() == []
    assert len(report.checksums()) == 5
    keys = asyncio.run(
        fetch(
            imported.url,
            "SELECT DISTINCT entity_key FROM odm_monthly_production "
            "WHERE entity_type = 'lease' AND entity_key LIKE '0%' ORDER BY 1",
        )
    )
    assert keys[0] == ("00016",)  # " 00016" in the file: space gone, zeros kept


def test_bsee_well_duplicate_counted_once(imported: Imported) -> None:
    report = imported.reports[WELL.name]
    assert (report.rows_read, report.imported, report.duplicates, report.rejected) == (
        864,
        863,
        1,
        0,
    )
    [duplicate] = imported.rejections[WELL.name]
    assert (duplicate.line, duplicate.duplicate) == (865, True)
    assert "duplicate of line 806" in duplicate.reason
    stored = totals(imported, "completion")
    assert stored["rows"] == 863
    assert round(stored["oil"] / 1e6, 2) == 80.43
    assert round(stored["gas"] / 1e6, 2) == 38.88
    assert round(stored["water"] / 1e6, 2) == 1.66


def test_bsee_well_keys_are_api_number_and_completion(imported: Imported) -> None:
    sql = (
        "SELECT entity_key, days_on, oil FROM odm_monthly_production "
        "WHERE entity_type = 'completion' AND entity_key = :k"
    )
    rows = asyncio.run(fetch(imported.url, sql, {"k": "608124012700-JU106"}))
    assert rows and all(key.startswith("608124012700") for key, *_ in rows)


def npd_rows() -> Iterator[dict[str, str]]:
    with NPD.open(newline="", encoding="utf-8-sig") as file:
        yield from (row for row in csv.DictReader(file) if row["prfYear"])


def test_npd_oe_equals_oil_ngl_condensate_gas_after_converting_back(imported: Imported) -> None:
    sql = (
        "SELECT entity_key, month, oil, ngl, condensate, gas, entity_name "
        "FROM odm_monthly_production WHERE entity_type = 'field'"
    )
    stored = {
        (key, str(month)[:7]): rest for key, month, *rest in asyncio.run(fetch(imported.url, sql))
    }
    source = list(npd_rows())
    assert len(stored) == len(source) == 23_955
    for row in source:
        oil, ngl, condensate, gas, name = stored[
            (row["prfNpdidInformationCarrier"], f"{row['prfYear']}-{int(row['prfMonth']):02d}")
        ]
        assert name == row["prfInformationCarrier"]
        oe = (oil + ngl + condensate) * M3_PER_BBL / 1e6 + gas * SM3_PER_MCF / 1e9
        assert abs(oe - float(row["prfPrdOeNetMillSm3"])) <= 2e-5 + 1e-12
        # Converted back with the same exact factor, the file's number to its last bits.
        file_oil = float(row["prfPrdOilNetMillSm3"])
        assert math.isclose(oil * M3_PER_BBL / 1e6, file_oil, rel_tol=1e-15)


def test_npd_names_and_negative_values_kept(imported: Imported) -> None:
    names = asyncio.run(
        fetch(
            imported.url,
            "SELECT DISTINCT entity_name FROM odm_monthly_production WHERE entity_type = 'field'",
        )
    )
    assert len(names) == 122
    assert any("Ø" in name or "Å" in name or "Æ" in name for (name,) in names)
    negative = asyncio.run(
        fetch(
            imported.url,
            "SELECT COUNT(*) FROM odm_monthly_production "
            "WHERE entity_type = 'field' AND (oil < 0 OR gas < 0 OR ngl < 0 "
            "OR condensate < 0)",
        )
    )
    assert negative[0][0] > 0
    report = imported.reports[NPD.name]
    assert (report.rejected, report.blank_lines) == (0, 1)


def test_eia_monthly_prices(imported: Imported) -> None:
    row = asyncio.run(
        fetch(
            imported.url,
            "SELECT COUNT(*), MIN(price), MAX(price), MIN(month), "
            "MAX(month) FROM odm_monthly_price WHERE product = 'oil'",
        )
    )[0]
    assert row[:3] == (582, 6.70, 128.08)
    assert (str(row[3]), str(row[4])) == ("1974-01-01", "2022-06-01")


def test_presets_create_their_divisions(imported: Imported) -> None:
    rows = asyncio.run(fetch(imported.url, "SELECT division_id, division_name FROM odm_division"))
    assert rows == [(9001, "US Gulf of Mexico (BSEE)"), (9002, "Norwegian Continental Shelf (NPD)")]


@pytest.fixture(scope="module")
def api(imported: Imported) -> Iterator[TestClient]:
    """The HTTP API over the imported database."""
    app = create_app(isolated_settings(database_url=imported.url, rate_limit=0))
    with TestClient(app, headers=authorized(imported.url, "tests")) as client:
        yield client


def api_sums(api: TestClient, **params: str) -> dict[str, float]:
    """Column sums of /v1/production/monthly, streamed whole as NDJSON."""
    body = api.get("/v1/production/monthly", params=params | {"format": "ndjson"}).text
    rows = [json.loads(line) for line in body.splitlines()]
    sums = {k: sum(r[k] or 0 for r in rows) for k in ("oil", "condensate", "gas", "water")}
    return sums | {"rows": len(rows), "associated_gas": sum(r["associated_gas"] or 0 for r in rows)}


def test_api_totals_equal_the_bsee_lease_footer(api: TestClient) -> None:
    footer = footer_totals(LEASE)
    sums = api_sums(api, entity_type="lease")
    assert sums["rows"] == 67_357
    assert sums["oil"] == footer["Lease Oil Production (BBL)"]
    assert sums["condensate"] == footer["Lease Condensate Production (BBL)"]
    assert sums["water"] == footer["Lease Water Production (BBL)"]
    assert sums["associated_gas"] == footer["Lease Oil-Well-Gas Production (MCF)"]
    assert sums["gas"] == (
        footer["Lease Gas-Well-Gas Production (MCF)"]
        + footer["Lease Oil-Well-Gas Production (MCF)"]
    )


def test_api_counts_the_bsee_well_duplicate_once(api: TestClient) -> None:
    sums = api_sums(api, entity_type="completion")
    assert sums["rows"] == 863
    assert (
        round(sums["oil"] / 1e6, 2),
        round(sums["gas"] / 1e6, 2),
        round(sums["water"] / 1e6, 2),
    ) == (80.43, 38.88, 1.66)
    page = api.get(
        "/v1/production/monthly",
        params={
            "entity_type": "completion",
            "entity_key": "608124012700-JU106",
            "start": "2019-10-01",
            "end": "2019-10-31",
        },
    ).json()
    assert len(page) == 1


def test_api_metric_npd_rows_satisfy_oe(api: TestClient) -> None:
    body = api.get(
        "/v1/production/monthly",
        params={"entity_type": "field", "units": "metric", "format": "ndjson"},
    ).text
    stored = {(r["entity_key"], r["month"][:7]): r for r in map(json.loads, body.splitlines())}
    for row in npd_rows():
        api_row = stored[
            (row["prfNpdidInformationCarrier"], f"{row['prfYear']}-{int(row['prfMonth']):02d}")
        ]
        liquids = api_row["oil"] + api_row["ngl"] + api_row["condensate"]
        oe = liquids / 1e6 + api_row["gas"] / 1e9  # m³ and Sm³ to MSm³ o.e. (gas 1000:1)
        # Only the file's own rounding (2e-5): the exact factors round-trip.
        assert abs(oe - float(row["prfPrdOeNetMillSm3"])) <= 2e-5 + 1e-12
        for name, column in (("oil", "prfPrdOilNetMillSm3"), ("gas", "prfPrdGasNetBillSm3")):
            scale = 1e9 if name == "gas" else 1e6
            assert math.isclose(api_row[name] / scale, float(row[column]), rel_tol=1e-12)


def test_api_eia_prices(api: TestClient) -> None:
    prices = api.get("/v1/prices/monthly", params={"product": "oil"}).json()
    assert len(prices) == 582
    assert (min(p["price"] for p in prices), max(p["price"] for p in prices)) == (6.70, 128.08)
    assert prices[0]["month"] == "1974-01-01" and prices[-1]["month"] == "2022-06-01"


def test_monthly_rollup_years_add_up_to_the_lease_footer(api: TestClient) -> None:
    footer = footer_totals(LEASE)
    leases_by_year: dict[str, set[str]] = {}
    with LEASE.open(newline="", encoding="utf-8-sig") as file:
        for row in csv.DictReader(file):
            if row["Production Year"]:  # the footer line has none
                year = row["Production Year"].strip()
                leases_by_year.setdefault(year, set()).add(row["Lease Number"].strip())
    years = api.get(
        "/v1/production/monthly/rollup", params={"level": "company", "entity_type": "lease"}
    ).json()
    assert [y["period"] for y in years] == ["2000", "2001", "2002"]
    assert sum(y["oil"] for y in years) == footer["Lease Oil Production (BBL)"]
    assert sum(y["water"] for y in years) == footer["Lease Water Production (BBL)"]
    for year in years:
        assert year["boe"] == pytest.approx(
            year["oil"] + year["condensate"] + year["ngl"] + year["gas"] / 6, rel=1e-12
        )
        assert year["entity_count"] == len(leases_by_year[year["period"]])
        assert year["division_id"] is None


def test_monthly_rollup_never_mixes_entity_types_and_pages_like_it_streams(
    api: TestClient,
) -> None:
    rows = api.get("/v1/production/monthly/rollup", params={"level": "division"}).json()
    assert {(r["entity_type"], r["division_id"]) for r in rows} == {
        ("lease", 9001),
        ("completion", 9001),
        ("field", 9002),
    }
    whole = api.get(
        "/v1/production/monthly/rollup", params={"level": "entity", "entity_type": "field"}
    ).json()
    pages, url = [], "/v1/production/monthly/rollup?level=entity&entity_type=field&limit=500"
    while url:
        response = api.get(url)
        pages += response.json()
        link = response.headers.get("link")
        url = link[1 : link.index(">")] if link else ""
    assert pages == whole and len(whole) > 1000
    metric = api.get(
        "/v1/production/monthly/rollup",
        params={
            "level": "company",
            "entity_type": "field",
            "units": "metric",
            "grain": "year",
            "start": "2020-01-01",
            "end": "2020-12-31",
        },
    ).json()
    field = api.get(
        "/v1/production/monthly/rollup",
        params={
            "level": "company",
            "entity_type": "field",
            "grain": "year",
            "start": "2020-01-01",
            "end": "2020-12-31",
        },
    ).json()
    assert metric[0]["oil"] == pytest.approx(field[0]["oil"] * M3_PER_BBL, rel=1e-12)
