"""Noticing repeated rows within a bounded window of recent keys."""

from __future__ import annotations

from collections.abc import Hashable

_ROW_BITS = 64
_ROW_MASK = (1 << _ROW_BITS) - 1


class RecentKeys:
    """The last `size` keys seen, with their line and a fingerprint of their row.

    Memory stays bounded however long the file (about 100 bytes a key: keys and rows are
    kept as 64-bit hashes). A repeat further back than the window is not reported, but it
    still cannot double count: rows upsert on their key, the later row winning.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.lines: dict[int, int] = {}  # key hash -> line << 64 | row hash

    def seen(self, key: Hashable, row: Hashable, line: int) -> tuple[int, bool] | None:
        """The earlier line with this key and whether its row was identical, or None."""
        fingerprint = hash(row) & _ROW_MASK
        earlier = self.lines.get(hash(key))
        if earlier is not None:
            return earlier >> _ROW_BITS, earlier & _ROW_MASK == fingerprint
        if self.size <= 0:
            return None
        if len(self.lines) >= self.size:
            del self.lines[next(iter(self.lines))]
        self.lines[hash(key)] = line << _ROW_BITS | fingerprint
        return None
