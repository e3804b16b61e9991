"""Built-in mappings for well-known public files, kept as mapping files in `presets/`."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from odm.importers.mapping import Mapping, MappingError, parse_mapping
from odm.importers.readers import SourceError, open_source

PRESETS_DIR = Path(__file__).resolve().parent / "presets"


def preset_names() -> list[str]:
    """The names of the built-in presets."""
    return sorted(path.stem for path in PRESETS_DIR.glob("*.toml"))


@cache
def load_preset(name: str) -> Mapping:
    """A built-in preset by name."""
    path = PRESETS_DIR / f"{name}.toml"
    if not path.is_file():
        raise MappingError(f"unknown preset {name!r}: choose one of {', '.join(preset_names())}")
    return parse_mapping(tomllib.loads(path.read_text("utf-8")), default_name=name)


def detect_preset(path: Path) -> Mapping | None:
    """The preset whose columns the file's header has, if exactly one fits."""
    fitting = [name for name in preset_names() if _fits(path, load_preset(name))]
    return load_preset(fitting[0]) if len(fitting) == 1 else None


def _fits(path: Path, mapping: Mapping) -> bool:
    try:
        with open_source(path, mapping.header_line, mapping.sheet) as table:
            return mapping.source_columns() <= set(table.header)
    except SourceError:
        return False
