"""KPIs of a team or an agent over a period, read from the database and computed by
bot.services.kpis (the one place the definitions live)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from bot.services import kpis, people, periods, rollups, teams
from bot.services.periods import Period
from bot.services.permissions import Action, Actor, may, refusal
from bot.services.prompt_claims import PROMPT
from bot.store import repos
from bot.store.models import (
    Membership,
    Outbox,
    OutboxStatus,
    Person,
    Reflection,
    ReflectionStatus,
    TeamRole,
)


class SubjectError(ValueError):
    """An unknown team or agent; the message says which."""


@dataclass(frozen=True)
class Subject:
    """Whose figures: a team's current agents, or one agent; in which zone periods are read."""

    label: str
    person_ids: tuple[int, ...]
    zone: str
    team_id: int | None = None
    business_hours: bool = False  # response times from the helpdesk's business-hours figures


class MetricsDenied(PermissionError):
    """The asker may not see these numbers; the message says who may."""


def check(*, session: Session, actor: Actor, subject: Subject) -> None:
    """MetricsDenied unless the actor may see the subject's numbers: a team's — its members,
    its leads, admins; a person's — themself, their teams' leads, admins."""
    if subject.team_id is not None:
        if not may(actor, Action.VIEW_TEAM_METRICS, team_id=subject.team_id):
            raise MetricsDenied(refusal(Action.VIEW_TEAM_METRICS))
        return
    person = session.get(Person, subject.person_ids[0]) if subject.person_ids else None
    if person is None or person.id is None:
        return  # nobody's numbers: nothing to refuse
    teams = repos.teams_of(session=session, workspace_id=person.workspace_id, person_id=person.id)
    if not may(actor, Action.VIEW_PERSON_METRICS, subject_id=person.slack_user_id,
               subject_teams=frozenset(t.id for t, _ in teams if t.id is not None)):  # fmt: skip
        raise MetricsDenied(refusal(Action.VIEW_PERSON_METRICS))


def per_agent_rows(actor: Actor, subject: Subject) -> bool:
    """Whether a CSV of the subject gets a row per agent (a team's leads and admins)."""
    return subject.team_id is not None and may(actor, Action.EXPORT_AGENT_ROWS,
                                               team_id=subject.team_id)  # fmt: skip


def team_subject(*, session: Session, workspace_id: str, name: str) -> Subject:
    """A team by name: its current agents, in the team's zone."""
    team = teams.find(session=session, workspace_id=workspace_id, name=name)
    if team is None or team.id is None:
        raise SubjectError(f"There is no team called {name}.")
    ids = session.exec(
        select(Membership.person_id).where(
            Membership.team_id == team.id, Membership.role == TeamRole.AGENT.value
        )
    ).all()
    return Subject(team.name, tuple(ids), team.timezone, team.id, team.business_hours)


def agent_subject(*, session: Session, workspace_id: str, slack_user_id: str) -> Subject:
    """One agent (labelled with their name), in their first team's zone (or UTC)."""
    person = repos.get_person(
        session=session, workspace_id=workspace_id, slack_user_id=slack_user_id
    )
    if person is None or person.id is None:
        raise SubjectError(f"No agent {slack_user_id} is known.")
    memberships = repos.teams_of(session=session, workspace_id=workspace_id, person_id=person.id)
    zone = memberships[0][0].timezone if memberships else "UTC"
    business = memberships[0][0].business_hours if memberships else False
    return Subject(people.name_of(person), (person.id,), zone, business_hours=business)


@dataclass(frozen=True)
class Report:
    """What /cx-metrics shows: a period's figures, the previous period's, and team targets."""

    now: kpis.Kpis
    before: kpis.Kpis
    targets: teams.Targets | None


def report(*, session: Session, workspace_id: str, subject: Subject, period: Period) -> Report:
    """The subject's figures for the period and the one before it (and its team's targets)."""
    targets = None
    if subject.team_id is not None:
        team = teams.get(session=session, workspace_id=workspace_id, team_id=subject.team_id)
        targets = teams.detail(session=session, team=team).targets
    earlier = period.previous()
    before, now = participation(session=session, person_ids=subject.person_ids,
                                periods=[earlier, period])  # fmt: skip
    return Report(
        _figures(session, subject, period, now), _figures(session, subject, earlier, before),
        targets,
    )  # fmt: skip


def goal(field: str, targets: teams.Targets) -> tuple[float, bool] | None:
    """A KPI's target and whether higher is better, for the KPIs that have one."""
    goals = {
        "csat_pct": (targets.csat_pct, True), "nps": (targets.nps, True),
        "fcr_pct": (targets.fcr_pct, True), "frt_median_s": (targets.frt_minutes * 60.0, False),
    }  # fmt: skip
    return goals.get(field)


