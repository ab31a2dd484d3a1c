"""Per-agent, per-UTC-day KPI tallies kept beside the raw helpdesk rows, so that reading a
period costs the same whatever the length of the history.

A period [start, end) is read as the whole calendar months inside it from month rollups, the
other whole UTC days from day rollups, and the partial days at its edges (a team's midnight is
rarely UTC's) from the raw rows: at most two days of raw rows and about sixty day rollups per
agent for any period, whatever its length. Both feed one kpis.Tally, so the figures are exactly
those computed from the raw rows alone (tests/services/test_rollups.py holds it to that).

Rollups are a pure function of the raw rows, kept so in the importing transaction by
bot.services.rollup_writes.
"""

import bisect
import itertools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import select
from sqlmodel import Session, col

from bot.services.kpis import COUNTS, Survey, Tally, Ticket
from bot.store.models import HelpdeskTicket, KpiRollup, SurveyResponse

Key = tuple[int, date]  # (person id, UTC day)
DAY, MONTH = "d", "m"
CHUNK = 500  # ids per IN (...) list
T = TypeVar("T")

_TICKET_COLUMNS = tuple(
    col(getattr(HelpdeskTicket, name))
    for name in ("person_id", "created_at", "first_response_at", "solved_at", "agent_replies",
                 "reopened", "frt_business_s", "resolution_business_s")
)  # fmt: skip
SKETCHES = ("frt", "resolution", "frt_business", "resolution_business")  # kpis.Tally's
ROLLUP_COLUMNS = (
    *(col(getattr(KpiRollup, name)) for name in COUNTS),
    *(col(getattr(KpiRollup, name)) for name in SKETCHES),
)  # fmt: skip
_SURVEY_COLUMNS = (
    col(SurveyResponse.person_id), col(SurveyResponse.kind), col(SurveyResponse.score),
    col(SurveyResponse.submitted_at),
)  # fmt: skip


def day_of(moment: datetime) -> date:
    """The UTC day a moment falls in."""
    return moment.astimezone(UTC).date()


def midnight(day: date) -> datetime:
    """00:00 UTC of a day."""
    return datetime.combine(day, time(), UTC)


def tally(
    *, session: Session, person_ids: Collection[int], start: datetime, end: datetime
) -> Tally:
    """Everything counted for these agents in [start, end): month rollups for whole months,
    day rollups for the other whole days, raw rows for the partial days at the edges."""
    total = Tally()
    first_full = day_of(start) + timedelta(days=0 if midnight(day_of(start)) == start else 1)
    after_full = day_of(end)  # whole days are those before the UTC midnight at or before `end`
    if first_full >= after_full:
        add_raw(session, person_ids, start, end, lambda _person: total)
        return total
    month_from = first_full if first_full.day == 1 else next_month(first_full)
    month_to = after_full.replace(day=1)
    if month_from < month_to:
        _add_rollups(session, person_ids, MONTH, month_from, month_to, total)
        _add_rollups(session, person_ids, DAY, first_full, month_from, total)
        _add_rollups(session, person_ids, DAY, month_to, after_full, total)
    else:
        _add_rollups(session, person_ids, DAY, first_full, after_full, total)
    add_raw(session, person_ids, start, midnight(first_full), lambda _person: total)
    add_raw(session, person_ids, midnight(after_full), end, lambda _person: total)
    return total


def tally_each(
    *, session: Session, person_ids: Collection[int], start: datetime, end: datetime
) -> dict[int, Tally]:
    """Each agent's own tally of [start, end) (a week, for each agent's summary): whole UTC
    days from day rollups, the partial days at the edges raw; in a few queries for everyone."""
    found: dict[int, Tally] = defaultdict(Tally)
    first_full = day_of(start) + timedelta(days=0 if midnight(day_of(start)) == start else 1)
    after_full = day_of(end)
    if first_full >= after_full:
        add_raw(session, person_ids, start, end, found.__getitem__)
        return dict(found)
    for ids in chunks(sorted(person_ids)):
        for person, *row in session.execute(
            select(col(KpiRollup.person_id), *ROLLUP_COLUMNS).where(
                col(KpiRollup.person_id).in_(ids),
                col(KpiRollup.grain) == DAY,
                col(KpiRollup.day) >= first_full,
                col(KpiRollup.day) < after_full,
            )
        ):
            merge_row(found[person], row)
    add_raw(session, person_ids, start, midnight(first_full), found.__getitem__)
    add_raw(session, person_ids, midnight(after_full), end, found.__getitem__)
    return dict(found)


