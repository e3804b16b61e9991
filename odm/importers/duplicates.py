"""Noticing repeated rows within a bounded window of recent keys."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

_DIGEST_BYTES = 16
_LINE_BYTES = 8
_ROW_END = _LINE_BYTES + _DIGEST_BYTES


def digest(values: Sequence[object]) -> bytes:
    """A 128-bit BLAKE2b digest of the values' text.

    Python's `hash()` will not do: `hash(-1) == hash(-2)`, so rows differing only that way
    looked identical. The `repr` of the values rows hold (text, whole numbers, floats, None)
    is exact and tells their types apart: `'1'`, `1`, `1.0` and `True` all differ, and a
    float is written to its last bit.
    """
    text = repr(tuple(values))
    return hashlib.blake2b(text.encode(), digest_size=_DIGEST_BYTES).digest()


@dataclass(frozen=True)
class Earlier:
    """The row seen before with the same key."""

    line: int
    same: bool  # whether its values were identical
    extra: bytes  # what the caller kept with it


class RecentKeys:
    """The last `size` keys seen, with their line, a digest of their row and a few bytes
    the caller keeps with it.

    Memory stays bounded however long the file (about 150 bytes a key, plus the caller's:
    keys and rows are kept as 128-bit digests, so two different keys or rows are taken for
    the same one only if BLAKE2b collides). A repeat further back than the window is not
    reported, but it still cannot double count: rows upsert on their key, the later row
    winning, as within the window.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.lines: dict[bytes, bytes] = {}  # key digest -> line (8 bytes), row digest, extra

    def seen(
        self, key: Sequence[object], row: Sequence[object], line: int, extra: bytes = b""
    ) -> Earlier | None:
        """The row seen before with this key, or None.

        A row with different values takes the earlier one's place: the later row wins, and
        a further repeat is compared with it.
        """
        entry = line.to_bytes(_LINE_BYTES) + digest(row) + extra
        key_digest = digest(key)
        earlier = self.lines.get(key_digest)
        if earlier is not None:
            same = earlier[_LINE_BYTES:_ROW_END] == entry[_LINE_BYTES:_ROW_END]
            if not same:
                self.lines[key_digest] = entry
            return Earlier(int.from_bytes(earlier[:_LINE_BYTES]), same, earlier[_ROW_END:])
        if self.size <= 0:
            return None
        if len(self.lines) >= self.size:
            del self.lines[next(iter(self.lines))]
        self.lines[key_digest] = entry
        return None
