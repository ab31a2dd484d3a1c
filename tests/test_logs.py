"""LOG_FORMAT=json: one JSON object a log line — time, level, logger, message, and the request's
kind and workspace while one is handled; an exception as its type and frames, never its text."""

import json
import logging
import signal
import subprocess
from pathlib import Path

from bot import logs
from tests.fakeslack import FakeSlack
from tests.test_main import _free_port, _start, _wait_for_http, running

__all__ = ["running"]  # the fixture used below


def _record(message: str, exc: BaseException | None = None) -> logging.LogRecord:
    info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("bot.listeners", logging.WARNING, __file__, 1, message, (), info)


def test_a_line_carries_the_request_it_was_logged_for() -> None:
    """Inside a request: its kind and workspace; an exception: its type, not its message."""
    kind, team = logs.REQUEST.set("command /cx-metrics"), logs.WORKSPACE.set("T0001")
    answer = "Patient <!channel> — an anonymous answer"  # a person's words, as data
    try:
        raise ValueError(answer)
    except ValueError as error:
        line = json.loads(logs.JsonFormatter().format(_record("could not answer", error)))
    finally:
        logs.REQUEST.reset(kind)
        logs.WORKSPACE.reset(team)
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING", "bot.listeners", "could not answer"
    )  # fmt: skip
    assert (line["request"], line["workspace"], line["exception"]) == (
        "command /cx-metrics", "T0001", "ValueError"
    )  # fmt: skip
    assert "anonymous answer" not in json.dumps(line)
    outside = json.loads(logs.JsonFormatter().format(_record("clock started")))
    assert "request" not in outside


def test_serve_logs_json_lines_when_asked(
    tmp_path: Path, running: list[subprocess.Popen[str]], fake_slack: FakeSlack
) -> None:
    """Every line `serve` writes to stderr is a JSON object with time, level and message."""
    port = _free_port()
    process = _start(
        ["serve", "--host", "127.0.0.1"], tmp_path, running, LOG_FORMAT="json",
        PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path}/cx.db",
        SLACK_BOT_TOKEN=fake_slack.bot_token, SLACK_SIGNING_SECRET="s3cret",
        SLACK_API_BASE_URL=fake_slack.api_url,
    )  # fmt: skip
    _wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=10)
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert lines
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any("listening on" in line["message"] for line in lines)
