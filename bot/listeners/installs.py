"""app_uninstalled and tokens_revoked (issue 19): every send to the workspace stops at once; its
token is forgotten; its data is deleted after UNINSTALL_GRACE_DAYS unless it installs again."""

import logging
from typing import Any

from slack_bolt import BoltContext

from bot import oauth
from bot.deps import Defer, Deps
from bot.services import installs

logger = logging.getLogger(__name__)


def handle_uninstalled(event: dict[str, Any], context: BoltContext, deps: Deps,
                       defer: Defer) -> None:  # fmt: skip
    """The app was uninstalled, or its bot token revoked (a user token alone changes nothing)."""
    if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
        return
    workspace_id = str(context["workspace_id"])

    def stop() -> None:
        forget()  # this process sends nothing more with the token from now
        try:
            remove()
        finally:
            # Again once the installation is gone: a send that looked the token up meanwhile
            # kept it for five minutes (a test that waited for the client to go saw it stay).
            forget()

    def forget() -> None:
        if deps.workspaces is not None:
            deps.workspaces.forget(workspace_id)

    def remove() -> None:
        if deps.settings.oauth_mode:
            oauth.installation_store(deps.settings, deps.engine).delete_all(
                enterprise_id=context.enterprise_id, team_id=context.team_id
            )
            if deps.workspaces is not None and deps.workspaces.installed(workspace_id):
                # One workspace of a Grid org left; the org is still served by the others.
                logger.info("uninstalled from one workspace of %s; others remain", workspace_id)
                return
        with deps.transaction() as session:
            cancelled = installs.uninstall(session=session, workspace_id=workspace_id,
                                           now=deps.clock())  # fmt: skip
        logger.info("uninstalled from %s: %s waiting sends cancelled", workspace_id, cancelled)

    defer(stop)
