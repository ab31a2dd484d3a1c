"""Keeping the rollups (bot.services.rollups) a pure function of the raw rows, in the
transaction that changed the rows: a crash leaves neither half-done.

An import names the (agent, UTC day) pairs whose rows changed (a ticket updated, moved or
re-assigned): those days are recomputed from the raw rows. Pairs that only gained new rows get
the new rows' tally added to what is stored — the same figures (counts add, sketches' buckets
add), without reading the day back, which is most of the cost of a big first import or sync.
Months follow from their days the same two ways.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer
from sqlmodel import Session, col

from bot.services.kpis import COUNTS, Tally
from bot.services.rollups import (
    DAY,
    MONTH,
    ROLLUP_COLUMNS,
    SKETCHES,
    Key,
    add_raw,
    chunks,
    day_of,
    merge_row,
    midnight,
    next_month,
)  # fmt: skip
from bot.store import bulk
from bot.store.models import HelpdeskTicket, KpiRollup, SurveyResponse

LOCK_SPACE = 0x4B5049  # "KPI": the first key of the agents' rollup advisory locks
_LOCK = text(
    "SELECT pg_advisory_xact_lock(:space, person) FROM "
    "(SELECT unnest(:people) AS person ORDER BY person) AS ordered"
).bindparams(bindparam("people", type_=ARRAY(Integer)))


def update(session: Session, *, changed: Iterable[Key], added: Mapping[Key, Tally]) -> None:
    """Bring the rollups up to date after an import: recompute the `changed` pairs from the raw
    rows; add `added[key]`, the tally of rows new to that pair, to the others. The caller
    commits."""
    changed = set(changed)
    added = {key: tally for key, tally in added.items() if key not in changed}
    _lock(session, {person for person, _ in changed | added.keys()})
    recomputed_months = {(person, day.replace(day=1)) for person, day in changed}
    by_month: dict[date, dict[int, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for (person, day), tally in added.items():  # before the days' tallies take in stored rows
        if (person, day.replace(day=1)) not in recomputed_months:
            by_month[day.replace(day=1)][person].merge(tally)
    by_day: dict[date, set[int]] = defaultdict(set)
    for person, day in changed:
        by_day[day].add(person)
    for day, people in sorted(by_day.items()):
        for ids in chunks(sorted(people)):
            tallies: dict[int, Tally] = defaultdict(Tally)
            add_raw(session, ids, midnight(day), midnight(day + timedelta(days=1)),
                    tallies.__getitem__)  # fmt: skip
            _replace(session, ids, DAY, day, tallies)
    added_by_day: dict[date, dict[int, Tally]] = defaultdict(dict)
    for (person, day), tally in added.items():
        added_by_day[day][person] = tally
    _add_to_stored(session, DAY, added_by_day)
    refresh_months(session, changed)
    _add_to_stored(session, MONTH, by_month)


def refresh(session: Session, keys: Iterable[Key]) -> None:
    """Recompute the rollups of these (agent, day) pairs from the raw rows, then their months."""
    update(session, changed=keys, added={})


def refresh_months(session: Session, keys: Iterable[Key]) -> None:
    """Recompute the month rollups of these (agent, day) pairs from their day rollups."""
    by_month: dict[date, set[int]] = defaultdict(set)
    for person_id, day in keys:
        by_month[day.replace(day=1)].add(person_id)
    _lock(session, {person for people in by_month.values() for person in people})
    for month, people in sorted(by_month.items()):
        for ids in chunks(sorted(people)):
            tallies: dict[int, Tally] = defaultdict(Tally)
            rows = session.execute(
                select(col(KpiRollup.person_id), *ROLLUP_COLUMNS).where(
                    col(KpiRollup.person_id).in_(ids),
                    col(KpiRollup.grain) == DAY,
                    col(KpiRollup.day) >= month,
                    col(KpiRollup.day) < next_month(month),
                )
            )
            for person_id, *row in rows:
                merge_row(tallies[person_id], row)
            _replace(session, ids, MONTH, month, tallies)


def _add_to_stored(session: Session, grain: str, deltas: Mapping[date, dict[int, Tally]]) -> None:
    """Add each (day or month, agent) tally to the stored rollup of that grain."""
    for day, tallies in sorted(deltas.items()):
        for ids in chunks(sorted(tallies)):
            for person_id, *row in session.execute(
                select(col(KpiRollup.person_id), *ROLLUP_COLUMNS).where(
                    col(KpiRollup.person_id).in_(ids),
                    col(KpiRollup.grain) == grain,
                    col(KpiRollup.day) == day,
                )
            ):
                merge_row(tallies[person_id], row)
            _replace(session, ids, grain, day, {person: tallies[person] for person in ids})


def _lock(session: Session, people: set[int]) -> None:
    """On Postgres, take each agent's rollup lock (held to the end of the transaction, taken in
    id order so two refreshes cannot deadlock), in one statement. Two webhooks for one agent and
    day then refresh one after the other, the second reading the first's committed ticket,
    instead of the last commit silently dropping the other's. SQLite needs none: its writers
    take turns already."""
    if people and session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK, {"space": LOCK_SPACE, "people": sorted(people)})


def _replace(session: Session, ids: Sequence[int], grain: str, day: date,
             tallies: Mapping[int, Tally]) -> None:  # fmt: skip
    session.execute(
        delete(KpiRollup).where(
            col(KpiRollup.person_id).in_(ids),
            col(KpiRollup.grain) == grain,
            col(KpiRollup.day) == day,
        )
    )
    rows = [
        _row(person, grain, day, t)
        for person, t in tallies.items()
        if t.solved or t.csat_n or t.nps_n
    ]
    bulk.insert_rows(session, KpiRollup.__table__, rows)  # type: ignore[attr-defined]


def rebuild(session: Session) -> None:
    """Recompute every rollup from the raw rows (after a migration, or to repair)."""
    session.execute(delete(KpiRollup))
    keys: set[Key] = set()
    for person_id, moment in session.execute(
        select(col(HelpdeskTicket.person_id), col(HelpdeskTicket.solved_at)).where(
            col(HelpdeskTicket.person_id).is_not(None), col(HelpdeskTicket.solved_at).is_not(None)
        )
    ):
        keys.add((person_id, day_of(moment)))
    for person_id, moment in session.execute(
        select(col(SurveyResponse.person_id), col(SurveyResponse.submitted_at)).where(
            col(SurveyResponse.person_id).is_not(None)
        )
    ):
        keys.add((person_id, day_of(moment)))
    refresh(session, keys)


def _row(person_id: int, grain: str, day: date, t: Tally) -> dict[str, Any]:
    return {
        "person_id": person_id, "grain": grain, "day": day,
        **{name: getattr(t, name) for name in COUNTS},
        **{name: getattr(t, name).to_bytes() for name in SKETCHES},
    }  # fmt: skip
