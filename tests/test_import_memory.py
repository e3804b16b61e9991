"""A large file streams through the importer: memory stays far below the file's size."""

from __future__ import annotations

import asyncio
import tracemalloc
from pathlib import Path

import pytest

from odm.db import open_database
from odm.db.base import migrate
from odm.importers import ImportOptions, ImportReport, import_file, load_preset
from tests.isolation import isolated_settings

ROWS = 60_000
NOTE = "x" * 200  # a wide column the preset does not read, as real files have
HEADER = (
    "Lease Number,Production Month,Production Year,Lease Oil Production (BBL),"
    "Lease Condensate Production (BBL),Lease Gas-Well-Gas Production (MCF),"
    "Lease Oil-Well-Gas Production (MCF),Lease Water Production (BBL),"
    "Producing Completions,Lease Max Water Depth (meters),Note\n"
)


def write_large_csv(path: Path) -> int:
    """A lease file of ROWS rows (12 months per lease) and a footer; returns its oil total."""
    oil_total = 0
    with path.open("w") as file:
        file.write(HEADER)
        for number in range(ROWS):
            oil = number % 9_973
            oil_total += oil
            lease, month = divmod(number, 12)
            file.write(f" {lease:07d},{month + 1},2001,{oil},1,20,30,40,3,120,{NOTE}\n")
        file.write(f',,,"Sum={oil_total:,}",,,,,,,\n')
    return oil_total


async def import_measured(url: str, path: Path) -> tuple[ImportReport, int]:
    db = open_database(isolated_settings(database_url=url), url)
    await db.open()
    try:
        await migrate(db)
        tracemalloc.start()
        try:
            report = await import_file(db, path, load_preset("bsee-lease-monthly"), ImportOptions())
            return report, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    finally:
        await db.close()


@pytest.mark.slow
def test_large_csv_imports_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    oil_total = write_large_csv(path)
    report, peak = asyncio.run(import_measured(f"sqlite:///{tmp_path / 'odm.db'}", path))
    assert report.imported == ROWS
    assert report.checksums()[0][1:] == (oil_total, oil_total)
    size = path.stat().st_size
    assert peak < size / 4, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"
