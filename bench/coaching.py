"""The coaching loop at scale (issue 15): a lead's App Home with reflections, and the weekly
summaries.

1. A team of 25 agents with two years of daily reflections (and their prompts): the lead's
   App Home built and published to a fake Slack on loopback (real HTTP), 40 times; p50 / p95.
2. 200 teams × 25 agents (5,000) with last week's tickets: every agent's weekly summary claimed
   (as the clock does at the digest time) and rendered; the total.

    .venv/bin/python bench/coaching.py [--database URL] [--teams 200]

Targets: the lead's home ≤ 300 ms p95; 5,000 summaries claimed and rendered ≤ 30 s.
"""

import argparse
import dataclasses
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402
from sqlmodel import col  # noqa: E402

from bot.blocks.summary import summary_message  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.deps import Deps  # noqa: E402
from bot.listeners.home import publish_home  # noqa: E402
from bot.services import rollup_writes, summaries  # noqa: E402
from bot.store import migrate, repos  # noqa: E402
from bot.store.db import make_engine, make_session_factory  # noqa: E402
from bot.store.models import (  # noqa: E402
    HelpdeskTicket,
    Membership,
    Outbox,
    Person,
    Reflection,
    Team,
)  # fmt: skip
from tests.fakeslack import FakeSlack  # noqa: E402

WORKSPACE = "T0001"  # the fake Slack's team
TEAM_SIZE = 25
NOW = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)  # Monday, after every team's 09:00 digest
DAYS = 730


def seed(url: str, teams: int) -> None:
    """People and teams; two years of reflections for team 0; last week's tickets for all."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as db:
            db.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    rng = random.Random(5)
    made = NOW - timedelta(days=DAYS + 30)
    with make_session_factory(engine)() as session:
        repos.ensure_workspace(session=session, workspace_id=WORKSPACE)
        session.execute(insert(Person), [
            {"workspace_id": WORKSPACE, "slack_user_id": f"U{n:07d}", "timezone": "UTC",
             "is_slack_admin": False, "active": True, "created_at": made,
             "profile_refreshed_at": NOW, "display_name": f"agent{n}"}
            for n in range(teams * (TEAM_SIZE + 1))
        ])  # fmt: skip
        ids = list(session.execute(select(col(Person.id)).order_by(col(Person.id))).scalars())
        for t in range(teams):
            team = Team(workspace_id=WORKSPACE, name=f"Team {t:03d}", timezone="UTC",
                        created_at=made)  # fmt: skip
            session.add(team)
            session.flush()
            members = ids[t * (TEAM_SIZE + 1) : (t + 1) * (TEAM_SIZE + 1)]
            session.execute(insert(Membership), [
                {"team_id": team.id, "person_id": pid, "role": "lead" if i == 0 else "agent",
                 "created_at": made}
                for i, pid in enumerate(members)
            ])  # fmt: skip
        agents0 = ids[1 : TEAM_SIZE + 1]
        reflections, prompts = [], []
        for day in range(DAYS):
            shift = (NOW - timedelta(days=DAYS - day)).date()
            due = datetime.combine(shift, datetime.min.time(), UTC) + timedelta(hours=17)
            for pid in agents0:
                prompts.append({
                    "workspace_id": WORKSPACE, "key": f"prompt:{pid}:{shift}", "kind": "prompt",
                    "person_id": pid, "channel": f"U{pid}", "payload": json.dumps(
                        {"shift_date": str(shift)}), "due_at": due, "status": "sent",
                    "attempts": 1, "next_attempt_at": due, "created_at": due,
                    "shift_date": shift, "message_ts": f"{due.timestamp():.6f}",
                })  # fmt: skip
                if rng.random() < 0.85:
                    reflections.append({
                        "workspace_id": WORKSPACE, "person_id": pid, "shift_date": shift,
                        "status": "answered", "confidence": rng.randint(1, 5),
                        "answers": json.dumps({
                            "well": "Calmed an angry customer " * rng.randint(1, 4),
                            "differently": "Escalate sooner", "training": "Billing, refunds",
                        }),
                        "submitted_at": due + timedelta(minutes=20),
                        "updated_at": due + timedelta(minutes=20), "discuss": False,
                    })  # fmt: skip
        session.execute(insert(Outbox), prompts)
        session.execute(insert(Reflection), reflections)
        tickets, n = [], 0
        monday = date(2026, 11, 23)
        for pid in ids:
            for _ in range(20):
                n += 1
                created = datetime.combine(monday + timedelta(days=rng.randrange(7)),
                                           datetime.min.time(), UTC) + timedelta(
                    seconds=rng.randrange(80_000))  # fmt: skip
                tickets.append({
                    "workspace_id": WORKSPACE, "ticket_id": f"Z{n}", "agent": "x",
                    "person_id": pid, "created_at": created,
                    "first_response_at": created + timedelta(minutes=rng.randrange(1, 300)),
                    "solved_at": created + timedelta(minutes=rng.randrange(300, 600)),
                    "agent_replies": rng.choice((1, 1, 2)), "reopened": False,
                    "imported_at": made,
                })  # fmt: skip
        session.execute(insert(HelpdeskTicket), tickets)
        rollup_writes.rebuild(session)
        session.commit()
    print(f"  seeded: {teams * TEAM_SIZE:,} agents, {len(reflections):,} reflections for one "
          f"team, {len(tickets):,} tickets")  # fmt: skip


def lead_home(url: str) -> None:
    """The first team's lead opens the App Home 40 times."""
    fake = FakeSlack().start()
    lead = "U0000000"
    fake.add_user(lead, name="lead", tz="UTC", email="lead@example.com")
    settings = Settings(_env_file=None, database_url=url, slack_bot_token=fake.bot_token,
                        slack_signing_secret="s", slack_api_base_url=fake.api_url)  # fmt: skip
    deps = Deps.from_settings(settings)
    deps = dataclasses.replace(deps, clock=lambda: NOW)
    timings = []
    for _ in range(40):
        started = time.perf_counter()
        publish_home(deps, deps.slack, WORKSPACE, lead)
        timings.append((time.perf_counter() - started) * 1000)
    fake.stop()
    shown = json.dumps(fake.home_views[lead]["blocks"])
    assert "Latest reflections" in shown, shown[:500]
    timings.sort()
    print(
        f"  lead's App Home (25 agents, 2 years of reflections): p50 "
        f"{statistics.median(timings):.0f} ms, p95 {timings[37]:.0f} ms (target ≤ 300 ms)"
    )


def weekly(url: str, teams: int) -> None:
    """Every agent's summary claimed and rendered, timed."""
    engine = make_engine(url)
    started = time.perf_counter()
    with make_session_factory(engine)() as session:
        claimed = summaries.claim_due(session=session, now=NOW)
        session.commit()
        rows = session.execute(
            select(col(Outbox.payload)).where(col(Outbox.kind) == summaries.SUMMARY)
        ).scalars()
        rendered = sum(1 for payload in rows if summary_message(json.loads(payload)))
    took = time.perf_counter() - started
    print(
        f"  weekly summaries: {claimed:,} claimed and {rendered:,} rendered in {took:.1f} s "
        f"(target ≤ 30 s for 5,000)"
    )
    assert claimed == teams * TEAM_SIZE


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", help="a Postgres URL to use (emptied)")
    parser.add_argument("--teams", type=int, default=200)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'coaching.db'}"
    seed(url, args.teams)
    lead_home(url)
    weekly(url, args.teams)


if __name__ == "__main__":
    main()
