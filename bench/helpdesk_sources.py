"""Helpdesk data as it really comes, timed (issue 14): the same tickets imported in our own
format, through the Zendesk export preset (agent names, local times, minutes, reopen counts),
and pulled from a fake Zendesk API (incremental export, 1,000 tickets a page, metric sets and
users side-loaded; the fake runs in its own thread of this process and its JSON encoding is
counted in the figure).

    .venv/bin/python bench/helpdesk_sources.py [--agents 500] [--days 365] [--database URL]

Targets: the preset costs ≤ 1.3× the own-format import; the sync ≥ 5,000 tickets/s against
the local fake.
"""

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot.__main__ import main as cli  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.store import migrate, repos  # noqa: E402
from bot.store.db import make_engine, make_session_factory  # noqa: E402
from bot.store.models import HelpdeskTicket, Person, utcnow  # noqa: E402
from bot.sync import runner  # noqa: E402
from tests.fakehelpdesk import FakeZendesk  # noqa: E402

WORKSPACE = "T0BENCH"
ZONE = "America/New_York"
END = datetime(2026, 11, 23, tzinfo=UTC)


def tickets(agents: int, days: int) -> list[dict[str, object]]:
    """Seeded tickets: id, agent number, created, first reply minutes, solved, replies, reopens."""
    rng = random.Random(7)
    found: list[dict[str, object]] = []
    for day in range(days):
        midnight = END - timedelta(days=days - day)
        for agent in range(agents):
            for _ in range(rng.choice((3, 4, 5, 6))):
                created = midnight + timedelta(minutes=rng.randrange(1440))
                reply = rng.randrange(1, 600)
                found.append({
                    "id": len(found) + 1, "agent": agent, "created": created, "reply": reply,
                    "solved": created + timedelta(minutes=reply + rng.randrange(10, 3000)),
                    "replies": rng.choice((1, 1, 1, 2, 3)), "reopens": rng.choice((0,) * 9 + (1,)),
                })  # fmt: skip
    return found


def seed_people(url: str, agents: int) -> None:
    """Agents known by Slack id, real name and email."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as db:
            db.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        repos.ensure_workspace(session=session, workspace_id=WORKSPACE)
        session.execute(insert(Person), [
            {"workspace_id": WORKSPACE, "slack_user_id": f"U0{n:07d}", "active": True,
             "real_name": f"Agent Number{n}", "display_name": f"agent{n}",
             "is_slack_admin": False, "created_at": utcnow()}
            for n in range(agents)
        ])  # fmt: skip
        session.commit()


def own_format(path: Path, rows: list[dict[str, object]]) -> None:
    """Our format: Slack ids, UTC times."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["ticket_id", "agent", "created_at", "first_response_at", "solved_at",
                         "agent_replies", "reopened", "channel"])  # fmt: skip
        for row in rows:
            created: datetime = row["created"]  # type: ignore[assignment]
            writer.writerow([
                row["id"], f"U0{row['agent']:07d}", f"{created:%Y-%m-%dT%H:%M:%SZ}",
                f"{created + timedelta(minutes=int(row['reply'])):%Y-%m-%dT%H:%M:%SZ}",  # type: ignore[call-overload]
                f"{row['solved']:%Y-%m-%dT%H:%M:%SZ}", row["replies"], row["reopens"] > 0,  # type: ignore[operator]
                "email",
            ])  # fmt: skip


def zendesk_export(path: Path, rows: list[dict[str, object]]) -> None:
    """Zendesk's CSV export: names, local New York times, minutes, reopen counts."""
    zone = ZoneInfo(ZONE)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Id", "Assignee", "Via", "Created at", "Updated at", "Solved at",
                         "Satisfaction Score", "Reopens", "Replies",
                         "First reply time in minutes"])  # fmt: skip
        for row in rows:
            created = row["created"].astimezone(zone)  # type: ignore[attr-defined]
            solved = row["solved"].astimezone(zone)  # type: ignore[attr-defined]
            writer.writerow([
                row["id"], f"Agent Number{row['agent']}", "Mail", f"{created:%Y-%m-%d %H:%M}",
                f"{solved:%Y-%m-%d %H:%M}", f"{solved:%Y-%m-%d %H:%M}", "Offered",
                row["reopens"], row["replies"], row["reply"],
            ])  # fmt: skip


