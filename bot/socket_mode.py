"""Socket Mode with the same guard as HTTP: a malformed payload is acked and dropped with one
log line (bot.slack_shapes) instead of crashing Bolt's parsing with a traceback."""

import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot import slack_shapes

logger = logging.getLogger(__name__)


class GuardedSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler, refusing what is not shaped like Slack's requests."""

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        """Ack and drop a malformed envelope; hand the rest to Bolt."""
        found = slack_shapes.problem(req.payload)
        if found is not None:
            logger.warning("refused a Socket Mode envelope: %s", found)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        super().handle(client, req)  # type: ignore[arg-type]
