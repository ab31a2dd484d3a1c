"""The outbox sender: delivers claimed messages once, through the WebClient.

Each due row is leased with a conditional UPDATE (only one sender wins it, on SQLite and
Postgres alike: bot.outbox_rows), rendered by its kind's renderer, and sent with its outbox
key in the message's metadata. The sender's client retries nothing by itself (a 5xx or a
dropped connection may come after Slack posted); what fails is handled so (bot.refusals):
- 429: the whole sender (with many workspaces, that workspace's sends: bot.paced_sends) pauses
  for Retry-After and from then on paces itself just under the rate Slack allowed (probing a
  little faster now and then);
- a permanent error (user_not_found, account_inactive, cannot_dm_bot, …): recorded, never retried;
- a 5xx, a timeout or a lost connection: the outcome is unknown, so the row is marked
  unconfirmed and retried with backoff (up to MAX_ATTEMPTS);
- an `ok: false` answer: Slack did not post; retried with backoff.
Before posting a row whose last send may have gone through — unconfirmed, or leased by a sender
that died or could not record the answer (the lease, 60 s, ran out) — the sender looks for its
key in the channel's recent history (bot.posted): found means sent, and the row is marked so.
A database error on one row leaves that row to its lease and the pass goes on.
"""

import functools
import logging
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import select

from bot import outbox_rows, posted, refusals
from bot.deps import Deps
from bot.outbox_rows import UNCONFIRMED
from bot.paced_sends import PacedSends
from bot.pacer import sleep_until
from bot.services import payloads
from bot.store.models import Outbox, OutboxStatus

logger = logging.getLogger(__name__)

