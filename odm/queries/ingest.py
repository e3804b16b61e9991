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

DAILY = "odm_daily_production"
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


@dataclass(frozen=True)
class Room:
    """On PostgreSQL, daily production's partition of each year a write's rows fall in
    (see database/postgresql/008_partitioned_daily.sql): the statement making them, run
    before the write's transaction (as its own, under the session's statement timeout),
    and the check that lets a large write skip counting its rows against the table."""

    cover: str  # the partitions of the staged rows' years, made if missing
    # Whether the table holds any row from the staged rows' first day to their last: when
    # it holds none, no staged key is stored, without looking each one up. The staged rows
    # are read once; the partitions outside those days are not read (pruned as it runs).
    stored: str


def make_room(dialect: str, target: Target) -> Room | None:
    """The room-making statements of a write to `target`; None where there is nothing to
    make."""
    if dialect != "postgresql" or target.table != DAILY:
        return None
    stage = staging_table(target)
    return Room(
        cover=(
            "SELECT odm_daily_partitions_cover(min(production_date), max(production_date)) "
            f"FROM {stage}"
        ),
        stored=(
            "WITH span AS MATERIALIZED (\n"
            f"    SELECT min(production_date) AS first, max(production_date) AS last FROM {stage}\n"
            ")\n"
            f"SELECT EXISTS (SELECT 1 FROM {DAILY}\n"
            "               WHERE production_date BETWEEN (SELECT first FROM span)\n"
            "                                         AND (SELECT last FROM span)) AS stored"
        ),
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
class SetSums:
    """A large write's sums kept by a few statements instead of row triggers (SQLite's
    triggers run per row: several statements for every daily row). The write suspends the
    daily table's row triggers in its transaction, notes the keys it will insert or change,
    subtracts their stored rows' sums per well-month before moving the rows and adds the new
    rows' sums after, then adds those differences to the well-months (whose own triggers
    carry them on to the divisions) and the well totals, and restores the triggers."""

    triggers: str  # the row triggers suspended: their names and SQL
    touched: str  # the staged keys the write inserts or changes
    subtract: str  # the stored rows of those keys, summed by well-month and negated
    add: str  # the rows of those keys after the move, summed by well-month
    months: str  # the differences into odm_well_month
    totals: str  # the differences into odm_well_totals
    drop: tuple[str, ...]  # the scratch tables, dropped after


@dataclass(frozen=True)
class WriteStatements:
    """The statements moving one write's staged rows into its table."""

    repeated_keys: str  # keys staged more than once (rows of a key given twice)
    index_keys: str  # an index on the staged keys, made only when some repeat
    drop_repeats: str  # keep only the last staged row of each key
    counts: str  # staged, matched (key exists) and changed rows
    staged: str  # staged rows (when none of their keys can be stored)
    update: str  # changed rows
    insert: str  # new rows
    insert_all: str  # every staged row, when none of their keys is stored
    changed_keys: str  # the keys of the staged rows that are new or change a stored row
    stored: str  # the stored rows of every staged key (after the move)
    # SQLite's daily rows: the totals and well-months kept set by set in a large write.
    sums: SetSums | None = None


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
        staged=f"SELECT COUNT(*) AS staged FROM {stage}",
        update=_update(dialect, target),
        insert=_insert(dialect, target),
        insert_all=_insert(dialect, target, only_new=False),
        changed_keys=(
            f"SELECT {', '.join('s.' + c for c in target.key)}\nFROM {stage} s\n"
            f"LEFT JOIN {table} t ON {_matches(target)}\n"
            f"WHERE t.{first} IS NULL OR {changed(dialect, target)}"
        ),
        stored=(
            f"SELECT {', '.join('t.' + c for c in target.types)}\nFROM {table} t\n"
            f"JOIN {stage} s ON {_matches(target)}"
        ),
        sums=set_sums(target) if dialect == "sqlite" and target.table == DAILY else None,
    )


SUMMED = ("hours_on", "oil", "gas", "water", "water_injected", "oil_sold", "sales_value")
TOUCHED = "odm_ingest_touched"
DIFFERENCES = "odm_ingest_differences"


