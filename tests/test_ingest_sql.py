"""Every statement of the write path and the change log parses as Oracle SQL (no Oracle
server runs here), binds renamed as the Oracle backend sends them."""

from __future__ import annotations

import pytest

from odm.db.oracle_text import oracle_sql
from odm.ingest.targets import TARGETS, Target
from odm.queries import feed, ingest, load_sql
from odm.queries.master import update
from odm.queries.writes import delete_days
from tests.test_oracle_offline import oracle_problems

ORACLE_FILES = [
    "lock_change_counter",
    "insert_change",
    "set_change_counter",
    "changes_after",
    "last_change_id",
    "prune_changes",
    "well_identifiers",
    "well_version",
    "division_ids",
    "write_request",
    "remember_write_request",
    "insert_well",
    "insert_division",
    "next_well_id",
    "next_division_id",
    "retire_well",
    "retire_division",
    "active_wells",
    "taken_identifiers",
]


@pytest.mark.parametrize("target", list(TARGETS.values()), ids=list(TARGETS))
def test_every_write_statement_parses_as_oracle(target: Target) -> None:
    statements = ingest.write_statements("oracle", target)
    texts = [
        ingest.create_staging("oracle", target),
        statements.repeated_keys,
        statements.drop_repeats,
        statements.counts,
        statements.update,
        statements.insert,
        statements.insert_all,
        statements.changed_keys,
        statements.stored,
        feed.summary(target),
    ]
    assert [oracle_problems(oracle_sql(sql)) for sql in texts] == [[]] * len(texts)


def test_every_change_log_and_master_data_statement_parses_as_oracle() -> None:
    texts = [load_sql(name, "oracle") for name in ORACLE_FILES]
    texts.append(feed.well_totals([1, 2]).sql)
    texts.append(update("odm_well", "well_id", 1, {"status": "shut_in", "uwi": "x"}).sql)
    texts.append(delete_days("oracle", 1, None, None).sql)
    assert [oracle_problems(oracle_sql(sql)) for sql in texts] == [[]] * len(texts)
