"""The deployment guide and the container image stay true to the repository: the image copies
files that exist and serves the published entry point, and every setting the guide names is
one ODM reads."""

from __future__ import annotations

import re
from pathlib import Path

from odm.config import settings_variables

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "deployment.md").read_text("utf-8")
DOCKERFILE = (ROOT / "Dockerfile").read_text("utf-8")


def test_the_readme_links_the_guide() -> None:
    assert "(docs/deployment.md)" in (ROOT / "README.md").read_text("utf-8")


def test_every_setting_the_guide_names_exists() -> None:
    named = set(re.findall(r"\bODM_[A-Z_]+\b", GUIDE))
    assert named and named <= settings_variables()


def test_the_image_copies_what_exists_and_serves_service_app() -> None:
    sources = []
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY") and "--from=" not in line:
            sources += line.split()[1:-1]
    assert sources and all((ROOT / source).exists() for source in sources), sources
    assert '"service:app"' in DOCKERFILE and "HEALTHCHECK" in DOCKERFILE
    assert "USER odm" in DOCKERFILE  # never root
