"""What `odm import --help` says about the tables a file can go to: every column with its
type, stored unit and accepted range, and the unit names a mapping may use."""

from __future__ import annotations

import math

from odm.ingest.targets import TARGETS, Target
from odm.units import STORED_UNITS, UNITS, Quantity


def tables_guide() -> str:
    """Paragraphs (blank-line separated, for the help's epilog) listing the target tables and
    their columns, then the unit names per quantity."""
    intro = (
        "Tables (--table, or `table` in a mapping) and their columns (* the key; the unit is "
        "the stored one, which a column's `unit`, or --unit, converts to; a value outside "
        "the range is rejected; one that warns is accepted and counted as a warning):"
    )
    units = [
        f"{quantity.value.replace('_', ' ')} units: {', '.join(UNITS[quantity])} "
        f"(stored in {STORED_UNITS[quantity]})."
        for quantity in (Quantity.LIQUID, Quantity.GAS, Quantity.LIQUID_PRICE)
    ]
    scale = (
        "In field units M is a thousand (Mcf, Mbbl) and MM a million; in metric units k is a "
        "thousand, M a million (MSm3) and G a billion; e3m3 is 1,000 m3. Factors are exact: "
        "1 bbl = 0.158987294928 m3, 1 ft3 = 0.028316846592 m3."
    )
    return "\n\n".join([intro, *(_table(t) for t in TARGETS.values()), *units, scale])


def _table(target: Target) -> str:
    columns = [_column(target, name) for name in target.mappable() if name in target.types]
    filled = f"; filled by the import: {', '.join(target.filled)}" if target.filled else ""
    return f"{target.table}: {', '.join(columns)}{filled}."


def _column(target: Target, name: str) -> str:
    kind = target.types[name]
    details: list[str] = [] if kind in ("float", "text") else [kind]
    if name == "well_id" and target.identifiers:
        named = ", ".join(target.identifiers)
        details.append(f"or the well's {named} as text; --create-missing makes new wells")
    if name in target.quantities:
        details.append(STORED_UNITS[target.quantities[name]])
    if name in target.choices:
        details.append(" | ".join(sorted(target.choices[name])))
    low, high = target.bounds(name)
    if math.isfinite(low) or math.isfinite(high):
        details.append(f"{low:g}..{high:.4g}")
    usual_low, usual_high = target.usual.get(name, (low, high))
    if usual_low > low:
        details.append(f"below {usual_low:g} warns")
    if usual_high < high:
        details.append(f"above {usual_high:g} warns")
    key = "*" if name in target.key else ""
    return f"{name}{key}" + (f" ({'; '.join(details)})" if details else "")
