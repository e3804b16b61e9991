"""The README documents every setting and command (a test that fails when one is not)."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from odm.cli import app
from odm.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def _env_names(name: str) -> list[str]:
    field = Settings.model_fields[name]
    alias = field.validation_alias
    if alias is None:
        return [f"ODM_{name.upper()}"]
    if isinstance(alias, str):
        return [alias]
    return [str(choice) for choice in alias.choices]  # type: ignore[union-attr]


def test_every_setting_is_in_the_readme() -> None:
    missing = [
        env
        for name in Settings.model_fields
        for env in _env_names(name)
        if f"`{env}`" not in README
    ]
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert commands, "the CLI has commands"
    assert [name for name in commands if f"`odm {name}`" not in README] == []


def test_readme_commands_exist() -> None:
    root = Path(__file__).resolve().parent.parent
    for script in ("scripts/run", "scripts/test"):
        assert f"./{script}" in README
        assert (root / script).stat().st_mode & 0o111, f"{script} is executable"
    assert "./scripts/test" in (root / ".ci" / "run").read_text()
