"""KPIs of a team or an agent over a period, read from the database and computed by
bot.services.kpis (the one place the definitions live)."""

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bot.services import kpis, teams
from bot.services.checkins import PROMPT
from bot.services.periods import Period
from bot.store import repos
from bot.store.models import (
    HelpdeskTicket,
    Membership,
    Outbox,
    OutboxStatus,
    Reflection,
    SurveyResponse,
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
    return Subject(team.name, tuple(ids), team.timezone, team.id)


def agent_subject(*, session: Session, workspace_id: str, slack_user_id: str) -> Subject:
    """One agent, in their first team's zone (or UTC)."""
    person = repos.get_person(
        session=session, workspace_id=workspace_id, slack_user_id=slack_user_id
    )
    if person is None or person.id is None:
        raise SubjectError(f"No agent {slack_user_id} is known.")
    memberships = repos.teams_of(session=session, workspace_id=workspace_id, person_id=person.id)
    zone = memberships[0][0].timezone if memberships else "UTC"
    return Subject(f"<@{slack_user_id}>", (person.id,), zone)


def figures(*, session: Session, subject: Subject, period: Period) -> kpis.Kpis:
    """The subject's KPIs for the period."""
    ids = list(subject.person_ids)
    tickets = session.exec(
        select(HelpdeskTicket).where(
            col(HelpdeskTicket.person_id).in_(ids),
            col(HelpdeskTicket.solved_at) >= period.start,
            col(HelpdeskTicket.solved_at) < period.end,
        )
    ).all()
    surveys = session.exec(
        select(SurveyResponse).where(
            col(SurveyResponse.person_id).in_(ids),
            col(SurveyResponse.submitted_at) >= period.start,
            col(SurveyResponse.submitted_at) < period.end,
        )
    ).all()
    prompts = session.exec(
        select(Outbox).where(
            col(Outbox.person_id).in_(ids),
            Outbox.kind == PROMPT,
            Outbox.status == OutboxStatus.SENT.value,
            col(Outbox.due_at) >= period.start,
            col(Outbox.due_at) < period.end,
        )
    ).all()
    answered_keys = {
        (r.person_id, r.shift_date)
        for r in session.exec(
            select(Reflection).where(
                col(Reflection.person_id).in_(ids), Reflection.status == "answered"
            )
        ).all()
    }
    answered = sum(
        1
        for p in prompts
        if (p.person_id, date.fromisoformat(json.loads(p.payload)["shift_date"])) in answered_keys
    )
    return kpis.compute(
        period,
        [
            kpis.Ticket(t.created_at, t.first_response_at, t.solved_at, t.agent_replies, t.reopened)
            for t in tickets
        ],
        [kpis.Survey(s.kind, s.score, s.submitted_at) for s in surveys],  # type: ignore[arg-type]
        prompts_sent=len(prompts),
        reflections_answered=answered,
    )
