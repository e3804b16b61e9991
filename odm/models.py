"""Response models: they document the OpenAPI schema (units included).

List responses are streamed straight from the database, so these models describe the rows
rather than validate them one by one (that validation is what made the seed slow).
"""

from __future__ import annotations

import datetime as dt
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

BBL = "bbl (US barrels)"


def field_names(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's field names in order: the output columns of the query behind it."""
    return tuple(model.model_fields)


def field_kinds(model: type[BaseModel]) -> dict[str, type]:
    """Each field's Python type, an optional one unwrapped (`float | None` is float): the
    column types of Arrow and Parquet answers."""
    kinds = {}
    for name, info in model.model_fields.items():
        kind: Any = info.annotation
        if get_origin(kind) in (Union, types.UnionType):
            kind = next(arg for arg in get_args(kind) if arg is not type(None))
        kinds[name] = kind
    return kinds


USD = "USD"


def _none_required(schema: dict[str, Any]) -> None:
    schema.pop("required", None)


class Selectable(BaseModel):
    """Rows of a list with a `fields` parameter: every field is present unless `fields`
    chooses some, so the schema requires none."""

    model_config = ConfigDict(json_schema_extra=_none_required)


class DivisionListItem(BaseModel):
    """A division that has a name."""

    model_config = ConfigDict(
        json_schema_extra={"example": {"Division_Id": 63, "Division_Name": "Gulf Coast"}}
    )
    Division_Id: int = Field(description="Division id.")
    Division_Name: str = Field(description="Division name.")


class DivisionSummary(BaseModel):
    """Life-to-date totals of one division's wells."""

    Division_Id: int = Field(description="Division id.")
    Division_Name: str | None = Field(description="Division name (null if unnamed).")
    Well_Count: int = Field(description="Number of wells in the division.")
    Total_Oil_Produced: float = Field(description=f"Sum of the wells' daily oil, {BBL}.")
    Total_Budget: float = Field(description=f"Sum of the wells' monthly budgets, {USD}.")
    Total_Actual: float = Field(description=f"Sum of the wells' actual monthly spend, {USD}.")
    Total_Oil_Sales: float = Field(description=f"Sum of daily oil sales value, {USD}.")


class WellSummary(BaseModel):
    """Life-to-date totals of one well."""

    well_id: int = Field(description="Well id (64-bit).")
    well_name: str = Field(description="Well name.")
    division_id: int = Field(description="Division id.")
    division_name: str | None = Field(description="Division name.")
    total_oil_produced: float = Field(description=f"Sum of the well's daily oil, {BBL}.")
    total_budget: float = Field(description=f"Sum of the well's monthly budgets, {USD}.")
    total_actual: float = Field(description=f"Sum of the well's actual monthly spend, {USD}.")
    total_oil_sales: float = Field(description=f"Sum of the well's daily oil sales, {USD}.")


class WellDay(BaseModel):
    """One production day of one well, with the day's oil price and sales."""

    well_id: int = Field(description="Well id (64-bit).")
    well_name: str = Field(description="Well name.")
    division_id: int = Field(description="Division id.")
    division_name: str | None = Field(description="Division name.")
    date_value: dt.date = Field(description="Production day, YYYY-MM-DD.")
    oil_produced: float = Field(description=f"Oil produced that day, {BBL}; 0 if none recorded.")
    oil_price: float | None = Field(description=f"Oil price that day, {USD}/bbl; null if none.")
    oil_sales: float = Field(
        description=f"Oil sales value booked that day (oil sold × price), {USD}; 0 if none."
    )


LIQUID = "bbl (units=field) or m³ (units=metric)"
GAS = "Mcf, thousand scf at 60 °F (units=field) or Sm³ at 15 °C (units=metric)"


class DailyProduction(Selectable):
    """One well's volumes for one production day. Zero is a shut-in; null is not measured."""

    well_id: int = Field(description="Well id (64-bit).", examples=[1851797476])
    production_date: dt.date = Field(description="Production day, YYYY-MM-DD.")
    hours_on: float | None = Field(description="Hours producing or injecting that day, h.")
    oil: float | None = Field(description=f"Oil produced, {LIQUID}.")
    gas: float | None = Field(description=f"Gas produced, {GAS}.")
    water: float | None = Field(description=f"Water produced, {LIQUID}.")
    water_injected: float | None = Field(description=f"Water injected, {LIQUID}.")
    oil_sold: float | None = Field(description=f"Oil sold, {LIQUID}.")
    sales_value: float | None = Field(description=f"Value of the oil sold, {USD}.")


class Division(Selectable):
    """A division (business unit) and its well counts."""

    division_id: int = Field(description="Division id.", examples=[63])
    division_name: str | None = Field(description="Division name; null if not named yet.")
    well_count: int = Field(description="Wells in the division.")
    producing_wells: int = Field(description="Wells whose status is producing.")
    shut_in_wells: int = Field(description="Wells whose status is shut_in.")
    injectors: int = Field(description="Wells of type injector.")
    retired_on: dt.date | None = Field(description="Day it was retired; null while active.")


class Well(Selectable):
    """A well with its division and life-to-date totals."""

    well_id: int = Field(description="Well id (64-bit).", examples=[1851797476])
    well_name: str = Field(description="Well name.")
    division_id: int = Field(description="Division id.")
    division_name: str | None = Field(description="Division name.")
    well_type: str = Field(description="producer or injector.")
    status: str = Field(description="drilling, producing, shut_in, suspended or abandoned.")
    first_production_date: dt.date | None = Field(description="First production day.")
    api_number: str | None = Field(description="US API well number, as text (zeros kept).")
    uwi: str | None = Field(description="Unique well identifier, as text.")
    source_key: str | None = Field(
        description="A free identifier unique where set (a regulator's wellbore code, say)."
    )
    retired_on: dt.date | None = Field(description="Day it was retired; null while active.")
    days_on_record: int = Field(description="Number of daily rows.")
    cumulative_hours_on: float = Field(description="Life-to-date hours on, h.")
    cumulative_oil: float = Field(description=f"Life-to-date oil, {LIQUID}.")
    cumulative_gas: float = Field(description=f"Life-to-date gas, {GAS}.")
    cumulative_water: float = Field(description=f"Life-to-date water, {LIQUID}.")
    cumulative_water_injected: float = Field(description=f"Life-to-date water injected, {LIQUID}.")


class MonthlyProduction(Selectable):
    """One entity's production for one month, as reported (never spread into days)."""

    entity_type: str = Field(description="well, completion, lease or field.")
    entity_key: str = Field(description="The source's id of the entity, as text.")
    entity_name: str | None = Field(description="Name of the entity, if known.")
    division_id: int = Field(description="Division id.")
    well_id: int | None = Field(description="Well id, for a well or completion.")
    month: dt.date = Field(description="First day of the month, YYYY-MM-DD.")
    days_on: float | None = Field(description="Producing days in the month.")
    oil: float | None = Field(description=f"Oil, {LIQUID}.")
    condensate: float | None = Field(description=f"Condensate, {LIQUID}.")
    ngl: float | None = Field(description=f"Natural gas liquids, {LIQUID}.")
    gas: float | None = Field(description=f"All gas (associated included), {GAS}.")
    associated_gas: float | None = Field(description=f"Oil-well (associated) gas, {GAS}.")
    water: float | None = Field(description=f"Water produced, {LIQUID}.")
    water_injected: float | None = Field(description=f"Water injected, {LIQUID}.")
    source: str = Field(description="The file or feed the row came from.")


class MonthlyPrice(BaseModel):
    """A product's price for one month."""

    product: str = Field(description="oil, gas, ngl or condensate.")
    month: dt.date = Field(description="First day of the month.")
    price: float = Field(description="USD/bbl for liquids (USD/m³ with units=metric), USD/Mcf.")
    source: str = Field(description="Where the price came from.")


class DailyPrice(BaseModel):
    """The oil price of one day."""

    price_date: dt.date = Field(description="Day, YYYY-MM-DD.")
    price: float = Field(description="Oil price, USD/bbl (USD/m³ with units=metric).")


class ErrorResponse(BaseModel):
    """What every 4xx and 5xx answer carries."""

    detail: str = Field(description="What was wrong with the request, or with the service.")


class Rollup(Selectable):
    """Daily rows summed over a month or year for a well, a division or the company."""

    period: str = Field(description="YYYY-MM (grain=month) or YYYY (grain=year).")
    entity_id: int | None = Field(description="Well or division id; null at company level.")
    entity_name: str | None = Field(description="Well or division name.")
    well_count: int = Field(description="Wells with daily rows in the period.")
    record_days: int = Field(description="Well-days with a daily row.")
    measured_days: int = Field(description="Well-days whose hours on were recorded (not null).")
    producing_days: int = Field(description="Well-days with hours on > 0.")
    hours_on: float = Field(description="Hours on, h.")
    oil: float = Field(description=f"Oil, {LIQUID}.")
    gas: float = Field(description=f"Gas, {GAS}.")
    water: float = Field(description=f"Water, {LIQUID}.")
    water_injected: float = Field(description=f"Water injected, {LIQUID}.")
    calendar_days: int = Field(description="Days of the period inside start..end.")
    oil_rate_cd: float | None = Field(description=f"Oil per calendar day, {LIQUID}/d.")
    oil_rate_pd: float | None = Field(
        description=f"Oil per producing day: oil / (hours on / 24), {LIQUID}/d."
    )
    gas_rate_cd: float | None = Field(description=f"Gas per calendar day, {GAS}/d.")
    gas_rate_pd: float | None = Field(description=f"Gas per producing day, {GAS}/d.")
    water_rate_cd: float | None = Field(description=f"Water per calendar day, {LIQUID}/d.")
    uptime: float | None = Field(
        description="Hours on / (measured days × 24), a fraction (above 1 only on 25-hour days)."
    )
    gor: float | None = Field(
        description="Gas-oil ratio: scf/bbl (units=field) or Sm³/Sm³ (units=metric)."
    )
    water_cut: float | None = Field(description="Water / (oil + water), a fraction.")
    wor: float | None = Field(description="Water-oil ratio: water / oil, bbl/bbl (a fraction).")
    boe: float = Field(description="Oil + gas / boe_factor (6 Mcf per boe by default), boe.")
    boe_rate_cd: float | None = Field(description="BOE per calendar day, boe/d.")


class Cumulative(Selectable):
    """Life-to-date, year-to-date and month-to-date volumes up to a day."""

    as_of: dt.date = Field(description="Last day included, YYYY-MM-DD.")
    entity_id: int | None = Field(description="Well or division id; null at company level.")
    entity_name: str | None = Field(description="Well or division name.")
    ltd_oil: float = Field(description=f"Life-to-date oil, {LIQUID}.")
    ltd_gas: float = Field(description=f"Life-to-date gas, {GAS}.")
    ltd_water: float = Field(description=f"Life-to-date water, {LIQUID}.")
    ytd_oil: float = Field(description=f"Year-to-date oil, {LIQUID}.")
    ytd_gas: float = Field(description=f"Year-to-date gas, {GAS}.")
    ytd_water: float = Field(description=f"Year-to-date water, {LIQUID}.")
    mtd_oil: float = Field(description=f"Month-to-date oil, {LIQUID}.")
    mtd_gas: float = Field(description=f"Month-to-date gas, {GAS}.")
    mtd_water: float = Field(description=f"Month-to-date water, {LIQUID}.")


class BudgetVsActual(Selectable):
    """Budget and actual spend of a well, division or the company for a month or a year."""

    period: str = Field(description="YYYY-MM (grain=month) or YYYY (grain=year).")
    entity_id: int | None = Field(description="Well or division id; null at company level.")
    entity_name: str | None = Field(description="Well or division name.")
    budget: float = Field(description=f"Budget for the whole period, {USD}.")
    budget_to_date: float = Field(description=f"Budget of the months up to `through`, {USD}.")
    actual_to_date: float = Field(description=f"Actual spend up to `through`, {USD}.")
    variance: float = Field(description=f"actual_to_date − budget_to_date, {USD}.")
    variance_pct: float | None = Field(description="variance as a percent of budget_to_date.")
    favourable: bool = Field(description="Spend at or below budget to date.")
    outlook: float = Field(description=f"actual_to_date + budget of the months after, {USD}.")
    outlook_variance: float = Field(description=f"outlook − budget, {USD}.")
    outlook_variance_pct: float | None = Field(description="outlook_variance, percent of budget.")
    outlook_favourable: bool = Field(description="Full-year outlook at or below budget.")


class Health(BaseModel):
    """The service and its database are ready."""

    status: str = Field(description="Always `ok` (otherwise the answer is a 503).")
    version: str = Field(description="ODM's version.")
    database: str = Field(description="Backend: sqlite, postgresql or oracle.")
    schema_version: int = Field(description="Schema version of the database.")


class Liveness(BaseModel):
    """The process runs and its event loop answers."""

    status: str = Field(description="Always `alive`.")


class MonthlyRollup(Selectable):
    """As-reported monthly production summed over a month or year, for one entity type."""

    period: str = Field(description="YYYY-MM (grain=month) or YYYY (grain=year).")
    entity_type: str = Field(description="well, completion, lease or field.")
    entity_key: str | None = Field(description="The entity (level=entity), else null.")
    entity_name: str | None = Field(description="Entity or division name.")
    division_id: int | None = Field(description="Division id; null at company level.")
    entity_count: int = Field(description="Entities reporting in the period.")
    reported_months: int = Field(description="Entity-months reported in the period.")
    days_on: float = Field(description="Producing days reported, summed over entities (days).")
    oil: float = Field(description=f"Oil, {LIQUID}.")
    condensate: float = Field(description=f"Condensate, {LIQUID}.")
    ngl: float = Field(description=f"Natural gas liquids, {LIQUID}.")
    gas: float = Field(description=f"All gas, {GAS}.")
    associated_gas: float = Field(description=f"Oil-well (associated) gas, {GAS}.")
    water: float = Field(description=f"Water produced, {LIQUID}.")
    water_injected: float = Field(description=f"Water injected, {LIQUID}.")
    boe: float = Field(
        description="Oil + condensate + NGL + gas / boe_factor, boe (barrels of oil "
        "equivalent, computed in field units whatever `units`)."
    )


class Rejected(BaseModel):
    """A record not written, and why."""

    position: int = Field(description="The record's position in the body, 1 for the first.")
    reason: str = Field(description="Why it was rejected, naming the field.")


class WriteResult(BaseModel):
    """What a write did: every record is counted once."""

    written: bool = Field(description="Whether the write committed (all or nothing).")
    inserted: int = Field(description="New rows.")
    updated: int = Field(description="Stored rows changed.")
    unchanged: int = Field(description="Rows given with the values already stored.")
    rejected: int = Field(description="Records not written (see rejections).")
    repeated: int = Field(description="Keys given more than once (the last record wins).")
    warnings: dict[str, int] = Field(
        description="Accepted values out of the ordinary, counted: a 25-hour day, a negative "
        "volume (a meter correction), more days on than the month has."
    )
    rejections: list[Rejected] = Field(description="The first 1,000 records rejected.")


RATE = (
    "per day: bbl/d of oil or Mcf/d of gas (units=field), m³/d or Sm³/d (units=metric), "
    "as `phase` says"
)
VOLUME = "bbl of oil or Mcf of gas (units=field), m³ or Sm³ (units=metric), as `phase` says"


class DeclineFit(BaseModel):
    """A decline curve fitted to one well's or entity's production, its fit quality and
    its outlook (the fields after the identity of the well or entity)."""

    status: str = Field(
        description="fitted; not_converged (the optimiser stopped at its iteration limit: "
        "the parameters are its last ones); insufficient_history (too few usable days or "
        "months after the decline start: every figure below is null)."
    )
    model: str = Field(description="The model fitted (see the `model` parameter).")
    phase: str = Field(description="oil or gas.")
    basis: str = Field(description="Rates per producing day or per calendar day.")
    decline_start: dt.date | None = Field(description="First day of the decline (t = 0).")
    last_day: dt.date | None = Field(description="Last day of history; the forecast follows.")
    points: int = Field(description="Usable rate points (days or months) from the start.")
    excluded: int = Field(
        description="Days or months of the whole history left out: downtime, zero or "
        "negative volumes, fewer than 2 hours on (producing basis)."
    )
    outliers: int | None = Field(description="Points dropped as outliers (days or months).")
    qi: float | None = Field(description=f"Rate at the decline start, {RATE}.")
    di_nominal: float | None = Field(
        description="Initial nominal decline, per year (-d ln q / dt at the start: a "
        "fraction of the rate per year, may exceed 1). Null for stretched_exponential."
    )
    di_effective: float | None = Field(
        description="Initial effective annual decline, 1 - q(1 year)/qi of the initial "
        "curve (Arps: the secant effective decline), a fraction per year."
    )
    b: float | None = Field(
        description="Arps exponent b, dimensionless (0 exponential, 1 harmonic, 0 to 2). "
        "Null for stretched_exponential."
    )
    terminal_decline: float | None = Field(
        description="Modified hyperbolic only: the terminal effective annual decline, a "
        "fraction per year."
    )
    tau: float | None = Field(description="Stretched exponential only: τ, days.")
    n: float | None = Field(
        description="Stretched exponential only: exponent n, dimensionless (0 to 1)."
    )
    r_squared: float | None = Field(
        description="R² of ln(rate) over the points kept, a fraction (1 is a perfect fit)."
    )
    rmse_log: float | None = Field(
        description="Root mean square of ln(fitted / measured rate) over the points kept: "
        "about the typical relative error, a fraction."
    )
    produced: float = Field(description=f"Produced to date (whole history), {VOLUME}.")
    rate_now: float | None = Field(
        description=f"The fitted rate on the day after the last day of history, {RATE}."
    )
    remaining: float | None = Field(
        description=f"Remaining reserves: forecast volume to the economic limit or the "
        f"horizon, {VOLUME}."
    )
    eur: float | None = Field(description=f"EUR: produced + remaining, {VOLUME}.")
    forecast_end: dt.date | None = Field(
        description="Day the forecast ends: the economic limit, or the horizon."
    )
    limit_reached: bool | None = Field(
        description="Whether the forecast reaches the economic limit within the horizon."
    )


class WellIdentity(BaseModel):
    """A well whose decline is fitted."""

    well_id: int = Field(description="Well id (64-bit).", examples=[1851797476])
    well_name: str = Field(description="Well name.")
    division_id: int = Field(description="Division id.")


class WellDecline(DeclineFit, WellIdentity):
    """One well's decline fitted to its daily production, with its EUR."""


class EntityIdentity(BaseModel):
    """A monthly reporting entity whose decline is fitted."""

    entity_type: str = Field(description="well, completion, lease or field.")
    entity_key: str = Field(description="The source's id of the entity, as text.")
    entity_name: str | None = Field(description="Name of the entity, if known.")
    division_id: int = Field(description="Division id.")


class EntityDecline(DeclineFit, EntityIdentity):
    """One entity's decline fitted to its as-reported monthly production, with its EUR."""


class ForecastMonth(BaseModel):
    """One calendar month of a decline forecast."""

    month: dt.date = Field(description="First day of the month, YYYY-MM-DD.")
    days: float = Field(description="Days of the month the forecast covers, days.")
    rate: float = Field(description=f"Mean forecast rate over those days, {RATE}.")
    volume: float = Field(description=f"Forecast volume in the month, {VOLUME}.")
    cumulative: float = Field(
        description=f"Produced to date plus the forecast to the month's end, {VOLUME}."
    )


class DivisionReserves(BaseModel):
    """The decline outlook of a division's producers, summed."""

    division_id: int = Field(description="Division id.")
    division_name: str | None = Field(description="Division name.")
    wells: int = Field(description="Producers in the division.")
    wells_fitted: int = Field(
        description="Producers with a fit (status fitted or not_converged); only these add "
        "to remaining and eur."
    )
    produced: float = Field(description=f"Produced to date by every producer, {VOLUME}.")
    remaining: float = Field(description=f"Remaining reserves of the wells fitted, {VOLUME}.")
    eur: float = Field(description=f"Produced to date by every producer plus remaining, {VOLUME}.")


class TypeCurveMonth(BaseModel):
    """One month since first production of a type curve."""

    month: int = Field(description="Production month, 1 for the first (30.4375 days each).")
    wells: int = Field(description="Wells with a complete month at this age.")
    p10: float = Field(
        description="Optimistic profile: 90th percentile of the wells' rates, a fraction of "
        f"each well's peak (normalize=peak) or {RATE}."
    )
    p50: float = Field(
        description="Median of the wells' rates: a fraction of the peak, or per day, as p10."
    )
    p90: float = Field(
        description="Conservative profile: 10th percentile of the rates: a fraction of the "
        "peak, or per day, as p10."
    )
    mean: float = Field(
        description="Mean of the wells' rates: a fraction of the peak, or per day, as p10."
    )


class FeedStats(BaseModel):
    """The change feed of the process that answered (each worker process has its own)."""

    subscribers: int = Field(description="Live change streams in this process.")
    log_reads: int = Field(
        description="Reads of new changes from the log since start: one per batch, shared "
        "by every subscriber of the process."
    )
    batches: int = Field(description="Batches of new changes handed to the subscribers.")
    catch_ups: int = Field(
        description="Reads of the log by one subscriber, resuming further back than the "
        "changes held in memory (after a long disconnect)."
    )
    key_checks: int = Field(
        description="Queries asking whether a streaming key is still valid: one per key "
        "every few seconds, shared by that key's streams."
    )
    last_id: int = Field(description="The last change id this process has read.")
    held: int = Field(description="Recent changes held in memory for the subscribers.")


class ChangeEvent(BaseModel):
    """One entry of the change log: what changed, where, and its new values (or, for a
    large write, a summary)."""

    change_id: int = Field(description="Gapless, in commit order: resume after it.")
    changed_at: str = Field(description="When it committed, UTC (ISO 8601).")
    division_id: int | None = Field(description="Its division; null: company-wide (prices).")
    entity: str = Field(
        description="daily_production, monthly_production, well_budget, "
        "oil_price, monthly_price, well or division."
    )
    kind: str = Field(description="upsert, delete, bulk (a summary), create, update, retire.")
    well_id: int | None = Field(description="Its well, if one.")
    payload: dict[str, Any] = Field(
        description="A row's new values as stored (bbl, Mcf, USD) with its well's new totals; "
        "or a bulk write's rows, wells, first and last day, inserted and updated counts."
    )
