"""End-of-shift check-ins: find the prompts that are due and claim each exactly once.

A prompt is due when an agent's shift end (bot.services.schedule, the one place schedules are
computed) has passed. Claiming inserts an outbox row under a unique key (workspace, agent, local
shift date, kind); a second clock claiming the same prompt inserts nothing. bot.delivery then
sends what was claimed. Pure of Slack; `now` comes in.
"""

import json
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from bot.services import outbox, prompt_claims, schedule, shifts
from bot.services.payloads import OutboxKind
from bot.services.prompt_claims import (
    ANSWER_WINDOW,
    CATCH_UP_GRACE,
    PROMPT,
    ClaimReport,
    prompt_key,
)
from bot.services.schedule import ScheduleError
from bot.store.models import (
    Outbox,
    OutboxStatus,
    Person,
    Reflection,
)

REMINDER = OutboxKind.REMINDER
QUIET_START, QUIET_END = time(21, 0), time(8, 0)  # no reminders at night, agent's local time


def claim_due_prompts(
    *, session: Session, now: datetime, grace: timedelta = CATCH_UP_GRACE
) -> ClaimReport:
    """Claim every prompt whose shift end has passed (bot.services.prompt_claims), in the
    caller's transaction; the clock does the same in short batches. The caller commits."""
    due = prompt_claims.due_prompts(session=session, now=now, grace=grace)
    return prompt_claims.claim_prompts(session=session, due=due, now=now)


def _claim(
    session: Session, person: Person, shift_date: date, due: datetime, now: datetime, *,
    missed: bool, kind: OutboxKind = PROMPT,
) -> bool:  # fmt: skip
    """Insert the outbox row unless it exists; tell whether this call inserted it."""
    return bool(
        outbox.claim(
            session, key=f"{kind}:{person.slack_user_id}:{shift_date.isoformat()}", kind=kind,
            workspace_id=person.workspace_id, channel=person.slack_user_id, person_id=person.id,
            payload={"shift_date": shift_date.isoformat()}, due=due, now=now,
            status=OutboxStatus.MISSED if missed else OutboxStatus.PENDING, shift_date=shift_date,
        )
    )  # fmt: skip


def claim_due_reminders(*, session: Session, now: datetime) -> int:
    """One reminder per unanswered prompt, `reminder_delay_minutes` (the team's; the shortest if
    several) after it, while the answer window is open, outside quiet hours (21:00-08:00 in the
    agent's zone; a reminder due then waits for the morning), and not while away. Returns how
    many were claimed. The caller commits."""
    prompts = session.exec(
        select(Outbox, Person)
        .join(Person, col(Person.id) == Outbox.person_id)
        .where(
            Outbox.kind == PROMPT,
            Outbox.status == OutboxStatus.SENT.value,
            Outbox.due_at > now - ANSWER_WINDOW,
            col(Person.active),
        )
    ).all()
    answered = _answered(session, list(prompts))
    people = [p.id for _, p in prompts if p.id is not None]
    teams_by_person = prompt_claims.teams_of(session, people)
    claimed = 0
    for prompt, person in prompts:
        assert person.id is not None
        delays = [t.reminder_delay_minutes for t in teams_by_person.get(person.id, [])]
        if not delays or min(delays) <= 0 or prompt.id in answered:
            continue
        if now < prompt.due_at + timedelta(minutes=min(delays)):
            continue
        if now >= window_end(session=session, person=person, prompt=prompt):
            continue  # the next shift has begun: this one is missed, not reminded
        shift_date = date.fromisoformat(json.loads(prompt.payload)["shift_date"])
        zone = shifts.timezone_of(person, teams_by_person.get(person.id, []))
        try:
            local = now.astimezone(schedule.zone_named(zone))
        except ScheduleError:
            continue
        if not QUIET_END <= local.time() < QUIET_START:
            continue
        if person.away_until is not None and local.date() <= person.away_until:
            continue
        if person.slack_away_status and (
            person.slack_away_until is None or now < person.slack_away_until
        ):
            continue  # their Slack status says they're not working
        claimed += _claim(session, person, shift_date, now, now, missed=False, kind=REMINDER)
    return claimed


def _answered(session: Session, prompts: list[tuple[Outbox, Person]]) -> set[int | None]:
    """The prompts (outbox ids) whose shift already has a reflection or a skip."""
    person_ids = [person.id for _, person in prompts]
    done = {
        (row.person_id, row.shift_date)
        for row in session.exec(
            select(Reflection).where(col(Reflection.person_id).in_(person_ids))
        ).all()
    }
    return {
        prompt.id
        for prompt, person in prompts
        if (person.id, date.fromisoformat(json.loads(prompt.payload)["shift_date"])) in done
    }


def _delivered(row: Outbox) -> bool:
    """Sent, or maybe sent (being sent, or Slack's answer was lost): a person holding the DM
    can answer it at once, whatever the sender has recorded yet."""
    return row.status == OutboxStatus.SENT or (
        row.status in (OutboxStatus.SENDING, OutboxStatus.PENDING) and row.attempts > 0
    )


def latest_open_prompt(*, session: Session, person: Person, now: datetime) -> Outbox | None:
    """The person's most recent prompt still open for answers (today's or yesterday's)."""
    rows = session.exec(
        select(Outbox)
        .where(
            Outbox.person_id == person.id,
            Outbox.kind == PROMPT,
            col(Outbox.status).in_(
                [OutboxStatus.SENT.value, OutboxStatus.SENDING.value, OutboxStatus.PENDING.value]
            ),
            Outbox.attempts > 0,
            Outbox.due_at > now - ANSWER_WINDOW,
        )
        .order_by(col(Outbox.due_at).desc())
    ).first()
    return rows


def open_prompt(
    *, session: Session, person: Person, shift_date: date, now: datetime
) -> Outbox | None:
    """The prompt for this shift if it was sent and is still open for answers."""
    row = session.exec(
        select(Outbox).where(
            Outbox.workspace_id == person.workspace_id,
            Outbox.key == prompt_key(person.slack_user_id, shift_date),
        )
    ).first()
    if row is None or not _delivered(row):
        return None
    return row if now < window_end(session=session, person=person, prompt=row) else None


def shift_messages(*, session: Session, person: Person, shift_date: date) -> list[tuple[str, str]]:
    """The DMs (channel, ts) that asked about this shift: its prompt and its reminder, as sent."""
    day = shift_date.isoformat()
    keys = [f"{kind}:{person.slack_user_id}:{day}" for kind in (PROMPT, REMINDER)]
    rows = session.exec(
        select(Outbox.channel, Outbox.message_ts).where(
            Outbox.workspace_id == person.workspace_id,
            col(Outbox.key).in_(keys),
            col(Outbox.message_ts).is_not(None),
        )
    ).all()
    return [(channel, ts) for channel, ts in rows if channel and ts]


def window_end(*, session: Session, person: Person, prompt: Outbox) -> datetime:
    """When a prompt stops taking answers: 24 hours after it, or the person's next check-in if
    that comes sooner (a new shift, a new reflection)."""
    assert person.id is not None
    teams = prompt_claims.teams_of(session, [person.id]).get(person.id, [])
    try:
        agent = shifts.agent_schedule(session=session, person=person, teams=teams)
        upcoming = schedule.next_checkins(agent, prompt.due_at, 1)
    except ScheduleError:
        upcoming = []
    end = prompt.due_at + ANSWER_WINDOW
    return min(end, upcoming[0].at) if upcoming and upcoming[0].at else end
