"""The OpenAPI document is complete: every parameter and field described, units stated."""

from __future__ import annotations

from typing import Any

import pytest

from odm.app import create_app
from tests.isolation import isolated_settings

UNIT_WORDS = (
    "bbl",
    "Mcf",
    "m³",
    "USD",
    "h.",
    "fraction",
    "percent",
    "scf",
    "boe",
    "days",
    "Days",
    "days.",
    "dimensionless",
)
NUMERIC = {"number"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    app = create_app(isolated_settings(database_url="sqlite:///unused.db"))
    result: dict[str, Any] = app.openapi()
    return result


def test_every_parameter_is_described(schema: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path} {param['name']}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        for param in operation.get("parameters", [])
        if not param.get("description") and not param.get("schema", {}).get("description")
    ]
    assert missing == []


def test_every_operation_has_a_summary_line(schema: dict[str, Any]) -> None:
    missing = [
        f"{m} {p}"
        for p, item in schema["paths"].items()
        for m, op in item.items()
        if not op.get("description")
    ]
    assert missing == []


def test_every_field_is_described_and_numbers_have_units(schema: dict[str, Any]) -> None:
    undescribed, unitless = [], []
    for name, model in schema["components"]["schemas"].items():
        if name in {"HTTPValidationError", "ValidationError"}:
            continue
        for field, spec in model.get("properties", {}).items():
            description = spec.get("description", "")
            if not description:
                undescribed.append(f"{name}.{field}")
            types = {s.get("type") for s in spec.get("anyOf", [spec])}
            if types & NUMERIC and not any(word in description for word in UNIT_WORDS):
                unitless.append(f"{name}.{field}")
    assert undescribed == []
    assert unitless == []
