"""The decline queries: which wells or monthly entities a fit covers, and their rates in
one ordered scan. Typed filters in, SQL out."""

from __future__ import annotations

from dataclasses import dataclass

from odm.queries.compose import Conditions, DivisionScope, Query, statement


@dataclass(frozen=True)
class WellSet:
    """Wells to fit: one division's (or every visible one), or the wells listed; lists
    fit producers only (an injector has no oil to decline)."""

    division_id: int | None = None
    well_ids: tuple[int, ...] | None = None
    producers_only: bool = True


def _well_conditions(scope: DivisionScope, wells: WellSet, column: str) -> Conditions:
    """The wells of a set, as conditions on a well id column (in the caller's scope)."""
    inner = Conditions().in_scope(scope, "w.division_id")
    inner = inner.where_equal("w.division_id", "division_id", wells.division_id)
    if wells.producers_only:
        inner = inner.where("w.well_type = 'producer'")
    if wells.well_ids is not None:
        listed = {f"well_{i}": well_id for i, well_id in enumerate(wells.well_ids)}
        inner = inner.where(f"w.well_id IN ({', '.join(':' + n for n in listed)})", **listed)
    if column == "w.well_id":
        return inner
    if not inner.parts:
        return Conditions()
    subquery = f"{column} IN (SELECT w.well_id FROM odm_well w WHERE {inner.sql()})"
    return Conditions().where(subquery, **inner.params)


def decline_wells(dialect: str, scope: DivisionScope, wells: WellSet) -> Query:
    """The wells of a set, by id, with their names and divisions."""
    return statement("decline_wells", dialect, _well_conditions(scope, wells, "w.well_id"))


# The column of each phase (the only text a request chooses, from this fixed list).
PHASE_COLUMNS = {"oil": "p.oil", "gas": "p.gas"}


def decline_daily_series(dialect: str, scope: DivisionScope, wells: WellSet, phase: str) -> Query:
    """Daily hours on and one phase's volumes of a set of wells, by well and day."""
    conditions = _well_conditions(scope, wells, "p.well_id")
    fills = {"volume": PHASE_COLUMNS[phase]}
    return statement("decline_daily_series", dialect, conditions, fills)


@dataclass(frozen=True)
class EntitySet:
    """Monthly entities to fit: of one type, division or key (None: any)."""

    entity_type: str | None = None
    entity_key: str | None = None
    division_id: int | None = None


def decline_monthly_series(dialect: str, scope: DivisionScope, entities: EntitySet) -> Query:
    """As-reported monthly producing days, oil and gas of a set of entities, by entity and
    month."""
    conditions = Conditions().in_scope(scope, "m.division_id")
    for column in ("entity_type", "entity_key", "division_id"):
        conditions = conditions.where_equal(f"m.{column}", column, getattr(entities, column))
    return statement("decline_monthly_series", dialect, conditions)
