"""End-of-shift check-ins: find the prompts that are due and claim each exactly once.

A prompt is due when an agent's shift end (bot.services.schedule, the one place schedules are
computed) has passed. Claiming inserts an outbox row under a unique key (workspace, agent, local
shift date, kind); a second clock claiming the same prompt inserts nothing. bot.delivery then
sends what was claimed. Pure of Slack; `now` comes in.
"""

import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from bot.services import outbox, schedule, shifts
from bot.services.schedule import DayStatus, ScheduleError
from bot.store.models import (
    Membership,
    Outbox,
    OutboxStatus,
    Person,
    Reflection,
    Team,
    TeamRole,
)

PROMPT = "prompt"
REMINDER = "reminder"
QUIET_START, QUIET_END = time(21, 0), time(8, 0)  # no reminders at night, agent's local time
CATCH_UP_GRACE = timedelta(hours=3)  # a prompt this late is still worth sending
ANSWER_WINDOW = timedelta(hours=24)  # after this (or the next check-in), the prompt is missed


@dataclass
class ClaimReport:
    """What one pass of the clock claimed."""

    claimed: int = 0
    missed: int = 0
    already: int = 0


def prompt_key(slack_user_id: str, shift_date: date) -> str:
    """The unique key of one agent's prompt for one local shift date."""
    return f"{PROMPT}:{slack_user_id}:{shift_date.isoformat()}"


def claim_due_prompts(
    *, session: Session, now: datetime, grace: timedelta = CATCH_UP_GRACE
) -> ClaimReport:
    """Claim every prompt whose shift end has passed: pending if within `grace`, else missed.
    Looks at each agent's local today and yesterday (a late shift can end after midnight UTC).
    The caller commits."""
    report = ClaimReport()
    agents = session.exec(
        select(Person)
        .where(
            col(Person.active),
            col(Person.shift_days).is_not(None),
            col(Person.id).in_(
                select(Membership.person_id).where(Membership.role == TeamRole.AGENT.value)
            ),
        )
        .order_by(col(Person.id))
    ).all()
    teams_by_person = _teams_of(session, [p.id for p in agents if p.id is not None])
    joined = _joined(session)
    for person in agents:
        assert person.id is not None
        teams = teams_by_person.get(person.id, [])
        try:
            agent = shifts.agent_schedule(session=session, person=person, teams=teams)
            today = now.astimezone(schedule.zone_named(agent.timezone)).date()
        except ScheduleError:
            continue  # a bad stored zone or shift: /cx-shift shows it; nothing to send
        # The plan as if the person were never away: a shift that ended while they were (time
        # away, or a Slack status saying so) is recorded as missed, so coming back within the
        # catch-up hours sends nothing late about a shift they did not work.
        shifts_only = dataclasses.replace(
            agent, away_until=None, away_status=None, away_status_until=None
        )
        for day in schedule.plan(shifts_only, today - timedelta(days=1), 2):
            if day.status is not DayStatus.CHECKIN or day.at is None or day.at > now:
                continue
            if now - day.at >= ANSWER_WINDOW:
                continue  # long gone: not even worth recording
            if day.at < joined.get(person.id, day.at):
                continue  # before they were an agent here: nothing to ask, nothing missed
            paused = (agent.away_until is not None and day.day <= agent.away_until) or (
                agent.away_status is not None
                and (agent.away_status_until is None or day.at < agent.away_status_until)
            )
            late = now - day.at > grace or paused
            inserted = _claim(session, person, day.day, day.at, now, missed=late)
            if not inserted:
                report.already += 1
            elif late:
                report.missed += 1
            else:
                report.claimed += 1
    return report


def _joined(session: Session) -> dict[int, datetime]:
    """When each agent first became an agent of a team they are still on."""
    rows = session.exec(
        select(Membership.person_id, func.min(Membership.created_at))
        .where(Membership.role == TeamRole.AGENT.value)
        .group_by(col(Membership.person_id))
    ).all()
    return {person_id: since for person_id, since in rows if since is not None}


def _teams_of(session: Session, person_ids: list[int]) -> dict[int, list[Team]]:
    rows = session.exec(
        select(Membership.person_id, Team)
        .join(Team, col(Team.id) == Membership.team_id)
        .where(col(Membership.person_id).in_(person_ids))
        .order_by(Team.name)
    ).all()
    found: dict[int, list[Team]] = {}
    for person_id, team in rows:
        found.setdefault(person_id, []).append(team)
    return found


def _claim(
    session: Session, person: Person, shift_date: date, due: datetime, now: datetime, *,
    missed: bool, kind: str = PROMPT,
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
    teams_by_person = _teams_of(session, [p.id for _, p in prompts if p.id is not None])
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
    teams = _teams_of(session, [person.id]).get(person.id, [])
    try:
        agent = shifts.agent_schedule(session=session, person=person, teams=teams)
        upcoming = schedule.next_checkins(agent, prompt.due_at, 1)
    except ScheduleError:
        upcoming = []
    end = prompt.due_at + ANSWER_WINDOW
    return min(end, upcoming[0].at) if upcoming and upcoming[0].at else end
