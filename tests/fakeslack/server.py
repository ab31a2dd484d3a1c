"""A fake Slack Web API on loopback: real HTTP, its own thread, a random port.

It answers the methods CX Coach uses, records every call, validates Block Kit with slack_sdk's
models, serves `response_url`s and upload URLs on itself, and injects faults (429 with
Retry-After, 5xx, `ok: false` errors, slow answers) on request.
"""

import base64
import contextlib
import hashlib
import itertools
import json
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.fakeslack.socket_mode import FakeSocketMode

MAX_BLOCKS_PER_MESSAGE = 50
TRIGGER_TTL_SECONDS = 3.0
RESPONSE_URL_MAX_POSTS = 5
JSON_FIELDS = ("blocks", "view", "files", "attachments", "metadata")

BROADCAST = re.compile(r"<!(channel|here|everyone)\b")

Params = dict[str, Any]
Answer = tuple[int, dict[str, str], "Params | bytes"]


class SlackError(Exception):
    """An `ok: false` answer with Slack's error code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str  # a Web API method, or "response_url" / "upload"
    params: Params
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival
    path: str = ""
    team: str = ""  # the workspace whose token made the call (the fake's own: "")


@dataclass
class Fault:
    """What to answer instead of the real thing, `times` times."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    acted: bool = False  # do the real thing first, then answer with the fault (a lost answer)


class _Server(ThreadingHTTPServer):
    """Slack takes as many connections at once as a sender opens: the standard library's
    backlog of 5 made a sender with 32 threads wait a TCP retransmit (1 s), then fail."""

    daemon_threads = True
    request_queue_size = 256


