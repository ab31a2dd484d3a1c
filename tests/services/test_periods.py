"""The period grammar: local dates in the team's zone, half-open UTC bounds, equal-length
previous periods."""

from datetime import UTC, date, datetime

import pytest

from bot.services.periods import PeriodError, parse

# Wednesday 25 November 2026, 03:00 UTC: still Tuesday 24th in New York.
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("7d", date(2026, 11, 18), date(2026, 11, 24)),
        ("", date(2026, 11, 18), date(2026, 11, 24)),  # the default
        ("30d", date(2026, 10, 26), date(2026, 11, 24)),
        ("this-week", date(2026, 11, 23), date(2026, 11, 29)),
        ("last-week", date(2026, 11, 16), date(2026, 11, 22)),
        ("this-month", date(2026, 11, 1), date(2026, 11, 30)),
        ("last-month", date(2026, 10, 1), date(2026, 10, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-03-01..2026-03-31", date(2026, 3, 1), date(2026, 3, 31)),
        # said in words, as people type them
        ("last month", date(2026, 10, 1), date(2026, 10, 31)),
        ("Last  Week", date(2026, 11, 16), date(2026, 11, 22)),
        ("month", date(2026, 11, 1), date(2026, 11, 30)),
        ("week", date(2026, 11, 23), date(2026, 11, 29)),
        ("last 30 days", date(2026, 10, 26), date(2026, 11, 24)),
        ("past 7 days", date(2026, 11, 18), date(2026, 11, 24)),
        ("today", date(2026, 11, 24), date(2026, 11, 24)),
        ("yesterday", date(2026, 11, 23), date(2026, 11, 23)),
        ("this year", date(2026, 1, 1), date(2026, 11, 24)),
        ("last year", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_periods_in_the_team_zone(text: str, first: date, last: date) -> None:
    """Each form gives the local dates a New York team expects (today is Tuesday the 24th)."""
    period = parse(text, now=NOW, zone="America/New_York")
    assert (period.first, period.last) == (first, last)


def test_bounds_are_local_midnights_in_utc() -> None:
    """March 2026 in New York starts at 05:00 UTC (EST) and ends at 04:00 UTC (EDT)."""
    period = parse("2026-03", now=NOW, zone="America/New_York")
    assert period.start == datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 4, 1, 4, 0, tzinfo=UTC)
    assert period.contains(datetime(2026, 4, 1, 3, 59, tzinfo=UTC))
    assert not period.contains(datetime(2026, 4, 1, 4, 0, tzinfo=UTC))


def test_previous_period_has_equal_length() -> None:
    """The change is against the same number of days just before."""
    period = parse("2026-03-10..2026-03-16", now=NOW, zone="UTC")
    previous = period.previous()
    assert (previous.first, previous.last) == (date(2026, 3, 3), date(2026, 3, 9))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "months are 01 to 12"),
        ("5 weeks", "is not a period I know"),
        ("2026-W60", "ISO week"),
        ("2026-03-10..2026-03-01", "ends before it starts"),
        ("2026-02-30..2026-03-01", "does not exist"),
        ("0d", "1 to"),
    ],
)
def test_bad_periods_are_explained(text: str, message: str) -> None:
    """Impossible or unknown periods get a specific message."""
    with pytest.raises(PeriodError, match=message):
        parse(text, now=NOW, zone="UTC")
