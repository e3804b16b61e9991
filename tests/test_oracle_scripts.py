"""The Oracle install scripts, read as Oracle's grammar reads them, without a server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from odm.db.base import migration_scripts
from odm.db.oracle_text import (
    STAGE_ORDER,
    creates_once,
    retry_safe,
    split_script,
    staging_table,
)
from odm.ingest.targets import TARGETS, Target
from odm.queries import QUERIES_DIR

ORACLE_DIR = Path(__file__).resolve().parent.parent / "database" / "oracle"


def _install_statements() -> list[str]:
    """Every statement `odm init-db` sends, over all schema versions."""
    statements: list[str] = []
    for _version, path in migration_scripts("oracle"):
        statements += split_script(path.read_text("utf-8"), ORACLE_DIR)
    return statements


def _code(text: str) -> str:
    """PL/SQL or SQL text without its comments."""
    return re.sub(r"--[^\n]*", "", text)


def test_compound_trigger_timing_points_declare_nothing() -> None:
    # The documented grammar: timing_point IS BEGIN ... END timing_point; no declarations.
    triggers = [s for s in _install_statements() if "COMPOUND TRIGGER" in s]
    assert triggers
    for trigger in triggers:
        sections = re.findall(
            r"\b(?:BEFORE|AFTER|INSTEAD\s+OF)\s+(?:STATEMENT|EACH\s+ROW)\s+IS\b(.*?)\bBEGIN\b",
            _code(trigger),
            re.DOTALL,
        )
        assert sections, "the trigger has timing points"
        assert [section.strip() for section in sections] == [""] * len(sections)


def _calls(code: str, function: str) -> list[str]:
    """The argument text of every call of `function`, to its matching parenthesis."""
    calls = []
    for match in re.finditer(rf"\b{function}\s*\(", code, re.IGNORECASE):
        depth, start = 1, match.end()
        position = start
        while depth:
            depth += {"(": 1, ")": -1}.get(code[position], 0)
            position += 1
        calls.append(code[start : position - 1])
    return calls


def test_every_json_serialize_raises_its_errors() -> None:
    # NULL ON ERROR (the documented default) would become a silent `[]` with status 200.
    code = _code((ORACLE_DIR / "get_odm_data_pkg.sql").read_text("utf-8"))
    calls = _calls(code, "JSON_SERIALIZE")
    assert len(calls) == 4
    for call in calls:
        assert " ".join(call.split()).endswith("RETURNING CLOB ASCII ERROR ON ERROR"), call


def _table_columns() -> dict[str, list[str]]:
    """Each table the scripts create, with its column names in order (one column a line)."""
    tables = {}
    for statement in _install_statements():
        if created := re.match(r"CREATE (?:GLOBAL TEMPORARY )?TABLE (\w+)", statement):
            tables[created[1]] = re.findall(
                r"^\s+(\w+)\s+(?:NUMBER|VARCHAR2|DATE|BINARY_DOUBLE|TIMESTAMP)\b",
                statement,
                re.MULTILINE,
            )
    return tables


@pytest.mark.parametrize("target", list(TARGETS.values()), ids=list(TARGETS))
def test_every_write_target_has_staging_tables_of_its_columns(target: Target) -> None:
    tables = _table_columns()
    assert set(target.types) <= set(tables[target.table])
    ingest = tables[f"odm_ingest_{target.name}"]
    assert ingest == [STAGE_ORDER, "fieldset", *target.types]
    if staging_table(target.table) in tables:  # bulk loads (write_tables) of the table
        assert tables[staging_table(target.table)] == [STAGE_ORDER, *target.types]


def test_every_install_statement_is_safe_to_run_again() -> None:
    # A retry after a failure part-way: tables and indexes that exist are kept (ORA-00955),
    # everything else is CREATE OR REPLACE or a PL/SQL block that checks first.
    unsafe = [s.splitlines()[0] for s in _install_statements() if not retry_safe(s)]
    assert unsafe == []
    assert creates_once("CREATE GLOBAL TEMPORARY TABLE t (x NUMBER)")
    assert not creates_once("CREATE OR REPLACE VIEW v AS SELECT 1 FROM dual")
    assert not retry_safe("ALTER TABLE t ADD (y NUMBER)")


def test_the_reader_role_is_granted_everything_the_service_reads() -> None:
    # grants.sql grants every table named ODM_% and every view named GET_% of the owner.
    grants = (ORACLE_DIR / "grants.sql").read_text("utf-8")
    assert "table_name LIKE 'ODM\\_%' ESCAPE '\\'" in grants
    assert "view_name LIKE 'GET\\_%' ESCAPE '\\'" in grants
    assert "grant_to('EXECUTE', 'GET_ODM_DATA_PKG', l_reader);" in grants
    tables = set(_table_columns())
    views = set(re.findall(r"CREATE OR REPLACE VIEW (\w+)", " ".join(_install_statements())))
    read = set()
    for path in [*QUERIES_DIR.glob("*.sql"), *QUERIES_DIR.glob("oracle/*.sql")]:
        read |= set(re.findall(r"\b(odm_\w+|Get_\w+)", _code(path.read_text("utf-8"))))
    assert read and read <= tables | views
    assert all(view.upper().startswith("GET_") for view in views)


def test_every_schema_version_ends_with_the_grants() -> None:
    for _version, path in migration_scripts("oracle"):
        assert path.read_text("utf-8").rstrip().endswith("@@grants.sql"), path.name


def test_the_compose_file_serves_as_the_application_account() -> None:
    root = ORACLE_DIR.parent.parent
    compose = (root / "compose.oracle.yaml").read_text("utf-8")
    accounts = (ORACLE_DIR / "compose" / "odm_accounts.sh").read_text("utf-8")
    # grants.sql grants to <owner>_READER and <owner>_WRITER: the owner is APP_USER odm.
    assert "APP_USER: odm " in compose
    assert "CREATE ROLE odm_reader;" in accounts and "CREATE ROLE odm_writer;" in accounts
    assert "GRANT CREATE SESSION, odm_reader TO odm_app;" in accounts
    serving = compose.split("\n  odm:\n", 1)[1]
    assert "ORACLE_USER: odm_app" in serving and "ODM_ORACLE_SCHEMA: ODM" in serving
    installing = compose.split("\n  odm-install:\n", 1)[1].split("\n  odm:\n", 1)[0]
    assert "ORACLE_USER: odm\n" in installing and "odm init-db" in installing
