"""An operator's daily file, as a new user would import it: wells named by text codes,
volumes in Sm³, 25-hour days when clocks go back, a few negative water volumes (meter
corrections). One command imports it, creating the wells; the API's monthly rollups in
metric units then equal the file's own sums, on every backend."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from collections import defaultdict
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from odm.app import create_app
from odm.cli import app
from tests.access import authorized
from tests.backends import empty_database
from tests.isolation import isolated_settings

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
MAPPING = EXAMPLES / "daily_sm3.toml"
PRODUCERS = ("15/9-F-1 C", "15/9-F-11", "15/9-F-12", "15/9-F-14", "15/9-F-15 D")
INJECTOR = "15/9-F-4"
HEADER = [
    "DATEPRD",
    "NPD_WELL_BORE_NAME",
    "ON_STREAM_HRS",
    "BORE_OIL_VOL",
    "BORE_GAS_VOL",
    "BORE_WAT_VOL",
    "BORE_WI_VOL",
    "FLOW_KIND",
]
CLOCKS_GO_BACK = {dt.date(2023, 10, 29), dt.date(2024, 10, 27)}  # Europe/Oslo
CLOCKS_GO_FORWARD = {dt.date(2024, 3, 31)}
VOLUMES = ("oil", "gas", "water", "water_injected")
Sums = dict[tuple[str, str], dict[str, list[float]]]


def hours_on(rng: random.Random, day: dt.date) -> float:
    """A day's hours on stream: the day's length, less now and then an outage."""
    length = 25.0 if day in CLOCKS_GO_BACK else 23.0 if day in CLOCKS_GO_FORWARD else 24.0
    return length if rng.random() < 0.9 else round(rng.uniform(0, length), 2)


def producer_row(rng: random.Random, day: dt.date) -> list[str]:
    hours = hours_on(rng, day)
    share = hours / 24
    water = rng.uniform(100, 1500) * share
    if rng.random() < 0.01:
        water = -rng.uniform(0.1, 25)  # a meter correction
    volumes = [rng.uniform(150, 3000) * share, rng.uniform(2e4, 4.5e5) * share, water]
    return [f"{hours:g}", *(repr(v) for v in volumes), "", "production"]


def injector_row(rng: random.Random, day: dt.date) -> list[str]:
    return [f"{hours_on(rng, day):g}", "", "", "", repr(rng.uniform(3000, 6000)), "injection"]


def write_operator_file(path: Path, seed: int = 10) -> int:
    """About two years of daily rows for five producers and an injector; how many rows."""
    rng = random.Random(seed)
    day, last = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
    rows = 0
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        while day <= last:
            for well in (*PRODUCERS, INJECTOR):
                values = injector_row(rng, day) if well == INJECTOR else producer_row(rng, day)
                writer.writerow([day.strftime("%d.%m.%Y"), well, *values])
                rows += 1
            day += dt.timedelta(days=1)
    return rows


def file_sums(path: Path) -> Sums:
    """Per well and month: the file's values of each volume and hours on (Sm³, h)."""
    sums: Sums = defaultdict(lambda: defaultdict(list))
    columns = dict(zip(VOLUMES, HEADER[3:7], strict=True)) | {"hours_on": "ON_STREAM_HRS"}
    with path.open(newline="") as file:
        for row in csv.DictReader(file):
            day = dt.datetime.strptime(row["DATEPRD"], "%d.%m.%Y").date()
            month = sums[(row["NPD_WELL_BORE_NAME"], day.strftime("%Y-%m"))]
            for name, column in columns.items():
                if row[column]:
                    month[name].append(float(row[column]))
    return sums


def test_an_operators_daily_file_rolls_up_to_its_own_sums(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "volve_daily.csv"
    rows = write_operator_file(path)
    expected = file_sums(path)
    with empty_database(backend, tmp_path) as url:
        result = CliRunner().invoke(
            app, ["import", str(path), "--mapping", str(MAPPING), "--create-missing", "-d", url]
        )
        assert result.exit_code == 0, result.output
        assert f"{rows:,} rows read, {rows:,} imported, 0 rejected" in result.output
        assert "6 new wells in division 100: 15/9-F-1 C, 15/9-F-11, " in result.output
        assert "hours_on above 24" in result.output and "water below 0" in result.output
        settings = isolated_settings(database_url=url, rate_limit=0)
        with TestClient(create_app(settings), headers=authorized(url, "tests")) as client:
            response = client.get(
                "/v1/production/rollup",
                params={"level": "well", "grain": "month", "units": "metric", "format": "ndjson"},
            )
    assert response.status_code == 200 and response.headers["x-units"] == "metric"
    rollup = [json.loads(line) for line in response.text.splitlines()]
    assert len(rollup) == len(expected) == 6 * 24
    for row in rollup:
        month = expected[(row["entity_name"], row["period"])]
        for name in (*VOLUMES, "hours_on"):
            want = math.fsum(month[name])
            assert math.isclose(row[name], want, rel_tol=1e-9, abs_tol=1e-12), (row, name, want)
        assert row["record_days"] == len(month["hours_on"])


def test_the_documented_example_imports_as_the_readme_says(tmp_path: Path) -> None:
    readme = (EXAMPLES.parent.parent / "README.md").read_text()
    command = (
        "odm import docs/examples/daily_sm3.csv --mapping docs/examples/daily_sm3.toml "
        "--create-missing"
    )
    assert command in readme and command in MAPPING.read_text()
    arguments = command.split()[1:]
    arguments[1], arguments[3] = str(EXAMPLES / "daily_sm3.csv"), str(MAPPING)
    url = f"sqlite:///{tmp_path / 'odm.db'}"
    result = CliRunner().invoke(app, [*arguments, "-d", url])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    summary = lines[lines.index(next(x for x in lines if x.startswith("daily_sm3.csv"))) :]
    assert summary == [
        "daily_sm3.csv (daily-sm3 → odm_daily_production): 12 rows read, 12 imported, "
        "0 rejected, 0 duplicates counted once; stored rows: 12 inserted, 0 updated, "
        "0 unchanged",
        "3 new wells in division 100: 15/9-F-1 C, 15/9-F-11, 15/9-F-4",
        "accepted with warnings (values out of the ordinary): 3 hours_on above 24, 2 water below 0",
    ]
    assert summary[0] in readme and summary[2] in readme
