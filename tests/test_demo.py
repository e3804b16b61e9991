"""The demo data set: reproducible, realistic, and holding the seed contract's examples."""

from __future__ import annotations

import statistics

from odm.demo import SEED_DIVISION_ID, SEED_WELL_ID, DemoData, DemoSpec


def test_same_seed_same_rows_and_different_seed_different_rows() -> None:
    spec = DemoSpec(wells=5, years=1)
    first, again = DemoData(spec), DemoData(spec)
    assert list(first.daily_rows()) == list(again.daily_rows())
    assert list(first.budget_rows()) == list(again.budget_rows())
    other = DemoData(DemoSpec(wells=5, years=1, seed=spec.seed + 1))
    assert list(other.daily_rows()) != list(first.daily_rows())


def test_seed_examples_and_divisions() -> None:
    data = DemoData(DemoSpec())
    seed_well = next(w for w in data.wells if w.well_id == SEED_WELL_ID)
    assert seed_well.division_id == SEED_DIVISION_ID and seed_well.well_type == "producer"
    assert len({w.division_id for w in data.wells}) >= 4
    assert any(w.well_id > 2**32 for w in data.wells), "ids need 64 bits"
    assert {w.well_type for w in data.wells} == {"producer", "injector"}


def test_rows_look_like_a_producing_field() -> None:
    data = DemoData(DemoSpec(wells=20, years=3))
    rows = list(data.daily_rows())
    assert len(rows) == data.daily_row_count
    assert len({(r[0], r[1]) for r in rows}) == len(rows), "one row per well and day"
    assert any(r[2] == 0.0 for r in rows), "shut-in and downtime days"
    assert any(0 < r[2] < 24 for r in rows), "partial days"
    assert any(r[4] is None for r in rows), "a failed gas meter is null, not zero"
    assert any(r[6] > 0 for r in rows), "injectors inject water"
    seed_oil = [r[3] for r in rows if r[0] == SEED_WELL_ID and r[2] == 24.0]
    assert statistics.mean(seed_oil[:60]) > 1.5 * statistics.mean(seed_oil[-60:]), "decline"
    price = dict(zip(data.days, data.prices, strict=True))
    assert all(r[8] == round(r[7] * price[r[1]], 2) for r in rows[:500]), "sales = sold × price"
