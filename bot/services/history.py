"""An agent's reflection history: streak, participation and recent answers (App Home)."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from bot.services.prompt_claims import ANSWER_WINDOW, PROMPT
from bot.store.models import Outbox, OutboxStatus, Person, Reflection, ReflectionStatus

PARTICIPATION_DAYS = 30
RECENT = 5
STREAK_WINDOW = timedelta(days=180)  # `streaks` looks this far back (~125 weekday shifts)


@dataclass(frozen=True)
class Recent:
    """One past reflection, as listed on the App Home."""

    shift_date: date
    status: str  # answered | skipped
    went_well: str


@dataclass(frozen=True)
class History:
    """Streak, 30-day participation and the latest reflections."""

    streak: int
    prompts: int  # prompts sent in the last 30 days
    answered: int  # of those, answered
    recent: list[Recent]

    @property
    def participation_pct(self) -> float | None:
        """Answered ÷ prompts sent × 100 (docs/ARCHITECTURE.md §5); None with no prompts ("no
        data")."""
        return self.answered / self.prompts * 100 if self.prompts else None


def history(*, session: Session, person: Person, now: datetime) -> History:
    """The person's history. The streak counts answered shifts back from the latest; a prompt
    still open and unanswered does not break it, a skip or a missed one does."""
    sent = session.exec(
        select(Outbox)
        .where(
            Outbox.person_id == person.id,
            Outbox.kind == PROMPT,
            Outbox.status == OutboxStatus.SENT.value,
        )
        .order_by(col(Outbox.due_at).desc())
        .limit(400)
    ).all()
    rows = session.exec(
        select(Reflection)
        .where(Reflection.person_id == person.id)
        .order_by(col(Reflection.shift_date).desc())
    ).all()
    by_date = {row.shift_date: row for row in rows}
    streak = _streak(
        [(_shift_date(p), p.due_at) for p in sent],
        {day: row.status for day, row in by_date.items()},
        now,
    )
    since = now - timedelta(days=PARTICIPATION_DAYS)
    recent_prompts = [p for p in sent if p.due_at >= since]
    answered = sum(
        1
        for p in recent_prompts
        if (r := by_date.get(date.fromisoformat(json.loads(p.payload)["shift_date"])))
        and r.status == ReflectionStatus.ANSWERED
    )
    recent = [Recent(row.shift_date, row.status, _first_text(row)) for row in rows[:RECENT]]
    return History(streak=streak, prompts=len(recent_prompts), answered=answered, recent=recent)


def streaks(
    *, session: Session, person_ids: Sequence[int], now: datetime, window: timedelta = STREAK_WINDOW
) -> dict[int, int]:
    """Several people's streaks in two queries (the hourly milestones job), counted as
    `history` counts them over the prompts of the last `window`."""
    since = now - window
    sent = session.exec(
        select(Outbox)
        .where(
            col(Outbox.person_id).in_(person_ids),
            Outbox.kind == PROMPT,
            Outbox.status == OutboxStatus.SENT.value,
            col(Outbox.due_at) >= since,
        )
        .order_by(col(Outbox.due_at).desc())
    ).all()
    done = session.exec(
        select(col(Reflection.person_id), col(Reflection.shift_date), col(Reflection.status)).where(
            col(Reflection.person_id).in_(person_ids),
            col(Reflection.shift_date) >= since.date() - timedelta(days=1),
        )
    ).all()
    prompts: dict[int, list[tuple[date, datetime]]] = {pid: [] for pid in person_ids}
    for prompt in sent:
        if prompt.person_id is not None:
            prompts[prompt.person_id].append((_shift_date(prompt), prompt.due_at))
    statuses: dict[int, dict[date, str]] = {pid: {} for pid in person_ids}
    for person_id, day, status in done:
        statuses[person_id][day] = status
    return {pid: _streak(prompts[pid], statuses[pid], now) for pid in person_ids}


def _streak(prompts: list[tuple[date, datetime]], statuses: dict[date, str], now: datetime) -> int:
    """Answered shifts back from the latest prompt (newest first); one still open does not
    break it, a skip or a missed one does."""
    streak = 0
    for shift_date, due_at in prompts:
        status = statuses.get(shift_date)
        if status == ReflectionStatus.ANSWERED:
            streak += 1
        elif status is None and now - due_at < ANSWER_WINDOW:
            continue  # today's, still open
        else:
            break
    return streak


def _shift_date(prompt: Outbox) -> date:
    return prompt.shift_date or date.fromisoformat(json.loads(prompt.payload)["shift_date"])


def _first_text(row: Reflection) -> str:
    """The first written answer (whatever the template), for a one-line preview."""
    answers = json.loads(row.answers or "{}")
    return next((str(v) for v in answers.values() if isinstance(v, str) and v.strip()), "")
