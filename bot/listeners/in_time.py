"""Saving on the ack path, within Slack's 3 seconds.

A modal's answers are saved before the modal may close, so the save runs while Slack waits for
our HTTP answer. If the database cannot take the write in time (SQLite's one write lock held by
a long transaction, a Postgres failover), the person must hear "press Save again" with their
text still in the modal — not Slack's connection error after 3 seconds. `within` gives the work
SAVE_DEADLINE seconds; a save that finishes later is harmless (saving again updates it).
"""

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from enum import Enum
from typing import TypeVar

from slack_bolt import Ack
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.common import NOT_SAVED

logger = logging.getLogger(__name__)

SAVE_DEADLINE = 2.0  # seconds, leaving Slack's 3 s room for the HTTP round trips
_SAVERS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="cx-save")

T = TypeVar("T")


class TooSlow(Exception):
    """The database did not finish in time; the save may still land later."""


NOT_SAVED_ERRORS = (SQLAlchemyError, TooSlow)
"""What a save on the ack path answers with NOT_SAVED (after `not_saved` logs it)."""


def within(work: Callable[[], T], seconds: float = SAVE_DEADLINE) -> T:
    """Run `work` and return its result, or raise TooSlow after `seconds`; its own errors
    (a refusal, a database error) come through as they are."""
    future = _SAVERS.submit(work)
    try:
        return future.result(timeout=seconds)
    except FutureTimeout as error:
        raise TooSlow(f"no answer from the database within {seconds} s") from error


def not_saved(what: str, error: Exception) -> None:
    """Log why a person was told to press Save again (never their text)."""
    # A database error's text can carry the statement's parameters (a person's words): the
    # driver's own message only ("database is locked").
    reason = getattr(error, "orig", None) or error
    logger.warning("%s not saved: %s: %s", what, type(error).__name__, str(reason)[:200])


class Unsaved(Enum):
    """`save_or_explain`'s answer when nothing was saved and the modal already says why."""

    UNSAVED = 0


def save_or_explain(
    ack: Ack, save: Callable[[], T], *, what: str, field: str,
    refusals: tuple[type[Exception], ...] = (),
    field_of: Callable[[Exception], str] | None = None,
) -> T | Unsaved:  # fmt: skip
    """Run a modal's save within the deadline. A refusal (one of `refusals`: the rules said
    no) is shown beside the field it concerns (`field_of(error)`, else `field`); a database
    that fails or is too slow shows NOT_SAVED there, so the person presses Save again with
    their text still in the modal. Either way Unsaved.UNSAVED, and the modal stays open."""
    try:
        return within(save)
    except refusals as error:
        ack(response_action="errors", errors={field_of(error) if field_of else field: str(error)})
    except NOT_SAVED_ERRORS as error:
        not_saved(what, error)
        ack(response_action="errors", errors={field: NOT_SAVED})
    return Unsaved.UNSAVED
