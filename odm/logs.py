"""Log lines: JSON objects (or plain text) carrying the id of the request they belong to,
with credentials masked whatever logged them.

The request id lives in a context variable set by the request middleware: every line logged
while a request is handled (its route, its database errors, its stream's end, the access
line) carries it, including lines of tasks the request started.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from contextvars import ContextVar
from typing import Any, Literal

import orjson

REQUEST_ID: ContextVar[str | None] = ContextVar("odm_request_id", default=None)
# The loggers ODM and uvicorn write to; uvicorn's access log is replaced by odm.access.
LOGGERS = ("odm", "uvicorn", "uvicorn.error")
_MARK = "_odm_handler"

# Credentials as they may appear in a message: API keys' secrets (their public id stays, as
# the audit log names keys by it), bearer values, JWTs,
# the password of a database URL, and key=value pairs whose name says secret.
_SECRETS = (
    (re.compile(r"\b(odm_[0-9a-f]{16}_)[A-Za-z0-9_\-]{20,}"), r"\1***"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;\"']+"), r"\1 ***"),
    (re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"), "***jwt***"),
    (re.compile(r"(?i)(://[^/\s:@]*:)[^@\s/]+@"), r"\1***@"),
    (
        re.compile(
            r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|authorization)"
            r"(\s*[=:]\s*)[^\s,;&\"']+"
        ),
        r"\1\2***",
    ),
)


def redact(text: str) -> str:
    """The text with every credential it seems to hold masked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestContext(logging.Filter):
    """Adds the current request's id to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _utc(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["error"] = redact(self.formatException(record.exc_info))
        return orjson.dumps(line, default=str).decode()


class TextFormatter(logging.Formatter):
    """`time level logger [request id] message key=value ...`, credentials masked."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        extra = " ".join(f"{k}={v}" for k, v in fields.items()) if isinstance(fields, dict) else ""
        request = getattr(record, "request_id", None) or "-"
        text = f"{_utc(record.created)} {record.levelname} {record.name} [{request}] "
        text += record.getMessage() + (f" {extra}" if extra else "")
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return redact(text)


def _utc(created: float) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
    return f"{seconds}.{int(created % 1 * 1000):03d}Z"


def configure_logging(form: Literal["json", "text"], level: str = "INFO") -> None:
    """Send ODM's and uvicorn's lines to stderr in the chosen form (once per process; a
    second app in the same process replaces the handler rather than adding one)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if form == "json" else TextFormatter())
    handler.addFilter(RequestContext())
    setattr(handler, _MARK, True)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if getattr(h, _MARK, False) or name != "odm"]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.propagate = False
    logging.getLogger("odm").setLevel(level)
    # ODM writes its own access line (with the request id and route); uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
