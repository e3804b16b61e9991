"""The Oracle install scripts, read as Oracle's grammar reads them, without a server."""

from __future__ import annotations

import re
from pathlib import Path

from odm.db.base import migration_scripts
from odm.db.oracle import split_script

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
