"""Naming wells in a write: by ODM's id or by any identifier that is unique where set (name,
UWI, API number, source key), resolved against the wells the writer may write to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from odm.db.base import Database
from odm.ingest.targets import WELL_IDENTIFIERS
from odm.queries import load_sql
from odm.queries.compose import DivisionScope


class UnknownWell(ValueError):
    """No well the writer may write to has that id or identifier (`reference`), or the row
    names none at all."""

    def __init__(self, reason: str, reference: bool = True) -> None:
        super().__init__(reason)
        self.reference = reference


@dataclass
class WellKeys:
    """Every identifier of the wells in scope, and each well's division."""

    divisions: dict[int, int] = field(default_factory=dict)  # well_id -> division_id
    by: dict[str, dict[str, int]] = field(default_factory=dict)  # identifier -> value -> id

    def resolve(self, given: Mapping[str, object]) -> int:
        """The one well the row's identifiers name (they must agree)."""
        found: set[int] = set()
        well_id = given.get("well_id")
        if isinstance(well_id, int):
            if well_id not in self.divisions:
                raise UnknownWell(f"unknown well_id {well_id}")
            found.add(well_id)
        for name in WELL_IDENTIFIERS:
            value = given.get(name)
            if isinstance(value, str):
                match = self.by.get(name, {}).get(value)
                if match is None:
                    raise UnknownWell(f"no well has {name} {value!r}")
                found.add(match)
        if len(found) > 1:
            raise UnknownWell(f"the identifiers name different wells: {sorted(found)}")
        if not found:
            raise UnknownWell(
                f"name the well by well_id or {', '.join(WELL_IDENTIFIERS)}", reference=False
            )
        return found.pop()

    def add(self, well_id: int, division_id: int, identifiers: Mapping[str, str | None]) -> None:
        """Know a well (one just created by the write)."""
        self.divisions[well_id] = division_id
        for name, value in identifiers.items():
            if value is not None:
                self.by.setdefault(name, {})[value] = well_id


async def load_well_keys(db: Database, scope: DivisionScope) -> WellKeys:
    """The identifiers of every well in the scope (a few hundred bytes a well)."""
    result = await db.fetch(load_sql("well_identifiers", db.dialect), {})
    names = [c.lower() for c in result.columns]
    keys = WellKeys()
    for row in result.rows:
        values = dict(zip(names, row, strict=True))
        if scope.allows(int(values["division_id"])):
            keys.add(
                int(values["well_id"]),
                int(values["division_id"]),
                {n: values[n] for n in WELL_IDENTIFIERS},
            )
    return keys
