"""Leads reading their team's reflections (issue 15), and agents reading their own.

Only the leads of a team that lets its leads read reflections (Team.leads_read_reflections)
see any text; admin rights open nothing (bot.services.permissions). Every time a lead opens a
person's reflections it is recorded, and the agent sees who looked and when.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from bot.services import kudos, metrics, periods, teams
from bot.services.kpis import Kpis
from bot.services.permissions import Action, Actor, may, refusal
from bot.services.reflections import template_of
from bot.services.templates import DEFAULT
from bot.store import repos
from bot.store.models import (
    ActionItem,
    ItemStatus,
    Membership,
    Person,
    Reflection,
    ReflectionRead,
    ReflectionReply,
    ReflectionStatus,
    Team,
    TeamRole,
)  # fmt: skip

PAGE = 5  # reflections per page of a person's file
LATEST = 5  # latest reflections per team on a lead's App Home
LATEST_WITHIN = timedelta(days=30)
READS_SHOWN = timedelta(days=30)
KPI_DAYS = "30d"


class ReadingDenied(PermissionError):
    """The asker may not read (or reply to) these reflections; the message says who may."""


@dataclass(frozen=True)
class Reply:
    """One message of a reflection's thread."""

    author: str  # Slack user id
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Shown:
    """One reflection as a reader sees it: the answers under their questions."""

    id: int
    author: str  # Slack user id
    shift_date: date
    status: str
    answers: list[tuple[str, str]]  # (question, answer), in the template's order
    confidence: int | None
    discuss: bool
    replies: list[Reply]


@dataclass(frozen=True)
class PersonFile:
    """What the person modal shows: a page of reflections, items, KPIs and kudos."""

    subject: Person
    page: list[Shown]
    older: date | None  # the shift date to page back from, or None at the first reflection
    open_items: list[ActionItem]
    done_items: list[ActionItem]
    kpis: Kpis | None  # the last 30 days (None: no team to read it in)
    team_kpis: Kpis | None
    targets: teams.Targets | None
    kudos_total: int
    kudos_latest: list[kudos.Thanks]
    lead_view: bool  # read by a lead (True) or by the agent themself


def readable_teams(*, session: Session, subject: Person) -> frozenset[int]:
    """The subject's teams (as an agent) that let their leads read reflections."""
    return frozenset(
        team_id
        for (team_id,) in session.execute(
            select(col(Team.id))
            .join(Membership, col(Membership.team_id) == Team.id)
            .where(
                Membership.person_id == subject.id,
                Membership.role == TeamRole.AGENT.value,
                col(Team.leads_read_reflections),
            )
        ).all()
    )


def check(*, session: Session, actor: Actor, subject: Person, action: Action) -> None:
    """ReadingDenied unless `actor` may do `action` (read or reply) to the subject's
    reflections."""
    teams_open = readable_teams(session=session, subject=subject)
    if not may(actor, action, subject_id=subject.slack_user_id, subject_teams=teams_open):
        raise ReadingDenied(refusal(action))


def latest_for_team(
    *, session: Session, team: Team, now: datetime, limit: int = LATEST
) -> list[Shown]:
    """The team's newest answered reflections of the last 30 days (for its leads' App Home;
    older ones are a click away in each person's file); none when the team keeps reflections
    private."""
    if not team.leads_read_reflections:
        return []
    rows = session.exec(
        select(Reflection, Person)
        .join(Person, col(Person.id) == Reflection.person_id)
        .join(Membership, col(Membership.person_id) == Person.id)
        .where(
            Membership.team_id == team.id,
            Membership.role == TeamRole.AGENT.value,
            Reflection.status == ReflectionStatus.ANSWERED,
            col(Reflection.shift_date) >= (now - LATEST_WITHIN).date(),
        )
        .order_by(col(Reflection.submitted_at).desc())
        .limit(limit)
    ).all()
    return shown(session=session, rows=list(rows))


