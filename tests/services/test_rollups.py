"""Per-day rollups: a period read from them equals the same period computed from the raw rows."""

import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.services import helpdesk, kpis, rollup_writes, rollups, teams
from bot.services.helpdesk_agents import Resolved
from bot.services.periods import parse
from bot.store import repos
from bot.store.models import KpiRollup, Person

WORKSPACE = "T0ROLL"
AGENTS = ("U0ANA", "U0BEN", "U0CAT")
NOW = datetime(2026, 3, 31, 12, tzinfo=UTC)


def _records(seed: int, count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Tickets and surveys spread over March, at every hour of the day (so across zone edges)."""
    rng = random.Random(seed)
    tickets, surveys = [], []
    for n in range(count):
        created = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(30 * 1440))
        first = created + timedelta(seconds=rng.choice([0, 30, rng.randrange(60, 86400)]))
        solved = first + timedelta(seconds=rng.randrange(0, 3 * 86400))
        tickets.append({
            "ticket_id": f"T{n}", "agent": rng.choice(AGENTS), "created_at": created.isoformat(),
            "first_response_at": first.isoformat() if rng.random() < 0.9 else "",
            "solved_at": solved.isoformat() if rng.random() < 0.85 else "",
            "agent_replies": str(rng.choice([0, 1, 1, 1, 2, 3])),
            "reopened": rng.choice(["true", "false", "false", "false"]),
        })  # fmt: skip
        kind = rng.choice(["csat", "nps"])
        surveys.append({
            "response_id": f"R{n}", "agent": rng.choice(AGENTS), "kind": kind,
            "score": str(rng.randrange(1, 6) if kind == "csat" else rng.randrange(0, 11)),
            "submitted_at": (solved + timedelta(hours=rng.randrange(48))).isoformat(),
        })  # fmt: skip
    return tickets, surveys


def _store(session: Session, kind: helpdesk.Kind, rows: list[dict[str, Any]]) -> None:
    def resolve(agent: str) -> Resolved:
        person = teams.person_stub(session=session, workspace_id=WORKSPACE, slack_user_id=agent)
        return Resolved(person.id)

    report = helpdesk.store(
        session=session, workspace_id=WORKSPACE, kind=kind,
        records=enumerate(rows, start=2), resolve=resolve,
    )  # fmt: skip
    assert not report.rejected


def _expected(period: Any, people: set[str], tickets: list[dict[str, Any]],
              surveys: list[dict[str, Any]]) -> kpis.Kpis:  # fmt: skip
    """The figures straight from the records, without the database or the rollups."""
    t = [helpdesk.ticket_values(row) for row in tickets if row["agent"] in people]
    s = [helpdesk.survey_values(row) for row in surveys if row["agent"] in people]
    return kpis.compute(
        period,
        [kpis.Ticket(v["created_at"], v["first_response_at"], v["solved_at"],
                     v["agent_replies"], v["reopened"]) for v in t],
        [kpis.Survey(v["kind"], v["score"], v["submitted_at"]) for v in s],
    )  # fmt: skip


def _read(engine: Engine, period: Any, people: set[str]) -> kpis.Kpis:
    with Session(engine) as session:
        ids = [
            teams.person_stub(session=session, workspace_id=WORKSPACE, slack_user_id=agent).id or 0
            for agent in people
        ]
        tally = rollups.tally(session=session, person_ids=ids, start=period.start, end=period.end)
    return kpis.figures(tally)


@pytest.fixture
def imported(engine: Engine) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    tickets, surveys = _records(seed=5, count=600)
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id=WORKSPACE)
        _store(session, "tickets", tickets)
        _store(session, "surveys", surveys)
        session.commit()
    return tickets, surveys


ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham")
PERIODS = (
    "7d", "30d", "last-week", "2026-03", "2026-03-10..2026-03-10", "2026-03-09..2026-03-11",
    "2026-02-20..2026-04-05", "2026-03-02..2026-03-31",
)  # fmt: skip


def test_rollups_give_the_figures_of_the_raw_rows(
    engine: Engine, imported: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    """Any period in any zone (whole UTC days from rollups, edges raw) equals the raw figures."""
    for zone in ZONES:
        for text in PERIODS:
            period = parse(text, now=NOW, zone=zone)
            for people in ({"U0ANA"}, set(AGENTS)):
                expected = _expected(period, people, *imported)
                assert _read(engine, period, people) == expected, (zone, text, people)


def test_reimport_moves_a_ticket_without_counting_it_twice(
    engine: Engine, imported: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    """A ticket re-imported with another agent and solve day leaves its old day and agent."""
    tickets, surveys = imported
    moved = [dict(row) for row in tickets]
    target = next(row for row in moved if row["solved_at"] and row["agent"] == "U0ANA")
    target["agent"] = "U0BEN"
    target["solved_at"] = "2026-03-30T23:59:00+00:00"
    target["created_at"] = "2026-03-30T20:00:00+00:00"
    target["first_response_at"] = "2026-03-30T21:00:00+00:00"
    with Session(engine) as session:
        _store(session, "tickets", [target])
        session.commit()
    month = parse("2026-03", now=NOW, zone="UTC")
    for people in ({"U0ANA"}, {"U0BEN"}, set(AGENTS)):
        assert _read(engine, month, people) == _expected(month, people, moved, surveys)


def test_rebuild_reproduces_the_incremental_rollups(
    engine: Engine, imported: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    """Recomputing every rollup from scratch gives the rows that the imports kept up to date."""
    del imported

    def rows() -> list[Any]:
        with Session(engine) as session:
            found = session.exec(select(KpiRollup)).all()
            return sorted(((r.person_id, r.grain, r.day), r.model_dump()) for r in found)

    before = rows()
    assert len(before) > 60  # three agents, about thirty days and two months each
    with Session(engine) as session:
        rollup_writes.rebuild(session)
        session.commit()
    assert rows() == before


def test_two_concurrent_ingests_for_one_agent_and_day_both_count(engine: Engine) -> None:
    """Two webhooks for one agent and day, overlapping in time: the day's rollup counts both."""
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id=WORKSPACE)
        teams.person_stub(session=session, workspace_id=WORKSPACE, slack_user_id="U0ANA")
        session.commit()
    first_stored, release = threading.Event(), threading.Event()

    def ticket(ticket_id: str) -> dict[str, Any]:
        return {"ticket_id": ticket_id, "agent": "U0ANA", "created_at": "2026-03-10T09:00:00Z",
                "solved_at": "2026-03-10T10:00:00Z", "agent_replies": "1"}  # fmt: skip

    def first() -> None:
        with Session(engine) as session:
            _store(session, "tickets", [ticket("A")])
            first_stored.set()
            release.wait(10)
            session.commit()

    def second() -> None:
        first_stored.wait(10)
        with Session(engine) as session:
            _store(session, "tickets", [ticket("B")])
            session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_stored.wait(10)
    time.sleep(0.3)  # the second is now waiting for the first (its lock, or SQLite's)
    release.set()
    for thread in threads:
        thread.join(20)
    day = parse("2026-03-10..2026-03-10", now=NOW, zone="UTC")
    assert _read(engine, day, {"U0ANA"}).tickets_solved == 2


