"""Check-in schedules: shift ends in each agent's own zone, across DST, holidays and absences."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from freezegun import freeze_time

from bot.services.schedule import (
    AgentSchedule,
    DayStatus,
    HolidayCalendar,
    ScheduleError,
    Shift,
    check_holiday_code,
    format_days,
    next_checkins,
    parse_days,
    parse_time,
    plan,
)
from bot.store.models import utcnow

WEEKDAYS = frozenset(range(5))


def _agent(
    zone: str,
    end: str = "17:30",
    days: frozenset[int] = WEEKDAYS,
    *,
    away_until: date | None = None,
    calendars: tuple[HolidayCalendar, ...] = (),
    active: bool = True,
) -> AgentSchedule:
    return AgentSchedule(zone, Shift(days, parse_time(end)), away_until, calendars, active)


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Each zone's last weekday shift before its DST change and the first after, in UTC.
ACROSS_DST = [
    ("America/New_York", date(2026, 3, 6), _utc(2026, 3, 6, 22, 30), _utc(2026, 3, 9, 21, 30)),
    ("America/New_York", date(2026, 10, 30), _utc(2026, 10, 30, 21, 30), _utc(2026, 11, 2, 22, 30)),
    ("Europe/London", date(2026, 3, 27), _utc(2026, 3, 27, 17, 30), _utc(2026, 3, 30, 16, 30)),
    ("Europe/London", date(2026, 10, 23), _utc(2026, 10, 23, 16, 30), _utc(2026, 10, 26, 17, 30)),
    ("Australia/Sydney", date(2026, 4, 3), _utc(2026, 4, 3, 6, 30), _utc(2026, 4, 6, 7, 30)),
    ("Australia/Sydney", date(2026, 10, 2), _utc(2026, 10, 2, 7, 30), _utc(2026, 10, 5, 6, 30)),
    ("Pacific/Chatham", date(2026, 4, 3), _utc(2026, 4, 3, 3, 45), _utc(2026, 4, 6, 4, 45)),
    ("Pacific/Chatham", date(2026, 9, 25), _utc(2026, 9, 25, 4, 45), _utc(2026, 9, 28, 3, 45)),
    ("Asia/Kolkata", date(2026, 3, 6), _utc(2026, 3, 6, 12, 0), _utc(2026, 3, 9, 12, 0)),
]


@pytest.mark.parametrize(("zone", "friday", "before", "after"), ACROSS_DST)
def test_shift_end_keeps_its_local_time_across_dst(
    zone: str, friday: date, before: datetime, after: datetime
) -> None:
    """A 17:30 shift stays at 17:30 local on both sides of a DST change, so its UTC time moves."""
    days = plan(_agent(zone), friday, 4)
    checkins = [d for d in days if d.status is DayStatus.CHECKIN]
    assert [d.at for d in checkins] == [before, after]
    assert {d.local.time() for d in checkins if d.local} == {time(17, 30)}


@pytest.mark.parametrize(("zone", "friday", "before", "after"), ACROSS_DST)
def test_next_checkins_from_the_clock_across_dst(
    zone: str, friday: date, before: datetime, after: datetime
) -> None:
    """An hour before Friday's check-in, the next two are Friday's and Monday's, DST between."""
    with freeze_time(before - timedelta(hours=1)):
        upcoming = next_checkins(_agent(zone), utcnow(), 2)
    assert [d.at for d in upcoming] == [before, after]
    assert upcoming[0].day == friday


def test_a_time_in_the_spring_forward_gap_runs_the_gap_later() -> None:
    """02:30 does not exist in New York on 8 March 2026; the check-in runs at 03:30 EDT."""
    (day,) = plan(_agent("America/New_York", "02:30", frozenset({6})), date(2026, 3, 8), 1)
    assert day.at == _utc(2026, 3, 8, 7, 30)
    assert day.local is not None
    assert day.local.time() == time(3, 30)


def test_a_repeated_time_at_fall_back_runs_once_at_its_first_occurrence() -> None:
    """01:30 happens twice in New York on 1 November 2026; the check-in is the first, EDT."""
    days = plan(_agent("America/New_York", "01:30", frozenset({6})), date(2026, 11, 1), 1)
    assert [d.at for d in days] == [_utc(2026, 11, 1, 5, 30)]


def test_night_shift_in_a_half_hour_zone() -> None:
    """A 00:15 shift end in Kolkata is 18:45 UTC the evening before."""
    (day,) = plan(_agent("Asia/Kolkata", "00:15"), date(2026, 6, 1), 1)
    assert day.at == _utc(2026, 5, 31, 18, 45)


def test_days_off_are_skipped_with_the_reason() -> None:
    """Saturday and Sunday of a mon-fri shift are listed as days off, not check-ins."""
    days = plan(_agent("Europe/London"), date(2026, 6, 5), 3)  # Fri, Sat, Sun
    assert [d.status for d in days] == [DayStatus.CHECKIN, DayStatus.DAY_OFF, DayStatus.DAY_OFF]


def test_public_holidays_are_skipped_by_name() -> None:
    """Thanksgiving is skipped for a team on the US calendar, and says so."""
    agent = _agent("America/Chicago", calendars=(HolidayCalendar(country="US"),))
    (day,) = plan(agent, date(2026, 11, 26), 1)
    assert day.status is DayStatus.HOLIDAY
    assert "Thanksgiving" in day.reason


