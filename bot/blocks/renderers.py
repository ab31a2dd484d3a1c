"""Every outbox kind's renderer, in one map for the sender (bot.delivery)."""

from bot.blocks import (
    alerts,
    checkins,
    digest,
    feedback_messages,
    kudos,
    one_on_one,
    summary,
    welcome,
)
from bot.delivery import Renderer, payload_of
from bot.services.one_on_one_schedule import AGENDA

RENDERERS: dict[str, Renderer] = {
    **checkins.RENDERERS,
    **feedback_messages.RENDERERS,
    **kudos.RENDERERS,
    **digest.RENDERERS,
    **alerts.RENDERERS,
    **summary.RENDERERS,
    **welcome.RENDERERS,
    AGENDA: lambda row: one_on_one.stored_message(payload_of(row)),
}
