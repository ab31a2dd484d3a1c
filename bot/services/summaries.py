"""A weekly summary for each agent (issue 15): at the team's digest time, each agent of a team
that sends them (Team.weekly_summary, default on) who has not turned theirs off
(Person.summary_opt_out) gets, in DM, their own KPIs for the week against the team's median and
the target (private to them), reflections answered and streak, kudos and feedback received,
and the action items due this week. Claimed in the outbox by (person, week): exactly once per
person and week, however many teams or clocks."""

import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.services import digest, digest_claims, feedback_life, history, metrics, outbox, teams
from bot.services.kpis import Kpis
from bot.services.periods import Period
from bot.store.models import (
    ActionItem,
    Kudos,
    KudosRecipient,
    Membership,
    Outbox,
    OutboxStatus,
    Person,
    Team,
    TeamRole,
)  # fmt: skip

SUMMARY = "weekly_summary"
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
    figures = {a.id: _figures(session, team, a, week) for a in agents}
    median = {
        name: _median([getattr(k, name) for k in figures.values()]) for name in COMPARED
    }  # fmt: skip
    targets = teams.detail(session=session, team=team).targets
    streaks = history.streaks(session=session, person_ids=[a.id or 0 for a in todo.values()],
                              now=now)  # fmt: skip
    rows = [
        {
            "workspace_id": team.workspace_id, "key": key, "kind": SUMMARY, "person_id": a.id,
            "channel": a.slack_user_id, "due": now, "status": OutboxStatus.PENDING,
            "payload": _payload(session, team, a, week, label, figures[a.id], median, targets,
                                streaks.get(a.id or 0, 0), now),
        }
        for key, a in todo.items()
    ]  # fmt: skip
    return len(outbox.claim_many(session, rows, now=now))


def _figures(session: Session, team: Team, agent: Person, week: Period) -> Kpis:
    subject = metrics.Subject(f"<@{agent.slack_user_id}>", (agent.id or 0,), team.timezone,
                              business_hours=team.business_hours)  # fmt: skip
    return metrics.figures(session=session, subject=subject, period=week)


def _median(values: Sequence[float | int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(statistics.median(known)) if known else None


def _payload(
    session: Session, team: Team, agent: Person, week: Period, label: str, mine: Kpis,
    median: dict[str, float | None], targets: teams.Targets, streak: int, now: datetime,
) -> dict[str, Any]:  # fmt: skip
    kudos_count = session.exec(
        select(func.count())
        .select_from(KudosRecipient)
        .join(Kudos, col(Kudos.id) == KudosRecipient.kudos_id)
        .where(
            KudosRecipient.person_id == agent.id,
            Kudos.created_at >= week.start,
            Kudos.created_at < week.end,
        )
    ).one()
    feedback = [
        f for f in feedback_life.received(session=session, person=agent, limit=50)
        if week.start <= f.shared_at < week.end
    ]  # fmt: skip
    today = now.astimezone(ZoneInfo(team.timezone)).date()
    sunday = today + timedelta(days=6 - today.weekday())
    due = session.exec(
        select(ActionItem)
        .where(
            ActionItem.person_id == agent.id,
            ActionItem.status == "open",
            col(ActionItem.due_date) <= sunday,
        )
        .order_by(col(ActionItem.due_date))
    ).all()
    return {
        "team": team.name, "week": label, "from": str(week.first), "to": str(week.last),
        "solved": mine.tickets_solved, "participation_pct": mine.participation_pct,
        "mine": {name: getattr(mine, name) for name in COMPARED},
        "median": median,
        "targets": {"csat_pct": targets.csat_pct, "fcr_pct": targets.fcr_pct,
                    "nps": targets.nps, "frt_median_s": targets.frt_minutes * 60},
        "streak": streak, "kudos": kudos_count, "feedback": len(feedback),
        "due": [{"text": i.text, "due": str(i.due_date), "id": i.id} for i in due[:8]],
        "overdue": sum(1 for i in due if i.due_date < today),
    }  # fmt: skip


def set_opt_out(*, session: Session, person: Person, off: bool) -> None:
    """Turn the person's weekly summary off (or back on). The caller commits."""
    person.summary_opt_out = off
    session.add(person)