def test_regional_holidays_follow_the_subdivision() -> None:
    """Epiphany is a holiday in Bavaria (DE-BY) but not in Berlin (DE-BE)."""
    epiphany = date(2027, 1, 6)
    bavaria = _agent("Europe/Berlin", calendars=(HolidayCalendar("DE", "BY"),))
    berlin = _agent("Europe/Berlin", calendars=(HolidayCalendar("DE", "BE"),))
    assert plan(bavaria, epiphany, 1)[0].status is DayStatus.HOLIDAY
    assert plan(berlin, epiphany, 1)[0].status is DayStatus.CHECKIN


def test_team_custom_holidays_are_skipped() -> None:
    """A team's own day off counts like a public holiday."""
    calendar = HolidayCalendar(custom=frozenset({date(2026, 12, 24)}))
    (day,) = plan(_agent("Europe/London", calendars=(calendar,)), date(2026, 12, 24), 1)
    assert (day.status, day.reason) == (DayStatus.HOLIDAY, "team holiday")


def test_away_until_is_inclusive() -> None:
    """Away until Wednesday: no check-in through Wednesday, back on Thursday."""
    agent = _agent("Europe/London", away_until=date(2026, 6, 3))
    days = plan(agent, date(2026, 6, 2), 3)  # Tue, Wed, Thu
    assert [d.status for d in days] == [DayStatus.AWAY, DayStatus.AWAY, DayStatus.CHECKIN]


def test_an_inactive_agent_gets_nothing() -> None:
    """A deactivated Slack user has no check-ins at all."""
    agent = _agent("Europe/London", active=False)
    assert next_checkins(agent, _utc(2026, 6, 1), 3) == []
    assert {d.status for d in plan(agent, date(2026, 6, 1), 7)} == {DayStatus.INACTIVE}


def test_no_shift_means_no_checkins() -> None:
    """Someone with no shift set is never prompted."""
    agent = AgentSchedule(timezone="UTC", shift=None)
    assert next_checkins(agent, _utc(2026, 6, 1), 3) == []


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("sat-mon", {5, 6, 0}),
        ("Monday,Thursday", {0, 3}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("daily", set(range(7))),
    ],
)
def test_days_are_read_in_the_usual_forms(text: str, days: set[int]) -> None:
    """Ranges (wrapping past Sunday), lists, full names and shorthands all read."""
    assert parse_days(text) == days


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ({0, 1, 2, 3, 4}, "mon-fri"),
        ({0, 2, 4}, "mon,wed,fri"),
        ({0, 1, 3, 4, 5}, "mon,tue,thu-sat"),
        (set(range(7)), "daily"),
    ],
)
def test_days_are_written_back_shortest(days: set[int], text: str) -> None:
    """Weekday sets print as ranges where they can."""
    assert format_days(days) == text


@pytest.mark.parametrize("bad", ["25:00", "5pm-ish", "17.30", "17:60", ""])
def test_bad_times_are_refused_with_an_example(bad: str) -> None:
    """Times must be 24-hour HH:MM; the message shows one."""
    with pytest.raises(ScheduleError, match="17:30"):
        parse_time(bad)


def test_bad_days_are_refused_with_an_example() -> None:
    """An unknown day name is refused with the forms that work."""
    with pytest.raises(ScheduleError, match="mon-fri"):
        parse_days("mon-funday")


@pytest.mark.parametrize(("code", "parsed"), [("US", ("US", None)), ("de-by", ("DE", "BY"))])
def test_holiday_codes(code: str, parsed: tuple[str, str | None]) -> None:
    """Country codes with an optional region are accepted, any case."""
    assert check_holiday_code(code) == parsed


@pytest.mark.parametrize("bad", ["XX", "DE-ZZ"])
def test_unknown_holiday_codes_are_refused(bad: str) -> None:
    """Unknown countries and regions get a message naming what works."""
    with pytest.raises(ScheduleError):
        check_holiday_code(bad)


def test_unknown_time_zone_is_refused() -> None:
    """A zone that is not an IANA name gets an example of one."""
    with pytest.raises(ScheduleError, match="America/New_York"):
        plan(_agent("Mars/Olympus_Mons"), date(2026, 6, 1), 1)


def test_a_slack_away_status_skips_check_ins_until_it_ends() -> None:
    """While a Slack away status lasts, days are away with the status as the reason; after its
    expiry, check-ins come back."""
    ends = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # Wednesday noon in New York
    agent = AgentSchedule(
        "America/New_York", Shift(WEEKDAYS, time(17, 30)),
        away_status=":face_with_thermometer: Out sick", away_status_until=ends,
    )  # fmt: skip
    days = plan(agent, date(2026, 11, 24), 2)
    assert [(d.status, d.reason) for d in days] == [
        (DayStatus.AWAY, "Slack status :face_with_thermometer: Out sick"),
        (DayStatus.CHECKIN, ""),
    ]
    forever = AgentSchedule("UTC", Shift(WEEKDAYS, time(17, 30)), away_status=":palm_tree:")
    assert next_checkins(forever, datetime(2026, 11, 24, tzinfo=UTC), 3) == []