def tally_series(
    *, session: Session, person_ids: Collection[int], bounds: Sequence[datetime]
) -> list[Tally]:
    """Tallies of back-to-back periods [bounds[i], bounds[i+1]) in one pass: one query for the
    whole UTC days (day rollups), raw rows only for the days a bound cuts (a trend's weeks)."""
    tallies = [Tally() for _ in bounds[1:]]
    owner: dict[date, int] = {}
    for i, (start, end) in enumerate(itertools.pairwise(bounds)):
        first = day_of(start) + timedelta(days=0 if midnight(day_of(start)) == start else 1)
        for n in range((day_of(end) - first).days):
            owner[first + timedelta(days=n)] = i
    cut = {day_of(b) for b in bounds if midnight(day_of(b)) != b}  # days a bound falls inside
    if owner:
        for ids in chunks(sorted(person_ids)):
            for day, *row in session.execute(
                select(col(KpiRollup.day), *ROLLUP_COLUMNS).where(
                    col(KpiRollup.person_id).in_(ids),
                    col(KpiRollup.grain) == DAY,
                    col(KpiRollup.day) >= min(owner),
                    col(KpiRollup.day) <= max(owner),
                )
            ):
                if (slot := owner.get(_as_date(day))) is not None:
                    merge_row(tallies[slot], row)
    for day in sorted(cut):
        start, end = (
            max(midnight(day), bounds[0]),
            min(midnight(day + timedelta(days=1)), bounds[-1]),
        )
        _add_raw_split(session, person_ids, start, end, bounds, tallies)
    return tallies


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _add_raw_split(
    session: Session, person_ids: Collection[int], start: datetime, end: datetime,
    bounds: Sequence[datetime], tallies: list[Tally],
) -> None:  # fmt: skip
    """Raw rows of [start, end), each into the period its time falls in."""
    if start >= end:
        return
    for ids in chunks(sorted(person_ids)):
        for _, *ticket in session.execute(
            select(*_TICKET_COLUMNS).where(
                col(HelpdeskTicket.person_id).in_(ids),
                col(HelpdeskTicket.solved_at) >= start,
                col(HelpdeskTicket.solved_at) < end,
            )
        ):
            tallies[bisect.bisect_right(bounds, ticket[2]) - 1].add_ticket(Ticket(*ticket))
        for _, *survey in session.execute(
            select(*_SURVEY_COLUMNS).where(
                col(SurveyResponse.person_id).in_(ids),
                col(SurveyResponse.submitted_at) >= start,
                col(SurveyResponse.submitted_at) < end,
            )
        ):
            tallies[bisect.bisect_right(bounds, survey[2]) - 1].add_survey(Survey(*survey))


def _add_rollups(session: Session, person_ids: Collection[int], grain: str, since: date,
                 until: date, total: Tally) -> None:  # fmt: skip
    if since >= until:
        return
    for ids in chunks(sorted(person_ids)):
        for row in session.execute(
            select(*ROLLUP_COLUMNS).where(
                col(KpiRollup.person_id).in_(ids),
                col(KpiRollup.grain) == grain,
                col(KpiRollup.day) >= since,
                col(KpiRollup.day) < until,
            )
        ):
            merge_row(total, row)


def merge_row(total: Tally, row: Sequence[Any]) -> None:
    """Add one stored rollup (columns as in ROLLUP_COLUMNS) to a tally."""
    for i, name in enumerate(COUNTS):
        setattr(total, name, getattr(total, name) + row[i])
    for i, name in enumerate(SKETCHES, start=len(COUNTS)):
        if row[i]:  # business-hours sketches are empty (None) in rollups made before them
            getattr(total, name).merge_bytes(row[i])


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def add_raw(session: Session, person_ids: Collection[int], start: datetime, end: datetime,
             into: Callable[[int], Tally]) -> None:  # fmt: skip
    """Count raw tickets solved and surveys submitted in [start, end) into `into(person_id)`."""
    if start >= end:
        return
    for ids in chunks(sorted(person_ids)):
        for person, *ticket in session.execute(
            select(*_TICKET_COLUMNS).where(
                col(HelpdeskTicket.person_id).in_(ids),
                col(HelpdeskTicket.solved_at) >= start,
                col(HelpdeskTicket.solved_at) < end,
            )
        ):
            into(person).add_ticket(Ticket(*ticket))
        for person, *survey in session.execute(
            select(*_SURVEY_COLUMNS).where(
                col(SurveyResponse.person_id).in_(ids),
                col(SurveyResponse.submitted_at) >= start,
                col(SurveyResponse.submitted_at) < end,
            )
        ):
            into(person).add_survey(Survey(*survey))


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk
