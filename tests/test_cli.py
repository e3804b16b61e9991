"""The `odm` command line, run in-process on real SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from odm.cli import app
from odm.db.base import migration_scripts

runner = CliRunner()


@pytest.mark.parametrize("command", ["init-db", "demo", "check", "recompute-totals", "serve"])
def test_every_command_has_help_and_a_database_option(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--database" in result.output


def test_init_db_then_demo_then_demo_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    versions = [version for version, _ in migration_scripts("sqlite")]
    created = runner.invoke(app, ["init-db", "-d", url]).output
    assert f"applied schema versions {versions}" in created
    assert "up to date" in runner.invoke(app, ["init-db", "-d", url]).output
    result = runner.invoke(app, ["demo", "-d", url, "--wells", "3", "--years", "1"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 wells" in result.output
    again = runner.invoke(app, ["demo", "-d", url, "--if-empty"])
    assert again.exit_code == 0 and "nothing written" in again.output
    refused = runner.invoke(app, ["demo", "-d", url])
    assert refused.exit_code != 0 and "--replace" in refused.output
    replaced = runner.invoke(app, ["demo", "-d", url, "--wells", "2", "--years", "1", "--replace"])
    assert replaced.exit_code == 0 and "wrote 2 wells" in replaced.output


def test_bad_arguments_are_refused_clearly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    bad_date = runner.invoke(app, ["demo", "-d", url, "--end", "2020-13-01"])
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output
    bad_url = runner.invoke(app, ["init-db", "-d", "mysql://x"])
    assert bad_url.exit_code != 0 and "unsupported database URL" in bad_url.output
    assert runner.invoke(app, ["demo", "-d", url, "--wells", "0"]).exit_code == 2


def test_recompute_totals(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["demo", "-d", url, "--wells", "2", "--years", "1"]).exit_code == 0
    result = runner.invoke(app, ["recompute-totals", "-d", url])
    assert result.exit_code == 0 and "recomputed" in result.output
