"""`/cx-shift` and friends: read a request, check who may do it, show or change a schedule."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlmodel import Session

from bot.services import schedule
from bot.services.people import MENTION
from bot.services.permissions import Action, Actor, may, refusal
from bot.services.schedule import AgentSchedule, HolidayCalendar, PlannedDay, ScheduleError, Shift
from bot.services.wording import example_date
from bot.store import repos
from bot.store.models import Person, Team

UPCOMING = 3  # check-ins listed by /cx-shift and the App Home
LOOKAHEAD_DAYS = 7  # skipped days listed beside them


class PermissionDenied(Exception):
    """The asker may not do this; the message says who may."""


@dataclass(frozen=True)
class ShiftRequest:
    """What a /cx-shift call asks for, and about whom (None: the asker)."""

    kind: Literal["show", "set", "away", "back", "timezone"]
    target: str | None = None
    shift: Shift | None = None
    away_until: date | None = None
    timezone: str | None = None  # for "timezone": an IANA name, or None to follow Slack again


@dataclass(frozen=True)
class ShiftOverview:
    """A person's schedule as /cx-shift and the App Home show it."""

    slack_user_id: str
    timezone: str
    shift: Shift | None
    away_until: date | None
    away_status: str | None  # the Slack status pausing check-ins, if any
    away_status_until: datetime | None
    upcoming: list[PlannedDay]
    skipped: list[PlannedDay]


def parse_request(text: str) -> ShiftRequest:
    """Read `[@person] [show | DAYS HH:MM | away until YYYY-MM-DD | back]`."""
    words = text.split()
    target = None
    if words and (mention := MENTION.match(words[0])):
        target, words = mention[1], words[1:]
    elif words and words[0].startswith("@"):
        raise ScheduleError(
            f"I can't find {words[0]}. Pick the person from Slack's @ menu so the name turns blue."
        )
    lowered = [word.lower() for word in words]
    if not lowered or lowered == ["show"]:
        return ShiftRequest("show", target)
    if lowered and lowered[0] in ("tz", "timezone", "zone"):
        if len(words) != 2:
            raise ScheduleError(
                "Name one time zone: `/cx-shift tz Europe/London`, or `/cx-shift tz slack` to "
                "follow your Slack profile again."
            )
        if lowered[1] in ("slack", "auto", "clear"):
            return ShiftRequest("timezone", target)
        schedule.zone_named(words[1])
        return ShiftRequest("timezone", target, timezone=words[1])
    if lowered == ["back"]:
        return ShiftRequest("back", target)
    if lowered[0] == "away":
        rest = lowered[1:]
        if rest and rest[0] == "until":
            rest = rest[1:]
        if len(rest) != 1:
            raise ScheduleError(f"Say when you are back: `/cx-shift away until {example_date()}`.")
        return ShiftRequest("away", target, away_until=_parse_date(rest[0]))
    if len(lowered) == 2:
        return ShiftRequest("set", target, shift=schedule.parse_shift(lowered[0], lowered[1]))
    raise ScheduleError(
        f"I can read `/cx-shift mon-fri 17:30`, `/cx-shift away until {example_date()}`, "
        "`/cx-shift back` or just `/cx-shift`."
    )


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ScheduleError(
            f"`{text}` is not a date I can read. Write it as YYYY-MM-DD, like `{example_date()}`."
        ) from None


def may_set(*, session: Session, actor: Actor, person: Person) -> bool:
    """Whether `actor` may see and set `person`'s shift (themself, their lead, an admin)."""
    own = person.slack_user_id == actor.slack_user_id
    teams = repos.team_list_of(session=session, person=person)
    subject_teams = frozenset(team.id for team in teams if team.id is not None)
    action = Action.SET_OWN_SCHEDULE if own else Action.SET_SCHEDULE
    return may(actor, action, subject_id=person.slack_user_id, subject_teams=subject_teams)


