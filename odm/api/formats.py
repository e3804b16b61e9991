"""Choosing a response format from `?format=` or the Accept header."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, HTTPException, Query

from odm.streaming import MEDIA_TYPES, Format

_BY_MEDIA_TYPE = {media.split(";")[0]: fmt for fmt, media in MEDIA_TYPES.items()}
_BY_MEDIA_TYPE |= {"application/ndjson": Format.NDJSON, "application/jsonl": Format.NDJSON}
_ANY = {"*/*", "application/*", ""}


def choose_format(
    format: Annotated[
        Format | None,
        Query(description="Response format; overrides the Accept header."),
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Format:
    """The format asked for: `?format=` first, then the first supported Accept type."""
    if format is not None:
        return format
    if accept is None:
        return Format.JSON
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in _BY_MEDIA_TYPE:
            return _BY_MEDIA_TYPE[media]
        if media in _ANY or media == "text/*":
            return Format.CSV if media == "text/*" else Format.JSON
    supported = ", ".join(sorted(_BY_MEDIA_TYPE))
    raise HTTPException(406, f"cannot answer Accept: {accept}; supported types: {supported}")
