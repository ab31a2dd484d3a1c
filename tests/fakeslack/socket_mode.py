"""Slack's Socket Mode side: a WebSocket server on loopback that the app connects to (the URL
comes from the fake's apps.connections.open), sends envelopes and collects the app's acks."""

import itertools
import json
import threading
from typing import Any
from urllib.parse import parse_qsl

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

Params = dict[str, Any]


class FakeSocketMode:
    """One WebSocket endpoint; envelopes go to the most recent connection."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._connections: list[ServerConnection] = []
        self._acks: dict[str, Params] = {}
        self._ids = itertools.count(1)
        self._server: Server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """What apps.connections.open hands out."""
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/"

    def stop(self) -> None:
        """Close every connection and stop listening."""
        self._server.shutdown()
        self._thread.join(timeout=5)

    def wait_connected(self, timeout: float = 10.0) -> None:
        """Wait until the app has connected."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._connections, timeout=timeout):
                raise AssertionError("the app never opened a Socket Mode connection")

    def send(self, envelope_type: str, payload: Params, timeout: float = 10.0) -> Params:
        """Send one envelope and return the payload the app acked it with ({} when empty)."""
        envelope_id = f"env-{next(self._ids)}"
        self.wait_connected(timeout)
        with self._changed:
            connection = self._connections[-1]
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        connection.send(json.dumps(envelope))
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self._acks, timeout=timeout):
                raise AssertionError(f"the app never acked {envelope_type} envelope {envelope_id}")
            return self._acks.pop(envelope_id)

    def _handle(self, connection: ServerConnection) -> None:
        hello = {
            "type": "hello",
            "num_connections": 1,
            "connection_info": {"app_id": "A0CXCOACH"},
            "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 3600},
        }
        connection.send(json.dumps(hello))
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        try:
            for message in connection:
                ack = json.loads(message)
                if "envelope_id" in ack:
                    with self._changed:
                        self._acks[ack["envelope_id"]] = ack.get("payload") or {}
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._connections.remove(connection)


def socket_mode_envelope(body: str, content_type: str) -> tuple[str, Params]:
    """The Socket Mode envelope type and payload for a body the HTTP driver would POST."""
    if content_type == "application/json":
        return "events_api", json.loads(body)
    form = dict(parse_qsl(body))
    if "payload" in form:
        return "interactive", json.loads(form["payload"])
    return "slash_commands", form
