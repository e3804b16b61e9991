"""The decline endpoints' shared parameters and the streaming of computed rows."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from odm.api.params import IsoDate
from odm.api.responses import ERRORS, LIST_CONTENT, LIST_DESCRIPTION
from odm.api.streams import ClosingStreamingResponse
from odm.db.base import Batch
from odm.decline.analysis import Options, Phase
from odm.decline.models import ModelName
from odm.decline.series import Basis
from odm.models import field_kinds
from odm.rows import RowPlan
from odm.streaming import MEDIA_TYPES, Format, mapped, writer_for
from odm.units import METRIC_FACTORS, Quantity, UnitSystem, converter

ModelParam = Annotated[
    ModelName,
    Query(
        description="exponential, hyperbolic, harmonic (Arps); modified_hyperbolic "
        "(hyperbolic, then exponential at `terminal_decline`); stretched_exponential "
        "(unconventional wells)."
    ),
]
PhaseParam = Annotated[Phase, Query(description="The phase fitted: oil or gas.")]
BasisParam = Annotated[
    Basis,
    Query(
        description="Rates per producing day (volume / (hours on / 24), or / days on for a "
        "month) or per calendar day."
    ),
]
DeclineStart = Annotated[
    IsoDate | None,
    Query(description="First day of the decline, YYYY-MM-DD; default: the peak rate."),
]
TerminalDecline = Annotated[
    float,
    Query(
        ge=0.001,
        le=0.5,
        description="modified_hyperbolic: terminal effective annual decline, a fraction per "
        "year (0.06 = 6 %/year).",
    ),
]
EconomicLimit = Annotated[
    float,
    Query(
        ge=0,
        le=1e6,
        description="Economic limit: the forecast stops when the rate falls to it; per day, "
        "in the response's units (bbl/d or Mcf/d; m³/d or Sm³/d with units=metric).",
    ),
]
HorizonYears = Annotated[
    int, Query(ge=1, le=100, description="The forecast stops after this many years at most.")
]
Normalize = Annotated[
    Literal["peak", "none"],
    Query(description="peak: each well's rates over its highest monthly rate; none: rates."),
]


def quantity(phase: Phase) -> Quantity:
    """The quantity a phase's volumes and rates measure."""
    return Quantity.GAS if phase == "gas" else Quantity.LIQUID


async def options(
    model: ModelParam = "modified_hyperbolic",
    phase: PhaseParam = "oil",
    basis: BasisParam = "producing",
    decline_start: DeclineStart = None,
    terminal_decline: TerminalDecline = 0.06,
    economic_limit: EconomicLimit = 5.0,
    horizon_years: HorizonYears = 50,
    units: Annotated[
        UnitSystem,
        Query(description="field: bbl and Mcf; metric: m³ and Sm³ (DOMAIN factors)."),
    ] = UnitSystem.FIELD,
) -> tuple[Options, UnitSystem]:
    """The fit and forecast options of a request, in field units, and its unit system."""
    limit = economic_limit
    if units is UnitSystem.METRIC:
        limit = economic_limit / METRIC_FACTORS[quantity(phase)]
    chosen = Options(
        model, phase, basis, decline_start, terminal_decline, limit, float(horizon_years)
    )
    return chosen, units


def plan(fields: tuple[str, ...], names: Iterable[str], phase: Phase, units: UnitSystem) -> RowPlan:
    """Rows of `fields`, with the named volumes and rates converted to the unit system."""
    return RowPlan(fields).then(converter(dict.fromkeys(names, quantity(phase)), units))


Rows = Sequence[Mapping[str, Any]]
DECLINE_QUANTITIES = ("qi", "produced", "rate_now", "remaining", "eur")
FORECAST_QUANTITIES = ("rate", "volume", "cumulative")


class Unprocessable(BaseModel):
    """A 422: a malformed parameter (a list of problems) or too little history (text)."""

    detail: str | list[dict[str, Any]] = Field(
        description="What the history lacks (text), or the malformed parameters (a list)."
    )


def too_short_responses(model: Any, listed: bool) -> dict[int | str, dict[str, Any]]:
    """The responses of an endpoint that answers 422 when a history is too short."""
    if listed:
        ok: dict[str, Any] = {
            "model": list[model],
            "description": "Rows as a JSON array (default), NDJSON or CSV with a header row.",
            "content": {"application/x-ndjson": {}, "text/csv": {}},
        }
    else:
        ok = {"model": model}
    return {
        200: ok,
        **ERRORS,
        422: {
            "model": Unprocessable,
            "description": "A parameter is malformed, or the well or entity has too little "
            "history after the decline start to fit (at least 30 usable days over 60 days, "
            "or 6 months over 150 days); `detail` says which.",
        },
    }


def list_of(model: Any) -> dict[int | str, dict[str, Any]]:
    """A streamed list of computed `model` rows in any list format, and the errors."""
    return {
        200: {
            "model": list[model],
            "description": LIST_DESCRIPTION,
            "content": LIST_CONTENT,
        },
        **ERRORS,
    }


async def stream_rows(
    chunks: AsyncIterator[Rows],
    plan_: RowPlan,
    fmt: Format,
    headers: Mapping[str, str],
    *,
    model: type[BaseModel],
) -> StreamingResponse:
    """Computed rows (named values) of a model streamed through a plan in a format; the
    first chunk is computed before the response starts, so its failure is a clean error."""
    bound = plan_.bind(plan_.fields)
    columns = plan_.fields

    def batch(rows: Rows) -> Batch:
        return mapped(Batch(columns, [tuple(r[c] for c in columns) for r in rows]), bound)

    first: Rows = await anext(chunks, [])

    async def batches() -> AsyncGenerator[Batch]:
        yield batch(first)
        async for rows in chunks:
            yield batch(rows)

    source = batches()
    return ClosingStreamingResponse(
        writer_for(fmt, field_kinds(model))(source),
        sources=[source, chunks] if isinstance(chunks, AsyncGenerator) else [source],
        media_type=MEDIA_TYPES[fmt],
        headers=dict(headers),
    )