# Sends in flight at once: Slack's round trip, not its rate, limits one thread; the pacer
# keeps all of them under the rate Slack allows.
SENDER_THREADS = 8
# Many workspaces: each row's thread waits up to bot.paced_sends.LEAD for its slot, so at
# 200 posts/s about 50 wait at once (16 were now and then all busy even with a 0.05 s lead:
# rows waited for a thread and missed their slots).
PACED_THREADS = 64
Rendered = tuple[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Upload:
    """A file to upload (Slack's upload-v2 flow) instead of a message; with `thread_of`, into
    the thread of the message another outbox row (that key) posted, once it has been posted."""

    filename: str
    content: bytes
    title: str
    alt_text: str
    thread_of: str | None = None


class NotYet(Exception):
    """The row depends on another that has not been sent yet: try again later."""


Renderer = Callable[[Outbox], Rendered | Upload]


@dataclass
class DeliveryReport:
    """What one pass did."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    cancelled: int = 0  # for workspaces that uninstalled CX Coach
    throttled: bool = False


def deliver_due(
    deps: Deps, renderers: dict[str, Renderer], now: datetime | None = None
) -> DeliveryReport:
    """Send every due pending row (a batch at a time) until none is left or Slack says slow
    down; installed in many workspaces, each at its own pace until none is left."""
    if deps.workspaces is not None and deps.workspaces.many:
        return _deliver_paced(deps, renderers, now)
    report = DeliveryReport()
    while True:
        with deps.session() as session:
            ids = outbox_rows.due(session, now or deps.clock(), fair=False)
        if not ids:
            return report
        database_down = threading.Event()  # the database unreachable: the rest waits
        rows = [row_id for row_id, _ in ids]
        with ThreadPoolExecutor(SENDER_THREADS, thread_name_prefix="cx-sender") as pool:
            outcomes = list(
                pool.map(
                    _deliver_one,
                    [deps] * len(rows), [renderers] * len(rows), rows,
                    [now] * len(rows), [database_down] * len(rows),
                )
            )  # fmt: skip
        if database_down.is_set():
            logger.warning("outbox: the database is unreachable; the rest waits for the next pass")
            return report
        if not _count(report, outcomes):
            return report


def _deliver_paced(
    deps: Deps, renderers: dict[str, Renderer], now: datetime | None
) -> DeliveryReport:
    """Many workspaces: each row when its workspace's pace allows (bot.paced_sends)."""
    database_down = threading.Event()

    def due(left_out: Collection[int]) -> tuple[list[tuple[int, str]], bool]:
        moment = now or deps.clock()
        try:  # a database down ends the pass, with the one warning below
            members = deps.share.members(deps.session, moment)
            mine = functools.partial(deps.share.mine, members=members)
            with deps.session() as session:
                found = outbox_rows.due(session, moment, fair=True, mine=mine, left_out=left_out)
        except OperationalError:
            database_down.set()
            return [], False
        cut_short = len(found) >= outbox_rows.BATCH
        return [(row_id, workspace or "") for row_id, workspace in found], cut_short

    def send(row_id: int, workspace_id: str, slot: float, taken: Callable[[], None]) -> str:
        outcome = _deliver_one(
            deps, renderers, row_id, now, database_down, workspace_id, slot, taken
        )
        return "stop" if database_down.is_set() else outcome

    def owns(workspace_id: str) -> bool:
        try:
            members = deps.share.members(deps.session, now or deps.clock())
        except OperationalError:
            database_down.set()
            return False
        return deps.share.mine([workspace_id], members) == [workspace_id]

    outcomes = PacedSends(due, send, owns, deps.pacer_for, PACED_THREADS).run()
    if database_down.is_set():
        logger.warning("outbox: the database is unreachable; the rest waits for the next pass")
    report = DeliveryReport()
    _count(report, outcomes)
    return report


def _count(report: DeliveryReport, outcomes: list[str]) -> bool:
    """Add these outcomes to the report; whether any row moved on (not left to its lease or to
    Slack's pace)."""
    progressed = False
    for outcome in outcomes:
        if outcome == "throttled":
            report.throttled = True  # the row is due again; the pacer has slowed down
        elif outcome != "skipped":
            progressed = True
            setattr(report, outcome, getattr(report, outcome) + 1)
    return progressed


def deliver_rows(deps: Deps, renderers: dict[str, Renderer], ids: list[int]) -> DeliveryReport:
    """Send these rows now (what a person just did), with the same leases, pacing and retries
    as the clock's pass; any that fail for now are left to the clock."""
    report = DeliveryReport()
    database_down = threading.Event()
    for row_id in ids:
        outcome = _deliver_one(deps, renderers, row_id, deps.clock(), database_down)
        if outcome == "throttled":
            report.throttled = True
        elif outcome != "skipped":
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _deliver_one(
    deps: Deps, renderers: dict[str, Renderer], row_id: int, now: datetime | None,
    database_down: threading.Event, workspace_id: str | None = None, slot: float | None = None,
    taken: Callable[[], None] = lambda: None,
) -> str:  # fmt: skip
    """One row, start to end (with `slot`: the send slot its workspace's pace gave it; `taken`
    is called once Slack has taken the post, before it is recorded).
    A database error leaves the row to its lease (a send it cut short is found in Slack
    later) and goes no further: the other rows go on, unless the database itself is
    unreachable (then the pass stops taking rows, with one log line)."""
    if database_down.is_set():
        return "skipped"
    try:
        outcome = _deliver_leased(deps, renderers, row_id, now or deps.clock(), slot, taken)
        if outcome == "skipped" and slot is not None and workspace_id is not None:
            deps.pacer_for(workspace_id).give_back(slot)  # another sender had the row
        return outcome
    except OperationalError as error:  # connection lost, server restarting, locked
        if not database_down.is_set():
            logger.warning("outbox %s: database unreachable (%s)", row_id, type(error).__name__)
        database_down.set()
        return "retrying"
    except SQLAlchemyError as error:
        logger.warning("outbox %s: database error (%s); retried after its lease", row_id,
                       type(error).__name__)  # fmt: skip
        return "retrying"


def _deliver_leased(deps: Deps, renderers: dict[str, Renderer], row_id: int, now: datetime,
                    slot: float | None = None,
                    taken: Callable[[], None] = lambda: None) -> str:  # fmt: skip
    leased = outbox_rows.lease(deps, row_id, now)
    if leased is None:
        return "skipped"
    row, unsure = leased
    client = deps.client_for(row.workspace_id, sender=True)
    if client is None:  # uninstalled, or its token revoked: nothing goes to it any more
        outbox_rows.finish(
            deps, row_id, status=OutboxStatus.CANCELLED, error=refusals.NOT_INSTALLED
        )
        return "cancelled"
    pacer = deps.pacer_for(row.workspace_id)
    left = time.monotonic()  # when the call Slack answers left (the history lookup's, if first)
    try:
        rendered = renderers[row.kind](row)
        if unsure and not isinstance(rendered, Upload):
            looker = deps.client_for(row.workspace_id) or client
            found = posted.find(looker, channel=row.channel, key=row.key, since=row.due_at)
            if found is not None:
                logger.info("outbox %s: already in Slack, not sent again", row_id)
                outbox_rows.finish(deps, row_id, status=OutboxStatus.SENT, sent_at=now, ts=found.ts,
                        channel=found.channel)  # fmt: skip
                return "sent"
        if slot is None:
            pacer.wait()
        else:
            sleep_until(slot)  # the slot taken before the lease
            if pacer.waiting():  # a 429 since the slot was taken: not during its Retry-After
                return refusals.due_again(deps, row_id, now)
        left = time.monotonic()
        if slot is not None:
            pacer.late(slot, left)
        if isinstance(rendered, Upload):
            answer = _upload(deps, client, row, rendered)
        else:
            text, blocks = rendered
            answer = client.chat_postMessage(
                channel=row.channel, text=text, blocks=blocks, metadata=posted.metadata(row.key)
            )
        pacer.sent(at=left)
        taken()
    except SlackApiError as error:
        return refusals.refused(deps, row, now, pacer, error, left)
    except (SlackClientError, OSError) as error:  # a timeout or a dropped connection
        return refusals.retry_later(deps, row, now, f"{UNCONFIRMED}: {type(error).__name__}")
    except posted.CannotTell as error:
        return refusals.retry_later(deps, row, now, f"{UNCONFIRMED}: history unreadable ({error})")
    except NotYet as error:
        return refusals.retry_later(deps, row, now, str(error))
    except payloads.PayloadError as error:  # a damaged row: trying again cannot help
        logger.warning("outbox %s: %s", row_id, error)
        outbox_rows.finish(deps, row_id, status=OutboxStatus.FAILED, error=str(error)[:200])
        return "failed"
    except Exception:
        logger.exception("outbox %s: could not render or send", row_id)
        outbox_rows.finish(
            deps, row_id, status=OutboxStatus.FAILED, error="internal error (see logs)"
        )
        return "failed"
    outbox_rows.finish(
        deps,
        row_id,
        status=OutboxStatus.SENT,
        sent_at=now,
        ts=str(answer.get("ts") or ""),
        channel=answer.get("channel"),
    )
    return "sent"


def _upload(deps: Deps, client: Any, row: Outbox, upload: Upload) -> Any:
    thread_ts = None
    if upload.thread_of is not None:
        with deps.session() as session:
            parent = session.exec(
                select(Outbox).where(
                    Outbox.workspace_id == row.workspace_id, Outbox.key == upload.thread_of
                )
            ).first()
        if parent is None or parent.status != OutboxStatus.SENT.value or not parent.message_ts:
            raise NotYet(f"waiting for {upload.thread_of} to be posted")
        thread_ts = parent.message_ts
    answer = client.files_upload_v2(
        channel=row.channel, thread_ts=thread_ts, content=upload.content,
        filename=upload.filename, title=upload.title, alt_txt=upload.alt_text,
    )  # fmt: skip
    return answer  # no message ts: the file lives in the thread


def payload_of(row: Outbox) -> Any:
    """The row's payload, checked against its kind (bot.services.payloads): the renderer's
    parameter names its type."""
    return payloads.decode(row.kind, row.payload)
