"""Slash commands (docs/ARCHITECTURE.md §6): every one answers `help` and explains bad input."""

from collections.abc import Callable

from slack_bolt import App

from bot.blocks.metrics_pickers import PERIOD, SUBJECT
from bot.listeners.feedback_command import handle_feedback_command
from bot.listeners.kudos_command import handle_kudos_command
from bot.listeners.metrics_command import handle_metrics_command, handle_picker
from bot.listeners.one_on_one import handle_one_on_one_command
from bot.listeners.reflect_command import handle_reflect_command
from bot.listeners.shift_command import handle_shift_command
from bot.listeners.team_command import handle_team_command
from bot.listeners.themes_command import handle_themes_command

COMMAND_HANDLERS: dict[str, Callable[..., None]] = {
    "/cx-metrics": handle_metrics_command,
    "/cx-reflect": handle_reflect_command,
    "/cx-feedback": handle_feedback_command,
    "/cx-kudos": handle_kudos_command,
    "/cx-shift": handle_shift_command,
    "/cx-team": handle_team_command,
    "/cx-1on1": handle_one_on_one_command,
    "/cx-themes": handle_themes_command,
}


def register(app: App) -> None:
    """Register one handler per slash command."""
    for name, handler in COMMAND_HANDLERS.items():
        app.command(name)(handler)
    app.action(PERIOD)(handle_picker)  # /cx-metrics' pickers update its answer in place
    app.action(SUBJECT)(handle_picker)
