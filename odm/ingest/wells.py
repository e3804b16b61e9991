"""Naming wells in a write: by ODM's id or by any identifier that is unique where set (name,
UWI, API number, source key), resolved against the wells the writer may write to; and the
wells a write creates for identifiers no well has, when it is asked to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from odm.db.base import Database, Transaction
from odm.ingest.targets import WELL_IDENTIFIERS, Target
from odm.queries import ingest, load_sql
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

    def resolve(self, given: Mapping[str, object], create: NewWells | None = None) -> int:
        """The one well the row's identifiers name (they must agree); with `create`, a new
        well when no identifier given names any well."""
        found: set[int] = set()
        unknown: dict[str, str] = {}
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
                    unknown[name] = value
                else:
                    found.add(match)
        if unknown and (create is None or found):
            name, value = next(iter(unknown.items()))
            raise UnknownWell(f"no well has {name} {value!r}")
        if len(found) > 1:
            raise UnknownWell(f"the identifiers name different wells: {sorted(found)}")
        if create is not None and unknown:
            return create.add(self, unknown)
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


@dataclass
class NewWells:
    """The wells a write creates in one division, for rows naming wells by identifiers no
    well has: named by the row's `well_name`, else by the first identifier it gives, and
    numbered after the largest well id (again in the write's transaction, should other
    wells have been created since)."""

    division_id: int
    first_id: int
    wells: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)
    shift: int = 0  # how far the ids moved when the wells were inserted

    def add(self, keys: WellKeys, identifiers: Mapping[str, str]) -> int:
        """A new well with these identifiers, known to `keys` from now on."""
        name = identifiers.get("well_name") or next(iter(identifiers.values()))
        holder = keys.by.get("well_name", {}).get(name)
        if holder is not None:
            given = ", ".join(f"{k} {v!r}" for k, v in identifiers.items())
            raise UnknownWell(
                f"no well has {given}, and a new one cannot be named {name!r}: well {holder} "
                "is; map the file's well names to well_name"
            )
        well_id = self.first_id + len(self.wells)
        values = {n: identifiers.get(n) for n in WELL_IDENTIFIERS} | {"well_name": name}
        keys.add(well_id, self.division_id, values)
        self.wells.append((well_id, values))
        return well_id

    def names(self) -> list[str]:
        """The new wells' names, in the order they were first named."""
        return [str(values["well_name"]) for _, values in self.wells]

    async def insert(self, tx: Transaction, dialect: str, target: Target) -> None:
        """Insert the wells (a `before` step of the write, their rows staged already)."""
        if not self.wells:
            return
        latest = (await tx.fetch(load_sql("max_well_id", dialect), {})).rows[0][0]
        self.shift = max(0, int(latest or 0) + 1 - self.first_id)
        if self.shift:
            last = self.first_id + len(self.wells) - 1
            await tx.execute(
                ingest.renumber_new_wells(target),
                {"shift": self.shift, "first": self.first_id, "last": last},
            )
        # A well an import creates is a producing producer until someone says otherwise.
        defaults = {"well_type": "producer", "status": "producing", "first_production_date": None}
        division = {"division_id": self.division_id}
        for well_id, values in self.wells:
            well = defaults | {"well_id": well_id + self.shift, **division, **values}
            await tx.execute(load_sql("insert_well", dialect), well)


async def load_well_keys(db: Database, scope: DivisionScope) -> WellKeys:
    """The identifiers of every well in the scope (a few hundred bytes a well)."""
    return _keys(await _identifiers(db), scope)


async def _identifiers(db: Database) -> list[dict[str, Any]]:
    result = await db.fetch(load_sql("well_identifiers", db.dialect), {})
    names = [c.lower() for c in result.columns]
    return [dict(zip(names, row, strict=True)) for row in result.rows]


def _keys(wells: list[dict[str, Any]], scope: DivisionScope) -> WellKeys:
    keys = WellKeys()
    for values in wells:
        if scope.allows(int(values["division_id"])):
            keys.add(
                int(values["well_id"]),
                int(values["division_id"]),
                {n: values[n] for n in WELL_IDENTIFIERS},
            )
    return keys


MAX_SCOPES = 64  # the scopes whose keys a process keeps (most deployments have a handful)


@dataclass
class WellKeyCache:
    """The wells' identifiers as a process last read them, kept while the database's well
    version (schema version 9: moved by a trigger on every change to the wells) stays the
    same. A write then asks one number instead of reading every well: at 27,000 wells that
    read was most of a one-row write's cost. The keys built for a scope are shared by the
    writes of that scope and must not be changed (HTTP writes create no wells)."""

    version: int | None = None
    wells: list[dict[str, Any]] = field(default_factory=list)
    scopes: dict[frozenset[int] | None, WellKeys] = field(default_factory=dict)

    async def keys(self, db: Database, scope: DivisionScope) -> WellKeys:
        """The identifiers of every well in the scope, current as of this call."""
        # The version first: wells read after it are at least as new as it says, so a
        # change committed in between moves the version and is read by the next write.
        version = int((await db.fetch(load_sql("well_version", db.dialect), {})).rows[0][0])
        if version != self.version:
            self.wells = await _identifiers(db)
            self.version, self.scopes = version, {}
        keys = self.scopes.get(scope.divisions)
        if keys is None:
            if len(self.scopes) >= MAX_SCOPES:
                self.scopes.clear()
            keys = self.scopes[scope.divisions] = _keys(self.wells, scope)
        return keys
