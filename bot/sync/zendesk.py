"""Zendesk's API as helpdesk records: the incremental ticket export (cursor-based, with metric
sets and users side-loaded) and satisfaction ratings. Pages come as (records, next cursor);
the runner (bot.sync.runner) stores each page with its cursor."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.sync.api import HelpdeskApi

Page = tuple[list[dict[str, Any]], str]
TICKETS = "/api/v2/incremental/tickets/cursor.json"
RATINGS = "/api/v2/satisfaction_ratings.json"


def ticket_pages(api: HelpdeskApi, cursor: str | None, since: datetime) -> Iterator[Page]:
    """Tickets changed since the cursor (or `since`), a page at a time, until the stream ends."""
    params: dict[str, Any] = {"include": "metric_sets,users"}
    params |= {"cursor": cursor} if cursor else {"start_time": int(since.timestamp())}
    while True:
        page = api.get(TICKETS, params)
        users = {user["id"]: user for user in page.get("users") or []}
        metrics = {m["ticket_id"]: m for m in page.get("metric_sets") or []}
        records = [
            _ticket(ticket, metrics.get(ticket["id"]) or {}, users)
            for ticket in page.get("tickets") or []
            if ticket.get("status") != "deleted"
        ]
        after = str(page.get("after_cursor") or cursor or "")
        yield records, after
        if page.get("end_of_stream") or not page.get("after_cursor"):
            return
        params = {"include": "metric_sets,users", "cursor": page["after_cursor"]}
        cursor = after


def _agent(assignee_id: Any, users: dict[Any, dict[str, Any]]) -> str:
    """The assignee's email (what Slack knows), else their name, else their Zendesk id (for
    the agents map)."""
    if assignee_id is None:
        return ""
    user = users.get(assignee_id) or {}
    return str(user.get("email") or user.get("name") or assignee_id)


def _ticket(
    ticket: dict[str, Any], metric: dict[str, Any], users: dict[Any, dict[str, Any]]
) -> dict[str, Any]:
    created = str(ticket["created_at"])
    reply = (metric.get("reply_time_in_minutes") or {}).get("calendar")
    first = (
        (_time(created) + timedelta(minutes=float(reply))).isoformat() if reply is not None else ""
    )
    business = {
        ours: str(value)
        for ours, theirs in (("first_response_business_minutes", "reply_time_in_minutes"),
                             ("resolution_business_minutes", "full_resolution_time_in_minutes"))
        if (value := (metric.get(theirs) or {}).get("business")) is not None
    }  # fmt: skip
    return business | {
        "ticket_id": str(ticket["id"]), "agent": _agent(ticket.get("assignee_id"), users),
        "created_at": created, "first_response_at": first,
        "solved_at": str(metric.get("solved_at") or ""),
        "agent_replies": str(metric.get("replies") or 0),
        "reopened": str(metric.get("reopens") or 0),
        "channel": str((ticket.get("via") or {}).get("channel") or ""),
    }  # fmt: skip


def rating_pages(api: HelpdeskApi, cursor: str | None, since: datetime) -> Iterator[Page]:
    """Ratings updated since the cursor (a time, as epoch seconds) or `since`; the next cursor
    is the latest update seen (the boundary rating comes again: storing it is idempotent)."""
    start = int(cursor) if cursor else int(since.timestamp())
    params: dict[str, Any] = {"start_time": start, "page[size]": 100}
    url = RATINGS
    latest = start
    while True:
        page = api.get(url, params)
        ratings = page.get("satisfaction_ratings") or []
        missing = {r.get("assignee_id") for r in ratings} - {None}
        users = _users(api, missing)
        records = []
        for rating in ratings:
            records.append({
                "response_id": f"zendesk-csat-{rating['ticket_id']}",
                "ticket_id": str(rating["ticket_id"]),
                "agent": _agent(rating.get("assignee_id"), users), "kind": "csat",
                "score": str(rating.get("score") or ""), "comment": rating.get("comment") or "",
                "submitted_at": str(rating.get("updated_at") or rating.get("created_at")),
            })  # fmt: skip
            latest = max(latest, int(_time(str(rating.get("updated_at"))).timestamp()))
        yield records, str(latest)
        following = (page.get("links") or {}).get("next")
        if not (page.get("meta") or {}).get("has_more") or not following:
            return
        url, params = following, {}


def _users(api: HelpdeskApi, ids: set[Any]) -> dict[Any, dict[str, Any]]:
    if not ids:
        return {}
    found = api.get("/api/v2/users/show_many.json", {"ids": ",".join(map(str, sorted(ids)))})
    return {user["id"]: user for user in found.get("users") or []}


def _time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
