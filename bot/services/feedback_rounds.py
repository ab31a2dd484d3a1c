"""Scheduled feedback rounds: per team, weekly, every two weeks or monthly. Each round gives
every active agent two reviewers from their team; nobody reviews themself or more than two
people, and last round's pairs are avoided where the team allows. Reviewers are asked at the
end of their next shift. A round is claimed by (team, period), so two clocks make one round."""

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.services import feedback, schedule, shifts
from bot.store import bulk, repos
from bot.store.models import (
    FeedbackAsk,
    FeedbackRequest,
    FeedbackRound,
    Membership,
    Person,
    Team,
    TeamRole,
)

FREQUENCIES = ("off", "weekly", "biweekly", "monthly")
REVIEWERS = 2
TRIES = 200  # random arrangements tried for the fewest repeated pairs


def period_of(frequency: str, day: date) -> str | None:
    """The round a local date belongs to: "2026-W48", "2026-B24" (ISO weeks 47-48), "2026-11"."""
    year, week, _ = day.isocalendar()
    if frequency == "weekly":
        return f"{year}-W{week:02d}"
    if frequency == "biweekly":
        return f"{year}-B{(week + 1) // 2:02d}"
    if frequency == "monthly":
        return f"{day:%Y-%m}"
    return None


def assign(
    agents: Sequence[int], previous: set[tuple[int, int]], seed: str
) -> dict[int, list[int]]:
    """Subject → reviewers. On a random circle each agent is reviewed by the next two, so each
    reviews exactly two and never themself; of TRIES circles, the one repeating fewest of
    `previous` (reviewer, subject) pairs wins. Deterministic for a seed."""
    people = sorted(set(agents))
    if len(people) < 2:
        return {}
    count = min(REVIEWERS, len(people) - 1)
    rng = random.Random(seed)
    best: dict[int, list[int]] = {}
    best_repeats = None
    for _ in range(TRIES):
        circle = people[:]
        rng.shuffle(circle)
        plan = {
            subject: [circle[(i + step) % len(circle)] for step in range(1, count + 1)]
            for i, subject in enumerate(circle)
        }
        repeats = sum((r, s) in previous for s, rs in plan.items() for r in rs)
        if best_repeats is None or repeats < best_repeats:
            best, best_repeats = plan, repeats
            if repeats == 0:
                break
    return best


def claim_rounds(*, session: Session, now: datetime) -> list[int]:
    """Start the rounds that are due; the outbox ids of their asks. The caller commits."""
    outbox_ids: list[int] = []
    teams = session.exec(select(Team).where(col(Team.feedback_rounds) != "off")).all()
    for team in teams:
        period = period_of(team.feedback_rounds, now.astimezone(ZoneInfo(team.timezone)).date())
        if period is None or team.id is None:
            continue
        insert = bulk.dialect_insert(session)
        closes = now + timedelta(days=team.feedback_expiry_days)
        claimed = session.execute(
            insert(FeedbackRound)
            .values(
                workspace_id=team.workspace_id,
                team_id=team.id,
                period=period,
                created_at=now,
                closes_at=closes,
            )
            .on_conflict_do_nothing()
            .returning(col(FeedbackRound.id))
        ).all()
        if claimed:
            outbox_ids += _start(session, team, claimed[0][0], period, now, closes)
    return outbox_ids


def _start(
    session: Session, team: Team, round_id: int, period: str, now: datetime, closes: datetime
) -> list[int]:
    agents = {
        p.id: p
        for p in session.exec(
            select(Person)
            .join(Membership, col(Membership.person_id) == Person.id)
            .where(
                Membership.team_id == team.id,
                Membership.role == TeamRole.AGENT.value,
                col(Person.active).is_(True),
            )
        ).all()
        if p.id is not None
    }
    plan = assign(list(agents), _last_pairs(session, team, round_id), f"{team.id}:{period}")
    due = {pid: _shift_end(session, person, now) for pid, person in agents.items()}
    outbox_ids: list[int] = []
    for subject_id, reviewer_ids in plan.items():
        _, ids = feedback.ask(
            session=session,
            asked_by=agents[subject_id],
            subject=agents[subject_id],
            reviewers=[agents[r] for r in reviewer_ids],
            topic=None,
            now=now,
            kind="round",
            round_id=round_id,
            due=due,
            expires=closes,
        )
        outbox_ids += ids
    return outbox_ids


def _last_pairs(session: Session, team: Team, this_round: int) -> set[tuple[int, int]]:
    """(reviewer, subject) pairs of the team's previous round (those still on record: an
    anonymous answer's pair is forgotten on purpose)."""
    last = session.exec(
        select(FeedbackRound.id)
        .where(FeedbackRound.team_id == team.id, col(FeedbackRound.id) != this_round)
        .order_by(col(FeedbackRound.created_at).desc())
        .limit(1)
    ).first()
    if last is None:
        return set()
    rows = session.exec(
        select(FeedbackAsk.reviewer_id, FeedbackRequest.subject_id)
        .join(FeedbackRequest, col(FeedbackRequest.id) == FeedbackAsk.request_id)
        .where(FeedbackRequest.round_id == last)
    ).all()
    return {(reviewer, subject) for reviewer, subject in rows}


def _shift_end(session: Session, person: Person, now: datetime) -> datetime:
    """The end of the reviewer's next shift (now if they have none set)."""
    teams = repos.team_list_of(session=session, person=person)
    plan = shifts.agent_schedule(session=session, person=person, teams=teams)
    coming = schedule.next_checkins(plan, now, 1)
    return coming[0].at if coming and coming[0].at is not None else now
