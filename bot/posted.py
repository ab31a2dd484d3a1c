"""Was this outbox row already posted? Each message CX Coach sends carries its outbox key in
Slack's message metadata; when a send's outcome is unknown (Slack's answer lost, the process
killed mid-send, the database update after the post failed), the sender looks for that key in
the channel's recent history before posting again. Found means sent.

Needs the history scopes for the channels we post in (`im:history`, `channels:history`,
`groups:history`; manifest.yml has them). Slack's limit for conversations.history is Tier 3
(50+ a minute) for apps installed in their own workspace: checks happen only for the handful
of rows whose send was interrupted, never for every send.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)

EVENT_TYPE = "cx_outbox"
PAGES = 5  # of 200 messages each, from the row's due time on: a DM or a team channel's day
SLACK_CLOCK_SKEW = timedelta(minutes=1)
# Errors that mean we may never be able to look: send anyway (at least once, as before).
CANNOT_LOOK = frozenset({"missing_scope", "not_allowed_token_type", "no_permission"})


def metadata(key: str) -> dict[str, Any]:
    """The message metadata that names the outbox row a message was sent for."""
    return {"event_type": EVENT_TYPE, "event_payload": {"outbox": key}}


@dataclass(frozen=True)
class Found:
    """The message already in Slack: where and its ts."""

    channel: str
    ts: str


class CannotTell(Exception):
    """History could not be read just now (try again later, do not post)."""


def find(client: WebClient, *, channel: str, key: str, since: datetime) -> Found | None:
    """The message posted for `key` in `channel` since `since`, or None if there is none.
    Raises CannotTell when Slack could not be asked right now; returns None (and logs) when
    this install cannot read history at all, so the caller sends as before."""
    try:
        where = _conversation(client, channel)
        cursor: str | None = None
        oldest = f"{(since - SLACK_CLOCK_SKEW).timestamp():.6f}"
        for _ in range(PAGES):
            page = client.conversations_history(
                channel=where, oldest=oldest, limit=200, include_all_metadata=True,
                cursor=cursor,
            )  # fmt: skip
            for message in page.get("messages") or []:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == EVENT_TYPE and payload.get("outbox") == key:
                    return Found(channel=where, ts=str(message.get("ts")))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
    except SlackApiError as error:
        code = str(error.response.get("error", ""))
        if code in CANNOT_LOOK:
            logger.warning("cannot read channel history (%s): sending without the check", code)
            return None
        raise CannotTell(code or str(error.response.status_code)) from error
    except (OSError, ValueError) as error:  # connection errors, a garbled answer
        raise CannotTell(type(error).__name__) from error
    return None  # more pages than we read: not found in what a day's messages hold


def _conversation(client: WebClient, channel: str) -> str:
    """A user ID means the DM with them: history wants the conversation's own ID."""
    if channel.startswith(("U", "W")):
        opened = client.conversations_open(users=channel)
        return str(opened["channel"]["id"])
    return channel
