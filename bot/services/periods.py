"""The one period grammar (docs/ARCHITECTURE.md §5) used by /cx-metrics, the CLI and digests.

A period is half-open `[start, end)` between local midnights in the viewer's team zone, kept as
aware UTC instants. `Nd` is the last N days including today. Weeks start on Monday (ISO).
Natural phrasings ("last month", "this week", "month", "last 30 days", "yesterday") are read as
the grammar's own forms: a period, never a team name.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

GRAMMAR = (
    "`7d` `30d` `90d` `this-week` `last-week` `this-month` `last-month` `YYYY-MM` `YYYY-Www` "
    "`YYYY-MM-DD..YYYY-MM-DD` (or in words: `today`, `yesterday`, `this week`, `last month`, "
    "`last 30 days`, `this year`)"
)
_DAYS = re.compile(r"^(?:(?:last|past)-)?(\d{1,3})(?:d|-days?)$")
# Natural phrasings, read as the grammar's own words (spaces become dashes first).
_WORDS = {
    "week": "this-week", "month": "this-month", "year": "this-year",
    "previous-week": "last-week", "previous-month": "last-month", "previous-year": "last-year",
    "today": "1d", "last-day": "1d",
}  # fmt: skip
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-w(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
MAX_DAYS = 366 * 3


class PeriodError(ValueError):
    """A period that cannot be read; the message lists the forms that work."""


@dataclass(frozen=True)
class Period:
    """Local dates `first`..`last` (both included) in `zone`, and their UTC bounds."""

    first: date
    last: date
    zone: str
    label: str

    @property
    def start(self) -> datetime:
        """Local midnight starting `first`, in UTC."""
        return _midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """Local midnight after `last`, in UTC (exclusive)."""
        return _midnight(self.last + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        """How many local dates the period covers."""
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        """The period of equal length (in local days) just before this one."""
        last = self.first - timedelta(days=1)
        return Period(last - timedelta(days=self.days - 1), last, self.zone, f"before {self.label}")

    def contains(self, moment: datetime) -> bool:
        """Whether an aware instant falls in `[start, end)`."""
        return self.start <= moment < self.end


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def parse(text: str, *, now: datetime, zone: str) -> Period:
    """Read a period in the grammar; PeriodError naming the forms that work otherwise."""
    word = re.sub(r"\s+", "-", text.strip().lower()) or "7d"
    word = _WORDS.get(word, word)
    today = now.astimezone(ZoneInfo(zone)).date()
    if match := _DAYS.match(word):
        days = int(match[1])
        if not 1 <= days <= MAX_DAYS:
            raise PeriodError(f"`{text}`: give 1 to {MAX_DAYS} days.")
        label = "today" if days == 1 else f"last {days} days"
        return Period(today - timedelta(days=days - 1), today, zone, label)
    if (named := _named(word, today, zone)) is not None:
        return named
    if match := _MONTH.match(word):
        return _month(int(match[1]), int(match[2]), zone, word, text)
    if match := _WEEK.match(word):
        try:
            first = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise PeriodError(f"`{text}` is not an ISO week (W01 to W52 or W53).") from None
        return Period(first, first + timedelta(days=6), zone, word.upper())
    if match := _RANGE.match(word):
        return _range(match[1], match[2], zone, text)
    raise PeriodError(f"`{text}` is not a period I know. Use one of {GRAMMAR}.")


def _range(start: str, end: str, zone: str, text: str) -> Period:
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise PeriodError(f"`{text}` has a date that does not exist.") from None
    if last < first:
        raise PeriodError(f"`{text}` ends before it starts.")
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodError(f"`{text}` is longer than {MAX_DAYS} days.")
    return Period(first, last, zone, f"{first}..{last}")


def _named(word: str, today: date, zone: str) -> Period | None:
    """The periods named by a word: yesterday, this or last week, month or year."""
    monday = today - timedelta(days=today.weekday())
    if word == "yesterday":
        yesterday = today - timedelta(days=1)
        return Period(yesterday, yesterday, zone, "yesterday")
    if word == "this-week":
        return Period(monday, monday + timedelta(days=6), zone, "this week")
    if word == "last-week":
        start = monday - timedelta(days=7)
        return Period(start, start + timedelta(days=6), zone, "last week")
    if word == "this-month":
        return _month(today.year, today.month, zone, "this month")
    if word == "last-month":
        last = today.replace(day=1) - timedelta(days=1)
        return _month(last.year, last.month, zone, "last month")
    if word == "this-year":
        return Period(today.replace(month=1, day=1), today, zone, "this year")
    if word == "last-year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), zone, "last year")
    return None


def _month(year: int, month: int, zone: str, label: str, text: str = "") -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(f"`{text or label}` has no month {month:02d}; months are 01 to 12.")
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), zone, label)
