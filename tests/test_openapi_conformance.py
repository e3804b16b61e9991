"""The OpenAPI document says exactly what the service accepts and answers: schemathesis,
with every check, against a real server on each backend, finds no failure."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from odm.demo import DemoData
from tests.server import running_server

# Bounded so that the suite stays fast; fixed so that a CI run is reproducible.
MAX_EXAMPLES = 30
SEED = 20261128
# The one exception to "schema-valid input is never a 422": a history too short to fit.
CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"


@pytest.mark.slow
def test_schemathesis_finds_no_failure(demo_database: tuple[str, DemoData], tmp_path: Path) -> None:
    url, _ = demo_database
    with running_server(url) as server:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file",
                str(CONFIG),
                "run",
                f"{server.url}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                str(SEED),
                "--workers",
                "2",
                "--generation-database",
                "none",
                "--request-timeout",
                "30",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=os.environ | {"NO_COLOR": "1"},
            timeout=600,
        )
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    generated = re.search(r"(\d+) generated, (\d+) passed", summary)
    assert generated is not None, summary
    assert int(generated.group(1)) == int(generated.group(2)) > 500, summary
    print(f"schemathesis: {generated.group(0)}")
