"""/cx-metrics at scale: a year of helpdesk data for 500 agents, read for a team and an agent.

Generates 500 agents in 20 teams of 25 (team zone America/New_York) with a year of tickets
(about 5.5 solved per agent per day: ~1 M), CSAT/NPS surveys (~200 k) and end-of-shift prompts
and reflections, imports the CSVs with `python -m bot import` (timed), then times what
/cx-metrics computes for its answer — subject, period, the period's figures and the previous
period's, the team's targets — on a fresh session per run, rotating through the teams and
agents. With --tenx it then adds nine more years (copies of the generated year shifted back by
whole years, made in SQL, rollups included: a shift by whole days keeps UTC days whole) and
times the same reads again.

    .venv/bin/python bench/metrics.py [--database URL] [--agents 500] [--runs 40] [--tenx]

Targets (issue #5): p95 ≤ 100 ms in every case; at 10× history ≤ 1.5× the time at 1×.
"""

import argparse
import csv
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert, select, text  # noqa: E402

from bot.__main__ import main as cli  # noqa: E402
from bot.services import metrics, periods, rollup_writes  # noqa: E402
from bot.services.prompt_claims import PROMPT  # noqa: E402
from bot.store import migrate, repos  # noqa: E402
from bot.store.db import make_engine, make_session_factory  # noqa: E402
from bot.store.models import Membership, Outbox, Person, Reflection, Team, utcnow  # noqa: E402

WORKSPACE = "T0BENCH"
TEAM_SIZE = 25
ZONE = "America/New_York"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
CASES = [(kind, text) for kind in ("team", "agent") for text in ("7d", "30d", "365d")]


def seed_people(engine: Engine, agents: int) -> list[str]:
    """Agents U0000000… in teams of 25; returns the team names."""
    with make_session_factory(engine)() as session:
        repos.ensure_workspace(session=session, workspace_id=WORKSPACE)
        session.execute(
            insert(Person),
            [
                {"workspace_id": WORKSPACE, "slack_user_id": f"U{n:07d}", "timezone": ZONE,
                 "shift_days": "mon,tue,wed,thu,fri", "shift_end": "17:00", "is_slack_admin": False,
                 "active": True, "created_at": utcnow()}
                for n in range(agents)
            ],
        )  # fmt: skip
        ids = session.exec(select(Person.id).order_by(Person.id)).all()  # type: ignore[call-overload]
        names = []
        for first in range(0, agents, TEAM_SIZE):
            team = Team(
                workspace_id=WORKSPACE, name=f"Tier {first // TEAM_SIZE:02d}", timezone=ZONE
            )
            session.add(team)
            session.flush()
            names.append(team.name)
            session.execute(
                insert(Membership),
                [{"team_id": team.id, "person_id": pid, "role": "agent", "created_at": utcnow()}
                 for (pid,) in ids[first:first + TEAM_SIZE]],
            )  # fmt: skip
        session.commit()
    return names


def write_csvs(folder: Path, agents: int, days: int) -> tuple[Path, Path, int, int]:
    """A year of tickets and surveys, seeded; returns the files and their row counts."""
    rng = random.Random(5)
    tickets, surveys = folder / "tickets.csv", folder / "surveys.csv"
    n_tickets = n_surveys = 0
    first_day = (NOW - timedelta(days=days)).date()
    with tickets.open("w", newline="") as t_file, surveys.open("w", newline="") as s_file:
        t_out, s_out = csv.writer(t_file), csv.writer(s_file)
        t_out.writerow(["ticket_id", "agent", "created_at", "first_response_at", "solved_at",
                        "agent_replies", "reopened", "channel"])  # fmt: skip
        s_out.writerow(["response_id", "ticket_id", "agent", "kind", "score", "comment",
                        "submitted_at"])  # fmt: skip
        for day in range(days):
            midnight = datetime.combine(first_day + timedelta(days=day), clock_time(), UTC)
            for agent in range(agents):
                for _ in range(rng.choice((3, 4, 5, 6, 6, 7, 7))):
                    created = midnight + timedelta(seconds=rng.randrange(86_400))
                    first = created + timedelta(seconds=round(rng.lognormvariate(7, 1.2)))
                    work = min(round(rng.lognormvariate(9, 1.3)), 14 * 86_400)
                    solved = first + timedelta(seconds=work)
                    n_tickets += 1
                    t_out.writerow([
                        f"Z{n_tickets}", f"U{agent:07d}", f"{created:%Y-%m-%dT%H:%M:%SZ}",
                        f"{first:%Y-%m-%dT%H:%M:%SZ}", f"{solved:%Y-%m-%dT%H:%M:%SZ}",
                        rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 3, 0)), rng.random() < 0.08, "email",
                    ])  # fmt: skip
                    if rng.random() < 0.2:
                        n_surveys += 1
                        kind = "csat" if rng.random() < 0.7 else "nps"
                        score = rng.choice((5, 5, 4, 4, 3, 2, 1)) if kind == "csat" else (
                            rng.randrange(11))  # fmt: skip
                        submitted = solved + timedelta(hours=rng.randrange(1, 48))
                        s_out.writerow([f"S{n_surveys}", f"Z{n_tickets}", f"U{agent:07d}", kind,
                                        score, "", f"{submitted:%Y-%m-%dT%H:%M:%SZ}"])  # fmt: skip
    return tickets, surveys, n_tickets, n_surveys


