"""The report's chart: export wall time and server peak memory per system (matplotlib)."""

from __future__ import annotations

from pathlib import Path

from bench.results import Results


def draw(results: Results, size: str, path: Path) -> bool:
    """Draw the `size` exports as two bar panels; False when there is nothing to draw."""
    rows = [r for r in results.exports if r.size == size]
    if not rows:
        return False
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [f"{r.system} {r.fmt}\n{r.backend}" for r in rows]
    colours = ["tab:green" if r.system == "ODM" else "tab:grey" for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 0.45 * len(rows) + 1.8))
    left.barh(labels, [r.wall_s for r in rows], color=colours)
    left.set_xlabel("wall time, s (shorter is better)")
    left.set_title(f"Export of {rows[0].rows:,} daily rows")
    left.invert_yaxis()
    right.barh(labels, [r.peak_rss_mb or float("nan") for r in rows], color=colours)
    right.set_xlabel("peak RSS, MB (server, or the dump tool)")
    right.set_xscale("log")
    right.set_title("Peak memory")
    right.invert_yaxis()
    right.set_yticklabels([])
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True