def meets(field: str, value: float | int | None, targets: teams.Targets) -> bool | None:
    """Whether the figure meets the team's target (None: no target, or no figure)."""
    wanted = goal(field, targets)
    if wanted is None or value is None:
        return None
    target, up_good = wanted
    return value >= target if up_good else value <= target


@dataclass(frozen=True)
class TeamLine:
    """One team in an admin's overview."""

    team: str
    period: Period  # in the team's zone
    figures: kpis.Kpis
    met: int  # targets met, of those with a figure
    judged: int


def overview(
    *, session: Session, workspace_id: str, period_text: str, now: datetime
) -> list[TeamLine]:
    """Every team's figures for the period (read in each team's zone) and how many of its
    targets it meets; teams by name."""
    found = []
    for team in sorted(repos.list_teams(session=session, workspace_id=workspace_id),
                       key=lambda team: team.name.lower()):  # fmt: skip
        subject = team_subject(session=session, workspace_id=workspace_id, name=team.name)
        period = periods.parse(period_text, now=now, zone=team.timezone)
        shown = figures(session=session, subject=subject, period=period)
        targets = teams.detail(session=session, team=team).targets
        verdicts = [meets(field, getattr(shown, field), targets)
                    for field in ("csat_pct", "nps", "fcr_pct", "frt_median_s")]  # fmt: skip
        judged = [v for v in verdicts if v is not None]
        found.append(TeamLine(team.name, period, shown, sum(judged), len(judged)))
    return found


def figures(*, session: Session, subject: Subject, period: Period) -> kpis.Kpis:
    """The subject's KPIs for the period: helpdesk figures from the rollups, participation from
    the prompts sent in the period and the reflections answered for them."""
    (counts,) = participation(session=session, person_ids=subject.person_ids, periods=[period])
    return _figures(session, subject, period, counts)


def _figures(session: Session, subject: Subject, period: Period,
             participated: tuple[int, int]) -> kpis.Kpis:  # fmt: skip
    tally = rollups.tally(
        session=session, person_ids=subject.person_ids, start=period.start, end=period.end
    )
    sent, answered = participated
    return kpis.figures(tally, prompts_sent=sent, reflections_answered=answered,
                        business_hours=subject.business_hours)  # fmt: skip


def participation(
    *, session: Session, person_ids: Sequence[int], periods: Sequence[Period]
) -> list[tuple[int, int]]:
    """For each of some back-to-back periods (oldest first): prompts sent in it, and how many
    of those shifts have an answered reflection. One query for all of them."""
    answered = and_(
        col(Reflection.person_id) == col(Outbox.person_id),
        col(Reflection.shift_date) == col(Outbox.shift_date),
        col(Reflection.status) == ReflectionStatus.ANSWERED,
    )
    which = case(
        *((col(Outbox.due_at) >= p.start, i) for i, p in reversed(list(enumerate(periods)))),
        else_=-1,
    )
    rows = session.execute(
        select(which, func.count(col(Outbox.id)), func.count(col(Reflection.id)))
        .select_from(Outbox)
        .outerjoin(Reflection, answered)
        .where(
            col(Outbox.person_id).in_(list(person_ids)),
            Outbox.kind == PROMPT,
            col(Outbox.due_at) >= periods[0].start,
            col(Outbox.due_at) < periods[-1].end,
            Outbox.status == OutboxStatus.SENT.value,
        )
        .group_by(which)
    ).all()
    found = {int(i): (int(sent), int(done)) for i, sent, done in rows}
    return [found.get(i, (0, 0)) for i in range(len(periods))]


def participation_each(
    *, session: Session, person_ids: Sequence[int], period: Period
) -> dict[int, tuple[int, int]]:
    """Per person: prompts sent in the period, and how many of those shifts were answered.
    One query for everyone (the weekly summaries)."""
    answered = and_(
        col(Reflection.person_id) == col(Outbox.person_id),
        col(Reflection.shift_date) == col(Outbox.shift_date),
        col(Reflection.status) == ReflectionStatus.ANSWERED,
    )
    rows = session.execute(
        select(col(Outbox.person_id), func.count(col(Outbox.id)), func.count(col(Reflection.id)))
        .select_from(Outbox)
        .outerjoin(Reflection, answered)
        .where(
            col(Outbox.person_id).in_(list(person_ids)),
            Outbox.kind == PROMPT,
            col(Outbox.due_at) >= period.start,
            col(Outbox.due_at) < period.end,
            Outbox.status == OutboxStatus.SENT.value,
        )
        .group_by(col(Outbox.person_id))
    ).all()
    return {int(person): (int(sent), int(done)) for person, sent, done in rows}
