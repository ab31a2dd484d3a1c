"""Fan-out of end-of-shift prompts: N agents whose shifts end in the same minute, one clock pass.

The fake Slack runs in its own process and limits chat.postMessage to `--rate` per second,
answering 429 with Retry-After beyond it, as Slack does. The clock pass (claim, then deliver) runs
here, on a fresh SQLite file (or `--database`). Prints throughput as a share of the allowed rate,
lost and duplicated prompts (from the fake's own count per DM), and the clock's peak memory.

    .venv/bin/python bench/fanout.py [--agents 10000] [--rate 200] [--database URL]

Target (issue #4): ≥ 95 % of the allowed rate, 0 lost, 0 duplicated.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot import delivery  # noqa: E402
from bot.blocks.checkins import RENDERERS  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.deps import Deps  # noqa: E402
from bot.services import checkins  # noqa: E402
from bot.store import migrate, repos  # noqa: E402
from bot.store.db import make_engine, make_session_factory  # noqa: E402
from bot.store.models import Membership, Outbox, Person, Team, utcnow  # noqa: E402

BOT_TOKEN = "xoxb-test-token"


def seed(engine: Engine, agents: int, shift_end: str) -> None:
    """One workspace, one team, `agents` agents in UTC whose shifts all end at `shift_end`."""
    session = make_session_factory(engine)()
    with session:
        repos.ensure_workspace(session=session, workspace_id="T0001")
        team = Team(workspace_id="T0001", name="Everyone", reminder_delay_minutes=0)
        session.add(team)
        session.flush()
        session.execute(
            insert(Person),
            [
                {
                    "workspace_id": "T0001", "slack_user_id": f"U9{n:07d}", "timezone": "UTC",
                    "shift_days": "mon,tue,wed,thu,fri,sat,sun", "shift_end": shift_end,
                    "is_slack_admin": False, "active": True, "created_at": utcnow(),
                }
                for n in range(agents)
            ],
        )  # fmt: skip
        ids = session.exec(select(Person.id)).all()
        session.execute(
            insert(Membership),
            [
                {"team_id": team.id, "person_id": pid, "role": "agent", "created_at": utcnow()}
                for pid in ids
            ],
        )
        session.commit()


def main() -> None:
    """Run one clock pass against the rate-limited fake and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0, help="allowed posts per second")
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()

    fake_args = ["--users", str(args.agents), "--rate", str(args.rate)]
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakeslack", *fake_args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    fake_url = fake.stdout.readline().strip()
    try:
        url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'fanout.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        now = utcnow()
        seed(engine, args.agents, f"{now - timedelta(minutes=1):%H:%M}")
        settings = Settings(
            _env_file=None, slack_bot_token=BOT_TOKEN, database_url=url,
            slack_api_base_url=f"{fake_url}/api/",
        )  # fmt: skip
        deps = Deps.from_settings(settings, engine=engine)

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        with deps.session() as session:  # what run_checkins does, timed in its two parts
            claimed = checkins.claim_due_prompts(session=session, now=utcnow())
            session.commit()
        claimed_at = time.perf_counter()
        delivery.deliver_due(deps, RENDERERS)
        finished = time.perf_counter()
        rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        with urllib.request.urlopen(f"{fake_url}/_stats", timeout=30) as response:
            stats = json.load(response)
        counts = stats["messages"]
        delivered = sum(1 for n in range(args.agents) if counts.get(f"DU9{n:07d}", 0) >= 1)
        duplicated = sum(max(0, count - 1) for count in counts.values())
        with make_session_factory(engine)() as session:
            statuses: dict[str, int] = {}
            for row in session.exec(select(Outbox.status)).all():
                statuses[row] = statuses.get(row, 0) + 1
        sending = finished - claimed_at
        rate = delivered / sending
        print(
            f"{args.agents} agents, shifts ending in the same minute; Slack allows {args.rate:g}/s"
        )
        print(f"  claimed {claimed.claimed} in {claimed_at - started:.1f} s")
        print(
            f"  delivered {delivered} in {sending:.1f} s = {rate:.1f}/s = "
            f"{rate / args.rate:.1%} of the allowed rate (whole pass {finished - started:.1f} s)"
        )
        print(
            f"  lost {args.agents - delivered}, duplicated {duplicated}, "
            f"429s answered by the fake {stats['rate_limited']}"
        )
        print(f"  outbox: {statuses}")
        print(
            f"  clock process peak RSS {rss_peak:.0f} MiB (before the pass: {rss_before:.0f} MiB)"
        )
    finally:
        fake.terminate()
        fake.wait()


if __name__ == "__main__":
    main()
