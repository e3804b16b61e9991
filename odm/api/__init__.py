"""HTTP layer: routers by resource. No SQL text and no driver imports here."""