def perform(
    *, session: Session, actor: Actor, person: Person, request: ShiftRequest, now: datetime
) -> ShiftOverview:
    """Carry out `request` on `person` for `actor` (permission checked here), and return the
    person's schedule as it now stands. The caller commits."""
    teams = repos.team_list_of(session=session, person=person)
    own = person.slack_user_id == actor.slack_user_id
    if request.kind == "show":
        action = Action.VIEW_OWN_SCHEDULE if own else Action.VIEW_SCHEDULE
    else:
        action = Action.SET_OWN_SCHEDULE if own else Action.SET_SCHEDULE
    subject_teams = frozenset(team.id for team in teams if team.id is not None)
    if not may(actor, action, subject_id=person.slack_user_id, subject_teams=subject_teams):
        raise PermissionDenied(refusal(action))
    zone = timezone_of(person, teams)
    if request.kind == "set" and request.shift is not None:
        person.shift_days = ",".join(schedule.WEEKDAYS[d] for d in sorted(request.shift.days))
        person.shift_end = f"{request.shift.end:%H:%M}"
    elif request.kind == "away" and request.away_until is not None:
        today = now.astimezone(schedule.zone_named(zone)).date()
        if request.away_until < today:
            raise ScheduleError(
                f"{request.away_until} is already past (today is {today} in {zone}). "
                "Pick a date from today on."
            )
        person.away_until = request.away_until
    elif request.kind == "back":
        person.away_until = None
    elif request.kind == "timezone":
        person.timezone_override = request.timezone
    session.add(person)
    session.flush()
    return overview(session=session, person=person, teams=teams, now=now)


def overview(
    *, session: Session, person: Person, teams: list[Team], now: datetime
) -> ShiftOverview:
    """The person's schedule: shift, away, next check-ins, and skipped days this week."""
    agent = agent_schedule(session=session, person=person, teams=teams)
    upcoming = schedule.next_checkins(agent, now, UPCOMING)
    today = now.astimezone(schedule.zone_named(agent.timezone)).date()
    skipped = [
        day
        for day in schedule.plan(agent, today, LOOKAHEAD_DAYS)
        if day.status in (schedule.DayStatus.HOLIDAY, schedule.DayStatus.AWAY)
    ]
    return ShiftOverview(
        slack_user_id=person.slack_user_id,
        timezone=agent.timezone,
        shift=agent.shift,
        away_until=person.away_until,
        away_status=person.slack_away_status,
        away_status_until=person.slack_away_until,
        upcoming=upcoming,
        skipped=skipped,
    )


def timezone_of(person: Person, teams: list[Team]) -> str:
    """Override, else Slack profile, else the first team's zone, else UTC."""
    return person.timezone_override or person.timezone or (teams[0].timezone if teams else "UTC")


def shift_of(person: Person) -> Shift | None:
    """The person's stored shift, if they have one."""
    if not person.shift_days or not person.shift_end:
        return None
    return schedule.parse_shift(person.shift_days, person.shift_end)


def agent_schedule(
    *, session: Session, person: Person, teams: list[Team],
    holidays: dict[int, frozenset[date]] | None = None,
) -> AgentSchedule:  # fmt: skip
    """Everything `schedule` needs about one person, read from the database (or, for a pass
    over everyone, with the teams' own days off read once beforehand: `holidays`)."""
    team_ids = [team.id for team in teams if team.id is not None]
    custom = (
        holidays
        if holidays is not None
        else repos.team_holidays(session=session, team_ids=team_ids)
    )
    calendars = tuple(
        HolidayCalendar(
            team.holiday_country, team.holiday_subdivision, custom.get(team.id, frozenset())
        )
        for team in teams
        if team.id is not None
    )
    return AgentSchedule(
        timezone=timezone_of(person, teams),
        shift=shift_of(person),
        away_until=person.away_until,
        calendars=calendars,
        active=person.active,
        away_status=person.slack_away_status,
        away_status_until=person.slack_away_until,
    )


def planned_days(
    *, session: Session, person: Person, start: date | None, days: int, now: datetime
) -> tuple[AgentSchedule, list[PlannedDay]]:
    """The person's schedule and their plan for `days` local dates from `start` (default: their
    local today)."""
    teams = repos.team_list_of(session=session, person=person)
    agent = agent_schedule(session=session, person=person, teams=teams)
    if start is None:
        start = now.astimezone(schedule.zone_named(agent.timezone)).date()
    return agent, schedule.plan(agent, start, days)
