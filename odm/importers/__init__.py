"""Importers: stream CSV and XLSX files into ODM's tables through a column mapping.

`import_file(db, path, mapping, options)` reads a file row by row, converts each row with a
`Mapping` (a mapping file, command-line flags, or a built-in preset), reports every rejected
row with its line number and reason, and writes the accepted rows through the ingest
pipeline HTTP writes use (`odm.ingest.writer`: staged in batches, then counted and upserted
in one transaction), so importing the same file twice leaves the same data.
"""

from __future__ import annotations

from odm.importers.mapping import Division, Mapping, MappingError, load_mapping, parse_mapping
from odm.importers.pipeline import (
    ImportOptions,
    ImportReport,
    Rejection,
    StrictRejection,
    import_file,
)
from odm.importers.presets import detect_preset, load_preset, preset_names
from odm.importers.readers import SourceError

__all__ = [
    "Division",
    "ImportOptions",
    "ImportReport",
    "Mapping",
    "MappingError",
    "Rejection",
    "SourceError",
    "StrictRejection",
    "detect_preset",
    "import_file",
    "load_mapping",
    "load_preset",
    "parse_mapping",
    "preset_names",
]
