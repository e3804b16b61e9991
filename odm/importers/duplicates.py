"""Noticing repeated rows within a bounded window of recent keys."""

from __future__ import annotations

from collections.abc import Hashable


class RecentKeys:
    """The last `size` keys seen, with their line and a fingerprint of their row.

    Memory stays bounded however long the file: a repeat further back than the window is
    not reported, but it still cannot double count, as rows upsert on their key.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.lines: dict[Hashable, tuple[int, int]] = {}

    def seen(self, key: Hashable, row: Hashable, line: int) -> tuple[int, bool] | None:
        """The earlier line with this key and whether its row was identical, or None."""
        earlier = self.lines.get(key)
        if earlier is not None:
            return earlier[0], earlier[1] == hash(row)
        if self.size <= 0:
            return None
        if len(self.lines) >= self.size:
            del self.lines[next(iter(self.lines))]
        self.lines[key] = (line, hash(row))
        return None
