"""Keyword-only queries; every one is scoped by workspace. The caller owns the transaction."""

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.store import bulk
from bot.store.models import (
    ClockHeartbeat,
    Membership,
    Person,
    SlackEvent,
    Team,
    TeamHoliday,
    Workspace,
)


def ensure_workspace(*, session: Session, workspace_id: str) -> Workspace:
    """Return the workspace row, creating it on first sight (safe under concurrency)."""
    insert = bulk.dialect_insert(session)
    session.execute(insert(Workspace).values(id=workspace_id).on_conflict_do_nothing())
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    return workspace


def get_person(*, session: Session, workspace_id: str, slack_user_id: str) -> Person | None:
    """Find a person by Slack user id inside one workspace."""
    statement = select(Person).where(
        Person.workspace_id == workspace_id, Person.slack_user_id == slack_user_id
    )
    return session.exec(statement).first()


def fresh(session: Session, person: Person) -> Person:
    """The person as the database holds them now, in this session. Use it instead of
    `session.merge` on a Person read in another session: merging copies that (maybe stale) state
    back and writes it on flush, undoing a concurrent change and taking row locks in an order
    that can deadlock two requests on Postgres."""
    return session.exec(select(Person).where(Person.id == person.id)).one()


def teams_of(*, session: Session, workspace_id: str, person_id: int) -> Sequence[tuple[Team, str]]:
    """The teams a person belongs to, with their role in each, by team name."""
    statement = (
        select(Team, Membership.role)
        .join(Membership, col(Membership.team_id) == Team.id)
        .where(Team.workspace_id == workspace_id, Membership.person_id == person_id)
        .order_by(Team.name)
    )
    return [(team, role) for team, role in session.exec(statement).all()]


def list_teams(*, session: Session, workspace_id: str) -> Sequence[Team]:
    """Every team of a workspace, by name."""
    return session.exec(
        select(Team).where(Team.workspace_id == workspace_id).order_by(Team.name)
    ).all()


def first_sight(*, session: Session, event_id: str, now: datetime) -> bool:
    """Record a Slack event id; True the first time, False for a copy (safe under concurrency)."""
    insert = bulk.dialect_insert(session)
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT DO NOTHING.
    inserted = session.execute(
        insert(SlackEvent)
        .values(event_id=event_id, received_at=now)
        .on_conflict_do_nothing()
        .returning(col(SlackEvent.event_id))
    ).first()
    return inserted is not None


def prune_events(*, session: Session, before: datetime) -> int:
    """Forget handled event ids received before `before`; how many."""
    result = session.execute(delete(SlackEvent).where(col(SlackEvent.received_at) < before))
    return int(result.rowcount)  # type: ignore[attr-defined]


def record_heartbeat(*, session: Session, heartbeat: ClockHeartbeat) -> None:
    """Store a scheduler's latest sign of life, replacing the previous one."""
    session.merge(heartbeat)


def team_holidays(*, session: Session, team_ids: Sequence[int]) -> dict[int, frozenset[date]]:
    """Each team's own days off."""
    rows = session.exec(select(TeamHoliday).where(col(TeamHoliday.team_id).in_(team_ids))).all()
    days: dict[int, set[date]] = {team_id: set() for team_id in team_ids}
    for row in rows:
        days[row.team_id].add(row.day)
    return {team_id: frozenset(found) for team_id, found in days.items()}


def workspace_ids(*, session: Session) -> list[str]:
    """Every workspace this installation knows."""
    return list(session.exec(select(Workspace.id)).all())


def people_with_slack_id(*, session: Session, slack_user_id: str) -> Sequence[Person]:
    """Everyone with this Slack id, in any workspace (the operator's CLI picks one)."""
    return session.exec(select(Person).where(Person.slack_user_id == slack_user_id)).all()


def team_list_of(*, session: Session, person: Person) -> list[Team]:
    """The teams a person belongs to (any role), by team name."""
    assert person.id is not None
    return [
        team
        for team, _ in teams_of(
            session=session, workspace_id=person.workspace_id, person_id=person.id
        )
    ]