def timed(label: str, count: int, run: "object") -> float:
    """Run, print the rate, return seconds."""
    started = time.perf_counter()
    run()  # type: ignore[operator]
    took = time.perf_counter() - started
    print(f"  {label}: {count:,} tickets in {took:.1f} s = {count / took:,.0f} tickets/s")
    return took


def main() -> None:
    """Generate once; import three ways into fresh databases; print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--database", help="a Postgres URL to use (emptied for each run)")
    args = parser.parse_args()
    rows = tickets(args.agents, args.days)
    folder = Path(tempfile.mkdtemp())
    own, zendesk = folder / "own.csv", folder / "zendesk.csv"
    own_format(own, rows)
    zendesk_export(zendesk, rows)
    print(f"{args.agents} agents × {args.days} days = {len(rows):,} tickets")

    def fresh(name: str) -> str:
        url = args.database or f"sqlite:///{folder / name}"
        seed_people(url, args.agents)
        return url

    def imported(url: str, *flags: str) -> None:
        import os

        os.environ["DATABASE_URL"] = url
        os.environ.pop("SLACK_BOT_TOKEN", None)
        assert cli(["import", "tickets", *flags, "--workspace", WORKSPACE]) == 0

    base = timed("own format", len(rows), lambda: imported(fresh("own.db"), str(own)))
    preset = timed("Zendesk export preset", len(rows), lambda: imported(
        fresh("zendesk.db"), str(zendesk), "--source", "zendesk", "--timezone", ZONE))  # fmt: skip
    fake = FakeZendesk(page_size=1000).start()
    fake.users = [{"id": 10_000 + n, "name": f"Agent Number{n}", "email": None}
                  for n in range(args.agents)]  # fmt: skip
    fake.tickets = [{"id": r["id"], "assignee_id": 10_000 + int(r["agent"]),  # type: ignore[call-overload]
                     "status": "solved", "via": {"channel": "email"},
                     "created_at": f"{r['created']:%Y-%m-%dT%H:%M:%SZ}",
                     "updated_at": f"{r['solved']:%Y-%m-%dT%H:%M:%SZ}"} for r in rows]  # fmt: skip
    fake.metric_sets = [
        {"ticket_id": r["id"], "replies": r["replies"], "reopens": r["reopens"],
         "solved_at": f"{r['solved']:%Y-%m-%dT%H:%M:%SZ}",
         "reply_time_in_minutes": {"calendar": r["reply"]}}
        for r in rows
    ]  # fmt: skip
    url = fresh("sync.db")
    engine = make_engine(url)
    settings = Settings(_env_file=None, zendesk_url=fake.url, zendesk_email="ops@acme.test",
                        zendesk_api_token="t0ken")  # fmt: skip
    api = runner.api_for(settings, "zendesk")
    assert api is not None

    def synced() -> None:
        since = END - timedelta(days=args.days + 1)
        report = runner.sync(engine=engine, api=api, source="zendesk", workspace_id=WORKSPACE,
                             client=None, now=utcnow(), since=since)  # fmt: skip
        assert report.tickets.inserted == len(rows), report.summary()

    sync = timed("sync from the fake Zendesk API", len(rows), synced)
    fake.stop()
    with make_session_factory(engine)() as session:
        unmatched = len(session.exec(
            select(HelpdeskTicket.id).where(HelpdeskTicket.person_id.is_(None))  # type: ignore[union-attr]
        ).all())  # fmt: skip
    print(f"  preset / own format: ×{preset / base:.2f} (target ≤ 1.3); sync "
          f"{len(rows) / sync:,.0f}/s (target ≥ 5,000); tickets without an agent after the "
          f"sync: {unmatched} (assignees matched by name)")  # fmt: skip


if __name__ == "__main__":
    main()