def set_sums(target: Target) -> SetSums:
    """The statements keeping the sums of a large write of SQLite daily rows."""
    stage, table = staging_table(target), target.table
    month = "substr(t.production_date, 1, 8) || '01'"

    def summed(sign: str) -> str:
        sums = ", ".join(f"{sign}TOTAL(t.{c}) AS {c}" for c in SUMMED)
        return (
            f"SELECT t.well_id, {month} AS month, {sign}COUNT(*) AS record_days,\n"
            f"       {sign}COUNT(t.hours_on) AS measured_days,\n"
            f"       {sign}COUNT(CASE WHEN t.hours_on > 0 THEN 1 END) AS producing_days,\n"
            f"       {sums}\n"
            # CROSS JOIN: SQLite reads the (fewer) touched keys first, looking each row up.
            f"FROM {TOUCHED} x\nCROSS JOIN {table} t\n"
            f"  ON x.well_id = t.well_id AND x.production_date = t.production_date\n"
            f"GROUP BY t.well_id, substr(t.production_date, 1, 8)"
        )

    counted = ("record_days", "measured_days", "producing_days")
    differences = ", ".join([*(f"SUM({c})" for c in counted), *(f"TOTAL({c})" for c in SUMMED)])
    added = ",\n    ".join(f"{c} = {c} + excluded.{c}" for c in (*counted, *SUMMED))
    totals = ",\n    ".join(
        [
            "day_count = odm_well_totals.day_count + d.record_days",
            *(f"{c} = odm_well_totals.{c} + d.{c}" for c in SUMMED),
        ]
    )
    per_well = ", ".join(
        ["SUM(record_days) AS record_days", *(f"TOTAL({c}) AS {c}" for c in SUMMED)]
    )
    return SetSums(
        triggers=(
            "SELECT name, sql FROM sqlite_master\n"
            f"WHERE type = 'trigger' AND tbl_name = '{table}'\nORDER BY name"
        ),
        touched=(
            f"CREATE TEMPORARY TABLE {TOUCHED} AS\n"
            f"SELECT s.well_id, s.production_date\nFROM {stage} s\n"
            f"LEFT JOIN {table} t ON {_matches(target)}\n"
            f"WHERE t.well_id IS NULL OR {changed('sqlite', target)}"
        ),
        subtract=f"CREATE TEMPORARY TABLE {DIFFERENCES} AS\n{summed('-')}",
        add=f"INSERT INTO {DIFFERENCES}\n{summed('')}",
        months=(
            f"INSERT INTO odm_well_month\nSELECT well_id, month, {differences}\n"
            f"FROM {DIFFERENCES}\nWHERE 1\nGROUP BY well_id, month\n"
            f"ON CONFLICT (well_id, month) DO UPDATE SET\n    {added}"
        ),
        totals=(
            f"UPDATE odm_well_totals SET\n    {totals}\n"
            f"FROM (SELECT well_id, {per_well}\n      FROM {DIFFERENCES} GROUP BY well_id) d\n"
            "WHERE odm_well_totals.well_id = d.well_id"
        ),
        drop=(f"DROP TABLE {TOUCHED}", f"DROP TABLE {DIFFERENCES}"),
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


def _insert(dialect: str, target: Target, only_new: bool = True) -> str:
    """The staged rows whose keys are not stored (or, when the write found none stored,
    every staged row: no look-up of each key again)."""
    stage, table = staging_table(target), target.table
    columns = list(target.types)
    values = [
        f"CASE WHEN {_given(dialect, target, c)} THEN s.{c} ELSE {target.defaults[c]} END"
        if c in target.defaults
        else f"s.{c}"
        for c in columns
    ]
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)})\nSELECT {', '.join(values)}\nFROM {stage} s"
    )
    if only_new:
        statement += f"\nWHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {_matches(target)})"
    return statement


def renumber_new_wells(target: Target) -> str:
    """Move the staged rows of the wells a write creates to the ids those wells finally take
    (numbered again when other wells were created since they were planned)."""
    stage = staging_table(target)
    return f"UPDATE {stage} SET well_id = well_id + :shift WHERE well_id BETWEEN :first AND :last"
