"""Turning one written record (a JSON object of an HTTP write) into a staged row, or a
reason to reject it: types, allowed values and ranges, the well named by any identifier,
and units, by the same rules as file imports."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from odm.ingest.targets import MAX_MAGNITUDE, WELL_IDENTIFIERS, Target
from odm.ingest.wells import UnknownWell, WellKeys
from odm.ingest.writer import Staged
from odm.queries.compose import DivisionScope
from odm.units import UnitSystem, to_stored

__all__ = ["MAX_MAGNITUDE", "RecordError", "RecordReader", "Warnings"]

# The largest id a JSON record may hold: JSON's exact integers end at 2**53 (odm.api.params).
MAX_ID = 2**53 - 1
MAX_TEXT = 200


class RecordError(ValueError):
    """Why a record is rejected (the message is the reason reported); `reference` when the
    record is well-formed but names a well or division that is not there (or not yours)."""

    def __init__(self, reason: str, reference: bool = False) -> None:
        super().__init__(reason)
        self.reference = reference


@dataclass
class Warnings:
    """Accepted values out of the ordinary, counted by what they were."""

    counts: Counter[str] = field(default_factory=Counter)

    def note(self, what: str) -> None:
        """Count one value of this kind."""
        self.counts[what] += 1


class RecordReader:
    """Reads the records of one write to one target."""

    def __init__(
        self,
        target: Target,
        units: UnitSystem,
        wells: WellKeys | None,
        scope: DivisionScope,
        defaults: Mapping[str, object] | None = None,
        divisions: frozenset[int] = frozenset(),
    ) -> None:
        self.target, self.wells, self.scope = target, wells, scope
        self.divisions = frozenset(d for d in divisions if scope.allows(d))
        self.defaults = dict(defaults or {})
        self.factors = {c: to_stored(q, units) for c, q in target.quantities.items()}
        self.columns = list(target.types)
        self.bits = {c: 1 << i for i, c in enumerate(self.columns)}
        self.warnings = Warnings()
        self.pending: list[str] = []  # warnings of the record being read
        self.allowed = sorted({*target.types, *target.identifiers})

    def read(self, record: object) -> Staged:
        """The staged row of one record; RecordError says why it cannot be written."""
        if not isinstance(record, dict):
            raise RecordError("a record is a JSON object of field names and values")
        self.pending = []
        values: dict[str, object] = dict(self.defaults)
        identifiers: dict[str, object] = {}
        fieldset = sum(self.bits[c] for c in self.defaults if c in self.bits)
        for name, value in record.items():
            if name in self.bits:
                values[name] = self._value(name, value)
                fieldset |= self.bits[name]
            elif self.target.names_well and name in WELL_IDENTIFIERS:
                identifiers[name] = _text(name, value)
            else:
                raise RecordError(f"unknown field {name!r}; fields: {', '.join(self.allowed)}")
        if self.target.names_well:
            values["well_id"] = self._well(values.get("well_id"), identifiers)
            fieldset |= self.bits["well_id"]
        elif values.get("well_id") is not None:
            self._well(values["well_id"], {})
        if self.target.needs_division:
            self._division(values.get("division_id"))
        missing = [k for k in self.target.key if values.get(k) is None]
        if missing:
            raise RecordError(f"{', '.join(missing)} missing (the row's key)")
        for what in self.pending:  # warnings count accepted records only
            self.warnings.note(what)
        return Staged(tuple(values.get(c) for c in self.columns), fieldset)

    def _division(self, division_id: object) -> None:
        if division_id is None:
            raise RecordError("division_id missing (the division the row belongs to)")
        if division_id not in self.divisions:
            raise RecordError(f"unknown division_id {division_id}", reference=True)

    def _well(self, well_id: object, identifiers: dict[str, object]) -> int:
        if self.wells is None:
            raise RecordError("wells are not known to this write")
        try:
            return self.wells.resolve({"well_id": well_id, **identifiers})
        except UnknownWell as exc:
            raise RecordError(str(exc), reference=exc.reference) from None

    def _value(self, name: str, value: object) -> object:
        kind = self.target.types[name]
        if value is None:
            return None
        if kind == "float":
            return self._number(name, value)
        if kind == "int":
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # JSON's 5.0 is the integer 5
            if type(value) is not int or not 1 <= value <= MAX_ID:
                raise RecordError(f"{name} {value!r} is not an id (a whole number from 1)")
            return value
        if kind in ("date", "month"):
            return _day(name, value, first_of_month=kind == "month")
        text = _text(name, value)
        allowed = self.target.choices.get(name)
        if allowed is not None and text not in allowed:
            raise RecordError(f"{name} {text!r} is not one of {', '.join(sorted(allowed))}")
        return text

    def _number(self, name: str, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RecordError(f"{name} {value!r} is not a number")
        if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            raise RecordError(f"{name} {value!r} is beyond ±{MAX_MAGNITUDE:g}")
        number = float(value) * self.factors.get(name, 1.0)
        low, high = self.target.bounds(name)
        if not low <= number <= high:
            raise RecordError(f"{name} {value!r} is outside {low:g}..{high:g}")
        warning = self.target.unusual(name, number)
        if warning is not None:
            self.pending.append(warning)
        return number


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{name} {value!r} is not text")
    if len(value) > MAX_TEXT or any(ord(c) < 32 or c == "\x7f" for c in value):
        raise RecordError(f"{name} is longer than {MAX_TEXT} or holds control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RecordError(f"{name} holds a lone surrogate (not Unicode text)") from None
    return value.strip()


def _day(name: str, value: object, first_of_month: bool) -> dt.date:
    if isinstance(value, str) and len(value) == 7 and first_of_month:
        value += "-01"
    if not isinstance(value, str) or len(value) != 10:
        raise RecordError(f"{name} {value!r} is not a date (YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None
    if first_of_month and day.day != 1:
        raise RecordError(f"{name} {value!r} is not a month (YYYY-MM or YYYY-MM-01)")
    return day
