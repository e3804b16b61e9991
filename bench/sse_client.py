"""A lean Server-Sent Events client for the feed benchmark: many streams per process.

Each subscriber is one raw HTTP/1.1 connection on asyncio streams (no HTTP library): the
request is written once, the chunked body undone and each event's `id:` picked out by one
regular expression per read, so a thousand streams cost the client little. What a
subscriber received (ids and the moment each read arrived) goes back to the parent as arrays.
"""

from __future__ import annotations

import asyncio
import re
import resource
import time
from array import array
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

EVENT_ID = re.compile(rb"^id: (\d+)\r?$", re.MULTILINE)
CONNECTS_AT_ONCE = 50  # connections opened at the same time (the server's accept backlog)


@dataclass(frozen=True)
class Subscription:
    """One stream to open: its key, its scope's name and where it resumes."""

    index: int
    key: str
    scope: str
    after: int


@dataclass
class Received:
    """What one subscriber received: event ids and the time (epoch s) of each one's read."""

    index: int
    scope: str
    ids: array[int] = field(default_factory=lambda: array("q"))
    times: array[float] = field(default_factory=lambda: array("d"))
    error: str | None = None

    @property
    def last(self) -> int:
        """The last id received (0 if none)."""
        return self.ids[-1] if self.ids else 0


def _request(sub: Subscription, host: str, port: int) -> bytes:
    return (
        f"GET /v1/changes?after={sub.after} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {sub.key}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()


def dechunk(buffer: bytes) -> tuple[bytes, bytes, bool]:
    """The complete chunks' data of a chunked body, what is left over, and whether the
    last chunk (size 0) was seen."""
    parts, pos = [], 0
    while (line_end := buffer.find(b"\r\n", pos)) >= 0:
        size = int(buffer[pos:line_end].split(b";", 1)[0], 16)
        if size == 0:
            return b"".join(parts), b"", True
        end = line_end + 2 + size
        if len(buffer) < end + 2:
            break
        parts.append(buffer[line_end + 2 : end])
        pos = end + 2
    return b"".join(parts), buffer[pos:], False


async def _subscribe(
    sub: Subscription, host: str, port: int, gate: asyncio.Semaphore
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    async with gate:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(_request(sub, host, port))
        head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
    if b"transfer-encoding: chunked" not in head.lower():
        raise RuntimeError("expected a chunked body")
    return reader, writer


async def _read(reader: asyncio.StreamReader, got: Received) -> None:
    pending = b""
    while data := await reader.read(1 << 16):
        now = time.time()
        body, pending, ended = dechunk(pending + data)
        for match in EVENT_ID.finditer(body):
            got.ids.append(int(match.group(1)))
            got.times.append(now)
        if ended:
            return


async def _follow(
    sub: Subscription, host: str, port: int, gate: asyncio.Semaphore, got: Received
) -> asyncio.StreamWriter | None:
    try:
        reader, writer = await _subscribe(sub, host, port, gate)
    except (OSError, RuntimeError, asyncio.IncompleteReadError) as exc:
        got.error = f"connect: {exc}"
        return None
    asyncio.get_running_loop().create_task(_read_safely(reader, got))
    return writer


async def _read_safely(reader: asyncio.StreamReader, got: Received) -> None:
    try:
        await _read(reader, got)
    except (OSError, ValueError) as exc:
        got.error = f"read: {exc}"


async def _run(subs: list[Subscription], host: str, port: int, parent: Connection) -> None:
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    received = [Received(s.index, s.scope) for s in subs]
    writers = await asyncio.gather(
        *(_follow(s, host, port, gate, r) for s, r in zip(subs, received, strict=True))
    )
    parent.send(("connected", sum(w is not None for w in writers)))
    loop = asyncio.get_running_loop()
    # The parent sends the last id each scope must reach once the writer is done.
    last_ids: dict[str, int] = await loop.run_in_executor(None, parent.recv)
    deadline = time.monotonic() + float(last_ids.pop("__patience__", 30))
    # The readers' progress is polled: a wake-up per event would cost the client more.
    while _behind(received, last_ids) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    for writer in writers:
        if writer is not None:
            writer.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    parent.send(("done", received, usage.ru_utime + usage.ru_stime))


def _behind(received: list[Received], last_ids: dict[str, int]) -> bool:
    return any(r.error is None and r.last < last_ids.get(r.scope, 0) for r in received)


def client_process(subs: list[Subscription], host: str, port: int, parent: Connection) -> None:
    """A client process's body: open every stream, report, follow, report what arrived."""
    asyncio.run(_run(subs, host, port, parent))