def test_a_series_of_weeks_equals_each_week_read_alone(
    engine: Engine, imported: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    """The digest's 8-week trend (one pass) gives each week's exact tally, in any zone."""
    for zone in ZONES:
        weeks = [parse(f"2026-W{n:02d}", now=NOW, zone=zone) for n in range(9, 15)]
        bounds = [w.start for w in weeks] + [weeks[-1].end]
        with Session(engine) as session:
            ids = [p.id or 0 for p in session.exec(select(Person)).all()]
            series = rollups.tally_series(session=session, person_ids=ids, bounds=bounds)
            alone = [rollups.tally(session=session, person_ids=ids, start=w.start, end=w.end)
                     for w in weeks]  # fmt: skip
        assert [kpis.figures(t) for t in series] == [kpis.figures(t) for t in alone], zone
        assert sum(t.solved for t in series) > 0


def test_new_rows_added_to_stored_days_and_months_give_the_raw_figures(engine: Engine) -> None:
    """Records arriving in five imports (each adding to days and months already rolled up, as a
    sync does batch after batch) leave the rollups a rebuild from the raw rows would make."""
    tickets, surveys = _records(seed=11, count=500)
    with Session(engine) as session:
        repos.ensure_workspace(session=session, workspace_id=WORKSPACE)
        session.commit()
    for part in range(5):
        with Session(engine) as session:
            _store(session, "tickets", tickets[part::5])
            _store(session, "surveys", surveys[part::5])
            session.commit()

    def rows() -> list[Any]:
        with Session(engine) as session:
            found = session.exec(select(KpiRollup)).all()
            return sorted(((r.person_id, r.grain, r.day), r.model_dump()) for r in found)

    added = rows()
    for text in ("2026-03", "2026-03-09..2026-03-11", "2026-02-20..2026-04-05"):
        period = parse(text, now=NOW, zone="America/New_York")
        for people in ({"U0CAT"}, set(AGENTS)):
            assert _read(engine, period, people) == _expected(period, people, tickets, surveys)
    with Session(engine) as session:
        rollup_writes.rebuild(session)
        session.commit()
    assert rows() == added


def test_each_agents_tally_equals_their_own_read_alone(
    engine: Engine, imported: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    """tally_each (the weekly summaries' read, for a whole team at once) gives each agent the
    tally `tally` gives them alone, for a week cut by a zone's midnights."""
    del imported
    week = parse("2026-W11", now=NOW, zone="America/New_York")
    with Session(engine) as session:
        ids = [p.id or 0 for p in session.exec(select(Person)).all()]
        each = rollups.tally_each(session=session, person_ids=ids, start=week.start, end=week.end)
        for pid in ids:
            alone = rollups.tally(session=session, person_ids=[pid], start=week.start,
                                  end=week.end)  # fmt: skip
            assert kpis.figures(each[pid]) == kpis.figures(alone)
