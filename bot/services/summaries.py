"""A weekly summary for each agent (issue 15): at the team's digest time, each agent of a team
that sends them (Team.weekly_summary, default on) who has not turned theirs off
(Person.summary_opt_out) gets, in DM, their own KPIs for the week against the team's median and
the target (private to them), reflections answered and streak, kudos and feedback received,
and the action items due this week. Claimed in the outbox by (person, week): exactly once per
person and week, however many teams or clocks."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.services import (
    digest,
    digest_claims,
    feedback_life,
    history,
    kpis,
    metrics,
    outbox,
    rollups,
    teams,
)  # fmt: skip
from bot.services.kpis import Kpis
from bot.services.payloads import OutboxKind
from bot.services.periods import Period
from bot.store.models import (
    ActionItem,
    ItemStatus,
    Kudos,
    KudosRecipient,
    Membership,
    Outbox,
    OutboxStatus,
    Person,
    Team,
    TeamRole,
)  # fmt: skip

SUMMARY = OutboxKind.WEEKLY_SUMMARY
COMPARED = ("csat_pct", "fcr_pct", "nps", "frt_median_s")


def week_of(team: Team, now: datetime) -> tuple[Period, str] | None:
    """The week a summary sent now covers (Monday to Sunday before the team's last digest
    moment) and its ISO label; None before the team existed or over 3 days late."""
    moment = digest_claims.last_moment(team, now)
    if moment < team.created_at or now - moment > digest.SKIP_AFTER:
        return None
    monday = moment.astimezone(ZoneInfo(team.timezone)).date()
    monday -= timedelta(days=monday.weekday() + 7)
    year, number, _ = monday.isocalendar()
    return Period(monday, monday + timedelta(days=6), team.timezone, ""), f"{year}-W{number:02d}"


def key_of(person_id: int, week: str) -> str:
    """The claim key: one summary per person and week."""
    return f"{SUMMARY}:{person_id}:{week}"


def claim_due(*, session: Session, now: datetime) -> int:
    """Claim the summaries whose time has come, team by team; how many. The caller commits."""
    claimed = 0
    for team in session.exec(select(Team).where(col(Team.weekly_summary))).all():
        found = week_of(team, now)
        if found is not None:
            claimed += claim(session=session, team=team, week=found[0], label=found[1], now=now)
    return claimed


def claim(*, session: Session, team: Team, week: Period, label: str, now: datetime) -> int:
    """Claim the team's agents' summaries of `week` not claimed yet."""
    agents = session.exec(
        select(Person)
        .join(Membership, col(Membership.person_id) == Person.id)
        .where(
            Membership.team_id == team.id,
            Membership.role == TeamRole.AGENT.value,
            col(Person.active),
        )
    ).all()
    wanted = {key_of(a.id, label): a for a in agents if a.id is not None}
    if not wanted:
        return 0
    taken = set(
        session.exec(
            select(Outbox.key).where(
                Outbox.workspace_id == team.workspace_id, col(Outbox.key).in_(list(wanted))
            )
        ).all()
    )
    todo = {key: a for key, a in wanted.items() if key not in taken and not a.summary_opt_out}
    if not todo:
        return 0
    ids = [a.id for a in agents if a.id is not None]
    figures = _figures(session, team, ids, week)
    median = {
        name: _median([getattr(k, name) for k in figures.values()]) for name in COMPARED
    }  # fmt: skip
    context = _Context(
        team=team, week=week, label=label, now=now, median=median,
        targets=teams.detail(session=session, team=team).targets,
        streaks=history.streaks(session=session, person_ids=ids, now=now),
        kudos=_kudos_counts(session, ids, week),
        feedback=feedback_life.received_counts(session=session, person_ids=ids,
                                               start=week.start, end=week.end),
        due=_due_items(session, team, ids, now),
    )  # fmt: skip
    rows = [
        {
            "workspace_id": team.workspace_id, "key": key, "kind": SUMMARY, "person_id": a.id,
            "channel": a.slack_user_id, "due": now, "status": OutboxStatus.PENDING,
            "payload": _payload(context, a.id or 0, figures[a.id or 0]),
        }
        for key, a in todo.items()
    ]  # fmt: skip
    return len(outbox.claim_many(session, rows, now=now))


@dataclass(frozen=True)
class _Context:
    """What every summary of one team and week is built from (read once for the team)."""

    team: Team
    week: Period
    label: str
    now: datetime
    median: dict[str, float | None]
    targets: teams.Targets
    streaks: dict[int, int]
    kudos: dict[int, int]
    feedback: dict[int, int]
    due: dict[int, list[ActionItem]]


def _figures(session: Session, team: Team, ids: list[int], week: Period) -> dict[int, Kpis]:
    """Each agent's KPIs of the week, in a few queries for the whole team."""
    tallies = rollups.tally_each(session=session, person_ids=ids, start=week.start, end=week.end)
    taken = metrics.participation_each(session=session, person_ids=ids, period=week)
    return {
        pid: kpis.figures(tallies.get(pid) or kpis.Tally(), prompts_sent=taken.get(pid, (0, 0))[0],
                          reflections_answered=taken.get(pid, (0, 0))[1],
                          business_hours=team.business_hours)
        for pid in ids
    }  # fmt: skip


