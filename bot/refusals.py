"""What becomes of an outbox row Slack did not take (bot.delivery sends it): a 429 slows its
workspace down and makes the row due again; a revoked token is asked for again; a permanent
error is recorded and never retried; anything else (a 5xx or a dropped connection, after which
Slack may have posted: unconfirmed) is retried with backoff, up to MAX_ATTEMPTS."""

import logging
import time
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot import outbox_rows
from bot.deps import Deps
from bot.outbox_rows import UNCONFIRMED
from bot.pacer import Pacer
from bot.store.models import Outbox, OutboxStatus

logger = logging.getLogger(__name__)

NOT_INSTALLED = "CX Coach is not installed in this workspace any more"
AUTH_ERRORS = frozenset({"invalid_auth", "token_revoked", "not_authed"})

MAX_ATTEMPTS = 8
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "user_disabled",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "restricted_action",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "missing_scope",
    }
)


def refused(
    deps: Deps, row: Outbox, now: datetime, pacer: Pacer, error: SlackApiError, left: float
) -> str:
    """What Slack's refusal (of the send that left at `left`, monotonic) means for the row:
    slow down, ask for the token again, give up, or try again later."""
    code = str(error.response.get("error", "unknown"))
    if error.response.status_code == 429:
        many = deps.workspaces is not None and deps.workspaces.many
        # Told first, the database after: the pacer measures up to this moment (a busy
        # database once made a burst look half a second longer, and its pace 5 % too slow).
        # Many workspaces: this one waits; the sender goes on with the others meanwhile.
        pacer.throttled(float(error.response.headers.get("Retry-After", "1") or 1),
                        sleep=False, at=left)  # fmt: skip
        outcome = due_again(deps, row.id, now)
        if not many:  # one workspace: this thread waits too
            time.sleep(pacer.ready_in())
        return outcome
    if code in AUTH_ERRORS and deps.workspaces is not None and deps.workspaces.many:
        # The token was revoked (an uninstall in progress): ask the store again next time.
        logger.warning("outbox %s: Slack refused the workspace's token (%s)", row.id, code)
        deps.workspaces.forget(row.workspace_id)
        return retry_later(deps, row, now, code)
    if code in PERMANENT_ERRORS:
        logger.warning("outbox %s: permanent Slack error %s", row.id, code)
        outbox_rows.finish(deps, row.id, status=OutboxStatus.FAILED, error=code)
        return "failed"
    if error.response.status_code >= 500:  # Slack may have posted before failing
        return retry_later(deps, row, now, f"{UNCONFIRMED}: HTTP {error.response.status_code}")
    return retry_later(deps, row, now, code)


def due_again(deps: Deps, row_id: int | None, now: datetime) -> str:
    """Slack's rate limit: the row is due again (when its workspace's pace allows)."""
    outbox_rows.finish(deps, row_id, status=OutboxStatus.PENDING, next_at=now, error="ratelimited")
    return "throttled"


def retry_later(deps: Deps, row: Outbox, now: datetime, error: str) -> str:
    if row.attempts >= MAX_ATTEMPTS:
        outbox_rows.finish(
            deps,
            row.id,
            status=OutboxStatus.FAILED,
            error=f"{error} (gave up after {row.attempts} tries)",
        )
        return "failed"
    backoff = timedelta(seconds=30 * 2 ** (row.attempts - 1))
    outbox_rows.finish(
        deps, row.id, status=OutboxStatus.PENDING, next_at=now + backoff, error=error
    )
    return "retrying"
