"""Recurring 1:1s: the agenda reaches the lead the working day before, from 09:00 team time,
once; the agent gets a note when the team says so; every two weeks means even ISO weeks."""

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot import delivery
from bot.blocks.one_on_one import agenda_message, agent_note
from bot.blocks.renderers import RENDERERS
from bot.deps import Deps
from bot.services import action_items, one_on_one_schedule, teams
from bot.services.permissions import OPERATOR
from bot.store import repos
from bot.store.models import Team
from tests.checkin_helpers import add_agents
from tests.fakeslack import FakeSlack

FRIDAY_9 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # before Monday 30 Nov (ISO week 49)


def _team(engine: Engine, fake: FakeSlack, **form: Any) -> None:
    add_agents(engine, fake, {"U0AGENT": "UTC"})
    with Session(engine) as session:
        found = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert found is not None
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=found.id,
                   form=teams.TeamForm(leads=frozenset({"U0LEAD"}), **form))  # fmt: skip
        agent = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0AGENT")
        assert agent is not None
        action_items.create(session=session, person=agent, text="Practise the refund macro",
                       due=date(2026, 12, 4), now=FRIDAY_9)  # fmt: skip
        session.commit()


def _run(engine: Engine, deps: Deps, at: datetime) -> int:
    with Session(engine) as session:
        claimed = one_on_one_schedule.claim_due(
            session=session, now=at, lead_message=agenda_message, agent_message=agent_note
        )
        session.commit()
    delivery.deliver_due(dataclasses.replace(deps, clock=lambda: at), RENDERERS)
    return claimed


def test_the_agenda_comes_the_working_day_before_once(
    engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """Weekly on Monday at 10:00: Friday from 09:00 the lead gets the agenda, the agent a note."""
    _team(engine, fake_slack, one_on_ones="weekly", one_on_one_weekday=0,
          one_on_one_time="10:00", one_on_one_to_agent=True)  # fmt: skip
    assert _run(engine, deps, FRIDAY_9 - timedelta(minutes=1)) == 0
    assert _run(engine, deps, FRIDAY_9) == 2
    (agenda,) = fake_slack.messages_to("U0LEAD")
    assert "Your 1:1 with <@U0AGENT> is on Mon 30 Nov at 10:00 (UTC)" in agenda["text"]
    assert "Practise the refund macro" in str(agenda["blocks"])
    (note,) = fake_slack.messages_to("U0AGENT")
    assert "Your 1:1 with <@U0LEAD> is on Mon 30 Nov" in note["text"]
    assert _run(engine, deps, FRIDAY_9 + timedelta(hours=3)) == 0
    assert _run(engine, deps, FRIDAY_9 + timedelta(days=1)) == 0  # Saturday: nothing is due


def test_every_two_weeks_means_even_iso_weeks(engine: Engine, fake_slack: FakeSlack) -> None:
    """Monday 30 Nov is in week 49: the next biweekly Monday is 7 Dec, announced Friday 4 Dec;
    a team without 1:1s has none."""
    _team(engine, fake_slack, one_on_ones="biweekly", one_on_one_weekday=0)
    with Session(engine) as session:
        team = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert team is not None
        assert one_on_one_schedule.next_meeting(team, date(2026, 11, 27)) == date(2026, 12, 7)
        assert one_on_one_schedule.working_day_before(date(2026, 12, 7)) == date(2026, 12, 4)
        off = Team(workspace_id="T0001", name="No 1:1s")
        assert one_on_one_schedule.next_meeting(off, date(2026, 11, 27)) is None
