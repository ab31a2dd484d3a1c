"""The HTTP side (docs/ARCHITECTURE.md §3): /slack/events, /healthz and the setup page, as one WSGI
app."""

import gc
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from waitress import trigger as waitress_trigger
from waitress.server import create_server

from bot import setup_page, slack_shapes
from bot.after_ack import AfterAck
from bot.config import Settings
from bot.ingest import ingest, zendesk
from bot.services.helpdesk import Kind
from bot.slack_client import make_web_client
from bot.store.db import database_answers
from bot.store.models import utcnow
from bot.workspaces import Workspaces

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")
INGEST_PATHS: dict[str, Kind] = {"/ingest/tickets": "tickets", "/ingest/surveys": "surveys"}
ZENDESK_PATH = "/ingest/zendesk"
MAX_SLACK_BODY = 2**20  # Slack's payloads are a few KiB; a modal with 100 blocks stays far below
# Threads answering HTTP; each slash command holds one only until its ack.
HTTP_THREADS = 16

Body = Iterable[bytes]


class WebApp:
    """Route requests to Bolt, the health check, or the setup page."""

    def __init__(
        self,
        *,
        settings: Settings,
        engine: Engine,
        app: App | None,
        after_ack: AfterAck | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.engine = engine
        self.after_ack = after_ack
        # Slack requests arrive over HTTP only when a signing secret lets us verify them.
        http_slack = app is not None and settings.slack_signing_secret is not None
        self.slack = SlackRequestHandler(app, path=SLACK_PATH) if http_slack and app else None
        self.setup_mode = app is None
        self._workspaces = Workspaces(settings, engine, default=make_web_client(settings))

    def __call__(self, environ: "WSGIEnvironment", start_response: "StartResponse") -> Body:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == SLACK_PATH and method == "POST":
            if self.slack is None:
                return _json(start_response, 503, {"error": "Slack over HTTP is not configured"})
            if self.after_ack is None:
                return self._slack(environ, start_response)
            with self.after_ack.acking():  # after-ack work waits while Slack waits for us
                return self._slack(environ, start_response)
        if path in INGEST_PATHS and method == "POST":
            status, payload = ingest(
                INGEST_PATHS[path], environ, self.settings, self.engine, self._client_for
            )
            return _json(start_response, status, payload)
        if path == ZENDESK_PATH and method == "POST":
            status, payload = zendesk(
                environ, self.settings, self.engine, self._client_for, self.clock()
            )
            return _json(start_response, status, payload)
        if path in OAUTH_PATHS and method == "GET" and self.slack is not None:
            return self.slack(environ, start_response)  # Bolt's OAuth flow (bot.oauth)
        if path == "/healthz" and method in ("GET", "HEAD"):
            return self.healthz(start_response)
        if path == "/" and method in ("GET", "HEAD"):
            return self.index(environ, start_response)
        return _json(start_response, 404, {"error": "not found"})

    def _slack(self, environ: "WSGIEnvironment", start_response: "StartResponse") -> Body:
        """Check the signature and that the body can be read, then hand it to Bolt (which
        would answer a non-numeric timestamp with a traceback and deep JSON with a 500)."""
        assert self.slack is not None
        assert self.settings.slack_signing_secret is not None
        try:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_SLACK_BODY)
        except ValueError:
            length = 0
        raw: bytes = environ["wsgi.input"].read(length) if length else b""
        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""))
        verifier = SignatureVerifier(self.settings.slack_signing_secret.get_secret_value())
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE", ""))
        if not timestamp.isdigit() or not verifier.is_valid(raw, timestamp, signature):
            return _json(start_response, 401, {"error": "invalid request signature"})
        try:
            body = slack_shapes.read(raw, str(environ.get("CONTENT_TYPE", "")))
            found = slack_shapes.problem(body)
            if found is not None:
                raise slack_shapes.Malformed(found)
        except slack_shapes.Malformed as error:
            logger.warning("refused a signed Slack request: %s", error)
            return _json(start_response, 400, {"error": str(error)})
        environ["wsgi.input"] = io.BytesIO(raw)  # Bolt reads the body again
        environ["CONTENT_LENGTH"] = str(len(raw))
        return self.slack(environ, start_response)

    def _client_for(self, workspace_id: str) -> WebClient | None:
        """The workspace's Slack client for looking agents up (None without any Slack)."""
        if self.settings.slack_bot_token is None and not self.settings.oauth_mode:
            return None
        return self._workspaces.client_for(workspace_id)

    def healthz(self, start_response: "StartResponse") -> Body:
        """200 when the database answers, 503 when it does not."""
        if database_answers(self.engine):
            return _json(start_response, 200, {"status": "ok"})
        return _json(
            start_response, 503, {"status": "unavailable", "error": "database unreachable"}
        )

    def index(self, environ: "WSGIEnvironment", start_response: "StartResponse") -> Body:
        """The setup page while Slack settings are missing; a one-liner once running."""
        if self.setup_mode:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            public_url = query.get("public_url", [None])[0] or self.settings.public_url
            return _html(start_response, 200, setup_page.render(self.settings, public_url))
        mode = "Socket Mode" if self.settings.socket_mode else f"HTTP mode on {SLACK_PATH}"
        return _html(start_response, 200, f"<p>CX Coach is running ({mode}).</p>")


