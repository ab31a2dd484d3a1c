"""Reading back what we put in a modal: its private_metadata and its input values.

Slack returns a modal's `private_metadata` as we wrote it, but a forged or replayed request
can carry anything (`{`, `{"ask": "x"}`, `2026-02-30`). Every reading here either returns
what we wrote or raises Stale, which a listener answers with OUT_OF_DATE beside the modal's
first field — never a traceback, never an invalid response.
"""

import json
from datetime import date
from typing import Any

LARGEST_ID = 2**31 - 1
OUT_OF_DATE = "This form is out of date. Close it and start again."


class Stale(ValueError):
    """The modal's metadata or values are not what CX Coach wrote."""


def meta_object(view: dict[str, Any]) -> dict[str, Any]:
    """The private_metadata as the JSON object we stored ({} when empty)."""
    raw = view.get("private_metadata") or "{}"
    try:
        found = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise Stale("private_metadata is not JSON") from error
    if not isinstance(found, dict):
        raise Stale("private_metadata is not an object")
    return found


def as_date(value: Any) -> date:
    """An ISO date we stored."""
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise Stale(f"not a date: {value!r}") from error


def as_int(value: Any) -> int:
    """A whole number we stored (an id: 1 to the databases' largest integer)."""
    text = str(value)
    if not text.isdigit() or not 0 < int(text) <= LARGEST_ID:
        raise Stale(f"not an id: {text[:40]!r}")
    return int(text)


def value_of(values: dict[str, Any], block: str, action: str | None = None) -> dict[str, Any]:
    """One input's state ({} when the submission has no such input)."""
    found = (values.get(block) or {}).get(action or block)
    return found if isinstance(found, dict) else {}
