"""The welcome DM (issue 16): each person added to a team as an agent hears once, from the next
clock pass, what CX Coach does, their team and lead, their shift and next check-in in their
zone, the questions they will be asked, who reads what, and how to pause — with *Send me a test
check-in*. Claimed in the outbox by person (`welcome:<person>`): once ever, whatever the clocks.
Only for memberships made in the last day, so an upgrade does not greet everyone already here."""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.services import outbox, shifts
from bot.services.payloads import OutboxKind
from bot.services.templates import questions_for
from bot.store import repos
from bot.store.models import Membership, Outbox, OutboxStatus, Person, Team, TeamRole

KIND = OutboxKind.WELCOME
RECENT = timedelta(days=1)


def key_of(person_id: int) -> str:
    """The claim key: one welcome per person, ever."""
    return f"{KIND}:{person_id}"


def claim_due(*, session: Session, now: datetime) -> int:
    """Claim a welcome for each active person made an agent in the last day who has none yet;
    how many. The caller commits. (The clock reads with `due` and claims with `claim` in short
    batches instead: a roster of 500 makes 500 payloads, not to be built under a write lock.)"""
    return claim(session=session, rows=due(session=session, now=now), now=now)


def due(*, session: Session, now: datetime) -> list[tuple[Person, dict[str, object]]]:
    """Who is waiting for a welcome, with what it will say; reads only."""
    rows = session.exec(
        select(Person)
        .join(Membership, col(Membership.person_id) == Person.id)
        .where(
            Membership.role == TeamRole.AGENT.value,
            col(Membership.created_at) >= now - RECENT,
            col(Person.active),
        )
        .distinct()
    ).all()
    wanted = {key_of(p.id): p for p in rows if p.id is not None}
    if not wanted:
        return []
    taken = set(session.exec(select(Outbox.key).where(col(Outbox.key).in_(list(wanted)))).all())
    return [
        (person, payload_for(session=session, person=person, now=now))
        for key, person in wanted.items()
        if key not in taken
    ]


def claim(*, session: Session, rows: list[tuple[Person, dict[str, object]]], now: datetime) -> int:
    """Claim these welcomes (once each, whatever another clock did meanwhile); how many."""
    return len(outbox.claim_many(session, [
        {"workspace_id": person.workspace_id, "key": key_of(person.id or 0), "kind": KIND,
         "person_id": person.id, "channel": person.slack_user_id, "payload": payload,
         "due": now, "status": OutboxStatus.PENDING}
        for person, payload in rows
    ], now=now))  # fmt: skip


def payload_for(*, session: Session, person: Person, now: datetime) -> dict[str, object]:
    """What the welcome says, as it stands when it is claimed."""
    teams = [t for t, role in _teams(session, person) if role == TeamRole.AGENT]
    first: Team | None = teams[0] if teams else None
    leads = sorted({
        lead.slack_user_id
        for team in teams
        for lead in session.exec(
            select(Person)
            .join(Membership, col(Membership.person_id) == Person.id)
            .where(Membership.team_id == team.id, Membership.role == TeamRole.LEAD.value)
        ).all()
    })  # fmt: skip
    all_teams = repos.team_list_of(session=session, person=person)
    view = shifts.overview(session=session, person=person, teams=all_teams, now=now)
    questions = questions_for(first.reflection_template, first.custom_questions) if first else ()
    next_at = next((d.local for d in view.upcoming if d.local is not None), None)
    return {
        "teams": [t.name for t in teams],
        "leads": leads,
        "shift": view.shift.describe() if view.shift else None,
        "zone": view.timezone,
        "next_checkin": next_at.isoformat() if next_at else None,
        "questions": [q.text for q in questions],
        "leads_read": any(t.leads_read_reflections for t in teams),
    }


def _teams(session: Session, person: Person) -> list[tuple[Team, TeamRole]]:
    return [
        (team, TeamRole(role))
        for team, role in repos.teams_of(
            session=session, workspace_id=person.workspace_id, person_id=person.id or 0
        )
    ]
