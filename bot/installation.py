"""Which Slack workspace this install belongs to (single-workspace mode, SLACK_BOT_TOKEN).

auth.test names the team the bot token was issued for; requests signed by Slack but carrying
another team (a Slack Connect channel, another workspace of an Enterprise Grid org, an org-wide
payload without a team) are refused politely and create nothing — before, each created a
second `workspace` row, after which every /ingest/* answered 409 for good. Asked once (at
start-up by `serve` and `web`, else on the first request) and remembered.
"""

import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

logger = logging.getLogger(__name__)

ELSEWHERE = (
    "CX Coach is set up for another Slack workspace, so it can't help here. "
    "Ask your Slack admin to install CX Coach in yours."
)


class HomeTeam:
    """The team id auth.test gives for our token, asked once."""

    def __init__(self, client: WebClient, team_id: str | None = None) -> None:
        self._client = client
        self._team_id = team_id
        self._lock = threading.Lock()

    def remember(self, team_id: str | None) -> None:
        """What start-up's own auth.test said."""
        if team_id:
            self._team_id = team_id

    def get(self) -> str | None:
        """Our team id; None while Slack cannot be asked (then nothing is refused)."""
        if self._team_id is not None:
            return self._team_id
        with self._lock:
            if self._team_id is None:
                try:
                    self._team_id = str(self._client.auth_test()["team_id"])
                except (SlackClientError, OSError, KeyError) as error:
                    logger.warning("auth.test failed (%s); cannot tell our workspace yet", error)
            return self._team_id


def team_of(body: dict[str, Any], context_team: str | None) -> str | None:
    """The workspace a request comes from, as Slack says it (None when it names none)."""
    if context_team:
        return context_team
    user = body.get("user")
    if isinstance(user, dict) and isinstance(user.get("team_id"), str):
        return str(user["team_id"])
    return None
