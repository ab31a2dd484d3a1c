"""Celebrations: each milestone reached once, ever; a team's milestones of a day in one post to
its channel, once, whatever the number of clocks; nothing about a week before the team or the
agent existed; the top-CSAT count is the team's; opted-out agents are never named."""

import dataclasses
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from bot import delivery
from bot.blocks.renderers import RENDERERS
from bot.deps import Deps
from bot.scheduler import run_milestones
from bot.services import outbox
from bot.services.payloads import OutboxKind
from bot.store.db import make_engine, make_session_factory
from bot.store.models import (
    Membership,
    Milestone,
    Outbox,
    OutboxStatus,
    Person,
    Reflection,
    Team,
)
from tests.fakeslack import FakeSlack
from tests.test_digests import tier1

__all__ = ["tier1"]  # the fixture used below: Tier 1, New York, week 47 of 2026 with CSAT 100 %

MONDAY = datetime(2026, 11, 24, 12, tzinfo=UTC)  # week 47 (16-22 Nov) is last week


def _reflected(engine: Engine, agent: str, shifts: int, before: datetime) -> None:
    """`shifts` answered check-ins on consecutive days before `before` (prompt sent, answered)."""
    with Session(engine) as session:
        person = session.exec(select(Person).where(Person.slack_user_id == agent)).one()
        assert person.id is not None
        for n in range(1, shifts + 1):
            day = (before - timedelta(days=n)).date()
            outbox.claim(
                session, key=f"prompt:{person.id}:{day}", kind=OutboxKind.PROMPT,
                workspace_id="T0001", channel=agent, person_id=person.id,
                payload={"shift_date": day.isoformat()},
                due=before - timedelta(days=n), now=before, status=OutboxStatus.SENT,
                shift_date=day,
            )  # fmt: skip
            session.add(Reflection(workspace_id="T0001", person_id=person.id, shift_date=day))
        session.commit()


def _team(engine: Engine, **changes: object) -> None:
    with Session(engine) as session:
        team = session.exec(select(Team)).one()
        for name, value in changes.items():
            setattr(team, name, value)
        session.add(team)
        session.commit()


def _run(deps: Deps, at: datetime, *engines: Engine) -> None:
    """The milestone job on each clock (engine), then delivery."""
    for clock in engines or (deps.engine,):
        run_milestones(dataclasses.replace(
            deps, engine=clock, session=make_session_factory(clock), clock=lambda: at))  # fmt: skip
    delivery.deliver_due(dataclasses.replace(deps, clock=lambda: at), RENDERERS)


def _posts(fake: FakeSlack) -> list[str]:
    return [json.dumps(m, ensure_ascii=False) for m in fake.messages_to("C0CELEB")]


def test_a_days_milestones_go_out_in_one_post_once_and_escaped(
    tier1: Team, engine: Engine, deps: Deps, fake_slack: FakeSlack, db_url: str
) -> None:
    """Targets met, five top scores and a 10-shift streak: one post listing all four, with
    three runs on two clocks; a team name cannot ping the channel."""
    _team(engine, name="Tier 1 <!channel>")
    _reflected(engine, "U0BEN", 10, MONDAY)
    second = make_engine(db_url)
    _run(deps, MONDAY, engine, second, engine)
    second.dispose()
    (post,) = _posts(fake_slack)
    assert "Celebrating Tier 1 &lt;!channel&gt; today" in post
    assert "met its CSAT target last week: 100 % (target 85 %)" in post
    assert "met its first-contact resolution target last week" in post
    assert "<@U0ANA> collected 5 top CSAT scores (5 of 5) last week!" in post
    assert "<@U0BEN> has reflected on 10 shifts in a row" in post
    assert "<!channel>" not in post


def test_a_milestone_reached_after_the_days_post_waits_for_the_next_day(
    tier1: Team, engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """The team asks for 6 top scores: Monday's post has the targets only. Lowered to 5 the
    same afternoon, Ana's week is reached but waits; Tuesday's post has it, alone."""
    _team(engine, top_csat_scores=6)
    _run(deps, MONDAY)
    _team(engine, top_csat_scores=5)
    _run(deps, MONDAY + timedelta(hours=3))
    (monday,) = _posts(fake_slack)
    assert "top CSAT" not in monday
    assert "met its CSAT target" in monday
    _run(deps, MONDAY + timedelta(days=1))
    tuesday = _posts(fake_slack)[1]
    assert "<@U0ANA> collected 5 top CSAT scores" in tuesday
    assert "target" not in tuesday
    _run(deps, MONDAY + timedelta(days=2))
    assert len(_posts(fake_slack)) == 2  # reached once, celebrated once


def test_nothing_about_a_week_before_the_team_or_the_agent_existed(
    tier1: Team, engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """Ana joined on Wednesday of last week: her top scores are not the team's to celebrate;
    a team created that Friday celebrates nothing about the week at all."""
    with Session(engine) as session:
        ana = session.exec(select(Person).where(Person.slack_user_id == "U0ANA")).one()
        membership = session.exec(select(Membership).where(Membership.person_id == ana.id)).one()
        membership.created_at = datetime(2026, 11, 18, tzinfo=UTC)
        session.add(membership)
        session.commit()
    _run(deps, MONDAY)
    (post,) = _posts(fake_slack)
    assert "U0ANA" not in post
    assert "met its CSAT target" in post
    _team(engine, created_at=datetime(2026, 11, 20, tzinfo=UTC))
    with Session(engine) as session:  # as if nothing had been celebrated yet
        session.execute(delete(Milestone))
        session.execute(delete(Outbox))
        session.commit()
    _run(deps, MONDAY + timedelta(days=1))
    assert len(_posts(fake_slack)) == 1


def test_agents_who_opted_out_are_never_named(
    tier1: Team, engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """Ana said "Don't name me in milestones": the team's targets are celebrated, not her."""
    with Session(engine) as session:
        ana = session.exec(select(Person).where(Person.slack_user_id == "U0ANA")).one()
        ana.milestones_opt_out = True
        session.add(ana)
        session.commit()
    _run(deps, MONDAY)
    (post,) = _posts(fake_slack)
    assert "U0ANA" not in post
    assert "met its CSAT target" in post
