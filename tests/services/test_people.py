"""Who someone is: profile caching and roles."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.services.people import Role, SlackProfile, profile_is_stale, record_profile, standing
from bot.store.models import Membership, Person, Team, TeamRole

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_profile_is_stale_after_a_day() -> None:
    """A profile is refreshed when unknown, never fetched, or older than a day."""
    assert profile_is_stale(None, NOW)
    assert profile_is_stale(Person(workspace_id="T", slack_user_id="U"), NOW)
    fresh = Person(
        workspace_id="T", slack_user_id="U", profile_refreshed_at=NOW - timedelta(hours=23)
    )
    old = Person(
        workspace_id="T", slack_user_id="U", profile_refreshed_at=NOW - timedelta(hours=25)
    )
    assert not profile_is_stale(fresh, NOW)
    assert profile_is_stale(old, NOW)


@pytest.mark.parametrize(
    ("slack_admin", "in_cx_admins", "team_role", "expected"),
    [
        (True, False, None, Role.ADMIN),
        (False, True, TeamRole.AGENT, Role.ADMIN),
        (False, False, TeamRole.LEAD, Role.LEAD),
        (False, False, TeamRole.AGENT, Role.AGENT),
        (False, False, None, Role.NEWCOMER),
    ],
)
def test_standing_decides_the_role(
    engine: Engine,
    slack_admin: bool,
    in_cx_admins: bool,
    team_role: TeamRole | None,
    expected: Role,
) -> None:
    """Slack admins and CX_ADMINS are admins; otherwise a lead membership makes a lead."""
    with Session(engine) as session:
        person = record_profile(
            session=session,
            workspace_id="T1",
            profile=SlackProfile("U1", "ana", "Asia/Tokyo", is_admin=slack_admin, deleted=False),
            now=NOW,
        )
        if team_role is not None:
            team = Team(workspace_id="T1", name="Tier 2")
            session.add(team)
            session.flush()
            assert team.id is not None
            assert person.id is not None
            session.add(Membership(team_id=team.id, person_id=person.id, role=team_role))
            session.flush()
        result = standing(session=session, person=person, admins=("U1",) if in_cx_admins else ())
    assert result.role is expected
    assert result.timezone == "Asia/Tokyo"


def test_record_profile_updates_and_deactivates(engine: Engine) -> None:
    """A changed Slack profile updates the person; a deleted Slack user becomes inactive."""
    with Session(engine) as session:
        record_profile(
            session=session,
            workspace_id="T1",
            profile=SlackProfile("U1", "ana", "UTC", False, False),
            now=NOW,
        )
        person = record_profile(
            session=session,
            workspace_id="T1",
            profile=SlackProfile("U1", "ana b", "Europe/Paris", False, True),
            now=NOW,
        )
        session.commit()
        assert (person.display_name, person.timezone, person.active) == (
            "ana b",
            "Europe/Paris",
            False,
        )