@dataclass
class FakeSlack:
    """The fake Web API server; use `start()` / `stop()` or the pytest fixture."""

    bot_token: str = "xoxb-test-token"
    app_token: str = "xapp-test-token"
    team_id: str = "T0001"
    bot_user_id: str = "UBOT"
    users: dict[str, Params] = field(default_factory=dict)
    channels: set[str] = field(default_factory=set)
    home_views: dict[str, Params] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    shared_files: dict[str, bytes] = field(default_factory=dict)  # add_file: people's files
    # Accept response_urls the fake did not hand out (benchmarks run it in another process).
    lenient_response_urls: bool = False
    # Like Slack's rate limits: chat.postMessage beyond this many per second gets 429.
    post_rate_limit: float | None = None
    # Seconds each response_url post takes to be answered (a slow Slack).
    response_delay: float = 0.0
    # Add to Slack: the app's credentials oauth.v2.access checks.
    client_id: str = "1234.5678"
    client_secret: str = "fake-client-secret"

    def __post_init__(self) -> None:
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._triggers: dict[str, float] = {}
        self._response_urls: dict[str, int] = {}
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[Params], Params]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "conversations.replies": self._conversations_replies,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
            "views.push": self._views_open,  # same rules: a fresh trigger_id, within 3 s
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "apps.connections.open": self._apps_connections_open,
            "oauth.v2.access": self._oauth_v2_access,
        }
        self._socket_mode: FakeSocketMode | None = None
        # Messages whose text or blocks would notify a whole channel (<!channel>, <!here>,
        # <!everyone>): CX Coach never means to, so each is a missed escape (see `pings`).
        self.pings: list[tuple[str, str]] = []
        self._messages: dict[tuple[str, str], Params] = {}
        self._tokens, self._refilled = 0.0, time.monotonic()
        # Other workspaces (installed with oauth.v2.access): token → its team and org; each
        # has its own people, messages and rate limit (the default team keeps the attributes).
        self.installs: dict[str, Params] = {}
        self.team_users: dict[str, dict[str, Params]] = defaultdict(dict)
        self._grants: dict[str, Params] = {}
        self.refresh_tokens: dict[str, str] = {}  # refresh token → the token it refreshes
        self.revoked: set[str] = set()
        # Per workspace, for _stats: when each post was stored, and when each was refused (429).
        self._post_times: dict[str, list[float]] = defaultdict(list)
        self._refusal_times: dict[str, list[float]] = defaultdict(list)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._here = threading.local()

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> "FakeSlack":
        """Listen on 127.0.0.1 at a random port, serving from a background thread."""
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._socket_mode is not None:
            self._socket_mode.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """Base URL of the fake, e.g. http://127.0.0.1:54321."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """What SLACK_API_BASE_URL should be set to."""
        return f"{self.url}/api/"

    # ---- arranging -------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        tz: str | None = "America/New_York",
        email: str | None = None,
        is_admin: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
        team: str | None = None,
    ) -> Params:
        """Make a Slack user known to users.info, users.lookupByEmail and conversations.open
        (of `team`, another workspace; by default the fake's own)."""
        name = name or user_id.lower()
        user = {
            "id": user_id,
            "team_id": team or self.team_id,
            "name": name,
            "real_name": name.title(),
            "deleted": deleted,
            "is_bot": is_bot,
            "is_admin": is_admin,
            "is_owner": False,
            "tz": tz,
            "tz_offset": 0,
            "profile": {"display_name": name, "real_name": name.title(), "email": email},
        }
        (self.team_users[team] if team and team != self.team_id else self.users)[user_id] = user
        return user

    def grant(self, code: str, *, team_id: str | None, team_name: str = "Acme",
              enterprise_id: str | None = None, is_enterprise_install: bool = False,
              user_id: str = "U0INSTALLER", expires_in: int | None = None) -> str:  # fmt: skip
        """Slack's side of Add to Slack: the `code` oauth.v2.access will exchange for a new bot
        token of that workspace (or org); the token. `expires_in`: a rotating token, with a
        refresh token, good for that many seconds."""
        token = f"xoxb-{enterprise_id or team_id}-{next(self._ids)}"
        if expires_in:  # a rotating token is as long as Slack's (about 170 characters)
            token = f"xoxe.xoxb-1-{_body(enterprise_id or team_id)}-{next(self._ids)}"
        self._grants[code] = {
            "token": token,
            "team_id": team_id,
            "team_name": team_name,
            "enterprise_id": enterprise_id,
            "is_enterprise_install": is_enterprise_install,
            "user_id": user_id,
            "expires_in": expires_in,
        }
        return token

    def revoke(self, token: str) -> None:
        """The workspace uninstalled the app: its token stops working (`token_revoked`)."""
        self.installs.pop(token, None)
        self.revoked.add(token)

    def add_channel(self, channel_id: str) -> None:
        """Make a channel exist for chat.postMessage."""
        self.channels.add(channel_id)

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
        acted: bool = False,
    ) -> None:
        """Answer the next `times` calls of `method` with a fault (or just slowly); `acted`:
        after doing what was asked, as when Slack posts and its answer is lost."""
        self._faults[method].append(Fault(status, error, retry_after, delay, times, acted))

    def chat_post(self, channel: str, text: str) -> str:
        """Put a message in a channel (as if the app had posted it); its ts."""
        return str(self._chat_post_message({"channel": channel, "text": text})["ts"])

    def new_trigger_id(self) -> str:
        """A trigger_id that views.open accepts once, within 3 seconds."""
        trigger = f"{next(self._ids)}.{int(time.time())}.fake"
        with self._lock:
            self._triggers[trigger] = time.monotonic()
        return trigger

    def new_response_url(self) -> str:
        """A response_url served by the fake; it accepts 5 posts, like Slack's."""
        key = f"R{next(self._ids):06d}"
        with self._lock:
            self._response_urls[key] = 0
        return f"{self.url}/response/{key}"

    # ---- inspecting ------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every call so far, oldest first."""
        with self._lock:
            return list(self._calls)

    def add_message(self, channel: str, user: str, text: str) -> str:
        """A message a person wrote in a channel (for reactions to it); its ts."""
        ts = f"{int(time.time())}.{next(self._ids):06d}"
        with self._lock:
            self._messages[(channel, ts)] = {"type": "message", "user": user, "text": text,
                                             "ts": ts}  # fmt: skip
        return ts

    def add_file(self, name: str, content: bytes) -> Params:
        """A file someone shared (a file input in a modal, or a DM): its Slack file object, with
        a url_private_download the fake serves to the bot token only."""
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self.shared_files[file_id] = content
        return {"id": file_id, "name": name, "filetype": "csv", "size": len(content),
                "url_private": f"{self.url}/files/{file_id}/{name}",
                "url_private_download": f"{self.url}/files/{file_id}/download/{name}"}  # fmt: skip

    def messages_to(self, channel: str, team: str | None = None) -> list[Params]:
        """Messages posted (and not faulted) in a channel; a user ID means their DM; `team`:
        in another workspace (the same ids there are other channels and people)."""
        wanted = channel if channel.startswith(("C", "D")) else "D" + channel
        if team and team != self.team_id:
            wanted = f"{team}/{wanted}"
        with self._lock:
            return [m for (where, _), m in self._messages.items() if where == wanted]

    def calls_to(self, method: str) -> list[Call]:
        """The calls of one method (or "response_url" / "upload")."""
        return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until `method` was called `count` times; listeners run after the ack."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls_to(method)
            if len(calls) >= count:
                return calls
            time.sleep(0.01)
        seen = sorted({call.method for call in self.calls})
        raise AssertionError(f"expected {count} call(s) to {method} within {timeout}s; saw {seen}")

    # ---- the HTTP side ---------------------------------------------------------------------

    def handle(self, path: str, params: Params, headers: dict[str, str]) -> Answer:
        """Answer one request: (status, extra headers, JSON body)."""
        if path == "/_stats":  # for benchmarks in other processes
            with self._lock:
                counts: dict[str, int] = defaultdict(int)
                for channel, _ in self._messages:
                    counts[channel] += 1
                limited = sum(1 for call in self._calls if call.method == "rate_limited")
                spans = {team: (times[0], times[-1], len(times))
                         for team, times in self._post_times.items()}  # fmt: skip
                timelines = {team: {"posts": times, "refused": self._refusal_times[team]}
                             for team, times in self._post_times.items()}  # fmt: skip
            return 200, {}, {"ok": True, "messages": counts, "rate_limited": limited,
                             "spans": spans, "timelines": timelines}  # fmt: skip
        if path.startswith("/response/"):
            return self._response_url(path, params, headers)
        if path.startswith("/upload/"):
            return self._upload(path, params, headers)
        if path.startswith("/files/"):
            return self._download(path, headers)
        method = path.removeprefix("/api/")
        self._check_pings(method, params)
        fault = self._take_fault(method)
        if fault is None:
            # Recorded once answered: whoever waits for the call sees its effect too (a
            # published home view, a stored message), never the call alone.
            try:
                return self._answer(method, params, headers, path)
            finally:
                self._record(method, params, headers, path)
        self._record(method, params, headers, path)
        if fault is not None and fault.acted and method in self._methods:
            with contextlib.suppress(SlackError):
                self._methods[method](params)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status != 200:
                extra = (
                    {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                )
                code = "ratelimited" if fault.status == 429 else "internal_error"
                return fault.status, extra, {"ok": False, "error": code}
            if fault.error:
                return 200, {}, {"ok": False, "error": fault.error}
        return self._answer(method, params, headers, path)

    def _answer(self, method: str, params: Params, headers: dict[str, str], path: str) -> Answer:
        install = self._install_of(headers, params)
        self._here.team = str(install.get("team_id") or install.get("enterprise_id") or "")
        if method == "chat.postMessage" and self.post_rate_limit and not self._take_token():
            self._record("rate_limited", {}, {}, path)
            return 429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}
        handler = self._methods.get(method)
        if handler is None:
            return 404, {}, {"ok": False, "error": "unknown_method"}
        if not self._authorized(method, params, headers):
            revoked = self._token_of(headers, params) in self.revoked
            return 200, {}, {"ok": False, "error": "token_revoked" if revoked else "invalid_auth"}
        try:
            return 200, {}, {"ok": True, **handler(params)}
        except SlackError as error:
            return 200, {}, {"ok": False, "error": error.code}
        except (SlackObjectFormationError, KeyError, TypeError, ValueError) as error:
            return 200, {}, {"ok": False, "error": "invalid_arguments", "detail": str(error)}

    def _check_pings(self, method: str, params: Params) -> None:
        if method not in ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"):
            return
        # The fallback text and every mrkdwn text in the blocks (plain_text never notifies).
        texts = [params.get("text"), *_mrkdwn_texts(params.get("blocks"))]
        for shown in texts:
            if isinstance(shown, str) and BROADCAST.search(shown):
                with self._lock:
                    self.pings.append((method, shown[:300]))

    def _record(self, method: str, params: Params, headers: dict[str, str], path: str) -> None:
        team = str(self._install_of(headers, params).get("team_id") or "")
        with self._lock:
            self._calls.append(Call(method, params, headers, time.monotonic(), path, team))

    def _install_of(self, headers: dict[str, str], params: Params) -> Params:
        return self.installs.get(self._token_of(headers, params), {})

    @staticmethod
    def _token_of(headers: dict[str, str], params: Params) -> str:
        auth = headers.get("authorization", "")
        return auth.removeprefix("Bearer ") if auth else str(params.get("token", ""))

    def _take_token(self) -> bool:
        """A token bucket per workspace holding one second's worth of posts."""
        assert self.post_rate_limit is not None
        team = self._team()
        with self._lock:
            now = time.monotonic()
            tokens, refilled = self._buckets.get(team, (self._tokens, self._refilled))
            tokens = min(self.post_rate_limit, tokens + (now - refilled) * self.post_rate_limit)
            taken = tokens >= 1
            self._buckets[team] = (tokens - 1 if taken else tokens, now)
            if not taken:
                self._refusal_times[team].append(now)
            return taken

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            queue = self._faults.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.popleft()
            return fault

    def _authorized(self, method: str, params: Params, headers: dict[str, str]) -> bool:
        token = self._token_of(headers, params)
        if method == "oauth.v2.access":
            return self._client_authorized(params, headers)
        if token in self.installs:
            return method != "apps.connections.open"
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        return token == expected

    def _response_url(self, path: str, params: Params, headers: dict[str, str]) -> Answer:
        key = path.removeprefix("/response/")
        if self.response_delay:
            time.sleep(self.response_delay)
        self._record("response_url", params, headers, path)
        self._check_pings("response_url", params)
        with self._lock:
            if self.lenient_response_urls:
                self._response_urls.setdefault(key, 0)
            if key not in self._response_urls:
                return 404, {}, {"ok": False, "error": "invalid_response_url"}
            if self._response_urls[key] >= RESPONSE_URL_MAX_POSTS:
                return 404, {}, {"ok": False, "error": "used_url"}
            self._response_urls[key] += 1
        if "blocks" in params:
            _validate_blocks(params["blocks"])
        return 200, {}, {"ok": True}

    def _download(self, path: str, headers: dict[str, str]) -> Answer:
        """A shared file's bytes, for a request with the bot token (Slack: files:read)."""
        self._record("download", {"path": path}, headers, path)
        if headers.get("authorization") != f"Bearer {self.bot_token}":
            return 403, {}, {"ok": False, "error": "not_authed"}
        file_id = path.removeprefix("/files/").split("/", 1)[0]
        with self._lock:
            content = self.shared_files.get(file_id)
        if content is None:
            return 404, {}, {"ok": False, "error": "file_not_found"}
        return 200, {}, content

    def _upload(self, path: str, params: Params, headers: dict[str, str]) -> Answer:
        file_id = path.removeprefix("/upload/")
        body = params.get("_raw", b"")
        self._record("upload", {"file_id": file_id, "size": len(body)}, headers, path)
        self.uploads[file_id] = body
        return 200, {}, {"ok": True}

    # ---- Web API methods -------------------------------------------------------------------

    @property
    def socket_mode(self) -> FakeSocketMode:
        """The Socket Mode WebSocket endpoint, started on first use."""
        with self._lock:
            if self._socket_mode is None:
                self._socket_mode = FakeSocketMode()
            return self._socket_mode

    def _apps_connections_open(self, _params: Params) -> Params:
        return {"url": self.socket_mode.url}

    def _team(self) -> str:
        """The workspace of the call being answered ("" for the fake's own)."""
        return str(getattr(self._here, "team", "") or "")

    def _where(self, channel: str) -> str:
        """Where a channel's messages are kept: another workspace's apart from ours."""
        team = self._team()
        return f"{team}/{channel}" if team else channel

    def _users(self) -> dict[str, Params]:
        team = self._team()
        return self.team_users[team] if team else self.users

    def _client_authorized(self, params: Params, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        if auth.startswith("Basic "):
            pair = base64.b64decode(auth.removeprefix("Basic ")).decode()
            client_id, _, secret = pair.partition(":")
        else:
            client_id, secret = str(params.get("client_id")), str(params.get("client_secret"))
        return (client_id, secret) == (self.client_id, self.client_secret)

    def _oauth_v2_access(self, params: Params) -> Params:
        if params.get("grant_type") == "refresh_token":
            return self._refresh(str(params.get("refresh_token")))
        grant = self._grants.pop(str(params.get("code")), None)
        if grant is None:
            raise SlackError("invalid_code")
        org = grant["enterprise_id"]
        self.installs[grant["token"]] = {"team_id": grant["team_id"], "enterprise_id": org}
        rotating = {}
        if grant["expires_in"]:
            refresh = f"xoxe-1-{_body(org or grant['team_id'])}-{next(self._ids)}"
            self.refresh_tokens[refresh] = grant["token"]
            rotating = {"refresh_token": refresh, "expires_in": grant["expires_in"]}
        return {
            **rotating,
            "access_token": grant["token"], "token_type": "bot", "scope": "commands,chat:write",
            "bot_user_id": self.bot_user_id, "app_id": "A0CXCOACH",
            "team": {"id": grant["team_id"], "name": grant["team_name"]}
            if grant["team_id"] else None,
            "enterprise": {"id": org, "name": "Acme Org"} if org else None,
            "is_enterprise_install": grant["is_enterprise_install"],
            "authed_user": {"id": grant["user_id"]},
        }  # fmt: skip

    def _refresh(self, refresh: str) -> Params:
        """A rotating token refreshed: a new token for the same workspace; the old one stops."""
        old = self.refresh_tokens.pop(refresh, None)
        if old is None or old not in self.installs:
            raise SlackError("invalid_refresh_token")
        token = f"{old.rsplit('-', 1)[0]}-{next(self._ids)}"
        self.installs[token] = self.installs.pop(old)
        again = f"xoxe-1-{_body(old)}-{next(self._ids)}"
        self.refresh_tokens[again] = token
        return {"access_token": token, "token_type": "bot", "refresh_token": again,
                "expires_in": 43200}  # fmt: skip

    def _auth_test(self, params: Params) -> Params:
        install = self.installs.get(str(params.get("token") or ""), {})
        team = self._team()
        if team:
            install = next(
                (
                    i
                    for i in self.installs.values()
                    if team in (i.get("team_id"), i.get("enterprise_id"))
                ),
                install,
            )
        return {
            "url": "https://fake.slack.test/",
            "team": "Fake Team",
            "user": "cx-coach",
            "team_id": install.get("team_id", self.team_id) if install else self.team_id,
            "enterprise_id": install.get("enterprise_id") if install else None,
            "is_enterprise_install": bool(install) and not install.get("team_id"),
            "user_id": self.bot_user_id,
            "bot_id": "B0001",
        }

    def _channel(self, channel: str) -> str:
        if channel in self.channels or channel.startswith("D"):
            return channel
        if channel in self._users():
            return "D" + channel  # posting to a user ID lands in the DM with them
        raise SlackError("channel_not_found")

    def _chat_post_message(self, params: Params) -> Params:
        channel = self._channel(params["channel"])
        if not params.get("text") and not params.get("blocks"):
            raise SlackError("no_text")
        if params.get("blocks"):
            _validate_blocks(params["blocks"])
        ts = f"{int(time.time())}.{next(self._ids):06d}"
        message = {"text": params.get("text"), "blocks": params.get("blocks"), "ts": ts}
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]  # a reply in that message's thread
        if params.get("metadata"):
            message["metadata"] = params["metadata"]
        with self._lock:
            self._messages[(self._where(channel), ts)] = message
            self._post_times[self._team()].append(time.monotonic())
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, params: Params) -> Params:
        self._channel(params["channel"])
        if params["user"] not in self._users():
            raise SlackError("user_not_found")
        if params.get("blocks"):
            _validate_blocks(params["blocks"])
        return {"message_ts": f"{int(time.time())}.{next(self._ids):06d}"}

    def _chat_update(self, params: Params) -> Params:
        key = (self._where(params["channel"]), params["ts"])
        if key not in self._messages:
            raise SlackError("message_not_found")
        if params.get("blocks"):
            _validate_blocks(params["blocks"])
        self._messages[key].update(text=params.get("text"), blocks=params.get("blocks"))
        return {"channel": params["channel"], "ts": key[1]}

    def _chat_delete(self, params: Params) -> Params:
        key = (self._where(params["channel"]), params["ts"])
        with self._lock:
            if key not in self._messages:
                raise SlackError("message_not_found")
            del self._messages[key]
        return {"channel": params["channel"], "ts": key[1]}

    def _conversations_replies(self, params: Params) -> Params:
        """The thread of `ts` (or, with `latest` = `oldest` = `ts` and inclusive, just that
        message): messages people wrote (add_message) and the app posted."""
        channel = params["channel"]
        if channel not in self.channels and not channel.startswith("D"):
            raise SlackError("channel_not_found")
        ts = str(params["ts"])
        with self._lock:
            found = [
                m for (where, at), m in self._messages.items()
                if where == self._where(channel) and (at == ts or m.get("thread_ts") == ts)
            ]  # fmt: skip
        if not found:
            raise SlackError("thread_not_found")
        if params.get("latest") and params.get("oldest"):
            low, high = float(params["oldest"]), float(params["latest"])
            found = [m for m in found if low <= float(m["ts"]) <= high]
        return {"messages": sorted(found, key=lambda m: float(m["ts"])), "has_more": False}

    def _validated_view(self, view: Params) -> Params:
        View(**view).validate_json()
        return {**view, "id": f"V{next(self._ids):08d}"}

    def _views_open(self, params: Params) -> Params:
        trigger = params.get("trigger_id", "")
        with self._lock:
            issued = self._triggers.pop(trigger, None)
        if issued is None:
            raise SlackError("invalid_trigger_id")
        if time.monotonic() - issued > TRIGGER_TTL_SECONDS:
            raise SlackError("expired_trigger_id")
        return {"view": self._validated_view(params["view"])}

    def _views_publish(self, params: Params) -> Params:
        if params["user_id"] not in self._users():
            raise SlackError("user_not_found")
        view = self._validated_view(params["view"])
        self.home_views[params["user_id"]] = view
        return {"view": view}

    def _views_update(self, params: Params) -> Params:
        if not params.get("view_id") and not params.get("external_id"):
            raise SlackError("invalid_arguments")
        return {"view": self._validated_view(params["view"])}

    def _users_info(self, params: Params) -> Params:
        user = self._users().get(params["user"])
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    def _users_lookup_by_email(self, params: Params) -> Params:
        for user in self._users().values():
            if user["profile"].get("email") == params["email"]:
                return {"user": user}
        raise SlackError("users_not_found")

    def _conversations_open(self, params: Params) -> Params:
        user_id = str(params["users"]).split(",")[0]
        user = self._users().get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        if user["deleted"]:
            raise SlackError("user_disabled")
        if user["is_bot"]:
            raise SlackError("cannot_dm_bot")
        return {"channel": {"id": "D" + user_id}}

    def _conversations_history(self, params: Params) -> Params:
        channel = params["channel"]
        if channel not in self.channels and not channel.startswith("D"):
            raise SlackError("channel_not_found")
        oldest = float(params.get("oldest") or 0)
        with self._lock:
            found = sorted(
                (m for (where, ts), m in self._messages.items()
                 if where == self._where(channel) and float(ts) >= oldest),
                key=lambda m: float(m["ts"]), reverse=True,
            )  # fmt: skip
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = [
            {k: v for k, v in m.items() if k != "metadata" or with_metadata}
            for m in found[start : start + limit]
        ]
        more = start + limit < len(found)
        return {
            "messages": page, "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }  # fmt: skip

    def _files_get_upload_url(self, params: Params) -> Params:
        if int(params["length"]) <= 0:
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: Params) -> Params:
        files = params["files"]
        missing = [item["id"] for item in files if item["id"] not in self.uploads]
        if missing:
            raise SlackError("file_not_found")
        if params.get("channel_id"):
            self._channel(params["channel_id"])
        return {"files": [{"id": item["id"], "title": item.get("title", "")} for item in files]}


