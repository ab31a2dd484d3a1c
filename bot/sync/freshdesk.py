"""Freshdesk's API as helpdesk records: tickets with their stats (ordered by update, paged,
resumed from the latest update seen) and satisfaction ratings; agents' emails from its agents
list. Pages come as (records, next cursor)."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from bot.sync.api import HelpdeskApi

Page = tuple[list[dict[str, Any]], str]
PER_PAGE = 100
MAX_PAGE = 300  # Freshdesk serves at most 300 pages of a list; then the next run moves on
SOURCES = {
    1: "email",
    2: "portal",
    3: "phone",
    7: "chat",
    9: "feedback widget",
    10: "outbound email",
}
# Freshdesk's rating values (its 3-, 5- and 7-point scales) on our CSAT 1-5: Happy and above
# count as satisfied, as in imports (bot.services.helpdesk.RATING_LABELS).
RATINGS = {103: 5, 102: 5, 101: 4, 100: 3, -101: 2, -102: 1, -103: 1}


def _pages(api: HelpdeskApi, path: str, params: dict[str, Any]) -> Iterator[list[Any]]:
    """Each page of a Freshdesk list, until one comes back short (or MAX_PAGE)."""
    for number in range(1, MAX_PAGE + 1):
        page: list[Any] = api.get(path, {**params, "per_page": PER_PAGE, "page": number})
        yield page
        if len(page) < PER_PAGE:
            return


def agents(api: HelpdeskApi) -> dict[int, str]:
    """Agent id → email."""
    return {
        int(agent["id"]): str(email)
        for page in _pages(api, "/api/v2/agents", {})
        for agent in page
        if (email := (agent.get("contact") or {}).get("email"))
    }


def _since(cursor: str | None, since: datetime) -> str:
    return cursor or since.strftime("%Y-%m-%dT%H:%M:%SZ")


def _who(agent_id: Any, emails: dict[int, str]) -> str:
    return emails.get(int(agent_id), str(agent_id)) if agent_id else ""


def ticket_pages(
    api: HelpdeskApi, cursor: str | None, since: datetime, emails: dict[int, str]
) -> Iterator[Page]:
    """Tickets updated since the cursor (the latest `updated_at` seen) or `since`."""
    latest = start = _since(cursor, since)
    params = {"updated_since": start, "include": "stats", "order_by": "updated_at",
              "order_type": "asc"}  # fmt: skip
    for page in _pages(api, "/api/v2/tickets", params):
        records = []
        for ticket in page:
            stats = ticket.get("stats") or {}
            records.append({
                "ticket_id": str(ticket["id"]), "agent": _who(ticket.get("responder_id"), emails),
                "created_at": str(ticket["created_at"]),
                "first_response_at": str(stats.get("first_responded_at") or ""),
                "solved_at": str(stats.get("resolved_at") or stats.get("closed_at") or ""),
                "reopened": "true" if stats.get("reopened_at") else "false",
                "channel": SOURCES.get(int(ticket.get("source") or 0), ""),
            })  # fmt: skip
            latest = max(latest, str(ticket.get("updated_at") or latest))
        yield records, latest


def rating_pages(
    api: HelpdeskApi, cursor: str | None, since: datetime, emails: dict[int, str]
) -> Iterator[Page]:
    """Satisfaction ratings created since the cursor (the latest seen) or `since`."""
    latest = start = _since(cursor, since)
    for page in _pages(api, "/api/v2/surveys/satisfaction_ratings", {"created_since": start}):
        records = []
        for rating in page:
            value = (rating.get("ratings") or {}).get("default_question")
            records.append({
                "response_id": f"freshdesk-csat-{rating['ticket_id']}",
                "ticket_id": str(rating["ticket_id"]),
                "agent": _who(rating.get("agent_id"), emails), "kind": "csat",
                "score": str(RATINGS.get(int(value), "")) if value is not None else "",
                "comment": rating.get("feedback") or "",
                "submitted_at": str(rating.get("created_at")),
            })  # fmt: skip
            latest = max(latest, str(rating.get("created_at") or latest))
        yield records, latest