def _median(values: Sequence[float | int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(statistics.median(known)) if known else None


def _kudos_counts(session: Session, ids: list[int], week: Period) -> dict[int, int]:
    rows = session.execute(
        select(col(KudosRecipient.person_id), func.count())
        .join(Kudos, col(Kudos.id) == KudosRecipient.kudos_id)
        .where(
            col(KudosRecipient.person_id).in_(ids),
            col(Kudos.created_at) >= week.start,
            col(Kudos.created_at) < week.end,
        )
        .group_by(col(KudosRecipient.person_id))
    ).all()
    return {int(person): int(count) for person, count in rows}


def _due_items(
    session: Session, team: Team, ids: list[int], now: datetime
) -> dict[int, list[ActionItem]]:
    """Each agent's open items due by the end of this week (team zone), soonest first."""
    today = now.astimezone(ZoneInfo(team.timezone)).date()
    sunday = today + timedelta(days=6 - today.weekday())
    found: dict[int, list[ActionItem]] = {}
    for item in session.exec(
        select(ActionItem)
        .where(
            col(ActionItem.person_id).in_(ids),
            ActionItem.status == ItemStatus.OPEN,
            col(ActionItem.due_date) <= sunday,
        )
        .order_by(col(ActionItem.due_date))
    ).all():
        found.setdefault(item.person_id, []).append(item)
    return found


def _payload(context: _Context, person_id: int, mine: Kpis) -> dict[str, Any]:
    week, targets = context.week, context.targets
    today = context.now.astimezone(ZoneInfo(context.team.timezone)).date()
    due = context.due.get(person_id, [])
    return {
        "team": context.team.name, "week": context.label, "from": str(week.first),
        "to": str(week.last), "solved": mine.tickets_solved,
        "participation_pct": mine.participation_pct,
        "mine": {name: getattr(mine, name) for name in COMPARED},
        "median": context.median,
        "targets": {"csat_pct": targets.csat_pct, "fcr_pct": targets.fcr_pct,
                    "nps": targets.nps, "frt_median_s": targets.frt_minutes * 60},
        "streak": context.streaks.get(person_id, 0), "kudos": context.kudos.get(person_id, 0),
        "feedback": context.feedback.get(person_id, 0),
        "due": [{"text": i.text, "due": str(i.due_date), "id": i.id} for i in due[:8]],
        "overdue": sum(1 for i in due if i.due_date < today),
    }  # fmt: skip


def set_opt_out(*, session: Session, person: Person, off: bool) -> None:
    """Turn the person's weekly summary off (or back on). The caller commits."""
    person.summary_opt_out = off
    session.add(person)
