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


LIST_DESCRIPTION = (
    "Rows as a JSON array (default), NDJSON, CSV with a header row, an Arrow IPC stream or "
    "a Parquet file (`format=arrow`, `format=parquet`)."
)
# The formats besides JSON (odm.streaming.MEDIA_TYPES).
LIST_CONTENT: dict[str, dict[str, Any]] = {
    "application/x-ndjson": {},
    "text/csv": {},
    "application/vnd.apache.arrow.stream": {},
    "application/vnd.apache.parquet": {},
}


def list_responses(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """A streamed list of `model` rows in any list format, and the errors."""
    return {
        200: {
            "model": list[model],  # type: ignore[valid-type]
            "description": LIST_DESCRIPTION,
            "content": LIST_CONTENT,
            "headers": LIST_HEADERS,
        },
        **ERRORS,
    }


def one_responses(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """A single `model` object, and the errors."""
    return {200: {"model": model}, **ERRORS}
