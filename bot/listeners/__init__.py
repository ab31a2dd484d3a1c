"""Thin Slack handlers: ack, call a service, render blocks. One register(app) per kind."""

from slack_bolt import App

from bot.listeners import (
    action_items,
    checkins,
    commands,
    events,
    feedback,
    helpdesk_access,
    home,
    kudos_command,
    one_on_one,
    privacy,
    reading,
    summary,
    team_admin,
    uploads,
    welcome,
)


def register_listeners(app: App) -> None:
    """Register every listener CX Coach has; manifest.yml lists exactly these."""
    commands.register(app)
    events.register(app)
    home.register(app)
    team_admin.register(app)
    checkins.register(app)
    action_items.register(app)
    feedback.register(app)
    kudos_command.register(app)
    reading.register(app)
    one_on_one.register(app)
    summary.register(app)
    welcome.register(app)
    uploads.register(app)
    privacy.register(app)
    helpdesk_access.register(app)
