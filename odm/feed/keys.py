"""Whether the keys behind live streams still work, asked once per key, not once per stream.

A revoked or expired key must end its streams within seconds, so each stream asks every few
seconds. A thousand screens on one operations-room key would make that a thousand queries
every few seconds; here the streams of one key share one answer, at most `seconds` old, and
one query in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

KEEP_AT_MOST = 1024  # answers kept before stale ones are dropped


class KeyChecks:
    """Recent answers to "is this key still valid?", per key id."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.known: dict[str, tuple[float, bool]] = {}
        self.asking: dict[str, asyncio.Task[bool]] = {}
        self.checks = 0  # queries made (for operators and the benchmark)

    async def still_valid(self, key_id: str, check: Callable[[], Awaitable[bool]]) -> bool:
        """The key's recent answer, or `check()`'s (shared with every stream asking now)."""
        now = asyncio.get_running_loop().time()
        known = self.known.get(key_id)
        if known is not None and now - known[0] < self.seconds:
            return known[1]
        task = self.asking.get(key_id)
        if task is None:
            task = asyncio.ensure_future(self._ask(key_id, check))
            self.asking[key_id] = task
        # One stream leaving must not cancel the answer the others wait for.
        return await asyncio.shield(task)

    async def _ask(self, key_id: str, check: Callable[[], Awaitable[bool]]) -> bool:
        try:
            self.checks += 1
            valid = await check()
            self._keep(key_id, valid)
            return valid
        finally:
            del self.asking[key_id]

    def _keep(self, key_id: str, valid: bool) -> None:
        now = asyncio.get_running_loop().time()
        if len(self.known) >= KEEP_AT_MOST:
            self.known = {k: v for k, v in self.known.items() if now - v[0] < self.seconds}
        self.known[key_id] = (now, valid)
