"""One way to write counts and dates wherever people read them (issue 16): "1 shift",
"2 shifts", "1 person"; "Mon 7 Dec", "Mon 7 Dec 2026"."""

from datetime import UTC, date, datetime, timedelta

EXAMPLE = "{example_date}"  # in help texts: replaced with example_date() when shown


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 shift", "2 shifts", "1,200 people" (with `many`), with thousands separated."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def example_date(ahead: int = 14) -> str:
    """A date to show in an example, `ahead` days from today, so no example is ever a day in
    the past: "2026-12-14"."""
    return (datetime.now(UTC).date() + timedelta(days=ahead)).isoformat()


def short_date(when: date, *, year: bool = False) -> str:
    """ "Mon 7 Dec" (with `year`: "Mon 7 Dec 2026"); a datetime as its own date."""
    text = f"{when:%a} {when.day} {when:%b}"
    return f"{text} {when.year}" if year else text