def _mrkdwn_texts(node: Any) -> list[str]:
    if isinstance(node, list):
        return [text for item in node for text in _mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    found = [str(node.get("text"))] if node.get("type") == "mrkdwn" else []
    return found + [text for value in node.values() for text in _mrkdwn_texts(value)]


def _validate_blocks(blocks: list[Params]) -> None:
    if len(blocks) > MAX_BLOCKS_PER_MESSAGE:
        raise SlackError("invalid_blocks")
    for raw in blocks:
        block = Block.parse(raw)
        if block is None:
            raise SlackError("invalid_blocks")
        block.validate_json()


class _Handler(BaseHTTPRequestHandler):
    owner: FakeSlack
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 (stdlib signature)
        return  # keep test output clean

    def do_GET(self) -> None:
        self._answer({})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        self._answer(_parse_body(raw, self.headers.get("Content-Type", ""), self.path))

    def _answer(self, body_params: Params) -> None:
        headers = {key.lower(): value for key, value in self.headers.items()}
        path, _, query = self.path.partition("?")
        # slack_sdk sends some methods (users.info) as GET with a query string.
        params: Params = {key: values[0] for key, values in parse_qs(query).items()}
        params.update(body_params)
        try:
            status, extra, body = self.owner.handle(path, params, headers)
        except SlackError as error:
            status, extra, body = 200, {}, {"ok": False, "error": error.code}
        raw = isinstance(body, bytes)  # a file's bytes (add_file)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/csv" if raw else "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)


def _parse_body(raw: bytes, content_type: str, path: str) -> Params:
    if path.startswith("/upload/"):
        return {"_raw": raw}
    if "json" in content_type:
        params: Params = json.loads(raw or b"{}")
    else:
        params = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            params[key] = json.loads(value)
    return params


def _body(seed: object) -> str:
    """The opaque middle of a rotating or refresh token, about as long as Slack's."""
    digest = base64.urlsafe_b64encode(hashlib.sha512(str(seed).encode()).digest()).decode()
    return (digest.rstrip("=") * 2)[:150]
