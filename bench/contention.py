"""Reflections saved while the clock claims a big fan-out, on SQLite (issue 13).

`--agents` agents (UTC) whose shifts all ended a minute ago, plus 20 who answer: their prompts
were sent ten minutes earlier. The clock's claim (`run_checkins`; the outbox job delivers)
runs in a thread of the same process as the HTTP server (`python -m bot serve`, the SQLite
set-up); half a second in, the 20 submit their reflection modals at once, through the real HTTP
endpoint with signed requests. Prints each ack's time, how many were saved, how many got the
"press Save again" error, and how long the claim held the database.

    .venv/bin/python bench/contention.py [--agents 3000] [--database URL]

Target: all 20 saved (or, if the database cannot answer in time, told to press Save again —
never no answer), every ack < 1 s.
"""

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot.app import create_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.deps import Deps  # noqa: E402
from bot.scheduler import claim_checkins  # noqa: E402
from bot.store import migrate, repos  # noqa: E402
from bot.store.db import make_engine, make_session_factory  # noqa: E402
from bot.store.models import Membership, Outbox, Person, Reflection, Team, utcnow  # noqa: E402
from bot.web import HttpServer, WebApp  # noqa: E402
from tests.fakeslack import FakeSlack, SlackDriver  # noqa: E402
from tests.fakeslack.driver import http_sender  # noqa: E402

SECRET = "bench-signing-secret"
ANSWERERS = 20


def seed(engine: Engine, agents: int, now: datetime) -> list[str]:
    """`agents` agents whose shift ended a minute ago, and ANSWERERS whose shift ended ten
    minutes ago, their prompt sent."""
    today = now.date()
    session = make_session_factory(engine)()
    with session:
        repos.ensure_workspace(session=session, workspace_id="T0001")
        team = Team(workspace_id="T0001", name="Everyone", reminder_delay_minutes=0)
        session.add(team)
        session.flush()
        people = [f"U9{n:07d}" for n in range(agents)] + [f"U8{n:07d}" for n in range(ANSWERERS)]
        session.execute(
            insert(Person),
            [
                {
                    "workspace_id": "T0001", "slack_user_id": user, "timezone": "UTC",
                    "shift_days": "mon,tue,wed,thu,fri,sat,sun",
                    "shift_end": f"{now - timedelta(minutes=10 if user < 'U9' else 1):%H:%M}",
                    "is_slack_admin": False, "active": True, "created_at": utcnow(),
                }
                for user in people
            ],
        )  # fmt: skip
        ids = session.exec(select(Person.id, Person.slack_user_id)).all()
        session.execute(
            insert(Membership),
            [
                {"team_id": team.id, "person_id": pid, "role": "agent",
                 "created_at": utcnow() - timedelta(days=30)}
                for pid, _ in ids
            ],
        )  # fmt: skip
        answerers = {user: pid for pid, user in ids if user.startswith("U8")}
        session.execute(
            insert(Outbox),
            [
                {
                    "workspace_id": "T0001", "key": f"prompt:{user}:{today}", "kind": "prompt",
                    "person_id": pid, "channel": f"D{user}", "payload": json.dumps(
                        {"shift_date": str(today)}), "shift_date": today,
                    "due_at": now.replace(second=0, microsecond=0) - timedelta(minutes=10),
                    "status": "sent",
                    "attempts": 1, "next_attempt_at": utcnow(), "sent_at": utcnow(),
                    "message_ts": "1.000001", "created_at": utcnow(),
                }
                for user, pid in answerers.items()
            ],
        )  # fmt: skip
        session.commit()
    return sorted(answerers)


def values() -> dict[str, dict[str, dict[str, object]]]:
    """A full reflection, shaped like Slack's state.values."""
    text = {"well": "Calmed a customer", "differently": "Escalate sooner", "training": "Billing"}
    found: dict[str, dict[str, dict[str, object]]] = {
        block: {block: {"type": "plain_text_input", "value": value}}
        for block, value in (text | {"story": ""}).items()
    }
    found["confidence"] = {
        "confidence": {"type": "static_select", "selected_option": {"value": "4"}}
    }
    return found


def main() -> None:
    """Seed, start the claim, submit the modals during it, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--agents", type=int, default=3000)
    parser.add_argument("--database", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    logging.disable(logging.ERROR)  # the DM updates fail: the bench posted no prompts
    fake = FakeSlack(lenient_response_urls=True).start()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'contention.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    now = utcnow()
    answerers = seed(engine, args.agents, now)
    for user in answerers:
        fake.add_user(user, tz="UTC")
    settings = Settings(
        _env_file=None, slack_bot_token=fake.bot_token, slack_signing_secret=SECRET,
        database_url=url, slack_api_base_url=fake.api_url,
    )  # fmt: skip
    deps = Deps.from_settings(settings, engine=engine)
    web = WebApp(settings=settings, engine=engine, app=create_app(deps), after_ack=deps.after_ack)
    server = HttpServer(web, host="127.0.0.1", port=0).start()
    driver = SlackDriver(fake=fake, signing_secret=SECRET, send=http_sender(server.url))
    meta = json.dumps({"date": str(now.date())})

    claim_times: list[float] = []

    def claim() -> None:
        started = time.perf_counter()
        claim_checkins(deps)
        claim_times.append(time.perf_counter() - started)

    def submit(user: str) -> tuple[float, str]:
        started = time.perf_counter()
        reply = driver.view_submission("reflect_modal", values(), user_id=user,
                                       private_metadata=meta)  # fmt: skip
        return time.perf_counter() - started, f"{reply.status} {reply.body[:60]}"

    clock = threading.Thread(target=claim)
    clock.start()
    time.sleep(0.5)
    with ThreadPoolExecutor(ANSWERERS) as pool:
        results = list(pool.map(submit, answerers))
    clock.join()
    time.sleep(1)  # the deferred DM updates (the fake has no such messages: they fail quietly)
    deps.after_ack.shutdown()
    server.close()
    fake.stop()
    with make_session_factory(engine)() as session:
        saved = len(session.exec(select(Reflection.id)).all())
        claimed = len(session.exec(select(Outbox.id)).all()) - ANSWERERS
    acks = sorted(t for t, _ in results)
    outcomes: dict[str, int] = {}
    for _, outcome in results:
        kind = "saved" if outcome == "200 " else outcome
        outcomes[kind] = outcomes.get(kind, 0) + 1
    print(f"{args.agents} agents' prompts claimed ({claimed}) in {claim_times[0]:.1f} s; "
          f"{ANSWERERS} modals submitted during it")  # fmt: skip
    print(f"  acks: p50 {statistics.median(acks) * 1000:.0f} ms, max {acks[-1] * 1000:.0f} ms")
    print(f"  saved in the database: {saved} of {ANSWERERS}; answers: {outcomes}")


if __name__ == "__main__":
    main()
