"""Which end-of-shift prompts are due, and claiming them in short batches.

The pass over every agent is split in two so that SQLite's one write lock is held only for the
writes: `due_prompts` reads (in a read-only transaction, which on SQLite takes no lock) and
works out each agent's due shifts, leaving out those already claimed; `claim_prompts` inserts a
batch of them under their unique keys. Two clocks doing this at once still claim each prompt
once (the key decides). Pure of Slack; `now` comes in.
"""

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from bot.services import outbox, schedule, shifts
from bot.services.payloads import OutboxKind
from bot.services.schedule import DayStatus, ScheduleError
from bot.store import repos
from bot.store.models import Membership, Outbox, OutboxStatus, Person, Team, TeamRole, Workspace

PROMPT = OutboxKind.PROMPT
CATCH_UP_GRACE = timedelta(hours=3)  # a prompt this late is still worth sending
ANSWER_WINDOW = timedelta(hours=24)  # after this (or the next check-in), the prompt is missed
KEYS_PER_QUERY = 500
GIVE_WAY_EVERY = 20  # agents (about 10 ms of work) between chances for pending acks


@dataclass(frozen=True)
class DuePrompt:
    """One agent's shift whose prompt should be claimed: sent, or recorded as missed."""

    person_id: int
    workspace_id: str
    slack_user_id: str
    shift_date: date
    due: datetime
    missed: bool

    @property
    def key(self) -> str:
        """The prompt's unique key in its workspace."""
        return prompt_key(self.slack_user_id, self.shift_date)


@dataclass
class ClaimReport:
    """What one pass of the clock claimed."""

    claimed: int = 0
    missed: int = 0
    already: int = 0

    def add(self, other: "ClaimReport") -> None:
        """Count another batch in."""
        self.claimed += other.claimed
        self.missed += other.missed
        self.already += other.already


def prompt_key(slack_user_id: str, shift_date: date) -> str:
    """The unique key of one agent's prompt for one local shift date."""
    return f"{PROMPT}:{slack_user_id}:{shift_date.isoformat()}"


def due_prompts(
    *, session: Session, now: datetime, grace: timedelta = CATCH_UP_GRACE,
    give_way: Callable[[], None] = lambda: None,
) -> list[DuePrompt]:  # fmt: skip
    """Every prompt whose shift end has passed and that is not claimed yet: to send if within
    `grace`, else to record as missed. Looks at each agent's local today and yesterday (a late
    shift can end after midnight UTC). Reads only; calls `give_way` every few agents (the
    clock lets pending acks go first)."""
    agents = session.exec(
        select(Person)
        .where(
            col(Person.active),
            col(Person.shift_days).is_not(None),
            col(Person.id).in_(
                select(Membership.person_id).where(Membership.role == TeamRole.AGENT.value)
            ),
            col(Person.workspace_id).not_in(  # nothing is claimed for an uninstalled workspace
                select(Workspace.id).where(col(Workspace.uninstalled_at).is_not(None))
            ),
        )
        .order_by(col(Person.id))
    ).all()
    teams_by_person = teams_of(session, [p.id for p in agents if p.id is not None])
    holidays = repos.team_holidays(
        session=session,
        team_ids=sorted({t.id for ts in teams_by_person.values() for t in ts if t.id is not None}),
    )
    since = joined(session)
    found: list[DuePrompt] = []
    for number, person in enumerate(agents):
        assert person.id is not None
        if number % GIVE_WAY_EVERY == 0:
            give_way()
        teams = teams_by_person.get(person.id, [])
        try:
            agent = shifts.agent_schedule(
                session=session, person=person, teams=teams, holidays=holidays
            )
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
            if day.at < since.get(person.id, day.at):
                continue  # before they were an agent here: nothing to ask, nothing missed
            paused = (agent.away_until is not None and day.day <= agent.away_until) or (
                agent.away_status is not None
                and (agent.away_status_until is None or day.at < agent.away_status_until)
            )
            found.append(
                DuePrompt(
                    person_id=person.id, workspace_id=person.workspace_id,
                    slack_user_id=person.slack_user_id, shift_date=day.day, due=day.at,
                    missed=now - day.at > grace or paused,
                )
            )  # fmt: skip
    claimed = _claimed_keys(session, found)
    return [due for due in found if (due.workspace_id, due.key) not in claimed]


def claim_prompts(*, session: Session, due: Sequence[DuePrompt], now: datetime) -> ClaimReport:
    """Insert each prompt's outbox row unless its key exists. The caller commits."""
    report = ClaimReport()
    inserted = outbox.claim_many(
        session,
        [
            {
                "workspace_id": prompt.workspace_id, "key": prompt.key, "kind": PROMPT,
                "person_id": prompt.person_id, "channel": prompt.slack_user_id,
                "payload": {"shift_date": prompt.shift_date.isoformat()}, "due": prompt.due,
                "status": OutboxStatus.MISSED if prompt.missed else OutboxStatus.PENDING,
                "shift_date": prompt.shift_date,
            }
            for prompt in due
        ],
        now=now,
    )  # fmt: skip
    for prompt in due:
        if prompt.key not in inserted:
            report.already += 1
        elif prompt.missed:
            report.missed += 1
        else:
            report.claimed += 1
    return report


def _claimed_keys(session: Session, due: list[DuePrompt]) -> set[tuple[str, str]]:
    keys = sorted({prompt.key for prompt in due})
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        rows = session.exec(
            select(Outbox.workspace_id, Outbox.key).where(
                col(Outbox.key).in_(keys[start : start + KEYS_PER_QUERY])
            )
        ).all()
        found.update((workspace_id, key) for workspace_id, key in rows)
    return found


def joined(session: Session) -> dict[int, datetime]:
    """When each agent first became an agent of a team they are still on."""
    rows = session.exec(
        select(Membership.person_id, func.min(Membership.created_at))
        .where(Membership.role == TeamRole.AGENT.value)
        .group_by(col(Membership.person_id))
    ).all()
    return {person_id: first for person_id, first in rows if first is not None}


def teams_of(session: Session, person_ids: list[int]) -> dict[int, list[Team]]:
    """Each person's teams, by name."""
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
