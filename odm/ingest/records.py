"""Turning one written record (a JSON object of an HTTP write) into a staged row, or a
reason to reject it: types, allowed values and ranges, the well named by any identifier,
and units, by the same rules as file imports."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from odm.ingest.targets import INF, MAX_MAGNITUDE, WELL_IDENTIFIERS, Target
from odm.ingest.wells import UnknownWell, WellKeys
from odm.ingest.writer import Staged
from odm.queries.compose import DivisionScope
from odm.units import UnitSystem, to_stored

__all__ = ["MAX_MAGNITUDE", "RecordError", "RecordReader", "Warnings"]

# The largest id a JSON record may hold: JSON's exact integers end at 2**53 (odm.api.params).
MAX_ID = 2**53 - 1
MAX_TEXT = 200
MAX_SHAPES = 64  # sets of fields a write remembers (records of a body share a few)
MAX_CACHED_DAYS = 100_000  # dates a write remembers converted (a body repeats its days)


Convert = Callable[[object], object]
Step = tuple[int, Convert]  # a field's position in the staged row and its conversion


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
    """Reads the records of one write to one target.

    Each column's check is made once per write (`_converter`): an ordinary value (of its
    type, inside the column's usual range) passes a few comparisons; anything else takes
    the full check, which gives the reason or the warning.
    """

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
        self.template = [self.defaults.get(c) for c in self.columns]
        self.default_bits = sum(self.bits[c] for c in self.defaults if c in self.bits)
        # name -> (position in the row, bit, check and conversion)
        self.checks = {
            name: (i, self.bits[name], self._converter(name, kind))
            for i, (name, kind) in enumerate(target.types.items())
        }
        # The fields of records seen (in their order), when all are columns: their bits and
        # each field's position and check.
        self.shapes: dict[tuple[str, ...], tuple[int, tuple[Step, ...]]] = {}
        self.well_index = self.columns.index("well_id") if "well_id" in self.bits else -1
        self.key_index = [self.columns.index(k) for k in target.key]
        self.names_well = target.names_well
        self.well_bit = self.bits.get("well_id", 0)

    def read(self, record: object) -> Staged:
        """The staged row of one record; RecordError says why it cannot be written."""
        if type(record) is not dict:
            raise RecordError("a record is a JSON object of field names and values")
        if self.pending:
            self.pending = []
        values = self.template.copy()
        identifiers: dict[str, object] | None = None
        shape = self.shapes.get(tuple(record))
        if shape is not None:  # fields seen before, in this order: every one a column
            fieldset, steps = shape
            for (index, convert), value in zip(steps, record.values(), strict=True):
                values[index] = convert(value)
        else:
            fieldset, identifiers = self._fields(record, values)
        if self.names_well:
            values[self.well_index] = self._well(values[self.well_index], identifiers)
            fieldset |= self.well_bit
        elif self.well_index >= 0 and values[self.well_index] is not None:
            self._well(values[self.well_index], None)
        if self.target.needs_division:
            self._division(values[self.columns.index("division_id")])
        for index in self.key_index:
            if values[index] is None:
                self._missing(values)
        for what in self.pending:  # warnings count accepted records only
            self.warnings.note(what)
        return Staged(tuple(values), fieldset)

    def _fields(
        self, record: dict[str, object], values: list[object]
    ) -> tuple[int, dict[str, object] | None]:
        """Read a record field by field (its fields not seen together before): the bits of
        the columns it gave and the identifiers naming its well."""
        identifiers: dict[str, object] | None = None
        fieldset = self.default_bits
        for name, value in record.items():
            check = self.checks.get(name)
            if check is not None:
                index, bit, convert = check
                values[index] = convert(value)
                fieldset |= bit
            elif self.target.names_well and name in WELL_IDENTIFIERS:
                identifiers = identifiers or {}
                identifiers[name] = _text(name, value)
            else:
                raise RecordError(f"unknown field {name!r}; fields: {', '.join(self.allowed)}")
        if identifiers is None and len(self.shapes) < MAX_SHAPES:
            steps = tuple(self.checks[name][::2] for name in record)
            self.shapes[tuple(record)] = (fieldset, steps)
        return fieldset, identifiers

    def _missing(self, values: list[object]) -> None:
        keys = zip(self.target.key, self.key_index, strict=True)
        missing = [name for name, index in keys if values[index] is None]
        raise RecordError(f"{', '.join(missing)} missing (the row's key)")

    def _division(self, division_id: object) -> None:
        if division_id is None:
            raise RecordError("division_id missing (the division the row belongs to)")
        if division_id not in self.divisions:
            raise RecordError(f"unknown division_id {division_id}", reference=True)

    def _well(self, well_id: object, identifiers: dict[str, object] | None) -> int:
        if self.wells is None:
            raise RecordError("wells are not known to this write")
        if identifiers is None and type(well_id) is int and well_id in self.wells.divisions:
            return well_id  # the usual record: a known well by its id
        try:
            return self.wells.resolve({"well_id": well_id, **(identifiers or {})})
        except UnknownWell as exc:
            raise RecordError(str(exc), reference=exc.reference) from None

    def _converter(self, name: str, kind: str) -> Convert:
        """The check and conversion of one column's values (see the class)."""
        if kind == "float":
            factor = self.factors.get(name, 1.0)
            (low, high), (usual_low, usual_high) = self.target.bounds(name), self._usual(name)
            low, high = max(low, usual_low, -MAX_MAGNITUDE), min(high, usual_high, MAX_MAGNITUDE)

            def number(value: object) -> object:
                if value is None:
                    return None
                kind_of = type(value)
                if kind_of is float or kind_of is int:
                    converted = float(value) * factor  # type: ignore[arg-type]
                    if low <= value <= high and low <= converted <= high:  # type: ignore[operator]
                        return converted
                return self._value(name, value)

            return number
        if kind == "int":

            def whole(value: object) -> object:
                if type(value) is int and 1 <= value <= MAX_ID:
                    return value
                return self._value(name, value)

            return whole
        if kind == "date":
            days: dict[object, dt.date] = {}

            def day(value: object) -> object:
                known = days.get(value) if type(value) is str else None
                if known is not None:
                    return known
                converted = self._value(name, value)
                if isinstance(converted, dt.date) and len(days) < MAX_CACHED_DAYS:
                    days[value] = converted
                return converted

            return day
        return lambda value: self._value(name, value)

    def _usual(self, name: str) -> tuple[float, float]:
        return self.target.usual.get(name, (-INF, INF))

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
