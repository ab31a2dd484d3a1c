"""Who someone is: profile caching and roles."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.services.people import (
    Role,
    SlackProfile,
    away_status,
    profile_is_stale,
    record_profile,
    standing,
)
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


@pytest.mark.parametrize(
    ("text", "emoji", "expiration", "expected"),
    [
        ("Vacationing", ":palm_tree:", 0, (":palm_tree: Vacationing", None)),
        (
            "",
            ":face_with_thermometer:",
            1795600000,
            (":face_with_thermometer:", datetime.fromtimestamp(1795600000, UTC)),
        ),
        ("OOO till Monday", "", 0, ("OOO till Monday", None)),
        ("on parental leave", ":baby:", 0, (":baby: on parental leave", None)),
        ("In a meeting", ":spiral_calendar_pad:", 0, (None, None)),
        ("Working remotely", ":house_with_garden:", 0, (None, None)),
        ("Booking a room", "", 0, (None, None)),  # "ooo" only as a word
        ("", "", 0, (None, None)),
    ],
)
def test_a_slack_status_pauses_check_ins_only_when_it_means_away(
    text: str, emoji: str, expiration: int, expected: tuple[str | None, datetime | None]
) -> None:
    """Vacation, sick and leave statuses (Slack's presets or typed) count; meetings do not."""
    assert away_status(text, emoji, expiration) == expected
