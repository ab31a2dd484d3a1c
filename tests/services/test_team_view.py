"""The lead's view of their team: participation this week, quiet agents, training needs; and
the admins' list of messages Slack refused."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.services import team_view, teams
from bot.services.permissions import OPERATOR
from bot.store import repos
from bot.store.models import Outbox, Reflection, Team

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # Thursday; the week began Monday 23rd


def _prompt(session: Session, person_id: int, user: str, day: date, status: str = "sent") -> None:
    due = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=17)
    session.add(
        Outbox(
            workspace_id="T0001", key=f"prompt:{user}:{day}", kind="prompt", person_id=person_id,
            channel=user, payload=json.dumps({"shift_date": str(day)}), due_at=due,
            next_attempt_at=due, status=status,
            last_error="user_not_found" if status == "failed" else None,
        )
    )  # fmt: skip


def _answer(session: Session, person_id: int, day: date, training: str = "") -> None:
    session.add(
        Reflection(
            workspace_id="T0001", person_id=person_id, shift_date=day,
            answers=json.dumps({"well": "ok", "training": training}),
        )
    )  # fmt: skip


@pytest.fixture
def team(engine: Engine) -> Team:
    """Tier 1 with agents U0A (answers), U0B (never answers) and U0C (asks for training)."""
    days = [date(2026, 11, d) for d in range(20, 26)]
    with Session(engine) as session:
        team = teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="Tier 1", members=frozenset({"U0A", "U0B", "U0C"})),
        )  # fmt: skip
        ids: dict[str, int] = {}
        for user in ("U0A", "U0B", "U0C"):
            person = repos.get_person(session=session, workspace_id="T0001", slack_user_id=user)
            assert person is not None
            assert person.id is not None
            ids[user] = person.id
        for day in days[3:]:
            _prompt(session, ids["U0A"], "U0A", day)
            _answer(session, ids["U0A"], day)
        for day in days:
            _prompt(session, ids["U0B"], "U0B", day)
        for day, need in ((days[4], "Billing system, refunds"), (days[5], "billing system!")):
            _prompt(session, ids["U0C"], "U0C", day)
            _answer(session, ids["U0C"], day, need)
        session.commit()
        session.refresh(team)
        session.expunge(team)
        return team


def test_participation_this_week(engine: Engine, team: Team) -> None:
    """Answered ÷ prompts sent since Monday, over the team's agents: 5 of 8."""
    with Session(engine) as session:
        week = team_view.team_week(session=session, team=team, now=NOW)
    assert (week.answered, week.prompts) == (5, 8)
    assert week.participation_pct == pytest.approx(62.5)


def test_quiet_agents_are_those_with_three_closed_unanswered_shifts(
    engine: Engine, team: Team
) -> None:
    """Only U0B has three closed prompts in a row without an answer."""
    with Session(engine) as session:
        assert team_view.team_week(session=session, team=team, now=NOW).quiet == ["U0B"]


def test_training_needs_are_grouped_and_counted(engine: Engine, team: Team) -> None:
    """ "Billing system" and "billing system!" count as one need, asked twice."""
    with Session(engine) as session:
        needs = team_view.team_week(session=session, team=team, now=NOW).training_needs
    assert needs == [("billing system", 2), ("refunds", 1)]


def test_no_prompts_is_no_data(engine: Engine) -> None:
    """A new team shows no participation figure rather than 0 %."""
    with Session(engine) as session:
        team = teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="New"),
        )  # fmt: skip
        assert team_view.team_week(session=session, team=team, now=NOW).participation_pct is None


def test_delivery_problems_list_failed_sends(engine: Engine, team: Team) -> None:
    """A send Slack refused for good is listed with its reason for a week."""
    with Session(engine) as session:
        person = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0A")
        assert person is not None
        assert person.id is not None
        _prompt(session, person.id, "U0A", date(2026, 11, 19), status="failed")
        session.commit()
        problems = team_view.delivery_problems(session=session, workspace_id="T0001", now=NOW)
        later = team_view.delivery_problems(
            session=session, workspace_id="T0001", now=NOW + timedelta(days=7)
        )
    assert [(p.channel, p.error) for p in problems] == [("U0A", "user_not_found")]
    assert later == []


def test_training_needs_stay_private_when_leads_do_not_read(engine: Engine, team: Team) -> None:
    """A team whose leads do not read reflections shows no training needs from them."""
    with Session(engine) as session:
        row = session.get(Team, team.id)
        assert row is not None
        row.leads_read_reflections = False
        session.add(row)
        session.commit()
        week = team_view.team_week(session=session, team=row, now=NOW)
    assert week.training_needs == []
    assert (week.answered, week.prompts) == (5, 8)  # counts are not answers