def _json(start_response: "StartResponse", status: int, payload: object) -> Body:
    body = json.dumps(payload).encode()
    start_response(_status_line(status), [("Content-Type", "application/json"), _length(body)])
    return [body]


def _html(start_response: "StartResponse", status: int, page: str) -> Body:
    body = page.encode()
    start_response(
        _status_line(status), [("Content-Type", "text/html; charset=utf-8"), _length(body)]
    )
    return [body]


def _length(body: bytes) -> tuple[str, str]:
    return ("Content-Length", str(len(body)))


def _status_line(status: int) -> str:
    reasons = {
        200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict",
        413: "Content Too Large", 422: "Unprocessable Content", 503: "Service Unavailable",
    }  # fmt: skip
    return f"{status} {reasons.get(status, '')}".strip()


class HttpServer:
    """A waitress server for a WSGI app, startable in a thread and stoppable (tests, bench)."""

    def __init__(self, wsgi_app: Callable[..., Body], *, host: str, port: int) -> None:
        server: Any = create_server(
            wsgi_app, host=host, port=port, threads=HTTP_THREADS, ident="cx-coach"
        )
        self._server = server
        self.port: int = self._server.effective_port
        self.host = host
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in the calling thread until closed."""
        # What start-up built (modules, the app, table metadata) lives as long as the process:
        # move it out of the garbage collector's sight, so full collections stay short on the
        # request path (they showed as 20 ms stalls in bench/ack.py's p99).
        gc.freeze()
        self._server.run()

    def start(self) -> "HttpServer":
        """Serve from a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="cx-http", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None and self._thread.is_alive():
            # Close on the serving thread itself: closing sockets under a select() running in
            # another thread fails it with EBADF. And only once no request is being handled:
            # a request thread that finishes wakes the loop through the trigger, and writing
            # to a trigger already closed failed that thread with EBADF (a flaky teardown).
            self._wait_for_requests(time.monotonic() + 5)
            self._wake(self._close_channels)
            self._thread.join(timeout=5)
        else:
            self._close_channels()
        self._server.task_dispatcher.shutdown()

    def _wait_for_requests(self, deadline: float) -> None:
        dispatcher = self._server.task_dispatcher
        while time.monotonic() < deadline and (dispatcher.active_count or dispatcher.queue):
            time.sleep(0.02)

    def stop_gracefully(self, after_ack: AfterAck | None, grace: float) -> None:
        """Stop taking connections, let the requests in progress get their answers and the
        work they left after their acks finish (within `grace` seconds), then stop. Called
        from another thread than the serving one (a SIGTERM handler starts it)."""
        deadline = time.monotonic() + grace
        self._wake(self._server.close)  # the listening socket only
        self._wait_for_requests(deadline)
        if after_ack is not None and not after_ack.drain(max(0.0, deadline - time.monotonic())):
            logger.warning("stopping with work still queued after %.0f s", grace)
        time.sleep(0.2)  # the last answers leave their buffers
        self.close()

    def _wake(self, then: Any) -> None:
        """Run `then` in the serving thread, waking its loop through waitress's pipe. That pipe
        may already be closed (seen with Socket Mode and in the test suite, 1 stop in 5: an fd
        closed twice elsewhere in the process, then EBADF on write); a fresh one in the same
        map wakes the loop instead."""
        try:
            self._server.trigger.pull_trigger(then)
        except OSError:
            fresh: Any = waitress_trigger.trigger(self._server._map)
            fresh.pull_trigger(then)

    def _close_channels(self) -> None:
        # The listening socket, the wake-up pipe and open connections; the loop ends when the
        # last is gone.
        for channel in list(self._server._map.values()):
            channel.close()
