"""Entry point of the published design: `uvicorn service:app` from the repository root."""

from odm.app import app_from_environment

app = app_from_environment()
