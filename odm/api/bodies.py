"""Request bodies of writes, read as they arrive: a JSON array or NDJSON (one object per
line), record by record, so memory holds one chunk and one batch whatever the body's size.
The body's SHA-256 is taken on the way (for Idempotency-Key)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import ijson
import orjson
from fastapi import Request

from odm.api.errors import InvalidParameters, PayloadTooLarge, UnsupportedMediaType

NDJSON_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl"}
JSON_TYPES = {"application/json"}
MAX_LINE = 1 << 20  # one NDJSON record may be up to 1 MiB
ARRAY_BATCH = 1000
BLOCK_BYTES = 1 << 20  # NDJSON is read in blocks of whole lines of about this size


class Record(NamedTuple):
    """One record of a body: its position (1 for the first) and its parsed value, or why it
    could not be parsed (an NDJSON line that is not JSON)."""

    position: int
    value: object = None
    error: str | None = None


@dataclass
class Body:
    """A write's body being read, with its digest and size so far."""

    request: Request
    max_bytes: int
    digest: Any = field(default_factory=hashlib.sha256)
    size: int = 0

    def media_type(self) -> str:
        """The body's media type (JSON unless it says NDJSON)."""
        given = self.request.headers.get("content-type", "application/json")
        media = given.split(";")[0].strip().lower()
        if media not in NDJSON_TYPES | JSON_TYPES:
            raise UnsupportedMediaType(
                f"a write's body is application/json (an array) or application/x-ndjson, "
                f"not {media!r}"
            )
        return media

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body's bytes as they arrive, hashed and counted."""
        async for chunk in self.request.stream():
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise PayloadTooLarge(f"the body is larger than {self.max_bytes} bytes")
            self.digest.update(chunk)
            yield chunk

    def is_ndjson(self) -> bool:
        """Whether the body is NDJSON (else a JSON array)."""
        return self.media_type() in NDJSON_TYPES

    def records(self) -> AsyncIterator[list[Record]]:
        """A JSON array body's records, in order, in batches of `ARRAY_BATCH` (NDJSON is read
        by `blocks`)."""
        return _batched(self._array())

    async def blocks(self) -> AsyncIterator[bytes]:
        """An NDJSON body in blocks of whole lines, of about BLOCK_BYTES (or the whole body,
        when smaller), each ending with a newline."""
        parts: list[bytes] = []
        held = lines = 0
        async for chunk in self.chunks():
            parts.append(chunk)
            held += len(chunk)
            if held < BLOCK_BYTES:
                continue
            data = b"".join(parts)
            end = data.rfind(b"\n") + 1
            lines += data.count(b"\n", 0, end)
            if len(data) - end > MAX_LINE:
                raise PayloadTooLarge(f"line {lines + 1} is over 1 MiB")
            if end:
                yield data[:end]
            parts = [data[end:]]
            held = len(parts[0])
        data = b"".join(parts)
        if data:  # the last line may lack its newline: the block is read as if it had one
            yield data if data.endswith(b"\n") else data + b"\n"

    async def _array(self) -> AsyncIterator[Record]:
        position = 0
        try:
            async for item in ijson.items(
                _Reader(_an_array(self.chunks())), "item", use_float=True
            ):
                position += 1
                yield Record(position, item)
        except ijson.JSONError as exc:
            raise InvalidParameters(
                f"the body is not a JSON array of objects (after record {position}): {exc}"
            ) from None
        if position == 0 and self.size == 0:
            raise InvalidParameters("the body is empty: send a JSON array or NDJSON records")


async def _batched(records: AsyncIterator[Record]) -> AsyncIterator[list[Record]]:
    batch = []
    async for record in records:
        batch.append(record)
        if len(batch) == ARRAY_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _an_array(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The chunks of a body that must hold a JSON array (ijson would find no item in an
    object and answer an empty write)."""
    checked = False
    async for chunk in chunks:
        if not checked and chunk.strip():
            if not chunk.lstrip().startswith(b"["):
                raise InvalidParameters("a JSON body is an array of records: [{...}, ...]")
            checked = True
        yield chunk


def records_in(block: bytes, position: int) -> Iterator[Record]:
    """The records of a block of NDJSON lines, the first numbered `position` + 1, each
    parsed when taken: a record is a line that is not blank."""
    for line in block.split(b"\n"):
        if line[:1] == b"{" or line.strip():
            position += 1
            yield _parsed(position, line)


def _parsed(position: int, line: bytes) -> Record:
    try:
        return Record(position, orjson.loads(line))
    except orjson.JSONDecodeError as exc:
        return Record(position, error=f"not JSON: {exc}")


class _Reader:
    """The async file-like object ijson reads from."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = b""

    async def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = await anext(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        if size < 0:
            data, self.buffer = self.buffer, b""
        else:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data
