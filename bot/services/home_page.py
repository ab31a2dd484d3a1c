"""Everything one person's App Home shows, gathered in one read (issue 17): their standing and
schedule, history, action items, feedback and kudos, who read their reflections; for a lead each
team's week, latest reflections and themes; for an admin the delivery problems and the set-up
checklist. The listener fetches the page, bot.blocks.home renders it, and it is published."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.services import (
    action_items,
    feedback_life,
    history,
    kudos,
    people,
    periods,
    reading,
    reflections,
    setup_checklist,
    shifts,
    team_view,
    teams,
    theme_report,
    your_data,
)
from bot.services.feedback_life import Received, RequestStatus, Waiting
from bot.services.history import History
from bot.services.kudos import Thanks
from bot.services.people import Standing
from bot.services.permissions import Actor
from bot.services.reading import Shown
from bot.services.setup_checklist import Step
from bot.services.shifts import ShiftOverview
from bot.services.team_view import DeliveryProblem, TeamWeek
from bot.services.templates import Question
from bot.services.theme_report import ThemeReport
from bot.services.your_data import YourData
from bot.store import repos
from bot.store.models import ActionItem, Person, Team

HOME_THEMES = "30d"  # the period of a lead's themes on the App Home


@dataclass(frozen=True)
class LeadTeam:
    """A team the person leads: its week, its newest reflections, its last 30 days' themes."""

    team: Team
    week: TeamWeek
    latest: list[Shown]
    themes: ThemeReport


@dataclass(frozen=True)
class HomePage:
    """One person's App Home, as data."""

    person: Person
    actor: Actor
    standing: Standing
    schedule: ShiftOverview
    managed: list[Team]  # teams they may edit something of
    history: History
    led: list[LeadTeam]
    problems: list[DeliveryProblem]  # admins
    items: list[ActionItem]
    received: list[Received]
    waiting: list[Waiting]
    requests: list[RequestStatus]
    kudos_total: int
    kudos_latest: list[Thanks]
    reads: list[tuple[str, datetime]]  # leads who opened their reflections lately
    readable: bool  # whether any lead may read their reflections
    questions: tuple[Question, ...]
    checklist: list[Step]  # admins, until set up
    data: YourData  # what is kept about them and who reads it


def build(*, session: Session, person: Person, admins: tuple[str, ...], now: datetime) -> HomePage:
    """The person's page (a fresh copy of `person` from this session)."""
    person = repos.fresh(session, person)
    assert person.id is not None
    workspace_id = person.workspace_id
    actor = people.actor(session=session, person=person, admins=admins)
    managed = teams.visible_teams(session=session, workspace_id=workspace_id, actor=actor)
    led = [
        LeadTeam(team, team_view.team_week(session=session, team=team, now=now),
                 reading.latest_for_team(session=session, team=team, now=now),
                 _themes(session, team, now))
        for team in managed if team.id in actor.leads
    ]  # fmt: skip
    total, latest = kudos.received(session=session, person=person)
    return HomePage(
        person=person, actor=actor,
        standing=people.standing(session=session, person=person, admins=admins),
        schedule=shifts.overview(session=session, person=person,
                                 teams=repos.team_list_of(session=session, person=person), now=now),
        managed=managed, history=history.history(session=session, person=person, now=now),
        led=led,
        problems=(team_view.delivery_problems(session=session, workspace_id=workspace_id, now=now)
                  if actor.is_admin else []),
        items=action_items.open_items(session=session, person_ids=[person.id]),
        received=feedback_life.received(session=session, person=person),
        waiting=feedback_life.waiting_for(session=session, person=person, now=now),
        requests=feedback_life.my_requests(session=session, person=person, now=now),
        kudos_total=total, kudos_latest=latest,
        reads=reading.reads_of(session=session, person=person, now=now),
        readable=bool(reading.readable_teams(session=session, subject=person)),
        questions=reflections.template_of(session=session, person=person)[0],
        checklist=(setup_checklist.steps(session=session, workspace_id=workspace_id)
                   if actor.is_admin else []),
        data=your_data.summary(session=session, person=person),
    )  # fmt: skip


def _themes(session: Session, team: Team, now: datetime) -> ThemeReport:
    """The team's themes of the last 30 days (cached for a while: bot.services.theme_report)."""
    period = periods.parse(HOME_THEMES, now=now, zone=team.timezone)
    return theme_report.cached(session=session, team=team, period=period, now=now)
