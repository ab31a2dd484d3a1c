"""Events API listeners: the App Home tab, direct messages to the bot (a CSV file in one is
imported), profile changes, and reactions (kudos by reaction: bot.listeners.reactions)."""

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, Say
from slack_sdk import WebClient

from bot.blocks.dm import dm_reply_blocks
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.home import publish_home
from bot.listeners.installs import handle_uninstalled
from bot.listeners.profiles import profile_from_users_info
from bot.listeners.reactions import handle_reaction_added, handle_reaction_removed
from bot.listeners.uploads import handle_dm_file
from bot.services import people
from bot.store import repos


def handle_app_home_opened(
    event: dict[str, Any], context: BoltContext, client: WebClient, deps: Deps, defer: Defer
) -> None:
    """app_home_opened: publish the person's home tab (who they are, their role, what's next)."""
    if event.get("tab") != "home":
        return
    defer(lambda: publish_home(deps, client, str(context["workspace_id"]), event["user"]))


def handle_direct_message(event: dict[str, Any], say: Say, defer: Defer, client: WebClient,
                          context: BoltContext, deps: Deps, caller: Caller) -> None:  # fmt: skip
    """message.im: a CSV file is imported (bot.listeners.uploads); any other message is
    answered with what CX Coach does and how to reach it."""
    if event.get("channel_type") != "im" or event.get("bot_id"):
        return
    if event.get("subtype") == "file_share" and event.get("files"):
        handle_dm_file(event, client, deps, str(context["workspace_id"]), defer, caller)
        return
    if event.get("subtype"):
        return  # edits, joins and other messages that need no answer
    defer(
        lambda: say(
            text="I'm CX Coach. Try /cx-reflect, /cx-metrics or /cx-shift.",
            blocks=dm_reply_blocks(),
        )
    )


def handle_user_change(
    event: dict[str, Any], context: BoltContext, client: WebClient, deps: Deps, defer: Defer
) -> None:
    """user_change: keep a known person's time zone, name and active flag in step with Slack.
    The profile is read again from users.info, so events handled out of order still end on
    Slack's current state."""
    user_id, workspace_id = event["user"]["id"], str(context["workspace_id"])

    def refresh() -> None:
        with deps.session() as session:
            known = repos.get_person(
                session=session, workspace_id=workspace_id, slack_user_id=user_id
            )
        if known is None:
            return  # someone CX Coach has never dealt with: nothing to keep current
        profile = profile_from_users_info(client.users_info(user=user_id)["user"])
        with deps.transaction() as session:
            people.refresh_known_profile(
                session=session, workspace_id=workspace_id, profile=profile, now=deps.clock()
            )

    defer(refresh)


# Manifest event name -> (Bolt event type, handler). The manifest test reads this both ways.
EVENT_HANDLERS: dict[str, tuple[str, Callable[..., None]]] = {
    "app_home_opened": ("app_home_opened", handle_app_home_opened),
    "message.im": ("message", handle_direct_message),
    "user_change": ("user_change", handle_user_change),
    "reaction_added": ("reaction_added", handle_reaction_added),
    "reaction_removed": ("reaction_removed", handle_reaction_removed),
    "app_uninstalled": ("app_uninstalled", handle_uninstalled),
    "tokens_revoked": ("tokens_revoked", handle_uninstalled),
}


def register(app: App) -> None:
    """Register one handler per bot event in manifest.yml."""
    for event_type, handler in EVENT_HANDLERS.values():
        app.event(event_type)(handler)
