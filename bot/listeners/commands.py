"""Slash commands (ARCHITECTURE §6): every one answers `help` and explains bad input."""

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.blocks import help as help_blocks
from bot.blocks.teams import team_list_blocks
from bot.deps import Defer, Deps
from bot.store import repos

MENTION_PREFIX = "<@"


def _first_word(command: dict[str, Any]) -> str:
    text = str(command.get("text") or "").strip()
    return text.split()[0].lower() if text else ""


def _answered_help_or_bad_input(ack: Ack, command: dict[str, Any]) -> bool:
    """Ack with the usage text for `help` or an unknown subcommand; tell whether we did."""
    name = command["command"]
    spec = help_blocks.COMMANDS[name]
    word = _first_word(command)
    if word == "help":
        ack(text=help_blocks.usage_text(name), blocks=list(help_blocks.help_blocks_json(name)))
        return True
    known = (
        word in spec.keywords
        or (spec.accepts_mentions and word.startswith(MENTION_PREFIX))
        or (spec.accepts_free_text and word != "")
    )
    if not known:
        problem = (
            help_blocks.unknown_subcommand(name, word)
            if word
            else f"`{name}` needs a little more. Here is what it can do:"
        )
        ack(
            text=help_blocks.usage_text(name, problem),
            blocks=help_blocks.usage_blocks(name, problem),
        )
        return True
    return False


def handle_command(ack: Ack, command: dict[str, Any]) -> None:
    """/cx-*: usage for `help` and bad input; "coming soon" for calls not built yet."""
    if _answered_help_or_bad_input(ack, command):
        return
    name = command["command"]
    ack(text=f"{name} is still being built.", blocks=help_blocks.coming_soon_blocks(name))


def handle_team_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
) -> None:
    """/cx-team [list]: the workspace's teams; other subcommands are coming soon."""
    if _answered_help_or_bad_input(ack, command):
        return
    if _first_word(command) not in help_blocks.COMMANDS["/cx-team"].ready:
        handle_command(ack, command)
        return
    ack()  # the database read happens after Slack has its 200
    workspace_id = str(context.team_id)

    def list_teams() -> None:
        with deps.session() as session:
            teams = repos.list_teams(session=session, workspace_id=workspace_id)
        respond(
            text=f"{len(teams)} teams", blocks=team_list_blocks(teams), response_type="ephemeral"
        )

    defer(list_teams)


COMMAND_HANDLERS: dict[str, Callable[..., None]] = {
    "/cx-metrics": handle_command,
    "/cx-reflect": handle_command,
    "/cx-feedback": handle_command,
    "/cx-kudos": handle_command,
    "/cx-shift": handle_command,
    "/cx-team": handle_team_command,
}


def register(app: App) -> None:
    """Register one handler per slash command."""
    for name, handler in COMMAND_HANDLERS.items():
        app.command(name)(handler)
