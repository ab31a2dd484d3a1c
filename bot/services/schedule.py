"""When each agent's check-in falls: their shift end, in their zone, minus days off.

The one place that computes schedules: the scheduler, `/cx-shift`, the App Home and
`python -m bot schedule` all call `plan` / `next_checkins`. Pure: no database, no Slack, `now`
passed in.

Time rules. A shift end is a local wall-clock time and stays there across DST (17:30 in New York
is 22:30 UTC in winter, 21:30 UTC in summer). Two local times need a rule:
- a time that does not exist (the spring-forward gap, e.g. 02:30 on 8 March 2026 in New York)
  runs at the instant it would have been had the clocks not moved: 03:30 local, the gap's length
  later (Python's fold=0 reading of a gap time);
- a time that happens twice (the fall-back overlap, e.g. 01:30 on 1 November 2026 in New York)
  runs once, at its first occurrence (the daylight-time one).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = {
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
    "friday": "fri", "saturday": "sat", "sunday": "sun",
    "tues": "tue", "thur": "thu", "thurs": "thu",
}  # fmt: skip
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleError(ValueError):
    """A shift, time zone or holiday setting that cannot be used; the message says why."""


@dataclass(frozen=True)
class Shift:
    """Which weekdays someone works (0 = Monday) and when their shift ends, local time."""

    days: frozenset[int]
    end: time

    def describe(self) -> str:
        """E.g. "mon-fri at 17:30" or "mon,wed,fri at 22:00"."""
        return f"{format_days(self.days)} at {self.end:%H:%M}"


@dataclass(frozen=True)
class HolidayCalendar:
    """Public holidays of a country (and subdivision) plus a team's own days off."""

    country: str | None = None
    subdivision: str | None = None
    custom: frozenset[date] = frozenset()

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name if `day` is one, else None."""
        if day in self.custom:
            return "team holiday"
        if self.country is None:
            return None
        name = _public_holidays(self.country, self.subdivision, day.year).get(day)
        return str(name) if name else None


@dataclass(frozen=True)
class AgentSchedule:
    """Everything that decides one agent's check-ins."""

    timezone: str
    shift: Shift | None
    away_until: date | None = None
    calendars: tuple[HolidayCalendar, ...] = field(default_factory=tuple)
    active: bool = True
    away_status: str | None = None  # a Slack status that pauses check-ins…
    away_status_until: datetime | None = None  # …until Slack clears it (None: until they do)


class DayStatus(StrEnum):
    """What happens on one local date."""

    CHECKIN = "check-in"
    DAY_OFF = "day off"
    HOLIDAY = "holiday"
    AWAY = "away"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class PlannedDay:
    """One local date of an agent's plan: a check-in time, or why there is none."""

    day: date
    status: DayStatus
    at: datetime | None = None  # the check-in instant, aware UTC
    local: datetime | None = None  # the same instant in the agent's zone
    reason: str = ""


def plan(schedule: AgentSchedule, start: date, days: int) -> list[PlannedDay]:
    """The agent's local dates `start`, `start + 1`, … with a check-in or the reason for none."""
    zone = zone_named(schedule.timezone)
    result = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        result.append(_plan_day(schedule, zone, day))
    return result


def next_checkins(schedule: AgentSchedule, now: datetime, count: int) -> list[PlannedDay]:
    """The next `count` check-ins strictly after `now` (at most a year ahead)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if schedule.shift is None or not schedule.shift.days or not schedule.active:
        return []
    zone = zone_named(schedule.timezone)
    day = now.astimezone(zone).date() - timedelta(days=1)  # the gap may push a time past midnight
    found: list[PlannedDay] = []
    for offset in range(367):
        planned = _plan_day(schedule, zone, day + timedelta(days=offset))
        if planned.at is not None and planned.at > now:
            found.append(planned)
            if len(found) == count:
                break
    return found


def _plan_day(schedule: AgentSchedule, zone: ZoneInfo, day: date) -> PlannedDay:
    if not schedule.active:
        return PlannedDay(day, DayStatus.INACTIVE, reason="not active in Slack")
    shift = schedule.shift
    if shift is None or day.weekday() not in shift.days:
        return PlannedDay(day, DayStatus.DAY_OFF, reason="not a shift day")
    if schedule.away_until is not None and day <= schedule.away_until:
        return PlannedDay(day, DayStatus.AWAY, reason=f"away until {schedule.away_until}")
    for calendar in schedule.calendars:
        name = calendar.holiday_name(day)
        if name:
            return PlannedDay(day, DayStatus.HOLIDAY, reason=name)
    at = local_instant(day, shift.end, zone)
    until = schedule.away_status_until
    if schedule.away_status is not None and (until is None or at < until):
        return PlannedDay(day, DayStatus.AWAY, reason=f"Slack status {schedule.away_status}")
    return PlannedDay(day, DayStatus.CHECKIN, at=at, local=at.astimezone(zone))


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone`, by the module's DST rules."""
    # fold=0: a gap time reads with the offset from before the jump (so it lands the gap's
    # length later), a repeated time as its first occurrence.
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


