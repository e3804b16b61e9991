"""Waiting in tests for something a server or the database does in its own time."""

from __future__ import annotations

import time
from collections.abc import Callable


def until(check: Callable[[], bool], seconds: float, every: float = 0.1) -> float | None:
    """When `check` first held (time.monotonic), polled every `every` seconds; None if it
    did not within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return time.monotonic()
        if time.monotonic() >= deadline:
            return None
        time.sleep(every)
