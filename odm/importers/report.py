"""How an import's outcome is told: rejected rows as text or CSV, and a summary."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from odm.importers.pipeline import ImportReport, Rejection, totals_match


def describe(rejection: Rejection) -> str:
    """One line for a rejected or skipped row, or one that replaced an earlier row."""
    kind = "skipped" if rejection.duplicate else "rejected"
    if rejection.replaces is not None:
        kind = "imported"  # over an earlier row with the same key
    return f"line {rejection.line}: {kind}: {rejection.reason}"


@contextmanager
def rejects_csv(path: Path) -> Iterator[Callable[[Rejection], None]]:
    """A CSV file of rejected rows (line, reason, the row's cells), written as they come."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["line", "reason", "row"])

        def write(rejection: Rejection) -> None:
            cells = ["" if cell is None else str(cell) for cell in rejection.cells]
            writer.writerow([rejection.line, rejection.reason, *cells])

        yield write


def summary(report: ImportReport) -> list[str]:
    """What was read, imported, rejected and checked, for people."""
    counts = report.counts
    lines = [
        f"{report.path.name} ({report.mapping} → {report.table}): {report.rows_read:,} rows "
        f"read, {report.imported:,} imported, {report.rejected:,} rejected, "
        f"{report.duplicates:,} duplicates counted once; stored rows: {counts.inserted:,} "
        f"inserted, {counts.updated:,} updated, {counts.unchanged:,} unchanged"
    ]
    if report.new_wells:
        lines.append(_new_wells(report))
    if report.warnings:
        noted = ", ".join(f"{n:,} {what}" for what, n in sorted(report.warnings.items()))
        lines.append(f"accepted with warnings (values out of the ordinary): {noted}")
    lines += [f"{n:,} rows rejected because {hint}" for hint, n in report.hints.most_common()]
    if report.replaced:
        lines.append(
            f"{report.replaced:,} rows replaced an earlier row with the same key "
            "(different values: the later row wins)"
        )
    if report.blank_lines:
        lines.append(f"{report.blank_lines} blank lines skipped")
    if report.footer_line is not None:
        lines.append(f"footer line {report.footer_line} (totals, not imported):")
        lines += [_checksum(name, total, sum_) for name, total, sum_ in report.checksums()]
    return lines


def too_many_rejected(report: ImportReport, max_rejects: int) -> str | None:
    """The line that says an import failed its --max-rejects, or None if it did not."""
    if report.rejected <= max_rejects:
        return None
    failed = f"{report.rejected:,} rows rejected, more than --max-rejects {max_rejects}: exit "
    if not report.imported:
        return failed + "status 1 (no row was imported)"
    return failed + (
        "status 1 (the other rows were imported); fix the rejected rows and import the file "
        f"again (rows upsert), or allow them with --max-rejects {report.rejected}"
    )


def _new_wells(report: ImportReport) -> str:
    names = report.new_wells
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10:,} more" if len(names) > 10 else "")
    where = f" in division {report.division.division_id}" if report.division else ""
    return f"{len(names):,} new wells{where}: {shown}"


def _checksum(name: str, total: float, imported: float | None) -> str:
    if imported is None:
        return f"  {name}: footer {total:,.6g}, column not imported"
    verdict = "matches" if totals_match(total, imported) else "DIFFERS"
    return f"  {name}: footer {total:,.0f}, imported rows {imported:,.0f}: {verdict}"
