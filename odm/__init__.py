"""ODM: Operations Data Management, a streaming HTTP API over production data."""

__version__ = "0.1.0"
