"""Choosing a response format from `?format=` or the Accept header (with its q-values)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, HTTPException, Query

from odm.streaming import MEDIA_TYPES, Format

_BY_MEDIA_TYPE = {media.split(";")[0]: fmt for fmt, media in MEDIA_TYPES.items()}
_BY_MEDIA_TYPE |= {"application/ndjson": Format.NDJSON, "application/jsonl": Format.NDJSON}
# Wildcards, in the order their formats are preferred.
_WILDCARDS = {"*/*": Format.JSON, "application/*": Format.JSON, "text/*": Format.CSV}


async def choose_format(
    format: Annotated[
        Format | None,
        Query(description="Response format; overrides the Accept header."),
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Format:
    """The format asked for: `?format=` first, then the Accept type with the highest q
    (the first listed among equals); q=0 refuses a type."""
    if format is not None:
        return format
    if accept is None or not accept.strip():
        return Format.JSON
    ranked = sorted(_accepted(accept), key=lambda item: -item[0])
    for _quality, media in ranked:
        found = _BY_MEDIA_TYPE.get(media) or _WILDCARDS.get(media)
        if found is not None:
            return found
    supported = ", ".join(sorted(_BY_MEDIA_TYPE))
    raise HTTPException(406, f"cannot answer Accept: {accept}; supported types: {supported}")


def _accepted(accept: str) -> list[tuple[float, str]]:
    """(q, media type) of each entry with q > 0, in the order listed."""
    entries = []
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            entries.append((quality, media.lower()))
    return entries