# ---- parsing and validation: shared by /cx-shift, the roster and the admin screens ----------


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name`, or a ScheduleError saying it is not one."""
    if name not in _zone_names():
        raise ScheduleError(
            f"`{name}` is not a time zone I know. Use an IANA name like "
            "`America/New_York`, `Europe/London` or `Asia/Kolkata`."
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:  # pragma: no cover (listed above)
        raise ScheduleError(f"`{name}` is not a usable time zone.") from error


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_time(text: str) -> time:
    """ "17:30" → 17:30; anything else is a ScheduleError with an example."""
    match = _TIME.match(text.strip())
    if not match:
        raise ScheduleError(
            f"`{text}` is not a time I can use. Write it as 24-hour HH:MM, like `17:30` or `09:00`."
        )
    return time(int(match[1]), int(match[2]))


def parse_days(text: str) -> frozenset[int]:
    """ "mon-fri", "mon,wed,fri", "sat-mon" (wraps), "weekdays", "daily" → weekday numbers."""
    words = text.strip().lower()
    if words in ("weekdays", "workdays"):
        return frozenset(range(5))
    if words in ("daily", "everyday", "every-day", "all"):
        return frozenset(range(7))
    result: set[int] = set()
    for part in words.split(","):
        if "-" in part:
            first, _, last = part.partition("-")
            start, stop = _weekday(first, text), _weekday(last, text)
            span = (stop - start) % 7
            result.update((start + step) % 7 for step in range(span + 1))
        else:
            result.add(_weekday(part, text))
    return frozenset(result)


def _weekday(word: str, whole: str) -> int:
    word = _FULL_NAMES.get(word.strip(), word.strip())
    if word not in WEEKDAYS:
        raise ScheduleError(
            f"`{whole}` is not a set of days I can read. Use `mon-fri`, `mon,wed,fri` or `sat-sun`."
        )
    return WEEKDAYS.index(word)


def format_days(days: Iterable[int]) -> str:
    """Weekday numbers back to the shortest text: "mon-fri", "mon,wed,fri", "daily"."""
    ordered = sorted(set(days))
    if len(ordered) == 7:
        return "daily"
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}"
        if len(run) > 2
        else ",".join(WEEKDAYS[d] for d in run)
        for run in runs
    ]
    return ",".join(parts)


def parse_shift(days_text: str, end_text: str) -> Shift:
    """A Shift from its two written parts, or a ScheduleError."""
    return Shift(days=parse_days(days_text), end=parse_time(end_text))


def check_holiday_code(code: str) -> tuple[str, str | None]:
    """ "US", "GB", "DE-BY" → (country, subdivision), or a ScheduleError naming the problem."""
    country, _, subdivision = code.strip().upper().partition("-")
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ScheduleError(
            f"`{code}` is not a holiday calendar I know. Use a country code like `US`, `GB`, "
            "`DE`, optionally with a region: `DE-BY`, `US-CA`."
        )
    if subdivision and subdivision not in supported[country]:
        regions = ", ".join(supported[country][:8])
        raise ScheduleError(f"`{subdivision}` is not a region of {country}. Try one of: {regions}…")
    return country, subdivision or None


@cache
def _public_holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return {day: str(name) for day, name in calendar.items()}
