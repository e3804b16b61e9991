"""A developer's `.env` or exported ODM_* variables change nothing the tests build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from odm.config import Settings, settings_variables
from tests.isolation import clean_environment, isolated_settings

REPO = Path(__file__).resolve().parent.parent
# Each would break the suite or change its answers if it reached the code under test.
HOSTILE = {
    "ODM_BATCH_ROWS": "0",
    "ODM_RETRY_AFTER": "9",
    "ODM_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/elsewhere",
}


def hostile_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in `folder`, with a `.env` there and exported variables, all hostile."""
    dotenv = {**HOSTILE, "ODM_DATABASE_URL": "sqlite:////nonexistent/elsewhere.db"}
    (folder / ".env").write_text("".join(f"{k}={v}\n" for k, v in dotenv.items()))
    monkeypatch.chdir(folder)
    for name, value in HOSTILE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("odm_pool_size", "0")  # Settings reads names in any case


def test_isolated_settings_are_the_defaults_and_the_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_folder(tmp_path, monkeypatch)
    with pytest.raises(ValueError, match="batch_rows"):
        Settings()  # what the tests were exposed to
    defaults = {name: field.default for name, field in Settings.model_fields.items()}
    assert isolated_settings().model_dump() == defaults
    assert isolated_settings().resolved_database_url() == "sqlite:///var/odm.db"
    chosen = isolated_settings(database_url="sqlite:///x.db", batch_rows=7)
    assert (chosen.database_url, chosen.batch_rows, chosen.retry_after) == ("sqlite:///x.db", 7, 5)


def test_child_processes_get_no_setting_but_the_harness_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_folder(tmp_path, monkeypatch)
    monkeypatch.setenv("ODM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1/postgres")
    environment = clean_environment(ODM_DATABASE_URL="sqlite:///given.db")
    assert not {name.upper() for name in environment} & (
        settings_variables() - {"ODM_DATABASE_URL"}
    )
    assert environment["ODM_DATABASE_URL"] == "sqlite:///given.db"
    assert environment["ODM_TEST_POSTGRES_URL"] == "postgresql://postgres@127.0.0.1/postgres"


# Fixtures over the demo database, the command line run in-process, a real server and
# the benchmark's servers and `odm demo`: every way a setting could leak in.
SAMPLE = [
    "tests/test_seed_contract.py",
    "tests/test_import_rows.py::test_cli_import_with_rejects_file",
    "tests/test_streaming.py::test_unreachable_database_is_503_with_retry_after",
    "tests/test_bench_smoke.py::test_odm_exports_every_format",
]


@pytest.mark.slow
def test_the_suite_passes_in_a_hostile_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some of the suite, run by pytest from a folder with a hostile `.env` and hostile
    exported variables (SQLite only), passes."""
    hostile_folder(tmp_path, monkeypatch)
    for name in ("ODM_TEST_POSTGRES_URL", "ODM_TEST_ORACLE_DSN", "ODM_TEST_REQUIRE"):
        monkeypatch.delenv(name, raising=False)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    options = ["--basetemp", str(tmp_path / "basetemp"), "-k", "not postgresql and not oracle"]
    result = subprocess.run(
        [*command, *options, *(str(REPO / test) for test in SAMPLE)],
        env=os.environ | {"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
