"""The weekly summary's Stop / Start again buttons (issue 15)."""

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import summary as blocks
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.services import summaries
from bot.store import repos


def handle_toggle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                  deps: Deps, defer: Defer, caller: Caller) -> None:  # fmt: skip
    """Stop (or start again) the person's own weekly summary; the DM says so."""
    ack()
    off = action.get("action_id") == blocks.SUMMARY_OFF
    container = body.get("container") or {}

    def save() -> None:
        person = caller.person()
        if person is None:
            return
        with deps.transaction() as session:
            summaries.set_opt_out(session=session, person=repos.fresh(session, person), off=off)
        if container.get("type") == "message":
            text, message = blocks.settled(off)
            client.chat_update(channel=container["channel_id"], ts=container["message_ts"],
                               text=text, blocks=message)  # fmt: skip

    defer(save)


def register(app: App) -> None:
    """The summary buttons."""
    app.action(blocks.SUMMARY_OFF)(handle_toggle)
    app.action(blocks.SUMMARY_ON)(handle_toggle)
