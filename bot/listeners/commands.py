"""Slash commands (docs/ARCHITECTURE.md §6): every one answers `help` and explains bad input."""

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.metrics_pickers import PERIOD, SUBJECT
from bot.blocks.teams import team_list_blocks
from bot.deps import Defer, Deps
from bot.listeners.checkins import handle_reflect_command
from bot.listeners.feedback_command import handle_feedback_command
from bot.listeners.kudos_command import handle_kudos_command
from bot.listeners.metrics_command import handle_metrics_command, handle_picker
from bot.listeners.one_on_one import handle_one_on_one_command
from bot.listeners.shift_command import handle_shift_command
from bot.listeners.team_command import team_subcommand
from bot.listeners.usage import answered_help_or_bad_input, first_word
from bot.store import repos


def handle_team_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    client: WebClient,
) -> None:
    """/cx-team: list the teams, or create, show, edit, add, remove, delete (after the ack)."""
    if answered_help_or_bad_input(ack, command):
        return
    ack()  # the database work happens after Slack has its 200
    workspace_id = str(context.team_id)
    verb = first_word(command)
    if verb not in ("", "list"):
        words = str(command.get("text") or "").split()[1:]
        user_id, trigger_id = command["user_id"], command["trigger_id"]
        defer(
            lambda: team_subcommand(
                deps, client, respond, workspace_id, user_id, trigger_id, verb, words
            )
        )
        return

    def list_teams() -> None:
        with deps.session() as session:
            teams = repos.list_teams(session=session, workspace_id=workspace_id)
        respond(
            text=f"{len(teams)} teams", blocks=team_list_blocks(teams), response_type="ephemeral"
        )

    defer(list_teams)


COMMAND_HANDLERS: dict[str, Callable[..., None]] = {
    "/cx-metrics": handle_metrics_command,
    "/cx-reflect": handle_reflect_command,
    "/cx-feedback": handle_feedback_command,
    "/cx-kudos": handle_kudos_command,
    "/cx-shift": handle_shift_command,
    "/cx-team": handle_team_command,
    "/cx-1on1": handle_one_on_one_command,
}


def register(app: App) -> None:
    """Register one handler per slash command."""
    for name, handler in COMMAND_HANDLERS.items():
        app.command(name)(handler)
    app.action(PERIOD)(handle_picker)  # /cx-metrics' pickers update its answer in place
    app.action(SUBJECT)(handle_picker)
