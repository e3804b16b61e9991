"""The statements of one write: staged rows counted against the table, then moved by one
UPDATE of the changed rows and one INSERT of the new ones.

Each staged row carries its position in the request (`stage_seq`: a key given twice keeps
its last row) and a bit per column it gave (`fieldset`): a column a row leaves out keeps
its stored value, and a new row takes the column's default (NULL for most). Rows whose
given values all equal the stored ones are counted unchanged and not touched at all, so a
retried request costs no trigger work and no change.
"""

from __future__ import annotations

from dataclasses import dataclass

from odm.ingest.targets import Target

STAGE_SEQ = "stage_seq"
FIELDSET = "fieldset"


def staging_table(target: Target) -> str:
    """The session-private table the rows of one write to `target` are staged in."""
    return f"odm_ingest_{target.name}"


def bit(target: Target, column: str) -> int:
    """The fieldset bit of a column: set when a staged row gave a value for it."""
    return 1 << list(target.types).index(column)


def create_staging(dialect: str, target: Target) -> str:
    """The statement preparing the staging table (Oracle's exists: it is emptied)."""
    stage = staging_table(target)
    columns = ", ".join(target.types)
    if dialect == "oracle":
        return f"DELETE FROM {stage}"
    if dialect == "postgresql":
        return (
            f"CREATE TEMPORARY TABLE {stage} AS SELECT 0::bigint AS {STAGE_SEQ}, "
            f"0 AS {FIELDSET}, {columns} FROM {target.table} WITH NO DATA"
        )
    return (
        f"CREATE TEMPORARY TABLE {stage} AS SELECT 0 AS {STAGE_SEQ}, 0 AS {FIELDSET}, "
        f"{columns} FROM {target.table} WHERE 0"
    )


def staged_columns(target: Target) -> tuple[str, ...]:
    """The staging table's columns, in the order rows are loaded."""
    return (STAGE_SEQ, FIELDSET, *target.types)


def _given(dialect: str, target: Target, column: str) -> str:
    """Whether a staged row `s` gave a value for the column."""
    mask = bit(target, column)
    if dialect == "oracle":
        return f"BITAND(s.{FIELDSET}, {mask}) <> 0"
    return f"(s.{FIELDSET} & {mask}) <> 0"


def _differs(dialect: str, column: str) -> str:
    """Whether the staged value differs from the stored one, NULL equal to NULL."""
    if dialect == "oracle":
        return f"DECODE(s.{column}, t.{column}, 0, 1) = 1"
    if dialect == "postgresql":
        return f"s.{column} IS DISTINCT FROM t.{column}"
    return f"s.{column} IS NOT t.{column}"


def _values(target: Target) -> list[str]:
    return [c for c in target.types if c not in target.key]


def _matches(target: Target) -> str:
    return " AND ".join(f"t.{c} = s.{c}" for c in target.key)


def changed(dialect: str, target: Target) -> str:
    """Whether a staged row changes the stored row it matches."""
    parts = [f"({_given(dialect, target, c)} AND {_differs(dialect, c)})" for c in _values(target)]
    return "(" + "\n       OR ".join(parts or ["1 = 0"]) + ")"


@dataclass(frozen=True)
class WriteStatements:
    """The statements moving one write's staged rows into its table."""

    repeated_keys: str  # keys staged more than once (rows of a key given twice)
    index_keys: str  # an index on the staged keys, made only when some repeat
    drop_repeats: str  # keep only the last staged row of each key
    counts: str  # staged, matched (key exists) and changed rows
    update: str  # changed rows
    insert: str  # new rows
    changed_keys: str  # the keys of the staged rows that are new or change a stored row
    stored: str  # the stored rows of every staged key (after the move)


def write_statements(dialect: str, target: Target) -> WriteStatements:
    """The statements of a write to `target` in a dialect."""
    stage, table = staging_table(target), target.table
    key = ", ".join(target.key)
    first = target.key[0]
    later = " AND ".join(f"x.{c} = {stage}.{c}" for c in target.key)
    return WriteStatements(
        repeated_keys=(
            f"SELECT COUNT(*) AS repeated FROM (\n    SELECT {key} FROM {stage}\n"
            f"    GROUP BY {key} HAVING COUNT(*) > 1\n) r"
        ),
        index_keys=f"CREATE INDEX {stage}_key ON {stage} ({key}, {STAGE_SEQ})",
        drop_repeats=(
            f"DELETE FROM {stage}\nWHERE EXISTS (\n    SELECT 1 FROM {stage} x\n"
            f"    WHERE {later} AND x.{STAGE_SEQ} > {stage}.{STAGE_SEQ}\n)"
        ),
        counts=(
            f"SELECT COUNT(*) AS staged,\n       COUNT(t.{first}) AS matched,\n"
            f"       COALESCE(SUM(CASE WHEN t.{first} IS NOT NULL AND {changed(dialect, target)}"
            f"\n           THEN 1 ELSE 0 END), 0) AS changed\n"
            f"FROM {stage} s\nLEFT JOIN {table} t ON {_matches(target)}"
        ),
        update=_update(dialect, target),
        insert=_insert(dialect, target),
        changed_keys=(
            f"SELECT {', '.join('s.' + c for c in target.key)}\nFROM {stage} s\n"
            f"LEFT JOIN {table} t ON {_matches(target)}\n"
            f"WHERE t.{first} IS NULL OR {changed(dialect, target)}"
        ),
        stored=(
            f"SELECT {', '.join('t.' + c for c in target.types)}\nFROM {table} t\n"
            f"JOIN {stage} s ON {_matches(target)}"
        ),
    )


def _kept(dialect: str, target: Target, column: str) -> str:
    """The new value of a column: the staged one if the row gave it, else the stored one."""
    return f"CASE WHEN {_given(dialect, target, column)} THEN s.{column} ELSE t.{column} END"


def _update(dialect: str, target: Target) -> str:
    stage, table = staging_table(target), target.table
    values = _values(target)
    if not values:
        return f"SELECT 0 AS updated FROM {stage} WHERE 1 = 0"
    if dialect == "oracle":
        sets = ", ".join(f"t.{c} = {_kept(dialect, target, c)}" for c in values)
        return (
            f"MERGE INTO {table} t\nUSING {stage} s\nON ({_matches(target)})\n"
            f"WHEN MATCHED THEN UPDATE SET {sets}\nWHERE {changed(dialect, target)}"
        )
    sets = ",\n    ".join(f"{c} = {_kept(dialect, target, c)}" for c in values)
    return (
        f"UPDATE {table} AS t\nSET {sets}\nFROM {stage} s\n"
        f"WHERE {_matches(target)}\n  AND {changed(dialect, target)}"
    )


def _insert(dialect: str, target: Target) -> str:
    stage, table = staging_table(target), target.table
    columns = list(target.types)
    values = [
        f"CASE WHEN {_given(dialect, target, c)} THEN s.{c} ELSE {target.defaults[c]} END"
        if c in target.defaults
        else f"s.{c}"
        for c in columns
    ]
    return (
        f"INSERT INTO {table} ({', '.join(columns)})\n"
        f"SELECT {', '.join(values)}\nFROM {stage} s\n"
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {_matches(target)})"
    )


def renumber_new_wells(target: Target) -> str:
    """Move the staged rows of the wells a write creates to the ids those wells finally take
    (numbered again when other wells were created since they were planned)."""
    stage = staging_table(target)
    return f"UPDATE {stage} SET well_id = well_id + :shift WHERE well_id BETWEEN :first AND :last"
