"""A team's action items for its leads (issue 15): what is open, what is overdue (in the team's
zone) and what was done lately, with who set each. Items a lead assigned are always shown to
the team's leads; an agent's own items (born from their reflections) only where the team lets
its leads read reflections. An admin who does not lead the team sees the assigned ones."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.services import schedule
from bot.services.permissions import Action, Actor, may, refusal
from bot.services.reading import ReadingDenied
from bot.store.models import ActionItem, ItemStatus, Membership, Person, Team, TeamRole

DONE_DAYS = 30  # done items shown


@dataclass(frozen=True)
class TeamItem:
    """One action item as a lead sees it."""

    id: int
    agent: str  # Slack user id
    text: str
    due: date
    assigned_by: str | None  # the lead's Slack user id; None: the agent's own
    done_at: datetime | None


@dataclass(frozen=True)
class TeamItems:
    """A team's items: open ones, soonest due first, and those done in the last DONE_DAYS."""

    team: Team
    today: date  # in the team's zone
    open: list[TeamItem]
    done: list[TeamItem]

    @property
    def overdue(self) -> list[TeamItem]:
        """Open items whose due date has passed in the team's zone."""
        return [item for item in self.open if item.due < self.today]


def for_team(*, session: Session, team: Team, now: datetime, own_items: bool) -> TeamItems:
    """The team's current agents' items; with `own_items`, agents' own items too."""
    lead = aliased(Person)
    query = (
        select(ActionItem, Person.slack_user_id, lead.slack_user_id)
        .join(Person, col(Person.id) == ActionItem.person_id)
        .join(Membership, col(Membership.person_id) == ActionItem.person_id)
        .outerjoin(lead, col(lead.id) == ActionItem.assigned_by_id)
        .where(
            Membership.team_id == team.id,
            Membership.role == TeamRole.AGENT.value,
            or_(
                col(ActionItem.status) == ItemStatus.OPEN,
                col(ActionItem.done_at) >= now - timedelta(DONE_DAYS),
            ),
        )
        .order_by(col(ActionItem.due_date), col(ActionItem.id))
    )
    if not own_items:
        query = query.where(col(ActionItem.assigned_by_id).is_not(None))
    rows = session.exec(query).all()
    items = [
        (item.status, TeamItem(item.id or 0, agent, item.text, item.due_date, by, item.done_at))
        for item, agent, by in rows
    ]
    done = sorted((i for status, i in items if status == ItemStatus.DONE),
                  key=lambda i: i.done_at or now, reverse=True)  # fmt: skip
    return TeamItems(
        team=team, today=now.astimezone(schedule.zone_named(team.timezone)).date(),
        open=[i for status, i in items if status == ItemStatus.OPEN], done=done,
    )  # fmt: skip


def for_actor(*, session: Session, actor: Actor, team_id: int, now: datetime) -> TeamItems:
    """The team's items for the asker: its leads and admins (ReadingDenied for anyone else,
    LookupError for a team that is gone)."""
    team = session.get(Team, team_id)
    if team is None:
        raise LookupError("That team no longer exists.")
    if not may(actor, Action.TRACK_ACTIONS, team_id=team_id):
        raise ReadingDenied(refusal(Action.TRACK_ACTIONS))
    own = team.leads_read_reflections and team_id in actor.leads
    return for_team(session=session, team=team, now=now, own_items=own)
