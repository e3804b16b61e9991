"""OpenAPI descriptions of list and single-item responses, shared by the routers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from odm.models import ErrorResponse

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "A well or division named does not exist."},
    406: {"model": ErrorResponse, "description": "No supported type in the Accept header."},
    422: {"description": "A parameter is missing or malformed; `detail` names it."},
    503: {"model": ErrorResponse, "description": "Database unavailable; see Retry-After."},
}

LIST_HEADERS = {
    "Link": {
        "description": 'With `limit`, the next page: `<url>; rel="next"`.',
        "schema": {"type": "string"},
    },
    "X-Total-Count": {
        "description": "With `Prefer: count=exact`, the number of rows.",
        "schema": {"type": "integer"},
    },
}


def list_responses(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """A streamed list of `model` rows in JSON, NDJSON or CSV, and the errors."""
    return {
        200: {
            "model": list[model],  # type: ignore[valid-type]
            "description": "Rows as a JSON array (default), NDJSON or CSV with a header row.",
            "content": {"application/x-ndjson": {}, "text/csv": {}},
            "headers": LIST_HEADERS,
        },
        **ERRORS,
    }


def one_responses(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """A single `model` object, and the errors."""
    return {200: {"model": model}, **ERRORS}
