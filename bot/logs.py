"""Logging: human-readable lines by default; with LOG_FORMAT=json one JSON object a line (time,
level, logger, message, and the request's kind and workspace while one is handled), for log
platforms. Messages are CX Coach's own words: no user text is logged (answers may be
anonymous), and an exception is logged as its type and frames, not its message."""

import contextvars
import json
import logging
import traceback
from datetime import UTC, datetime

REQUEST: contextvars.ContextVar[str | None] = contextvars.ContextVar("request", default=None)
WORKSPACE: contextvars.ContextVar[str | None] = contextvars.ContextVar("workspace", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (kind := REQUEST.get()) is not None:
            line["request"] = kind
        if (workspace := WORKSPACE.get()) is not None:
            line["workspace"] = workspace
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
            line["frames"] = traceback.format_tb(record.exc_info[2])
        return json.dumps(line, ensure_ascii=False)


def configure(log_format: str) -> None:
    """Log to stderr at INFO in the chosen format; Alembic's INFO chatter stays out."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def request_kind(body: dict[str, object]) -> str:
    """What kind of request a Slack body is, in a word or two: never its text."""
    if "command" in body:
        return f"command {body['command']}"
    event = body.get("event")
    if isinstance(event, dict):
        return f"event {event.get('type')}"
    return str(body.get("type") or "request")
