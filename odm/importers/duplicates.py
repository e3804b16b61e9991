"""Noticing repeated rows within a bounded window of recent keys."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

_DIGEST_BYTES = 16
_LINE_BYTES = 8


def digest(values: Sequence[object]) -> bytes:
    """A 128-bit BLAKE2b digest of the values' text.

    Python's `hash()` will not do: `hash(-1) == hash(-2)`, so rows differing only that way
    looked identical. The `repr` of the values rows hold (text, whole numbers, floats, None)
    is exact and tells their types apart: `'1'`, `1`, `1.0` and `True` all differ, and a
    float is written to its last bit.
    """
    text = repr(tuple(values))
    return hashlib.blake2b(text.encode(), digest_size=_DIGEST_BYTES).digest()


class RecentKeys:
    """The last `size` keys seen, with their line and a digest of their row.

    Memory stays bounded however long the file (about 150 bytes a key: keys and rows are
    kept as 128-bit digests, so two different keys or rows are taken for the same one only
    if BLAKE2b collides). A repeat further back than the window is not reported, but it
    still cannot double count: rows upsert on their key, the later row winning.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.lines: dict[bytes, bytes] = {}  # key digest -> line (8 bytes) + row digest

    def seen(
        self, key: Sequence[object], row: Sequence[object], line: int
    ) -> tuple[int, bool] | None:
        """The earlier line with this key and whether its row was identical, or None."""
        fingerprint = digest(row)
        key_digest = digest(key)
        earlier = self.lines.get(key_digest)
        if earlier is not None:
            earlier_line = int.from_bytes(earlier[:_LINE_BYTES])
            return earlier_line, earlier[_LINE_BYTES:] == fingerprint
        if self.size <= 0:
            return None
        if len(self.lines) >= self.size:
            del self.lines[next(iter(self.lines))]
        self.lines[key_digest] = line.to_bytes(_LINE_BYTES) + fingerprint
        return None