def seed_reflections(engine: Engine, days: int) -> int:
    """A prompt per agent per weekday (sent at 22:00 UTC), three in four answered."""
    rng = random.Random(9)
    with make_session_factory(engine)() as session:
        people = session.exec(select(Person.id, Person.slack_user_id)).all()  # type: ignore[call-overload]
        prompts, answers = [], []
        for offset in range(days):
            shift = (NOW - timedelta(days=offset)).date()
            if shift.weekday() >= 5:
                continue
            due = datetime.combine(shift, clock_time(22), UTC)
            for person_id, slack_id in people:
                prompts.append({
                    "workspace_id": WORKSPACE, "key": f"prompt:{slack_id}:{shift}", "kind": PROMPT,
                    "person_id": person_id, "channel": slack_id, "due_at": due, "status": "sent",
                    "payload": json.dumps({"shift_date": shift.isoformat()}), "attempts": 1,
                    "next_attempt_at": due, "sent_at": due, "created_at": due,
                })  # fmt: skip
                if rng.random() < 0.75:
                    answers.append({
                        "workspace_id": WORKSPACE, "person_id": person_id, "shift_date": shift,
                        "status": "answered", "answers": "{}", "submitted_at": due,
                        "updated_at": due,
                    })  # fmt: skip
        for table, rows in ((Outbox, prompts), (Reflection, answers)):
            for start in range(0, len(rows), 20_000):
                session.execute(insert(table), rows[start:start + 20_000])  # fmt: skip
        session.commit()
    return len(prompts)


def timed_import(url: str, kind: str, path: Path, rows: int) -> float:
    """`python -m bot import KIND FILE`, in this process; seconds."""
    os.environ["DATABASE_URL"] = url
    os.environ.pop("SLACK_BOT_TOKEN", None)
    started = time.perf_counter()
    code = cli(["import", kind, str(path), "--workspace", WORKSPACE])
    took = time.perf_counter() - started
    assert code == 0, f"import {kind} exited {code}"
    print(f"  import {kind}: {rows:,} rows in {took:.1f} s ({rows / took:,.0f} rows/s)")
    return took


def read_once(engine: Engine, kind: str, period_text: str, name: str) -> float:
    """What /cx-metrics computes for one answer, on a fresh session; seconds."""
    started = time.perf_counter()
    with make_session_factory(engine)() as session:
        if kind == "team":
            subject = metrics.team_subject(session=session, workspace_id=WORKSPACE, name=name)
        else:
            subject = metrics.agent_subject(
                session=session, workspace_id=WORKSPACE, slack_user_id=name
            )
        period = periods.parse(period_text, now=NOW, zone=subject.zone)
        metrics.report(session=session, workspace_id=WORKSPACE, subject=subject, period=period)
    return time.perf_counter() - started


Figures = dict[tuple[str, str], tuple[float, float]]