def shown(*, session: Session, rows: list[tuple[Reflection, Person]]) -> list[Shown]:
    """Reflections with their questions and replies, for reading."""
    ids = [r.id for r, _ in rows if r.id is not None]
    threads: dict[int, list[Reply]] = {}
    for reply, author in session.exec(
        select(ReflectionReply, Person.slack_user_id)
        .join(Person, col(Person.id) == ReflectionReply.author_id)
        .where(col(ReflectionReply.reflection_id).in_(ids))
        .order_by(col(ReflectionReply.created_at), col(ReflectionReply.id))
    ).all():
        threads.setdefault(reply.reflection_id, []).append(
            Reply(author, reply.text, reply.created_at)
        )
    questions: dict[int | None, dict[str, str]] = {}
    found = []
    for row, person in rows:
        if person.id not in questions:
            template, _ = template_of(session=session, person=person)
            questions[person.id] = {q.id: q.text for q in (*template, *DEFAULT)}
        labels = questions[person.id]
        answers = json.loads(row.answers or "{}")
        pairs = [
            (labels.get(key, key), str(value))
            for key, value in answers.items()
            if str(value).strip()
        ]
        assert row.id is not None
        found.append(Shown(
            row.id, person.slack_user_id, row.shift_date, row.status, pairs, row.confidence,
            row.discuss, threads.get(row.id, []),
        ))  # fmt: skip
    return found


def person_file(
    *, session: Session, actor: Actor, subject: Person, now: datetime,
    before: date | None = None,
) -> PersonFile:  # fmt: skip
    """The subject's file for `actor` (ReadingDenied if they may not read it): a page of
    reflections older than `before`, items, KPIs and kudos. A lead's look is recorded."""
    check(session=session, actor=actor, subject=subject, action=Action.READ_REFLECTIONS)
    query = select(Reflection, Person).join(Person, col(Person.id) == Reflection.person_id)
    query = query.where(Reflection.person_id == subject.id)
    if before is not None:
        query = query.where(Reflection.shift_date < before)
    rows = list(session.exec(query.order_by(col(Reflection.shift_date).desc()).limit(PAGE + 1)))
    page = shown(session=session, rows=rows[:PAGE])
    lead_view = actor.slack_user_id != subject.slack_user_id
    if lead_view:
        reader = repos.get_person(
            session=session, workspace_id=subject.workspace_id, slack_user_id=actor.slack_user_id
        )
        if reader is not None and reader.id is not None and subject.id is not None:
            session.add(ReflectionRead(reader_id=reader.id, subject_id=subject.id, read_at=now))
    items = session.exec(
        select(ActionItem)
        .where(ActionItem.person_id == subject.id)
        .order_by(col(ActionItem.due_date).desc())
        .limit(40)
    ).all()
    mine, team_kpis, targets = team_figures(session=session, subject=subject, now=now)
    total, latest = kudos.received(session=session, person=subject, latest=3)
    return PersonFile(
        subject=subject, page=page, older=page[-1].shift_date if len(rows) > PAGE else None,
        open_items=[i for i in items if i.status == ItemStatus.OPEN][::-1],
        done_items=[i for i in items if i.status == ItemStatus.DONE][:5],
        kpis=mine, team_kpis=team_kpis, targets=targets, kudos_total=total,
        kudos_latest=latest, lead_view=lead_view,
    )  # fmt: skip


def team_figures(
    *, session: Session, subject: Person, now: datetime
) -> tuple[Kpis | None, Kpis | None, teams.Targets | None]:
    """The subject's last 30 days, their (first) team's, and the team's targets."""
    assert subject.id is not None
    memberships = repos.teams_of(
        session=session, workspace_id=subject.workspace_id, person_id=subject.id
    )
    agent_of = [team for team, role in memberships if role == TeamRole.AGENT]
    if not agent_of:
        return None, None, None
    team = agent_of[0]
    period = periods.parse(KPI_DAYS, now=now, zone=team.timezone)
    agent = metrics.agent_subject(
        session=session, workspace_id=subject.workspace_id, slack_user_id=subject.slack_user_id
    )
    whole = metrics.team_subject(session=session, workspace_id=team.workspace_id, name=team.name)
    return (
        metrics.figures(session=session, subject=agent, period=period),
        metrics.figures(session=session, subject=whole, period=period),
        teams.detail(session=session, team=team).targets,
    )


def reads_of(*, session: Session, person: Person, now: datetime) -> list[tuple[str, datetime]]:
    """Who opened the person's reflections in the last 30 days: each reader once, with their
    latest look, newest first."""
    rows = session.execute(
        select(col(Person.slack_user_id), func.max(col(ReflectionRead.read_at)))
        .join(Person, col(Person.id) == ReflectionRead.reader_id)
        .where(ReflectionRead.subject_id == person.id, ReflectionRead.read_at >= now - READS_SHOWN)
        .group_by(col(Person.slack_user_id))
    ).all()
    return sorted(((user, when) for user, when in rows), key=lambda r: r[1], reverse=True)
