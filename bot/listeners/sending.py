"""Sending what a listener just claimed in the outbox, right after the ack."""

from bot import delivery
from bot.blocks.renderers import RENDERERS
from bot.deps import Defer, Deps


def deliver_now(deps: Deps, defer: Defer, ids: list[int]) -> None:
    """Send these outbox rows after the ack instead of waiting for the clock's next pass."""
    if ids:
        defer(lambda: delivery.deliver_rows(deps, RENDERERS, ids))
