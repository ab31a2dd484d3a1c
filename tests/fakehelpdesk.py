"""Fake Zendesk and Freshdesk APIs on loopback (real HTTP, a thread each), shaped after their
documented JSON: Zendesk's cursor-based incremental ticket export with side-loaded metric sets
and users, its satisfaction ratings and users/show_many; Freshdesk's agents, tickets with stats
(updated_since, ordered, paged) and satisfaction ratings. Basic auth is checked; `throttle`
answers the next request 429 with Retry-After."""

import base64
import bisect
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlparse

Json = dict[str, Any]


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@dataclass
class FakeHelpdesk:
    """What both fakes share: the server, the credentials, the request log, the throttle."""

    user: str = "ops@acme.test/token"
    password: str = "t0ken"
    page_size: int = 100
    requests: list[str] = field(default_factory=list)
    throttles: int = 0
    retry_after: int = 1

    def __post_init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    def start(self) -> Self:
        """Serve on 127.0.0.1 at a random port."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002
                return

            def do_GET(self) -> None:
                status, headers, body = fake.answer(self.path, self.headers.get("Authorization"))
                payload = json.dumps(body).encode()
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        """The helpdesk's base URL (what ZENDESK_URL / FRESHDESK_URL would be)."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer(self, path: str, auth: str | None) -> tuple[int, dict[str, str], Any]:
        """Status, headers and JSON for one GET."""
        with self._lock:
            self.requests.append(path)
            if self.throttles:
                self.throttles -= 1
                return 429, {"Retry-After": str(self.retry_after)}, {"error": "TooManyRequests"}
        expected = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        if auth != f"Basic {expected}":
            return 401, {}, {"error": "Couldn't authenticate you"}
        parsed = urlparse(path)
        query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return self.route(parsed.path, query)

    def route(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        """Answer a path (subclasses)."""
        raise NotImplementedError


@dataclass
class FakeZendesk(FakeHelpdesk):
    """Zendesk: tickets (with `updated_at`), their metric sets, users and ratings."""

    tickets: list[Json] = field(default_factory=list)
    metric_sets: list[Json] = field(default_factory=list)
    users: list[Json] = field(default_factory=list)
    ratings: list[Json] = field(default_factory=list)

    def route(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if path == "/api/v2/incremental/tickets/cursor.json":
            return 200, {}, self._tickets(query)
        if path == "/api/v2/satisfaction_ratings.json":
            return 200, {}, self._ratings(query)
        if path == "/api/v2/users/show_many.json":
            ids = {int(i) for i in query.get("ids", "").split(",") if i}
            return 200, {}, {"users": [u for u in self.users if u["id"] in ids]}
        return 404, {}, {"error": "InvalidEndpoint"}

    def _tickets(self, query: dict[str, str]) -> Json:
        # A cursor stands for the last change returned (its time and id), as Zendesk's does:
        # a ticket changed later comes again.
        ordered, keys = self._ordered()
        if "cursor" in query:
            at, last = base64.b64decode(query["cursor"]).decode().split(":")
            after = (float(at), int(last))
        else:
            after = (float(query.get("start_time", 0)) - 0.5, -1)
        first = bisect.bisect_right(keys, after)
        rest = ordered[first:]
        page = rest[: self.page_size]
        ids = {t["id"] for t in page}
        wanted = {t.get("assignee_id") for t in page}
        by_ticket = self._metrics_by_ticket()
        users = self._users_by_id()
        last_seen = (_epoch(page[-1]["updated_at"]), page[-1]["id"]) if page else after
        cursor = base64.b64encode(f"{last_seen[0]}:{last_seen[1]}".encode()).decode()
        include = query.get("include", "")
        return {
            "tickets": page,
            "metric_sets": [by_ticket[i] for i in ids if i in by_ticket]
            if "metric_sets" in include else [],
            "users": [users[i] for i in wanted if i in users] if "users" in include else [],
            "after_cursor": cursor, "after_url": None,
            "end_of_stream": len(rest) <= self.page_size,
        }  # fmt: skip

    def _metrics_by_ticket(self) -> dict[Any, Json]:
        return self._index("metric_sets", "ticket_id")

    def _users_by_id(self) -> dict[Any, Json]:
        return self._index("users", "id")

    def _index(self, name: str, key: str) -> dict[Any, Json]:
        """A list by key, built again when it changed (always for small test lists; the
        benchmark's year of tickets is indexed once)."""
        items: list[Json] = getattr(self, name)
        cached = self.__dict__.get(f"_by_{name}")
        if cached is None or cached[0] != len(items) or len(items) < 1000:
            cached = (len(items), {item[key]: item for item in items})
            self.__dict__[f"_by_{name}"] = cached
        found: dict[Any, Json] = cached[1]
        return found

    def _ordered(self) -> tuple[list[Json], list[tuple[float, int]]]:
        """The tickets by (update time, id), sorted again only when the list changed."""
        stamp = (id(self.tickets), len(self.tickets))
        cached = getattr(self, "_sorted", None)
        if cached is None or cached[0] != stamp or len(self.tickets) < 1000:
            ordered = sorted(self.tickets, key=lambda t: (_epoch(t["updated_at"]), t["id"]))
            keys = [(_epoch(t["updated_at"]), t["id"]) for t in ordered]
            self._sorted = (stamp, ordered, keys)
        return self._sorted[1], self._sorted[2]

    def _ratings(self, query: dict[str, str]) -> Json:
        since = int(query.get("start_time", 0))
        ordered = sorted((r for r in self.ratings if _epoch(r["updated_at"]) >= since),
                         key=lambda r: (_epoch(r["updated_at"]), r["id"]))  # fmt: skip
        start = int(query.get("page[after]", 0))
        size = int(query.get("page[size]", 100))
        page = ordered[start : start + size]
        more = start + size < len(ordered)
        following = (f"{self.url}/api/v2/satisfaction_ratings.json?start_time={since}"
                     f"&page[size]={size}&page[after]={start + size}")  # fmt: skip
        return {
            "satisfaction_ratings": page, "meta": {"has_more": more},
            "links": {"next": following if more else None},
        }  # fmt: skip


@dataclass
class FakeFreshdesk(FakeHelpdesk):
    """Freshdesk: agents, tickets (with `stats`) and satisfaction ratings."""

    user: str = "fd-api-key"
    password: str = "X"
    agents: list[Json] = field(default_factory=list)
    tickets: list[Json] = field(default_factory=list)
    ratings: list[Json] = field(default_factory=list)

    def route(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        if path == "/api/v2/agents":
            return 200, {}, self._page(self.agents, query)
        if path == "/api/v2/tickets":
            since = _epoch(query.get("updated_since", "1970-01-01T00:00:00Z"))
            found = sorted((t for t in self.tickets if _epoch(t["updated_at"]) >= since),
                           key=lambda t: _epoch(t["updated_at"]))  # fmt: skip
            if query.get("include") != "stats":
                found = [{k: v for k, v in t.items() if k != "stats"} for t in found]
            return 200, {}, self._page(found, query)
        if path == "/api/v2/surveys/satisfaction_ratings":
            since = _epoch(query.get("created_since", "1970-01-01T00:00:00Z"))
            found = [r for r in self.ratings if _epoch(r["created_at"]) >= since]
            return 200, {}, self._page(found, query)
        return 404, {}, {"code": "invalid_value"}

    def _page(self, items: list[Json], query: dict[str, str]) -> list[Json]:
        size = min(int(query.get("per_page", 30)), self.page_size)
        start = (int(query.get("page", 1)) - 1) * size
        return items[start : start + size]
