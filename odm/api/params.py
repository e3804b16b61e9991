"""Query parameters shared by the routers, described exactly in OpenAPI.

`fields` and `sort` are built per endpoint from the names it really accepts, so that the
schema's pattern admits exactly the values the endpoint answers with 200.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BeforeValidator

from odm import figures
from odm.api.errors import InvalidParameters
from odm.units import UnitSystem

MAX_ID = 2**63 - 1
# The largest id a JSON body may hold: JSON's exact integers end at 2**53 (JavaScript and
# most JSON tools read numbers as doubles). A well with a larger id is named in a write by
# another identifier, or by its id in a query parameter.
BODY_MAX_ID = 2**53 - 1
# Text parameters: no control characters (a NUL byte cannot even be sent to PostgreSQL).
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


def optional_id(description: str) -> Any:
    """A query parameter holding an optional 64-bit id."""
    return Query(ge=1, le=MAX_ID, description=description)


WellIdParam = Annotated[
    int,
    Query(ge=1, le=MAX_ID, description="Well id (64-bit integer).", examples=[1851797476]),
]
DivisionIdParam = Annotated[
    int,
    Query(ge=1, le=MAX_ID, description="Division id (64-bit integer).", examples=[63]),
]
DivisionFilter = Annotated[int | None, optional_id("Only this division's wells or entities.")]
WellFilter = Annotated[int | None, optional_id("Only this well.")]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    """Dates are written YYYY-MM-DD: pydantic alone would also take `0` as a Unix time."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]
Start = Annotated[
    IsoDate | None,
    Query(description="First day (or month), YYYY-MM-DD. After `end`, nothing is selected."),
]
End = Annotated[IsoDate | None, Query(description="Last day (or month), YYYY-MM-DD.")]
UnitsParam = Annotated[
    UnitSystem,
    Query(description="field: bbl and Mcf (as stored); metric: m³ and Sm³ (DOMAIN factors)."),
]
Grain = Annotated[Literal["month", "year"], Query(description="Period length.")]
EntityType = Annotated[
    Literal["well", "completion", "lease", "field"] | None,
    Query(description="Only this kind of reporting entity."),
]
EntityKey = Annotated[
    str | None,
    Query(max_length=100, pattern=PRINTABLE, description="Only this entity (the source's id)."),
]
BoeFactor = Annotated[
    float, Query(ge=1, le=100, description="Mcf of gas per barrel of oil equivalent.")
]
Level = Literal["well", "division", "company"]
LevelParam = Annotated[Level, Query(description="Roll up per well, per division or company-wide.")]
BOE_DEFAULT = figures.DEFAULT_BOE_GAS_MCF


def _names_pattern(names: Sequence[str], signed: bool) -> str:
    """A pattern for a comma-separated list of the names (each may start with `-`)."""
    name = f"{'-?' if signed else ''}({'|'.join(names)})"
    return f"^( *{name} *(, *{name} *)*)?$"


def fields_query(names: Sequence[str]) -> Any:
    """The `fields` parameter of a list whose rows have these fields."""
    return Query(
        pattern=_names_pattern(names, signed=False),
        description="Comma-separated fields to return, in that order (default: all). "
        f"Fields: {', '.join(names)}.",
        examples=[",".join(names[:3])],
    )


def sort_query(names: Sequence[str], example: str) -> Any:
    """The `sort` parameter of a list sortable by these fields."""
    return Query(
        pattern=_names_pattern(names, signed=True),
        description="Comma-separated sort fields; a leading `-` sorts descending; a field "
        f"named again is ignored. Sortable: {', '.join(names)}.",
        examples=[example],
    )


def parse_fields(text: str | None, available: Sequence[str]) -> tuple[str, ...] | None:
    """`a,b` into a field selection without repeats (None: all fields)."""
    chosen = tuple(dict.fromkeys(n.strip() for n in (text or "").split(",") if n.strip()))
    if not chosen:
        return None
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise InvalidParameters(f"unknown fields {unknown}; available: {', '.join(available)}")
    return chosen


def parse_sort(text: str | None, sortable: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    """`a,-b` into (field, descending) pairs over sortable fields; a field named again is
    ignored, as SQL ignores a repeated ORDER BY key."""
    keys: dict[str, bool] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name = part.strip().removeprefix("-")
        if name not in sortable:
            allowed = ", ".join(sorted(sortable))
            raise InvalidParameters(f"cannot sort by {name!r}; sortable fields: {allowed}")
        keys.setdefault(name, part.strip().startswith("-"))
    return tuple(keys.items())