def measure(engine: Engine, teams: list[str], agents: int, runs: int,
            cases: list[tuple[str, str]]) -> Figures:  # fmt: skip
    """p50 and p95 (ms, nearest rank) of each case over `runs` reads, after 3 warm-ups."""
    figures = {}
    for kind, period_text in cases:
        names: Callable[[int], str] = (
            (lambda i: teams[i % len(teams)]) if kind == "team"
            else (lambda i: f"U{(i * 37) % agents:07d}")
        )  # fmt: skip
        for i in range(3):
            read_once(engine, kind, period_text, names(i))
        times = sorted(read_once(engine, kind, period_text, names(i)) * 1000 for i in range(runs))
        p50, p95 = statistics.median(times), times[math.ceil(0.95 * runs) - 1]
        figures[(kind, period_text)] = (p50, p95)
        print(f"  {kind:5} {period_text:>5}: p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    return figures


def add_years(engine: Engine, years: int) -> None:
    """Copies of the generated history shifted back by 1..years-1 times its span, in SQL."""
    pg = engine.dialect.name == "postgresql"
    with engine.connect() as db:
        first, last = db.execute(
            text("SELECT min(day), max(day) FROM kpirollup WHERE grain = 'd'")
        ).one()
    first, last = date.fromisoformat(str(first)), date.fromisoformat(str(last))
    span = (last - first).days + 1  # ≥ 365: solves run past the last day created
    base = repr(str(first))

    def shift(column: str, days: int) -> str:
        if pg:
            return f"{column} - interval '{days} days'"
        return f"strftime('%Y-%m-%d %H:%M:%S', {column}, '-{days} days') || '.000000'"

    def shift_day(column: str, days: int) -> str:
        return f"{column} - {days}" if pg else f"date({column}, '-{days} days')"

    with engine.begin() as db:
        for year in range(1, years):
            days = span * year
            db.execute(text(
                "INSERT INTO helpdeskticket (workspace_id, ticket_id, agent, person_id, created_at,"
                " first_response_at, solved_at, agent_replies, reopened, channel, imported_at)"
                f" SELECT workspace_id, ticket_id || '-y{year}', agent, person_id,"
                f" {shift('created_at', days)}, {shift('first_response_at', days)},"
                f" {shift('solved_at', days)}, agent_replies, reopened, channel, imported_at"
                " FROM helpdeskticket WHERE ticket_id NOT LIKE '%-y%'"
            ))  # fmt: skip
            db.execute(text(
                "INSERT INTO surveyresponse (workspace_id, response_id, ticket_id, agent,"
                " person_id, kind, score, comment, submitted_at, imported_at)"
                f" SELECT workspace_id, response_id || '-y{year}', ticket_id, agent, person_id,"
                f" kind, score, comment, {shift('submitted_at', days)}, imported_at"
                " FROM surveyresponse WHERE response_id NOT LIKE '%-y%'"
            ))  # fmt: skip
            db.execute(text(
                "INSERT INTO kpirollup SELECT person_id, grain, " + shift_day("day", days) + ","
                " solved, replied, first_contact, csat_n, csat_good, nps_n, promoters,"
                " detractors, frt, resolution FROM kpirollup"
                f" WHERE grain = 'd' AND day >= {base}"
            ))  # fmt: skip
            db.execute(text(
                "INSERT INTO outbox (workspace_id, key, kind, person_id, channel, payload, due_at,"
                " status, attempts, next_attempt_at, sent_at, created_at)"
                f" SELECT workspace_id, key || '-y{year}', kind, person_id, channel, payload,"
                f" {shift('due_at', days)}, status, attempts, {shift('next_attempt_at', days)},"
                f" {shift('sent_at', days)}, created_at FROM outbox WHERE key NOT LIKE '%-y%'"
            ))  # fmt: skip
            db.execute(text(
                "INSERT INTO reflection (workspace_id, person_id, shift_date, status, answers,"
                f" submitted_at, updated_at) SELECT workspace_id, person_id,"
                f" {shift_day('shift_date', days)}, status, answers, submitted_at, updated_at"
                f" FROM reflection WHERE shift_date >= {base}"
            ))  # fmt: skip
            print(f"  copy {year} of the history made")
    # The copies' months, from their day rollups (as an import would leave them).
    with make_session_factory(engine)() as session:
        copied = session.execute(
            text(
                f"SELECT DISTINCT person_id, day FROM kpirollup WHERE grain = 'd' AND day < {base}"
            )
        ).all()
        rollup_writes.refresh_months(session, [(p, date.fromisoformat(str(d))) for p, d in copied])
        session.commit()
    if pg:
        with engine.begin() as db:
            db.execute(text("ANALYZE"))


def counts(engine: Engine) -> Iterator[str]:
    with engine.connect() as db:
        for table in ("helpdeskticket", "surveyresponse", "kpirollup", "outbox", "reflection"):
            yield f"{table} {db.execute(text(f'SELECT count(*) FROM {table}')).scalar():,}"


def main() -> None:
    """Seed, import, read; print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--tenx", action="store_true", help="then 10× the history and read again")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = args.database or f"sqlite:///{folder / 'metrics.db'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as db:
            db.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    print(f"{engine.dialect.name}: {args.agents} agents, {args.days} days")
    teams = seed_people(engine, args.agents)
    tickets, surveys, n_tickets, n_surveys = write_csvs(folder, args.agents, args.days)
    timed_import(url, "tickets", tickets, n_tickets)
    timed_import(url, "surveys", surveys, n_surveys)
    print(f"  prompts seeded: {seed_reflections(engine, args.days):,}")
    if engine.dialect.name == "postgresql":
        with engine.begin() as db:
            db.execute(text("ANALYZE"))
    print("  " + ", ".join(counts(engine)))
    print("/cx-metrics computation (figures for the period and the one before, targets):")
    one = measure(engine, teams, args.agents, args.runs, CASES)
    if args.tenx:
        print("10× history:")
        add_years(engine, 10)
        print("  " + ", ".join(counts(engine)))
        ten = measure(engine, teams, args.agents, args.runs, CASES)
        for case in CASES:
            print(f"  {case[0]:5} {case[1]:>5}: p95 ×{ten[case][1] / one[case][1]:.2f} at 10×")
    worst = max(p95 for _, p95 in one.values())
    print(f"worst p95 {worst:.1f} ms (target ≤ 100 ms)")


if __name__ == "__main__":
    main()
