"""Column mappings: which file columns fill which table columns, and how.

A mapping is a small JSON or TOML document (the built-in presets are examples):

    table = "odm_daily_production"
    date_format = "%d.%m.%Y"          # default: ISO dates
    [columns]
    well_id = "Well"                   # one column, as is
    production_date = "Date"
    oil = { source = "Oil (m3)", unit = "m3" }    # converted to the stored bbl
    gas = { sum = ["Gas A", "Gas B"], unit = "kSm3" }  # several columns added
    water = { source = "Water (bbl/10)", factor = 10 }  # or any factor
    [constants]
    hours_on = "24"

Units are those of `odm.units.UNITS` for the column's quantity (liquid or gas volume, price),
with the exact factors the API's `units=metric` uses, so a value imported in m³ reads back in
m³ as it was written.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from odm.ingest.targets import Target, find_target
from odm.units import STORED_UNITS, UnknownUnit, unit_factor

How = Literal["one", "sum", "join", "year_month", "constant"]


class MappingError(ValueError):
    """A mapping that cannot work: unknown table or column, bad option."""


@dataclass(frozen=True)
class ColumnSpec:
    """How one table column gets its value from the cells of a file row."""

    how: How
    sources: tuple[str, ...] = ()
    factor: float = 1.0
    separator: str = "-"
    date_format: str | None = None
    value: str | None = None
    unit: str | None = None  # the file's unit; `factor` then converts it to the stored one


@dataclass(frozen=True)
class SumCheck:
    """A row check: column `total` equals the sum of `parts` within `tolerance`."""

    total: str
    parts: tuple[str, ...]
    tolerance: float


@dataclass(frozen=True)
class Division:
    """The division imported rows belong to; created with `name` if missing."""

    division_id: int
    name: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A whole mapping: target table, column specs and file layout."""

    target: Target
    columns: dict[str, ColumnSpec]
    name: str = "mapping"
    header_line: int = 1
    sheet: str | None = None
    footer_prefix: str | None = "Sum="
    checks: tuple[SumCheck, ...] = ()
    division: Division | None = None

    def source_columns(self) -> set[str]:
        """Every file column the mapping reads."""
        names = {name for spec in self.columns.values() for name in spec.sources}
        return names | {name for check in self.checks for name in (check.total, *check.parts)}


def load_mapping(path: Path) -> Mapping:
    """Read a mapping file (`.json` or `.toml`)."""
    try:
        text = path.read_text("utf-8")
        document = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as exc:
        raise MappingError(f"cannot read mapping {path}: {exc}") from exc
    return parse_mapping(document, default_name=path.stem)


def parse_mapping(document: dict[str, Any], default_name: str = "mapping") -> Mapping:
    """Build a mapping from its document, checking names against the target table."""
    try:
        target = find_target(str(document["table"]))
    except (KeyError, ValueError) as exc:
        raise MappingError(f"mapping needs a known `table`: {exc}") from exc
    date_format = document.get("date_format")
    columns = {
        name: column_spec(spec, date_format) for name, spec in document.get("columns", {}).items()
    }
    for name, value in document.get("constants", {}).items():
        columns[name] = ColumnSpec("constant", value=str(value))
    columns = _with_units(target, columns)
    return Mapping(
        target=_checked(target, columns),
        columns=columns,
        name=str(document.get("name", default_name)),
        header_line=int(document.get("header_line", 1)),
        sheet=document.get("sheet"),
        footer_prefix=document.get("footer_prefix", "Sum="),
        checks=tuple(_check(c) for c in document.get("checks", [])),
        division=_division(document.get("division")),
    )


def column_spec(spec: str | dict[str, Any], date_format: str | None = None) -> ColumnSpec:
    """One column's spec from its short (a column name) or long (a table) form."""
    if isinstance(spec, str):
        return ColumnSpec("one", (spec,), date_format=date_format)
    how, sources = _sources(spec)
    if how == "constant":
        return ColumnSpec("constant", value=str(spec["value"]))
    if "unit" in spec and "factor" in spec:
        raise MappingError(f"give a column a unit or a factor, not both: {spec!r}")
    return ColumnSpec(
        how,
        sources,
        factor=float(spec.get("factor", 1.0)),
        separator=str(spec.get("separator", "-")),
        date_format=spec.get("format", date_format),
        unit=None if spec.get("unit") is None else str(spec["unit"]),
    )


