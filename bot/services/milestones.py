"""Milestones, posted once each (a unique key per milestone) to the team's celebration channel:
the team met its CSAT or FCR target last week; an agent got 5+ top CSAT scores (5 of 5) last
week; reflection streaks of 10, 25 and 50 shifts. Agents who opted out are never named."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.services import digest, history, metrics, outbox
from bot.services.periods import Period
from bot.store.models import OutboxStatus, Person, SurveyResponse, Team

KIND = "milestone"
TOP_SCORES = 5
STREAKS = (10, 25, 50)


def last_week(team: Team, now: datetime) -> Period:
    """Monday to Sunday before this week, in the team's zone."""
    today = now.astimezone(ZoneInfo(team.timezone)).date()
    monday = today - timedelta(days=today.weekday() + 7)
    return Period(monday, monday + timedelta(days=6), team.timezone, "last week")


def teams_celebrating(*, session: Session) -> list[int]:
    """The teams with a celebration channel, whose milestones are looked for."""
    return [
        team_id
        for team_id in session.exec(
            select(Team.id).where(col(Team.celebration_channel_id).is_not(None))
        ).all()
        if team_id is not None
    ]


def claim_due(*, session: Session, now: datetime, team_ids: list[int] | None = None) -> int:
    """Claim every milestone reached (of `team_ids`, else of every celebrating team); how many
    new ones. The caller commits."""
    claimed = 0
    ids = teams_celebrating(session=session) if team_ids is None else team_ids
    teams = session.exec(select(Team).where(col(Team.id).in_(ids))).all()
    for team in teams:
        claimed += _team_targets(session, team, now) + _top_scores(session, team, now)
        claimed += _streaks(session, team, now)
    return claimed


def _post(session: Session, team: Team, key: str, payload: dict[str, Any], now: datetime,
          status: OutboxStatus = OutboxStatus.PENDING) -> int:  # fmt: skip
    """Claim one milestone shout-out (bot.blocks.kudos renders it from `payload`)."""
    assert team.celebration_channel_id is not None
    return len(outbox.claim(
        session, key=key, kind=KIND, workspace_id=team.workspace_id,
        channel=team.celebration_channel_id, person_id=None,
        payload={"team": team.name, **payload}, due=now, now=now, status=status,
    ))  # fmt: skip


def _week_key(week: Period) -> str:
    year, number, _ = week.first.isocalendar()
    return f"{year}-W{number:02d}"


def _team_targets(session: Session, team: Team, now: datetime) -> int:
    week = last_week(team, now)
    if week.start < team.created_at:
        return 0
    figures = metrics.figures(session=session, subject=digest.subject_of(session, team),
                              period=week)  # fmt: skip
    key, claimed = f"{KIND}:{team.id}:{_week_key(week)}", 0
    for kpi, value, target in (("CSAT", figures.csat_pct, team.csat_target_pct),
                               ("first-contact resolution", figures.fcr_pct,
                                team.fcr_target_pct)):  # fmt: skip
        if value is not None and value >= target:
            payload = {"what": "target", "kpi": kpi, "value": value, "target": target}
            claimed += _post(session, team, f"{key}:{kpi.split()[0].lower()}", payload, now)
    return claimed


def _top_scores(session: Session, team: Team, now: datetime) -> int:
    week = last_week(team, now)
    subject = digest.subject_of(session, team)
    rows = session.exec(
        select(SurveyResponse.person_id, func.count())
        .where(
            col(SurveyResponse.person_id).in_(subject.person_ids),
            SurveyResponse.kind == "csat",
            SurveyResponse.score == 5,
            col(SurveyResponse.submitted_at) >= week.start,
            col(SurveyResponse.submitted_at) < week.end,
        )
        .group_by(col(SurveyResponse.person_id))
    ).all()
    claimed = 0
    for person_id, count in rows:
        person = session.get(Person, person_id)
        if person is None or person.milestones_opt_out or count < TOP_SCORES:
            continue
        key = f"{KIND}:{person.id}:{_week_key(week)}:top_csat"
        payload = {"what": "top_csat", "user": person.slack_user_id, "count": count}
        claimed += _post(session, team, key, payload, now)
    return claimed


def _streaks(session: Session, team: Team, now: datetime) -> int:
    claimed = 0
    members = digest.subject_of(session, team).person_ids
    people = session.exec(select(Person).where(col(Person.id).in_(members))).all()
    named = [p.id for p in people if p.id is not None and not p.milestones_opt_out]
    found = history.streaks(session=session, person_ids=named, now=now)
    for person in people:
        if person.id not in found:
            continue
        streak = found[person.id]
        reached = [n for n in STREAKS if streak >= n]
        for n in reached:  # only the highest new one is posted; lower ones are just recorded
            status = OutboxStatus.PENDING if n == reached[-1] else OutboxStatus.MISSED
            payload = {"what": "streak", "user": person.slack_user_id, "count": n}
            claimed += _post(session, team, f"{KIND}:{person.id}:streak:{n}", payload, now, status)
    return claimed
