"""Entry point of the published design: `uvicorn service:app` from the repository root."""

from odm.app import create_app
from odm.config import Settings

app = create_app(Settings())
