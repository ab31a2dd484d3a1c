"""The welcome DM (issue 16): each person added to a team as an agent hears once, from the next
clock pass, what CX Coach does, their team and lead, their shift and next check-in in their
zone, the questions they will be asked, who reads what, and how to pause — with *Send me a test
check-in*. Claimed in the outbox by person (`welcome:<person>`): once ever, whatever the clocks.
Only for memberships made in the last day, so an upgrade does not greet everyone already here."""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.services import outbox, shifts
from bot.services.templates import questions_for
from bot.store import repos
from bot.store.models import Membership, Outbox, Person, Team, TeamRole

KIND = "welcome"
RECENT = timedelta(days=1)


def key_of(person_id: int) -> str:
    """The claim key: one welcome per person, ever."""
    return f"{KIND}:{person_id}"


def claim_due(*, session: Session, now: datetime) -> int:
    """Claim a welcome for each active person made an agent in the last day who has none yet;
    how many. The caller commits."""
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
        return 0
    taken = set(session.exec(select(Outbox.key).where(col(Outbox.key).in_(list(wanted)))).all())
    claimed = 0
    for key, person in wanted.items():
        if key in taken:
            continue
        claimed += len(outbox.claim(
            session, key=key, kind=KIND, workspace_id=person.workspace_id,
            channel=person.slack_user_id, person_id=person.id,
            payload=payload_for(session=session, person=person, now=now), due=now, now=now,
        ))  # fmt: skip
    return claimed


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
