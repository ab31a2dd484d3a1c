"""Slack's side of the conversation: signed slash commands, block actions, view submissions
and events, POSTed to the app's real HTTP endpoint (or handed to `app.dispatch` for speed)."""

import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from tests.fakeslack.server import FakeSlack
from tests.fakeslack.socket_mode import socket_mode_envelope


@dataclass(frozen=True)
class Reply:
    """The app's HTTP answer to one request."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


Sender = Callable[[str, dict[str, str]], Reply]


def http_sender(base_url: str) -> Sender:
    """Send requests to a running server's /slack/events over real HTTP."""

    def send(body: str, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(
            f"{base_url}/slack/events", data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), dict(error.headers))

    return send


def dispatch_sender(app: App) -> Sender:
    """Hand requests straight to `app.dispatch` (no HTTP server; unit-test speed)."""

    def send(body: str, headers: dict[str, str]) -> Reply:
        response = app.dispatch(
            BoltRequest(body=body, headers={key.lower(): [value] for key, value in headers.items()})
        )
        return Reply(response.status, response.body, {k: v[0] for k, v in response.headers.items()})

    return send


def socket_mode_sender(fake: FakeSlack) -> Sender:
    """Send requests as Socket Mode envelopes over the fake's WebSocket; the reply carries the
    app's ack payload as its body (signatures play no part in Socket Mode)."""

    def send(body: str, headers: dict[str, str]) -> Reply:
        kind, payload = socket_mode_envelope(body, headers["Content-Type"])
        acked = fake.socket_mode.send(kind, payload)
        return Reply(200, json.dumps(acked) if acked else "")

    return send


@dataclass
class SlackDriver:
    """Build and sign the requests Slack would send, and send them."""

    fake: FakeSlack
    signing_secret: str
    send: Sender
    team_id: str = "T0001"
    # An Enterprise Grid org: requests name it beside the workspace (`org_wide`: installed for
    # the whole org, as an org-wide install's requests say).
    enterprise_id: str | None = None
    org_wide: bool = False
    last_command_ids: tuple[str, str] = ("", "")  # the last command's response_url, trigger_id
    last_request: tuple[str, dict[str, str]] = ("", {})  # the last body and headers sent
    _ids: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))

    def signed_headers(
        self, body: str, content_type: str, timestamp: int | None = None
    ) -> dict[str, str]:
        """Headers Slack sends, signed with the app's signing secret."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(self.signing_secret).generate_signature(
            timestamp=ts, body=body
        )
        assert signature is not None  # only None when the timestamp is missing
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        }

    def post(
        self, body: str, content_type: str, extra_headers: dict[str, str] | None = None
    ) -> Reply:
        """Sign and send a raw body (kept as `last_request`, to replay it)."""
        headers = self.signed_headers(body, content_type) | (extra_headers or {})
        self.last_request = (body, headers)
        return self.send(body, headers)

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str = "U0AGENT",
        channel_id: str = "C0GENERAL",
    ) -> Reply:
        """A slash command, with a response_url and trigger_id served by the fake."""
        self.last_command_ids = (self.fake.new_response_url(), self.fake.new_trigger_id())
        body = urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": self.team_id,
                "team_domain": "fake",
                "channel_id": channel_id,
                "channel_name": "general",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A0CXCOACH",
                "is_enterprise_install": "true" if self.org_wide else "false",
                **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
                "response_url": self.last_command_ids[0],
                "trigger_id": self.last_command_ids[1],
            }
        )
        return self.post(body, "application/x-www-form-urlencoded")

    def _interactive(self, payload: dict[str, Any]) -> Reply:
        if self.enterprise_id:
            payload = {**payload, "enterprise": {"id": self.enterprise_id, "name": "Acme Org"},
                       "is_enterprise_install": self.org_wide}  # fmt: skip
        return self.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    def block_action(
        self,
        action_id: str,
        value: str = "",
        *,
        user_id: str = "U0AGENT",
        block_id: str = "block",
        view: dict[str, Any] | None = None,
        message: tuple[str, str] = ("D0AGENT", "1.000001"),
        selected_user: str | None = None,
        selected_option: str | None = None,
    ) -> Reply:
        """A button click, in a message (`message`: its channel and ts) or (with `view`) in a
        modal or the home tab; with `selected_user`, a pick in a users select instead, with
        `selected_option` (its value) a pick in a static select."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user_id, "username": user_id.lower(), "team_id": self.team_id},
            "api_app_id": "A0CXCOACH",
            "token": "legacy-verification-token",
            "team": {"id": self.team_id, "domain": "fake"},
            "trigger_id": self.fake.new_trigger_id(),
            "response_url": self.fake.new_response_url(),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": block_id,
                    "type": "button",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if selected_user is not None:
            payload["actions"][0] = {
                **payload["actions"][0], "type": "users_select", "selected_user": selected_user,
            }  # fmt: skip
        if selected_option is not None:
            payload["actions"][0] = {
                **payload["actions"][0], "type": "static_select",
                "selected_option": {"value": selected_option,
                                    "text": {"type": "plain_text", "text": selected_option}},
            }  # fmt: skip
            del payload["actions"][0]["value"]
        if view is not None:
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": message[1],
                "channel_id": message[0],
            }
            payload["channel"] = {"id": message[0], "name": "directmessage"}
        return self._interactive(payload)

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        user_id: str = "U0AGENT",
        private_metadata: str = "",
        view_id: str | None = None,
    ) -> Reply:
        """A modal submitted with `values` shaped like Slack's state.values (`view_id`: the
        same modal again, as when Send is pressed twice)."""
        payload = {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": "fake"},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": self.team_id},
            "api_app_id": "A0CXCOACH",
            "token": "legacy-verification-token",
            "trigger_id": self.fake.new_trigger_id(),
            "view": {
                "id": view_id or f"V{next(self._ids):08d}",
                "team_id": self.team_id,
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
                "hash": "fakehash",
                "blocks": [],
            },
            "response_urls": [],
        }
        return self._interactive(payload)

    def event(
        self, event: dict[str, Any], *, retry_num: int | None = None, event_id: str | None = None
    ) -> Reply:
        """An Events API callback, optionally marked as Slack's retry number `retry_num`."""
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": self.team_id,
                "api_app_id": "A0CXCOACH",
                "event": {"event_ts": f"{time.time():.6f}", **event},
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._ids):08d}",
                "event_time": int(time.time()),
                "authorizations": [
                    {
                        "team_id": None if self.org_wide else self.team_id,
                        "enterprise_id": self.enterprise_id,
                        "is_enterprise_install": self.org_wide,
                        "user_id": self.fake.bot_user_id,
                        "is_bot": True,
                    }
                ],
                **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
            }
        )
        extra = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num
            else None
        )
        return self.post(body, "application/json", extra)
