"""ODM's benchmark suite: streaming export, seed endpoints and request rate, with baselines.

Run it with `make bench` (or `bench/run`); it writes docs/performance.md and its chart.
"""
