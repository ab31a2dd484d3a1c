"""1:1s (issue 15): `/cx-1on1 @agent` gives a lead the agenda — reflections and low ratings
marked "Discuss in 1:1", reflections since the last 1:1, the confidence trend, open and overdue
action items, KPIs against team and target, kudos and named feedback received. *Mark as held*
with notes closes it; the next agenda starts from there. Reflection text appears only where the
lead may read it (bot.services.reading)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select, update

from bot.services import action_items, feedback_life, reading
from bot.services.kpis import Kpis
from bot.services.kudos import Thanks
from bot.services.kudos import received as kudos_received
from bot.services.permissions import Action, Actor, may, refusal
from bot.services.reading import ReadingDenied, Shown
from bot.services.team_settings import Targets
from bot.store import repos
from bot.store.models import ActionItem, OneOnOne, Person, Reflection, SurveyResponse, TeamRole

RECENT = 10  # reflections since the last 1:1, at most
TREND = 8  # confidence scores shown


@dataclass(frozen=True)
class Agenda:
    """What a lead brings to a 1:1 with one agent."""

    agent: str  # Slack user id
    last_held: OneOnOne | None
    readable: bool  # whether the lead may read the agent's reflections
    flagged: list[Shown] = field(default_factory=list)
    ratings: list[SurveyResponse] = field(default_factory=list)  # low ratings marked to discuss
    recent: list[Shown] = field(default_factory=list)
    confidence: list[tuple[date, int]] = field(default_factory=list)  # oldest first
    open_items: list[ActionItem] = field(default_factory=list)
    overdue: int = 0
    kpis: Kpis | None = None
    team_kpis: Kpis | None = None
    targets: Targets | None = None
    kudos: list[Thanks] = field(default_factory=list)
    feedback: list[feedback_life.Received] = field(default_factory=list)  # named only


def _agent_teams(session: Session, agent: Person) -> frozenset[int]:
    return frozenset(
        team.id
        for team, role in repos.teams_of(
            session=session, workspace_id=agent.workspace_id, person_id=agent.id or 0
        )
        if role == TeamRole.AGENT and team.id is not None
    )


def check(*, session: Session, actor: Actor, agent: Person) -> None:
    """ReadingDenied unless the actor may run a 1:1 with the agent (their lead, or an admin)."""
    if not may(actor, Action.RUN_ONE_ON_ONE, subject_id=agent.slack_user_id,
               subject_teams=_agent_teams(session, agent)):  # fmt: skip
        raise ReadingDenied(refusal(Action.RUN_ONE_ON_ONE))


def agenda(*, session: Session, actor: Actor, agent: Person, now: datetime) -> Agenda:
    """The agenda for a 1:1 with `agent` (ReadingDenied if the actor may not run one)."""
    check(session=session, actor=actor, agent=agent)
    last = session.exec(
        select(OneOnOne)
        .where(OneOnOne.agent_id == agent.id)
        .order_by(col(OneOnOne.held_at).desc())
        .limit(1)
    ).first()
    open_to_leads = reading.readable_teams(session=session, subject=agent)
    readable = may(actor, Action.READ_REFLECTIONS, subject_id=agent.slack_user_id,
                   subject_teams=open_to_leads)  # fmt: skip
    rows = session.exec(
        select(Reflection, Person)
        .join(Person, col(Person.id) == Reflection.person_id)
        .where(Reflection.person_id == agent.id)
        .order_by(col(Reflection.shift_date).desc())
        .limit(60)
    ).all()
    since = [
        (r, p) for r, p in rows if last is None or r.submitted_at >= last.held_at
    ][:RECENT]  # fmt: skip
    flagged = [(r, p) for r, p in rows if r.discuss]
    scores = [(r.shift_date, r.confidence) for r, _ in rows if r.confidence is not None]
    today = action_items.local_today(session, agent, now)
    items = action_items.open_items(session=session, person_ids=[agent.id or 0])
    mine, team_kpis, targets = reading.team_figures(session=session, subject=agent, now=now)
    _, thanks = kudos_received(session=session, person=agent, latest=5)
    named = [f for f in feedback_life.received(session=session, person=agent) if f.giver]
    after = last.held_at if last else None
    ratings = session.exec(
        select(SurveyResponse)
        .where(SurveyResponse.person_id == agent.id, col(SurveyResponse.discuss))
        .order_by(col(SurveyResponse.submitted_at))
    ).all()
    return Agenda(
        agent=agent.slack_user_id, last_held=last, readable=readable,
        flagged=reading.shown(session=session, rows=flagged) if readable else [],
        ratings=list(ratings),
        recent=reading.shown(session=session, rows=since) if readable else [],
        confidence=[(day, score) for day, score in scores[:TREND]][::-1] if readable else [],
        open_items=items, overdue=sum(1 for i in items if i.due_date < today),
        kpis=mine, team_kpis=team_kpis, targets=targets,
        kudos=[t for t in thanks if after is None or t.created_at >= after],
        feedback=[f for f in named if after is None or f.shared_at >= after],
    )  # fmt: skip


def mark_held(
    *, session: Session, actor: Actor, lead: Person, agent: Person, notes: str, now: datetime,
    once: str | None = None,
) -> OneOnOne | None:  # fmt: skip
    """Record the 1:1 as held with its notes, and clear the "Discuss in 1:1" marks on the
    agent's reflections and ratings;
    with `once` (the modal's view id) a second submission records nothing (None). The caller
    commits."""
    check(session=session, actor=actor, agent=agent)
    if once is not None and not repos.first_sight(session=session, event_id=once, now=now):
        return None
    assert lead.id is not None
    assert agent.id is not None
    held = OneOnOne(lead_id=lead.id, agent_id=agent.id, held_at=now, notes=notes.strip()[:3000])
    session.add(held)
    session.execute(
        update(Reflection)
        .where(col(Reflection.person_id) == agent.id, col(Reflection.discuss))
        .values(discuss=False)
    )
    session.execute(
        update(SurveyResponse)
        .where(col(SurveyResponse.person_id) == agent.id, col(SurveyResponse.discuss))
        .values(discuss=False)
    )
    return held


def discuss_rating(*, session: Session, actor: Actor, survey_id: int) -> SurveyResponse:
    """Mark a rating (from its alert) for the next 1:1 with its agent: for whoever may run that
    1:1 (ReadingDenied otherwise, LookupError for a rating that is gone). The caller commits."""
    survey = session.get(SurveyResponse, survey_id)
    agent = session.get(Person, survey.person_id) if survey and survey.person_id else None
    if survey is None or agent is None:
        raise LookupError("That rating is no longer stored.")
    check(session=session, actor=actor, agent=agent)
    survey.discuss = True
    session.add(survey)
    return survey
