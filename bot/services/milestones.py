"""Milestones, each reached once ever (a unique key per milestone): the team met its CSAT or FCR
target last week; an agent got the team's number (default 5) of top CSAT scores (5 of 5) last
week; reflection streaks of 10, 25 and 50 shifts. A team's milestones reached in a day go out
together in one celebration post to its channel — one post per team per day. Nothing is
celebrated about a week that began before the team existed, or before the agent joined it.
Agents who opted out are never named."""

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.services import digest, history, metrics, outbox, payloads
from bot.services.payloads import OutboxKind
from bot.services.periods import Period
from bot.store import bulk
from bot.store.models import Membership, Milestone, Person, SurveyResponse, Team, TeamRole

KIND = OutboxKind.MILESTONE  # a milestone's key prefix (and the kind of the one-post-each of old)
POST = OutboxKind.CELEBRATION  # the outbox kind of a team's day's post
SKIPPED = "skipped"  # post_key of a milestone recorded but never posted (a lower streak)
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
        _claim_post(session, team, now)
    return claimed


def _post(session: Session, team: Team, key: str, payload: dict[str, Any], now: datetime,
          skipped: bool = False) -> int:  # fmt: skip
    """Record one milestone unless its key was reached before (1, else 0); it waits for the
    team's next celebration post (or, `skipped`, is only recorded)."""
    insert = bulk.dialect_insert(session)
    statement = (
        insert(Milestone)
        .values(
            workspace_id=team.workspace_id,
            team_id=team.id,
            key=key,
            payload=payloads.encode(KIND, {"team": team.name, **payload}),
            reached_at=now,
            post_key=SKIPPED if skipped else None,
        )
        .on_conflict_do_nothing()
        .returning(col(Milestone.id))
    )
    return len(session.execute(statement).all())


def _claim_post(session: Session, team: Team, now: datetime) -> int:
    """The team's one celebration post of the day (its zone), listing the milestones waiting;
    a second clock (or a later run the same day) posts nothing, and what it missed waits for
    tomorrow's."""
    waiting = session.exec(
        select(Milestone)
        .where(Milestone.team_id == team.id, col(Milestone.post_key).is_(None))
        .order_by(col(Milestone.id))
    ).all()
    if not waiting or team.celebration_channel_id is None:
        return 0
    day = now.astimezone(ZoneInfo(team.timezone)).date()
    key = f"{POST}:{team.id}:{day.isoformat()}"
    items = [json.loads(m.payload) for m in waiting]
    claimed = outbox.claim(
        session, key=key, kind=POST, workspace_id=team.workspace_id,
        channel=team.celebration_channel_id, person_id=None,
        payload={"team": team.name, "items": items}, due=now, now=now,
    )  # fmt: skip
    if claimed:
        session.execute(
            update(Milestone)
            .where(col(Milestone.id).in_([m.id for m in waiting]))
            .values(post_key=key)
        )
    return len(claimed)


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
    if week.start < team.created_at:
        return 0
    subject = digest.subject_of(session, team)
    joined = dict(
        session.exec(
            select(Membership.person_id, Membership.created_at).where(
                Membership.team_id == team.id, Membership.role == TeamRole.AGENT.value
            )
        ).all()
    )
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
        if person is None or person.milestones_opt_out or count < team.top_csat_scores:
            continue
        since = joined.get(person.id or 0)
        if since is None or since > week.start:
            continue  # not on the team all that week: not the team's to celebrate
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
            payload = {"what": "streak", "user": person.slack_user_id, "count": n}
            claimed += _post(session, team, f"{KIND}:{person.id}:streak:{n}", payload, now,
                             skipped=n != reached[-1])  # fmt: skip
    return claimed
