"""`python -m bench`: see bench/runner.py."""

from bench.runner import main

if __name__ == "__main__":  # not in the client processes the feed benchmark spawns
    main()
