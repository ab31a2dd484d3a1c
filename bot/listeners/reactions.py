"""Kudos by reaction (issue 16): reaction_added with a team's kudos emoji on a colleague's
message gives kudos; reaction_removed within ten minutes takes them back."""

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import escape
from bot.deps import Defer, Deps
from bot.listeners.profiles import colleague_or_problem, known_person
from bot.listeners.sending import deliver_now
from bot.services import kudos, reaction_kudos
from bot.store import repos

logger = logging.getLogger(__name__)


def _message_text(client: WebClient, channel: str, ts: str) -> str:
    """The reacted-to message's text ("" when Slack will not show it to the app)."""
    try:
        found = client.conversations_replies(channel=channel, ts=ts, oldest=ts, latest=ts,
                                             inclusive=True, limit=1)  # fmt: skip
    except SlackApiError as error:
        logger.info("kudos by reaction: message not readable (%s)", error.response.get("error"))
        return ""
    for message in found.get("messages") or []:
        if message.get("ts") == ts:
            return str(message.get("text") or "")
    return ""


def handle_reaction_added(event: dict[str, Any], context: BoltContext, client: WebClient,
                          deps: Deps, defer: Defer) -> None:  # fmt: skip
    """A reaction: kudos if it is the reactor's team's kudos emoji on someone else's message."""
    item = event.get("item") or {}
    reactor, author = str(event.get("user") or ""), str(event.get("item_user") or "")
    if item.get("type") != "message" or not author or author == reactor:
        return
    channel, ts, workspace_id = (
        str(item.get("channel")),
        str(item.get("ts")),
        str(context["workspace_id"]),
    )

    def give() -> None:
        giver = known_person(deps, client, workspace_id, reactor)
        if giver is None:
            return
        with deps.read_session() as session:
            if not reaction_kudos.wants_kudos(session, giver, str(event.get("reaction") or "")):
                return
        thanked = colleague_or_problem(deps, client, workspace_id, author)
        if isinstance(thanked, str):
            return  # a bot's or an outsider's message: a reaction, not a kudos
        text = _message_text(client, channel, ts)
        try:
            with deps.transaction() as session:
                given = reaction_kudos.give(
                    session=session, reactor=repos.fresh(session, giver),
                    author=repos.fresh(session, thanked), text=text, channel=channel, ts=ts,
                    now=deps.clock(),
                )  # fmt: skip
        except kudos.KudosError as error:
            _tell(client, channel, reactor, escape(str(error)))
            return
        if given is not None:
            deliver_now(deps, defer, given.outbox_ids)

    defer(give)


def handle_reaction_removed(event: dict[str, Any], context: BoltContext, client: WebClient,
                            deps: Deps, defer: Defer) -> None:  # fmt: skip
    """The reaction taken away: within ten minutes, the kudos goes too."""
    item = event.get("item") or {}
    if item.get("type") != "message":
        return
    reactor, workspace_id = str(event.get("user") or ""), str(context["workspace_id"])
    channel, ts = str(item.get("channel")), str(item.get("ts"))

    def take_back() -> None:
        with deps.transaction() as session:
            undone = reaction_kudos.take_back(session=session, reactor=reactor,
                                              workspace_id=workspace_id, channel=channel, ts=ts,
                                              now=deps.clock())  # fmt: skip
        for where, message_ts in undone.posted if undone else []:
            try:
                client.chat_delete(channel=where, ts=message_ts)
            except SlackApiError as error:
                logger.warning("kudos taken back; its message stays: %s",
                               error.response.get("error"))  # fmt: skip

    defer(take_back)


def _tell(client: WebClient, channel: str, user: str, text: str) -> None:
    """A line only the reactor sees, where they reacted."""
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
    except SlackApiError as error:
        logger.info("kudos by reaction: could not tell the reactor (%s)",
                    error.response.get("error"))  # fmt: skip
