"""`python -m bench.profile`: where an ODM export spends its time, sampled with py-spy.

Starts ODM on a benchmark data set, records the server with py-spy (both threads, no code
changes) during one JSON export, and prints the functions that the samples were in.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.datasets import ensure_dataset
from bench.runner import DEFAULT_POSTGRES, REPO
from bench.scenarios import EXPORT_PATH
from bench.servers import free_port, odm_server, running
from bench.transfer import download

PY_SPY = Path(sys.executable).parent / "py-spy"
# Frames where a thread waits rather than works.
IDLE = ("select (selectors.py", "wait (threading.py", "_worker (concurrent", "run_forever")


def top_frames(raw: Path, limit: int = 12) -> list[tuple[str, float]]:
    """The innermost frames of py-spy's raw output with their share of the busy samples."""
    counts: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        frame = stack.rsplit(";", 1)[-1]
        if not any(idle in frame for idle in IDLE):
            counts[frame] += int(number)
    total = sum(counts.values()) or 1
    return [(frame, n / total) for frame, n in counts.most_common(limit)]


def profile(backend: str, size: str, postgres_url: str, out: Path) -> Path:
    """Record one JSON export of the data set; the raw py-spy output file."""
    data = ensure_dataset(size, backend, REPO / "bench/data", postgres_url)
    port = free_port()
    raw = out / f"profile-{backend}-{size}.txt"
    with running(odm_server(data, port), port, out) as live:
        pid = str(live.process.pid)
        options = ["--rate", "250", "--nonblocking", "--format", "raw", "--output", str(raw)]
        spy = subprocess.Popen([str(PY_SPY), "record", "--pid", pid, *options])
        time.sleep(1)
        download(f"{live.base_url}{EXPORT_PATH}")
        spy.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
        spy.wait()
    return raw


def main() -> None:
    """Profile and print the hottest frames."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--size", default="1m")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    raw = profile(args.backend, args.size, args.postgres_url, REPO / "bench/results")
    for frame, share in top_frames(raw):
        print(f"{share:6.1%}  {frame}")
    print(f"raw samples: {raw}", file=sys.stderr)


if __name__ == "__main__":
    main()
