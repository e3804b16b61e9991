"""The change feed: a log written with every change, read once per process, pushed to
subscribers."""
