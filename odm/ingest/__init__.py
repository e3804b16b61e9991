"""One ingest pipeline for file imports and HTTP writes: validation, well keys, units, upsert."""
