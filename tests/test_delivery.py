"""The outbox sender: Slack's 429s, 5xx and permanent errors, and never sending twice."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import delivery
from bot.blocks.checkins import RENDERERS
from bot.deps import Deps
from bot.services import checkins
from bot.store.models import Outbox
from tests.checkin_helpers import add_agents
from tests.fakeslack import FakeSlack

DUE = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # U0ONE's shift end (UTC zone)


@pytest.fixture
def claimed(deps: Deps, engine: Engine, fake_slack: FakeSlack) -> Deps:
    """One prompt claimed for U0ONE at DUE; deps whose clock reads a minute later."""
    add_agents(engine, fake_slack, {"U0ONE": "UTC"})
    now = DUE + timedelta(minutes=1)
    with Session(engine) as session:
        assert checkins.claim_due_prompts(session=session, now=now).claimed == 1
        session.commit()
    return dataclasses.replace(deps, clock=lambda: now)


def _row(engine: Engine) -> Outbox:
    with Session(engine) as session:
        row = session.exec(select(Outbox)).one()
        session.expunge(row)
        return row


def test_a_sent_row_is_never_sent_again(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """Delivered once, marked sent with its ts; later passes send nothing."""
    assert delivery.deliver_due(claimed, RENDERERS).sent == 1
    assert delivery.deliver_due(claimed, RENDERERS).sent == 0
    assert len(fake_slack.messages_to("U0ONE")) == 1
    row = _row(engine)
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.message_ts


def test_rate_limited_waits_for_retry_after_and_slows_the_sender(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """A 429 puts the row back, pauses for Retry-After and paces later sends; then it goes out."""
    fake_slack.fail("chat.postMessage", status=429, retry_after=0)
    report = delivery.deliver_due(claimed, RENDERERS)
    assert report.throttled
    assert _row(engine).status == "pending"
    assert delivery.PACER.interval > 0
    assert delivery.deliver_due(claimed, RENDERERS).sent == 1
    assert len(fake_slack.messages_to("U0ONE")) == 1


def test_permanent_errors_are_recorded_and_not_retried(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """account_inactive is final: failed with the reason, and no second attempt."""
    fake_slack.fail("chat.postMessage", error="account_inactive")
    assert delivery.deliver_due(claimed, RENDERERS).failed == 1
    later = dataclasses.replace(claimed, clock=lambda: DUE + timedelta(days=1))
    assert delivery.deliver_due(later, RENDERERS).sent == 0
    row = _row(engine)
    assert (row.status, row.last_error) == ("failed", "account_inactive")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_server_errors_back_off_then_succeed(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """A 5xx that outlasts the client's retries is tried again later, and then delivered."""
    fake_slack.fail("chat.postMessage", status=503, times=3)
    assert delivery.deliver_due(claimed, RENDERERS).retrying == 1
    row = _row(engine)
    assert row.status == "pending"
    assert row.next_attempt_at > DUE + timedelta(minutes=1)
    assert delivery.deliver_due(claimed, RENDERERS).sent == 0  # not before its time
    later = dataclasses.replace(claimed, clock=lambda: row.next_attempt_at)
    assert delivery.deliver_due(later, RENDERERS).sent == 1
    assert len(fake_slack.messages_to("U0ONE")) == 1


def test_a_row_leased_by_another_sender_is_left_alone(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """A row another clock is sending (lease not expired) is skipped; an expired lease is taken."""
    with Session(engine) as session:
        row = session.exec(select(Outbox)).one()
        row.status, row.lease_until = "sending", DUE + timedelta(minutes=5)
        session.add(row)
        session.commit()
    assert delivery.deliver_due(claimed, RENDERERS).sent == 0
    after_lease = dataclasses.replace(claimed, clock=lambda: DUE + timedelta(minutes=6))
    assert delivery.deliver_due(after_lease, RENDERERS).sent == 1
