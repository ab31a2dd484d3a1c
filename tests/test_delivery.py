"""The outbox sender: Slack's 429s, 5xx and permanent errors, and never sending twice."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import delivery, outbox_rows, posted
from bot.blocks.checkins import RENDERERS
from bot.deps import Deps
from bot.services import checkins
from bot.store import repos
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


def test_rate_limited_puts_the_row_back_and_it_goes_out_after_retry_after(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """A 429 puts the row back and pauses for Retry-After; then it goes out. (Nothing had gone
    through, so nothing is known of Slack's rate: no pace is made up (tests/test_pacer.py).)"""
    fake_slack.fail("chat.postMessage", status=429, retry_after=0)
    report = delivery.deliver_due(claimed, RENDERERS)
    assert report.throttled
    assert _row(engine).status == "pending"
    assert claimed.pacer.interval == 0.0
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
    """A 5xx is not re-posted at once by the client: the row is tried again later (after
    looking whether Slack posted it after all), and then delivered."""
    fake_slack.fail("chat.postMessage", status=503)
    assert delivery.deliver_due(claimed, RENDERERS).retrying == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    row = _row(engine)
    assert row.status == "pending"
    assert row.next_attempt_at > DUE + timedelta(minutes=1)
    assert delivery.deliver_due(claimed, RENDERERS).sent == 0  # not before its time
    later = dataclasses.replace(claimed, clock=lambda: row.next_attempt_at)
    assert delivery.deliver_due(later, RENDERERS).sent == 1
    assert len(fake_slack.messages_to("U0ONE")) == 1
    assert len(fake_slack.calls_to("conversations.history")) == 1


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


def test_a_lost_answer_after_slack_posted_sends_nothing_twice(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """A 502 that comes after Slack posted: the client does not re-post by itself, and the
    retry finds the message by its metadata instead of posting again."""
    fake_slack.fail("chat.postMessage", status=502, acted=True)
    assert delivery.deliver_due(claimed, RENDERERS).retrying == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    row = _row(engine)
    assert (row.last_error or "").startswith("unconfirmed")
    later = dataclasses.replace(claimed, clock=lambda: row.next_attempt_at)
    assert delivery.deliver_due(later, RENDERERS).sent == 1
    (message,) = fake_slack.messages_to("U0ONE")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert (_row(engine).status, _row(engine).message_ts) == ("sent", message["ts"])


def test_a_sender_killed_after_posting_is_not_repeated(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """Posted, then the process died before recording it (the row still leased): once the
    60-second lease runs out the next pass finds the message and marks the row sent."""
    rendered = RENDERERS["prompt"](_row(engine))
    assert isinstance(rendered, tuple)
    text, blocks = rendered
    claimed.slack.chat_postMessage(
        channel="U0ONE", text=text, blocks=blocks, metadata=posted.metadata(_row(engine).key)
    )
    with Session(engine) as session:
        row = session.exec(select(Outbox)).one()
        row.status, row.attempts = "sending", 1
        row.lease_until = DUE + timedelta(minutes=1, seconds=30)
        session.add(row)
        session.commit()
    assert delivery.deliver_due(claimed, RENDERERS).sent == 0  # still leased
    after = dataclasses.replace(claimed, clock=lambda: DUE + timedelta(minutes=2))
    assert delivery.deliver_due(after, RENDERERS).sent == 1
    assert len(fake_slack.messages_to("U0ONE")) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert _row(engine).status == "sent"


def test_a_database_error_after_posting_costs_no_duplicate_and_no_other_row(
    deps: Deps, engine: Engine, fake_slack: FakeSlack, db_url: str
) -> None:
    """Recording one row fails (a real database error, from a trigger): the other agents'
    prompts still go out in the same pass, and the failed row is later found, not re-sent."""
    add_agents(engine, fake_slack, {"U0ONE": "UTC", "U0TWO": "UTC", "U0THREE": "UTC"})
    now = DUE + timedelta(minutes=1)
    with Session(engine) as session:
        assert checkins.claim_due_prompts(session=session, now=now).claimed == 3
        session.commit()
    _fail_marking_sent(engine, db_url, "prompt:U0TWO:2026-11-24")
    at = dataclasses.replace(deps, clock=lambda: now)
    report = delivery.deliver_due(at, RENDERERS)
    assert (report.sent, report.retrying) == (2, 1)
    _stop_failing(engine, db_url)
    after = dataclasses.replace(deps, clock=lambda: now + outbox_rows.LEASE + timedelta(seconds=1))
    assert delivery.deliver_due(after, RENDERERS).sent == 1
    for user in ("U0ONE", "U0TWO", "U0THREE"):
        assert len(fake_slack.messages_to(user)) == 1, user
    with Session(engine) as session:
        assert {row.status for row in session.exec(select(Outbox))} == {"sent"}


def _fail_marking_sent(engine: Engine, db_url: str, key: str) -> None:
    with engine.begin() as connection:
        if db_url.startswith("sqlite"):
            connection.exec_driver_sql(
                "CREATE TRIGGER fail_sent BEFORE UPDATE ON outbox "
                f"WHEN NEW.status = 'sent' AND NEW.key = '{key}' "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
            return
        connection.exec_driver_sql(
            "CREATE FUNCTION fail_sent() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER fail_sent BEFORE UPDATE ON outbox FOR EACH ROW "
            f"WHEN (NEW.status = 'sent' AND NEW.key = '{key}') EXECUTE FUNCTION fail_sent()"
        )


def _stop_failing(engine: Engine, db_url: str) -> None:
    with engine.begin() as connection:
        sqlite = db_url.startswith("sqlite")
        connection.exec_driver_sql("DROP TRIGGER fail_sent" + ("" if sqlite else " ON outbox"))


def test_a_delivered_prompt_is_open_while_its_send_is_unconfirmed(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """The DM reached the agent but Slack's answer was lost: Reflect now works at once."""
    fake_slack.fail("chat.postMessage", status=502, acted=True)
    delivery.deliver_due(claimed, RENDERERS)
    with Session(engine) as session:
        person = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0ONE")
        assert person is not None
        shift = DUE.date()
        assert (
            checkins.open_prompt(
                session=session, person=person, shift_date=shift, now=claimed.clock()
            )
            is not None
        )


def test_a_row_whose_payload_does_not_match_its_kind_fails_with_the_reason(
    claimed: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """A damaged row (here: the prompt's shift date gone) is not sent, not retried, and says
    which field is wrong."""
    with Session(engine) as session:
        row = session.exec(select(Outbox)).one()
        row.payload = '{"shift": "2026-11-24"}'
        session.add(row)
        session.commit()
    assert delivery.deliver_due(claimed, RENDERERS).failed == 1
    row = _row(engine)
    assert row.status == "failed"
    assert "prompt payload" in (row.last_error or "")
    assert "shift_date" in (row.last_error or "")
    assert fake_slack.calls_to("chat.postMessage") == []
