"""When digests go out: each team's digest of the previous week at its own weekday and time
(default Monday 09:00, team zone), claimed by (team, week) so two clocks post one. A clock that
was down posts it when it is back, unless it is more than 3 days late: then it is recorded as
skipped. The chart is a second outbox row that uploads into the digest's thread."""

import dataclasses
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.services import digest, outbox, payloads
from bot.services.payloads import OutboxKind
from bot.services.periods import Period
from bot.store.models import Outbox, OutboxStatus, Team

DIGEST, CHART = OutboxKind.DIGEST, OutboxKind.DIGEST_CHART


def key_of(team: Team, week: str) -> str:
    """The digest's claim key."""
    return f"{DIGEST}:{team.id}:{week}"


def claim(*, session: Session, team: Team, week: Period, now: datetime, force: bool = False,
          skipped: bool = False, built: digest.Digest | None = None) -> list[int]:  # fmt: skip
    """Build the digest (unless `built`: worked out before, in a session that only read) and
    claim it and its chart; the outbox ids ([] if already claimed). `force` posts again under
    a new key; `skipped` records it without sending."""
    if team.digest_channel_id is None:
        raise digest.DigestError(
            f"{team.name} has no digest channel; choose one with `/cx-team edit`."
        )
    built = built or digest.build(session=session, team=team, week=week)
    key = key_of(team, built.week) + (f":again:{now:%Y%m%dT%H%M%S}" if force else "")
    status = OutboxStatus.MISSED if skipped else OutboxStatus.PENDING
    ids = outbox.claim(
        session, key=key, kind=DIGEST, workspace_id=team.workspace_id,
        channel=team.digest_channel_id, person_id=None, payload={"digest": built.to_json()},
        due=now, now=now, status=status,
    )  # fmt: skip
    if not ids or skipped:
        return ids
    chart = chart_of(built)
    return ids + outbox.claim(
        session, key=f"{key}:chart", kind=CHART, workspace_id=team.workspace_id,
        channel=team.digest_channel_id, person_id=None,
        payload={"chart": chart, "thread_of": key}, due=now, now=now,
    )  # fmt: skip


def chart_of(built: digest.Digest) -> payloads.Chart:
    """What the trend chart is drawn from (kept in the outbox row)."""
    return {
        "week": built.week, "title": f"{built.team}: last 8 weeks to {built.week}",
        "points": [dataclasses.asdict(p) for p in built.trend],
        "targets": dataclasses.asdict(built.targets),
    }  # fmt: skip


def last_moment(team: Team, now: datetime) -> datetime:
    """The latest digest time (team weekday and time, team zone) at or before `now`."""
    zone = ZoneInfo(team.timezone)
    local = now.astimezone(zone)
    hour, minute = (int(part) for part in team.digest_time.split(":"))
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=team.digest_weekday)
    moment = datetime.combine(day, time(hour, minute), zone)
    if moment > local:
        moment -= timedelta(weeks=1)
    return moment.astimezone(now.tzinfo)


def claim_due(*, session: Session, now: datetime) -> list[int]:
    """Claim every team's digest whose time has come (or record it skipped if it is over
    3 days late). The caller commits."""
    ids: list[int] = []
    for team_id, week, late in due(session=session, now=now):
        team = session.get(Team, team_id)
        assert team is not None
        ids += claim(session=session, team=team, week=week, now=now, skipped=late)
    return ids


def due(*, session: Session, now: datetime) -> list[tuple[int, Period, bool]]:
    """The teams whose digest time has come and whose digest is not claimed yet: (team id, the
    week, whether it is over 3 days late). Cheap, so the clock can claim each team's digest in a
    transaction of its own (building one takes ~80 ms; SQLite writers wait meanwhile)."""
    found: list[tuple[int, Period, bool]] = []
    teams = session.exec(select(Team).where(col(Team.digest_channel_id).is_not(None))).all()
    for team in teams:
        moment = last_moment(team, now)
        if moment < team.created_at:
            continue  # the team did not exist yet
        monday = moment.astimezone(ZoneInfo(team.timezone)).date()
        monday -= timedelta(days=monday.weekday() + 7)
        week = Period(monday, monday + timedelta(days=6), team.timezone, "")
        year, number, _ = monday.isocalendar()
        exists = session.exec(
            select(Outbox.id).where(
                Outbox.workspace_id == team.workspace_id,
                Outbox.key == key_of(team, f"{year}-W{number:02d}"),
            )
        ).first()
        if exists is None and team.id is not None:
            found.append((team.id, week, now - moment > digest.SKIP_AFTER))
    return found
