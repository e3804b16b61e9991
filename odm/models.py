"""Response models: they document the OpenAPI schema (units included).

List responses are streamed straight from the database, so these models describe the rows
rather than validate them one by one (that validation is what made the seed slow).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

BBL = "bbl (US barrels)"


def field_names(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's field names in order: the output columns of the query behind it."""
    return tuple(model.model_fields)


USD = "USD"


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


class DailyProduction(BaseModel):
    """One well's measured volumes for one production day (null: not measured)."""

    well_id: int = Field(description="Well id (64-bit).", examples=[1851797476])
    production_date: dt.date = Field(description="Production day, YYYY-MM-DD.")
    hours_on: float | None = Field(description="Hours producing or injecting that day, h.")
    oil: float | None = Field(description=f"Oil produced, {BBL}.")
    gas: float | None = Field(description="Gas produced, Mcf (thousand standard cubic feet).")
    water: float | None = Field(description=f"Water produced, {BBL}.")
    water_injected: float | None = Field(description=f"Water injected, {BBL}.")


class ErrorResponse(BaseModel):
    """What every 4xx and 5xx answer carries."""

    detail: str = Field(description="What was wrong with the request, or with the service.")
