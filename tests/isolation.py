"""Tests build their settings from arguments alone, never from the developer's environment.

A `.env` in the working directory or an exported ODM_* variable (say `ODM_BATCH_ROWS=0`)
must not change what a test runs against; only the test harness's own variables
(ODM_TEST_*) reach the tests.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from odm.config import Settings, environment_without_settings


class IsolatedSettings(Settings):
    """Settings from the arguments given and the defaults: no environment, no `.env`."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def isolated_settings(**overrides: Any) -> Settings:
    """Settings for a test: the defaults and `overrides`, whatever the environment holds."""
    return IsolatedSettings(**overrides)


def clean_environment(**variables: str) -> dict[str, str]:
    """The environment for a child process (a server, a command): this one's without any
    variable Settings reads, plus `variables`."""
    return environment_without_settings(os.environ) | variables
