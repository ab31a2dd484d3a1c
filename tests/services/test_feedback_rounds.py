"""Scheduled feedback rounds, reminders and expiry: who reviews whom, claimed once, asked at
shift end; anonymous round answers shared only three at a time."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.blocks.feedback_messages import closed_message
from bot.services import feedback, feedback_life, feedback_rounds, teams
from bot.services.permissions import OPERATOR
from bot.store import repos
from bot.store.db import make_engine
from bot.store.models import FeedbackAsk, FeedbackRequest, FeedbackRound, Outbox, Person
from tests.checkin_helpers import add_agents
from tests.fakeslack import FakeSlack

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AGENTS = ("U0ANA", "U0BEN", "U0CAT", "U0DAN")


@pytest.mark.parametrize("size", range(2, 13))
def test_every_agent_gets_two_reviewers_and_nobody_reviews_more_than_two(size: int) -> None:
    """No self-review, at most two reviews each, two reviewers each (one in a team of two)."""
    agents = list(range(100, 100 + size))
    plan = feedback_rounds.assign(agents, set(), seed=f"s{size}")
    assert set(plan) == set(agents)
    for subject, reviewers in plan.items():
        assert subject not in reviewers
        assert len(set(reviewers)) == len(reviewers) == min(2, size - 1)
    load = [r for reviewers in plan.values() for r in reviewers]
    assert max(load.count(r) for r in set(load)) <= 2


def test_last_rounds_pairs_are_avoided_when_the_team_allows() -> None:
    """In a team of eight, a new round repeats none of the previous round's pairs."""
    agents = list(range(8))
    first = feedback_rounds.assign(agents, set(), seed="w47")
    pairs = {(r, s) for s, reviewers in first.items() for r in reviewers}
    second = feedback_rounds.assign(agents, pairs, seed="w48")
    assert not {(r, s) for s, reviewers in second.items() for r in reviewers} & pairs
    assert feedback_rounds.assign(agents, pairs, seed="w48") == second  # same seed, same plan


def test_round_periods() -> None:
    """Weekly by ISO week, every two weeks by pairs of weeks, monthly by month; off is none."""
    day = MONDAY.date()
    assert feedback_rounds.period_of("weekly", day) == "2026-W48"
    assert feedback_rounds.period_of("biweekly", day) == feedback_rounds.period_of(
        "biweekly", day - timedelta(days=7)
    )  # weeks 47 and 48
    assert feedback_rounds.period_of("biweekly", day) != feedback_rounds.period_of(
        "biweekly", day + timedelta(days=7)
    )
    assert feedback_rounds.period_of("monthly", day) == "2026-11"
    assert feedback_rounds.period_of("off", day) is None


@pytest.fixture
def weekly(engine: Engine, fake_slack: FakeSlack) -> None:
    """Four agents (shift ends 17:30 New York) on a team with weekly rounds."""
    add_agents(engine, fake_slack, dict.fromkeys(AGENTS, "America/New_York"))
    with Session(engine) as session:
        team = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert team is not None
        teams.save(
            session=session,
            workspace_id="T0001",
            actor=OPERATOR,
            team_id=team.id,
            form=teams.TeamForm(feedback_rounds="weekly"),
        )
        session.commit()


def test_two_clocks_start_one_round_asking_at_each_reviewers_shift_end(
    weekly: None, engine: Engine, db_url: str
) -> None:
    """Both clocks try; one round with eight asks, each DM due at the reviewer's 17:30."""
    second = make_engine(db_url)
    for clock in (engine, second, engine):
        with Session(clock) as session:
            feedback_rounds.claim_rounds(session=session, now=MONDAY)
            session.commit()
    second.dispose()
    with Session(engine) as session:
        assert len(session.exec(select(FeedbackRound)).all()) == 1
        assert len(session.exec(select(FeedbackAsk)).all()) == 8
        dues = {o.due_at for o in session.exec(select(Outbox).where(Outbox.kind == "feedback_ask"))}
    assert dues == {datetime(2026, 11, 23, 22, 30, tzinfo=UTC)}  # 17:30 in New York


def _people(session: Session) -> dict[str, Person]:
    found = {}
    for user in AGENTS:
        person = repos.get_person(session=session, workspace_id="T0001", slack_user_id=user)
        assert person is not None
        found[user] = person
    return found


