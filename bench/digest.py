"""Weekly digests at scale: 200 teams × 25 agents, every digest built with its trend chart.

Seeds 5,000 agents in 200 teams (team zone America/New_York), ten weeks of raw tickets and
CSAT/NPS surveys (what a digest reads: the week, the week before, the 8-week trend), their
rollups, and a further 42 weeks of rollups (copies shifted back in SQL) so the year of history
is there; then, timed, builds every team's digest, its Block Kit message and its PNG chart, as
the clock does on digest morning. Prints the total, the per-team p50/p95 and the peak memory.

    .venv/bin/python bench/digest.py [--database URL] [--teams 200]

Target (issue #7): ≤ 20 s for all digests with charts on this 2-core machine.
"""

import argparse
import json
import math
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert, select, text  # noqa: E402
from sqlmodel import Session, col  # noqa: E402

from bot.blocks.digest import digest_message  # noqa: E402
from bot.services import digest, digest_claims, milestones, rollup_writes, trend_chart  # noqa: E402
from bot.store import migrate, repos  # noqa: E402
from bot.store.db import make_engine, make_session_factory  # noqa: E402
from bot.store.models import (  # noqa: E402
    HelpdeskTicket,
    Membership,
    Outbox,
    Person,
    Reflection,
    SurveyResponse,
    Team,
    utcnow,
)

WORKSPACE = "T0BENCH"
TEAM_SIZE = 25
ZONE = "America/New_York"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York
RAW_WEEKS = 10
HISTORY_WEEKS = 52


def seed(url: str, teams: int) -> None:
    """People, teams, ten weeks of raw rows, rollups, and a year of rollup history."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as db:
            db.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    rng = random.Random(3)
    made = utcnow() - timedelta(days=400)
    with make_session_factory(engine)() as session:
        repos.ensure_workspace(session=session, workspace_id=WORKSPACE)
        session.execute(
            insert(Person),
            [
                {
                    "workspace_id": WORKSPACE,
                    "slack_user_id": f"U{n:07d}",
                    "timezone": ZONE,
                    "is_slack_admin": False,
                    "active": True,
                    "created_at": made,
                    "leaderboard_opt_out": False,
                    "milestones_opt_out": False,
                }
                for n in range(teams * TEAM_SIZE)
            ],
        )
        ids = [
            pid for (pid,) in session.execute(select(col(Person.id)).order_by(col(Person.id))).all()
        ]
        for t in range(teams):
            team = Team(
                workspace_id=WORKSPACE,
                name=f"Team {t:03d}",
                timezone=ZONE,
                digest_channel_id=f"C{t:08d}",
                celebration_channel_id=f"K{t:08d}",
                created_at=made,
            )
            session.add(team)
            session.flush()
            session.execute(
                insert(Membership),
                [
                    {"team_id": team.id, "person_id": pid, "role": "agent", "created_at": made}
                    for pid in ids[t * TEAM_SIZE : (t + 1) * TEAM_SIZE]
                ],
            )
        first = (NOW - timedelta(weeks=RAW_WEEKS)).date()
        tickets, surveys, n = [], [], 0
        for day in range(RAW_WEEKS * 7):
            midnight = datetime.combine(first + timedelta(days=day), datetime.min.time(), UTC)
            for pid in ids:
                for _ in range(rng.choice((3, 5, 6, 7))):
                    n += 1
                    created = midnight + timedelta(seconds=rng.randrange(86_400))
                    reply = created + timedelta(seconds=round(rng.lognormvariate(7, 1.2)))
                    work = min(round(rng.lognormvariate(9, 1.2)), 10 * 86_400)
                    solved = reply + timedelta(seconds=work)
                    tickets.append(
                        {
                            "workspace_id": WORKSPACE,
                            "ticket_id": f"Z{n}",
                            "agent": "x",
                            "person_id": pid,
                            "created_at": created,
                            "first_response_at": reply,
                            "solved_at": solved,
                            "agent_replies": rng.choice((1, 1, 1, 2)),
                            "reopened": rng.random() < 0.08,
                            "imported_at": made,
                        }
                    )
                    if rng.random() < 0.2:
                        kind = "csat" if rng.random() < 0.7 else "nps"
                        surveys.append(
                            {
                                "workspace_id": WORKSPACE,
                                "response_id": f"S{n}",
                                "agent": "x",
                                "person_id": pid,
                                "kind": kind,
                                "score": rng.randint(3, 5)
                                if kind == "csat"
                                else rng.randint(5, 10),
                                "submitted_at": solved,
                                "imported_at": made,
                            }
                        )
            if len(tickets) > 50_000:
                session.execute(insert(HelpdeskTicket), tickets)
                session.execute(insert(SurveyResponse), surveys)
                tickets, surveys = [], []
        if tickets:
            session.execute(insert(HelpdeskTicket), tickets)
        if surveys:
            session.execute(insert(SurveyResponse), surveys)
        rollup_writes.rebuild(session)
        _checkins(session, ids, first, rng)
        session.commit()
    _history(engine)
    print(f"  seeded {teams} teams, {teams * TEAM_SIZE} agents, {n:,} recent tickets")


def _checkins(session: Session, ids: list[int], first: date, rng: random.Random) -> None:
    """A check-in prompt after each weekday shift of the raw weeks, 85 % of them answered."""
    needs = ("refund policy", "billing tool", "de-escalation", "API basics", "")
    prompts, answers = [], []
    for day in range(RAW_WEEKS * 7):
        shift = first + timedelta(days=day)
        if shift.weekday() >= 5:
            continue
        due = datetime.combine(shift, datetime.min.time(), UTC) + timedelta(hours=22, minutes=30)
        for pid in ids:
            prompts.append(
                {
                    "workspace_id": WORKSPACE, "key": f"prompt:{pid}:{shift}", "kind": "prompt",
                    "person_id": pid, "channel": f"U{pid:07d}", "shift_date": shift,
                    "payload": f'{{"shift_date": "{shift}"}}', "due_at": due, "status": "sent",
                    "attempts": 1, "next_attempt_at": due, "sent_at": due, "created_at": due,
                }
            )  # fmt: skip
            if rng.random() < 0.85:
                said = {"well": "Closed the queue", "differently": "Ask sooner",
                        "training": rng.choice(needs)}  # fmt: skip
                answers.append(
                    {
                        "workspace_id": WORKSPACE, "person_id": pid, "shift_date": shift,
                        "status": "answered", "answers": json.dumps(said),
                        "submitted_at": due + timedelta(minutes=20),
                        "updated_at": due + timedelta(minutes=20),
                    }
                )  # fmt: skip
        if len(prompts) > 50_000:
            session.execute(insert(Outbox), prompts)
            session.execute(insert(Reflection), answers)
            prompts, answers = [], []
    if prompts:
        session.execute(insert(Outbox), prompts)
    if answers:
        session.execute(insert(Reflection), answers)


def _history(engine: Engine) -> None:
    """Older weeks' rollups: the recent ones shifted back, in SQL, then their months."""
    pg = engine.dialect.name == "postgresql"
    with engine.connect() as db:
        low, high = db.execute(text("SELECT min(day), max(day) FROM kpirollup")).one()
    base = date.fromisoformat(str(low))
    span = (date.fromisoformat(str(high)) - base).days + 1
    with engine.begin() as db:
        for copy in range(1, math.ceil((HISTORY_WEEKS - RAW_WEEKS) * 7 / span) + 1):
            days = span * copy
            day = f"day - {days}" if pg else f"date(day, '-{days} days')"
            db.execute(
                text(
                    "INSERT INTO kpirollup (person_id, grain, day, solved, replied,"
                    " first_contact, csat_n, csat_good, nps_n, promoters, detractors, frt,"
                    f" resolution) SELECT person_id, grain, {day}, solved, replied,"
                    " first_contact, csat_n, csat_good, nps_n, promoters, detractors, frt,"
                    " resolution"
                    f" FROM kpirollup WHERE grain = 'd' AND day >= '{base}'"
                )
            )
    with make_session_factory(engine)() as session:
        older = "SELECT DISTINCT person_id, day FROM kpirollup WHERE grain = 'd' AND day < :base"
        old = session.execute(text(older), {"base": base}).all()
        rollup_writes.refresh_months(session, [(p, date.fromisoformat(str(d))) for p, d in old])
        session.commit()