def _sources(spec: dict[str, Any]) -> tuple[How, tuple[str, ...]]:
    """Which form a long column spec has, and the file columns it reads."""
    if "source" in spec:
        return "one", (str(spec["source"]),)
    if "sum" in spec:
        return "sum", tuple(map(str, spec["sum"]))
    if "join" in spec:
        return "join", tuple(map(str, spec["join"]))
    if "year" in spec and "month" in spec:
        return "year_month", (str(spec["year"]), str(spec["month"]))
    if "value" in spec:
        return "constant", ()
    raise MappingError(f"column spec needs source, sum, join, year+month or value: {spec!r}")


def _with_units(target: Target, columns: dict[str, ColumnSpec]) -> dict[str, ColumnSpec]:
    """The columns with a unit given the factor that converts it to the stored unit."""
    converted = dict(columns)
    for name, spec in columns.items():
        if spec.unit is None:
            continue
        quantity = target.quantities.get(name)
        if quantity is None:
            volumes = ", ".join(target.quantities) or "none"
            raise MappingError(
                f"{target.table}.{name} takes no unit (columns with units: {volumes})"
            )
        try:
            factor = unit_factor(quantity, spec.unit)
        except UnknownUnit as exc:
            raise MappingError(f"{name}: {exc} (stored in {STORED_UNITS[quantity]})") from None
        converted[name] = replace(spec, factor=factor)
    return converted


def _checked(target: Target, columns: dict[str, ColumnSpec]) -> Target:
    unknown = sorted(set(columns) - set(target.mappable()))
    if unknown:
        raise MappingError(
            f"{target.table} has no mappable column {', '.join(unknown)}: "
            f"use {', '.join(target.mappable())}"
        )
    named = {"well_id"} if set(target.identifiers) & set(columns) else set()
    missing = [name for name in target.key if name not in {*columns, *named}]
    if missing:
        either = f" (or one of {', '.join(target.identifiers)})" if target.identifiers else ""
        raise MappingError(
            f"{target.table} needs its key column(s) {', '.join(missing)}"
            + (either if "well_id" in missing else "")
        )
    return target


def _check(document: dict[str, Any]) -> SumCheck:
    return SumCheck(str(document["total"]), tuple(document["parts"]), float(document["tolerance"]))


def _division(document: dict[str, Any] | None) -> Division | None:
    if document is None:
        return None
    return Division(int(document["id"]), document.get("name"))


def mapping_from_flags(
    table: str,
    columns: list[str],
    constants: list[str] | None = None,
    factors: list[str] | None = None,
    date_format: str | None = None,
    header_line: int = 1,
    units: list[str] | None = None,
) -> Mapping:
    """A mapping from command-line flags: `TARGET=SOURCE`, `TARGET=VALUE`, `TARGET=FACTOR`,
    `TARGET=UNIT`."""
    extra: dict[str, dict[str, float | str]] = {
        name: {"factor": float(value)} for name, value in _pairs(factors or [], "--factor")
    }
    for name, unit in _pairs(units or [], "--unit"):
        extra[name] = extra.get(name, {}) | {"unit": unit}
    document: dict[str, Any] = {
        "table": table,
        "header_line": header_line,
        "date_format": date_format,
        "columns": {
            name: {"source": source, **extra.pop(name, {})}
            for name, source in _pairs(columns, "--column")
        },
        "constants": dict(_pairs(constants or [], "--constant")),
    }
    if extra:
        raise MappingError(f"--factor or --unit for a column not mapped: {', '.join(extra)}")
    return parse_mapping(document, default_name="flags")


def _pairs(items: list[str], flag: str) -> list[tuple[str, str]]:
    """`NAME=VALUE` arguments split, with a clear error for anything else."""
    pairs = []
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise MappingError(f"{flag} takes NAME=VALUE, not {item!r}")
        pairs.append((name.strip(), value.strip()))
    return pairs
