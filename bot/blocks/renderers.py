"""Every outbox kind's renderer, in one map for the sender (bot.delivery)."""

from bot.blocks import alerts, checkins, digest, feedback_views, kudos, summary
from bot.delivery import Renderer

RENDERERS: dict[str, Renderer] = {
    **checkins.RENDERERS,
    **feedback_views.RENDERERS,
    **kudos.RENDERERS,
    **digest.RENDERERS,
    **alerts.RENDERERS,
    **summary.RENDERERS,
}
