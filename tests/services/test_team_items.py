"""A team's action items for its leads: open ones soonest first, overdue ones counted in the
team's zone, done ones for 30 days; items a lead set always, an agent's own only where the team
lets its leads read reflections; the team's leads and admins only."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.services import team_items, team_view, teams
from bot.services.permissions import OPERATOR, Actor
from bot.services.reading import ReadingDenied
from bot.store import repos
from bot.store.models import ActionItem, Person, Team

# 18:00 on Wednesday 25 November in Los Angeles, already Thursday the 26th in UTC.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@pytest.fixture
def team(engine: Engine) -> Team:
    """Tier 1 (Los Angeles): agents U0A and U0B, lead U0LEAD; U0GONE left the team."""
    with Session(engine) as session:
        team = teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="Tier 1", members=frozenset({"U0A", "U0B"}),
                                leads=frozenset({"U0LEAD"}), timezone="America/Los_Angeles"),
        )  # fmt: skip
        session.add(Person(workspace_id="T0001", slack_user_id="U0GONE"))
        session.flush()
        ids = {}
        for user in ("U0A", "U0B", "U0LEAD", "U0GONE"):
            person = repos.get_person(session=session, workspace_id="T0001", slack_user_id=user)
            assert person is not None
            ids[user] = person.id or 0

        def item(user: str, text: str, due: date, **extra: Any) -> None:
            session.add(ActionItem(workspace_id="T0001", person_id=ids[user], text=text,
                                   due_date=due, **extra))  # fmt: skip

        lead = ids["U0LEAD"]
        item("U0A", "Refund <course>", date(2026, 11, 24), assigned_by_id=lead)  # overdue
        item("U0A", "Shadow tier 2", date(2026, 11, 25), assigned_by_id=lead)  # due today there
        item("U0B", "Read the macro guide", date(2026, 11, 30))  # U0B's own
        item("U0B", "Call back Mrs Diaz", date(2026, 11, 20), assigned_by_id=lead,
             status="done", done_at=NOW - timedelta(days=2))  # fmt: skip
        item("U0B", "Old done", date(2026, 9, 1), assigned_by_id=lead, status="done",
             done_at=NOW - timedelta(days=45))  # fmt: skip
        item("U0GONE", "Not on the team", date(2026, 11, 1), assigned_by_id=lead)
        session.commit()
        session.refresh(team)
        session.expunge(team)
        return team


def _lead(team: Team) -> Actor:
    return Actor("U0LEAD", leads=frozenset({team.id or 0}), member_of=frozenset({team.id or 0}))


def test_a_lead_sees_open_overdue_and_lately_done_items_of_the_team(
    engine: Engine, team: Team
) -> None:
    """Overdue is counted on the team's own calendar: due the 25th is not late at 18:00 on the
    25th in Los Angeles, though it is the 26th in UTC."""
    with Session(engine) as session:
        items = team_items.for_actor(session=session, actor=_lead(team), team_id=team.id or 0,
                                     now=NOW)  # fmt: skip
    assert [(i.agent, i.text) for i in items.open] == [
        ("U0A", "Refund <course>"), ("U0A", "Shadow tier 2"), ("U0B", "Read the macro guide"),
    ]  # fmt: skip
    assert [i.text for i in items.overdue] == ["Refund <course>"]
    assert [(i.text, i.assigned_by) for i in items.done] == [("Call back Mrs Diaz", "U0LEAD")]
    assert items.open[2].assigned_by is None  # the agent's own


def test_an_agents_own_items_stay_private_where_leads_do_not_read_reflections(
    engine: Engine, team: Team
) -> None:
    """The team keeps reflections private: the lead sees the items they set, not the agent's
    own; an admin who does not lead the team sees the set ones only, too."""
    with Session(engine) as session:
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=team.id,
                   form=teams.TeamForm(leads_read=False))  # fmt: skip
        session.commit()
        private = team_items.for_actor(session=session, actor=_lead(team), team_id=team.id or 0,
                                       now=NOW)  # fmt: skip
        admin = Actor("U0ADMIN", is_admin=True)
        row = session.get(Team, team.id)
        assert row is not None
        row.leads_read_reflections = True
        session.add(row)
        session.commit()
        as_admin = team_items.for_actor(session=session, actor=admin, team_id=team.id or 0,
                                        now=NOW)  # fmt: skip
        week = team_view.team_week(session=session, team=row, now=NOW)
    assert "Read the macro guide" not in [i.text for i in private.open]
    assert "Read the macro guide" not in [i.text for i in as_admin.open]
    assert week.items is not None
    assert "Read the macro guide" in [i.text for i in week.items.open]


def test_nobody_else_sees_a_teams_items(engine: Engine, team: Team) -> None:
    """An agent of the team is told who may look."""
    agent = Actor("U0A", member_of=frozenset({team.id or 0}))
    with Session(engine) as session, pytest.raises(ReadingDenied, match="team's leads"):
        team_items.for_actor(session=session, actor=agent, team_id=team.id or 0, now=NOW)