def main() -> None:
    """Seed, then build every digest with its chart, timed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    parser.add_argument("--teams", type=int, default=200)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'digest.db'}"
    started = time.perf_counter()
    seed(url, args.teams)
    print(f"  seeding took {time.perf_counter() - started:.0f} s")
    engine = make_engine(url)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_team = []
    started = time.perf_counter()
    with make_session_factory(engine)() as session:
        for team in session.execute(select(Team).order_by(col(Team.id))).scalars().all():
            one = time.perf_counter()
            week = digest.week_of(None, team=team, now=NOW)
            built = digest.build(session=session, team=team, week=week)
            digest_message(built.to_json())
            chart = digest_claims.chart_of(built)
            png = trend_chart.render(chart["points"], chart["targets"], chart["title"])
            assert png.startswith(b"\x89PNG")
            per_team.append(time.perf_counter() - one)
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ordered = sorted(per_team)
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]
    print(
        f"{engine.dialect.name}: {len(per_team)} digests with charts in {total:.1f} s "
        f"(per team p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms); "
        f"peak RSS {peak:.0f} MiB ({rss_before:.0f} MiB after seeding). Target ≤ 20 s."
    )
    for label in ("first pass, claiming", "next hour, nothing new"):
        started = time.perf_counter()
        with make_session_factory(engine)() as session:
            team_ids = milestones.teams_celebrating(session=session)
        claimed = 0
        for team_id in team_ids:  # as the clock's hourly job does: a transaction per team
            with make_session_factory(engine)() as session:
                claimed += milestones.claim_due(session=session, now=NOW, team_ids=[team_id])
                session.commit()
        print(
            f"{engine.dialect.name}: milestones for {len(team_ids)} teams ({label}) in "
            f"{time.perf_counter() - started:.1f} s, {claimed} claimed"
        )


if __name__ == "__main__":
    main()