def _answer_round(engine: Engine, count: int) -> list[int]:
    """The first `count` round asks answered anonymously; the outbox ids released."""
    released: list[int] = []
    with Session(engine) as session:
        asks = session.exec(select(FeedbackAsk).order_by(col(FeedbackAsk.id))).all()[:count]
        for entry in asks:
            reviewer = session.get(Person, entry.reviewer_id)
            assert reviewer is not None
            released += feedback.answer(
                session=session,
                ask_id=entry.id or 0,
                reviewer=reviewer,
                given=feedback.Answer(f"well {entry.id}", None, anonymous=True),
                now=MONDAY + timedelta(hours=14),
            )
        session.commit()
    return released


def test_round_answers_are_shared_once_three_exist_in_the_round(
    weekly: None, engine: Engine
) -> None:
    """Two anonymous answers in the round wait; the third shares all three, each to its agent."""
    with Session(engine) as session:
        feedback_rounds.claim_rounds(session=session, now=MONDAY)
        session.commit()
    assert _answer_round(engine, 2) == []
    assert _answer_round(engine, 1) != []
    with Session(engine) as session:
        batches = session.exec(select(Outbox).where(Outbox.kind == "feedback_batch")).all()
        shared = sum(len(json.loads(row.payload)["answers"]) for row in batches)
        people = {p.id: p.slack_user_id for p in session.exec(select(Person)).all()}
        requests = {r.id: r for r in session.exec(select(FeedbackRequest)).all()}
    assert shared == 3
    for row in batches:  # each agent gets only answers about themself
        subject = json.loads(row.payload)["subject"]
        assert row.channel == subject
        assert subject in {people[r.subject_id] for r in requests.values()}


def test_one_reminder_after_a_day_and_a_summary_on_expiry(weekly: None, engine: Engine) -> None:
    """Pending asks are reminded once, 24 h after their DM went out; at expiry the asker learns
    what came back, including anonymous answers too few to share."""
    with Session(engine) as session:
        people = _people(session)
        feedback.ask(
            session=session,
            asked_by=people["U0ANA"],
            subject=people["U0ANA"],
            reviewers=[people["U0BEN"], people["U0CAT"]],
            topic=None,
            now=MONDAY,
        )
        session.commit()
        for row in session.exec(select(Outbox)).all():  # the ask DMs went out at MONDAY
            row.status, row.sent_at = "sent", MONDAY
            session.add(row)
        session.commit()
        assert feedback_life.claim_reminders(session=session, now=MONDAY + timedelta(hours=23)) == 0
        assert feedback_life.claim_reminders(session=session, now=MONDAY + timedelta(hours=25)) == 2
        assert feedback_life.claim_reminders(session=session, now=MONDAY + timedelta(hours=26)) == 0
        ask_id = session.exec(
            select(FeedbackAsk.id).where(FeedbackAsk.reviewer_id == people["U0BEN"].id)
        ).one()
        feedback.answer(
            session=session,
            ask_id=ask_id or 0,
            reviewer=people["U0BEN"],
            given=feedback.Answer("Calm", None, anonymous=True),
            now=MONDAY + timedelta(days=2),
        )
        session.commit()
        assert feedback_life.expire(session=session, now=MONDAY + timedelta(days=6)) == 0
        assert feedback_life.expire(session=session, now=MONDAY + timedelta(days=7)) == 1
        session.commit()
        (summary,) = session.exec(select(Outbox).where(Outbox.kind == "feedback_closed")).all()
    payload = json.loads(summary.payload)
    assert (payload["withheld"], payload["unanswered"], summary.channel) == (1, 1, "U0ANA")
    text = json.dumps(closed_message(payload)[1])
    assert "1 anonymous answer will never reach you" in text
    assert "No answer from 1 colleague." in text
    assert "U0CAT" not in text  # who stayed silent would point at who answered anonymously


def test_an_expired_request_cannot_be_answered(weekly: None, engine: Engine) -> None:
    """Answering after the request's days are up is refused with the reason."""
    with Session(engine) as session:
        people = _people(session)
        request, _ = feedback.ask(
            session=session,
            asked_by=people["U0ANA"],
            subject=people["U0ANA"],
            reviewers=[people["U0BEN"]],
            topic=None,
            now=MONDAY,
        )
        session.commit()
        ask_id = session.exec(select(FeedbackAsk.id)).one()
        with pytest.raises(feedback.FeedbackError, match="expired"):
            feedback.answer(
                session=session,
                ask_id=ask_id or 0,
                reviewer=people["U0BEN"],
                given=feedback.Answer("x", None),
                now=request.expires_at,
            )
