"""Every outbox kind's renderer, in one map for the sender (bot.delivery)."""

from bot.blocks import checkins, digest, feedback_views, kudos
from bot.delivery import Renderer

RENDERERS: dict[str, Renderer] = {
    **checkins.RENDERERS,
    **feedback_views.RENDERERS,
    **kudos.RENDERERS,
    **digest.RENDERERS,
}
