"""Reading one helpdesk record's values (docs/ARCHITECTURE.md §4): times, counts, flags, rating
words and business-hours minutes, each checked, with a RecordError that says which field and
why. Pure; bot.services.helpdesk streams files through it and stores what passes."""

import functools
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

REQUIRED: dict[str, tuple[str, ...]] = {
    "tickets": ("ticket_id", "created_at"),
    "surveys": ("response_id", "kind", "score", "submitted_at"),
}
# Rating words as helpdesks export them, on CX Coach's scales: CSAT 1-5 (4-5 satisfied).
# Zendesk: Good/Bad; Freshdesk: its 3-, 5- and 7-point labels (Happy and above satisfied);
# Intercom: its five emoji words. Words for "asked, not answered" are no rating at all.
RATING_LABELS = {
    "good": 5, "bad": 1,
    "extremely happy": 5, "very happy": 5, "happy": 4, "awesome": 5, "neutral": 3,
    "unhappy": 2, "not good": 1, "very unhappy": 1, "extremely unhappy": 1,
    "amazing": 5, "great": 4, "ok": 3, "okay": 3, "terrible": 1,
}  # fmt: skip
NOT_RATED = {"offered", "unoffered", "not offered", "not rated", "-", ""}
SCORES = {"csat": range(1, 6), "nps": range(0, 11)}
TRUE, FALSE = {"true", "yes", "1", "y", "t"}, {"false", "no", "0", "n", "f", ""}


class RecordError(ValueError):
    """A record that cannot be used; the message says which field and why."""


class NotRated(Exception):
    """A survey row that was offered but not answered: nothing to store, nothing wrong."""


TIME_FIELDS = ("created_at", "first_response_at", "solved_at", "submitted_at")


@functools.lru_cache(maxsize=1 << 16)  # exports repeat times (to the minute): read each once
def local_time(value: str, zone: ZoneInfo, name: str) -> str:
    """A local time in `zone` (an offset written in it wins) as ISO 8601 with its offset."""
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(f"{name} `{value}` is not a date and time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone, fold=0)
    return parsed.astimezone(UTC).isoformat()


@functools.lru_cache(maxsize=1 << 16)
def timestamp(value: str, name: str) -> datetime:
    """ISO 8601 → aware UTC; no offset means UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"{name} `{value}` is not an ISO 8601 time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _optional_time(row: dict[str, Any], name: str) -> datetime | None:
    return timestamp(str(row[name]), name) if row.get(name) else None


def ticket_values(row: dict[str, Any]) -> dict[str, Any]:
    """A ticket's column values, or RecordError."""
    if row.get("_error"):
        raise RecordError(str(row["_error"]))
    for name in REQUIRED["tickets"]:
        if not str(row.get(name) or "").strip():
            raise RecordError(f"{name} is empty")
    created = timestamp(str(row["created_at"]), "created_at")
    first = _optional_time(row, "first_response_at")
    solved = _optional_time(row, "solved_at")
    if first is not None and first < created:
        raise RecordError("first_response_at is before created_at")
    if solved is not None and solved < created:
        raise RecordError("solved_at is before created_at")
    try:
        replies = int(str(row.get("agent_replies") or 0))
    except ValueError:
        raise RecordError(f"agent_replies `{row.get('agent_replies')}` is not a number") from None
    if replies < 0:
        raise RecordError("agent_replies is negative")
    reopened = str(row.get("reopened") or "").strip().lower()
    if not (reopened in TRUE | FALSE or reopened.isdigit()):  # a flag, or Zendesk's count
        raise RecordError(f"reopened `{row.get('reopened')}` is not true, false or a count")
    business = {
        stored: _minutes(row.get(given), given)
        for given, stored in BUSINESS_COLUMNS.items()
        if str(row.get(given) or "").strip()
    }
    return business | {
        "ticket_id": str(row["ticket_id"]).strip(), "agent": str(row.get("agent") or "").strip(),
        "created_at": created, "first_response_at": first, "solved_at": solved,
        "agent_replies": replies,
        "reopened": reopened in TRUE or (reopened.isdigit() and int(reopened) > 0),
        "channel": str(row.get("channel") or "").strip()[:32] or None,
    }  # fmt: skip


# The helpdesk's business-hours figures (minutes in files) → stored seconds.
BUSINESS_COLUMNS = {
    "first_response_business_minutes": "frt_business_s",
    "resolution_business_minutes": "resolution_business_s",
}


def _minutes(value: Any, name: str) -> int:
    try:
        minutes = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise RecordError(f"{name} `{value}` is not a number of minutes") from None
    if minutes < 0:
        raise RecordError(f"{name} is negative")
    return round(minutes * 60)


def survey_values(row: dict[str, Any]) -> dict[str, Any]:
    """A survey response's column values, or RecordError."""
    if row.get("_error"):
        raise RecordError(str(row["_error"]))
    for name in REQUIRED["surveys"]:
        if name != "score" and not str(row.get(name) or "").strip():
            raise RecordError(f"{name} is empty")
    kind = str(row["kind"]).strip().lower()
    if kind not in SCORES:
        raise RecordError(f"kind `{row['kind']}` must be csat or nps")
    word = " ".join(str(row["score"]).strip().lower().split())
    if word in NOT_RATED:
        raise NotRated
    try:
        score = RATING_LABELS[word] if kind == "csat" and word in RATING_LABELS else int(word)
    except ValueError:
        raise RecordError(f"score `{row['score']}` is not a whole number or a rating word "
                          f"({', '.join(sorted(RATING_LABELS))})") from None  # fmt: skip
    allowed = SCORES[kind]
    if score not in allowed:
        raise RecordError(f"a {kind} score is {allowed.start} to {allowed.stop - 1}, not {score}")
    return {
        "response_id": str(row["response_id"]).strip(),
        "ticket_id": str(row.get("ticket_id") or "").strip() or None,
        "agent": str(row.get("agent") or "").strip(), "kind": kind, "score": score,
        "comment": str(row.get("comment") or "") or None,
        "submitted_at": timestamp(str(row["submitted_at"]), "submitted_at"),
    }  # fmt: skip
