"""How long a person waits for a deferred answer: `/cx-metrics` at a steady rate (issue 13).

The app runs in its own process (`python -m bot web`, SQLite), the fake Slack and the load
here. Requests go out open-loop at `--rate` per second for
`--seconds`, each a signed `/cx-metrics` for a team with a year of tickets (so each answer
computes real figures), and each is timed from send to the moment its answer reaches the
fake's response_url. Then SIGTERM arrives with answers still queued, and the bench counts the
acked commands that never got an answer.

    .venv/bin/python bench/answers.py [--rate 25] [--seconds 30] [--days 90]

Target: p95 from command to answer ≤ 2 s at 25 requests/s; every acked command answered
after a SIGTERM.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import metrics  # noqa: E402  (bench/metrics.py: its seeding and import)
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bot.store import migrate  # noqa: E402
from bot.store.db import make_engine  # noqa: E402
from tests.fakeslack import FakeSlack  # noqa: E402

SECRET = "bench-signing-secret"


def command(url: str, fake: FakeSlack, n: int) -> tuple[str, float, int]:
    """Send one signed /cx-metrics; its response_url key, send time, HTTP status."""
    response_url = fake.new_response_url()
    body = urlencode({
        "team_id": "T0001", "user_id": "U0ADMIN", "command": "/cx-metrics",
        "text": "Tier 00 30d", "response_url": response_url, "trigger_id": f"answers-{n}",
    })  # fmt: skip
    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
        or "",
    }
    sent = time.monotonic()
    request = urllib.request.Request(f"{url}/slack/events", data=body.encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return response_url.rsplit("/", 1)[-1], sent, answer.status
    except OSError:
        return response_url.rsplit("/", 1)[-1], sent, 0


def seed(days: int) -> str:
    """Team "Tier 00" (25 agents, New York) with `days` of tickets and surveys, imported with
    `python -m bot import` (bench/metrics.py's data); the SQLite file's path."""
    folder = Path(tempfile.mkdtemp(prefix="cx-answers-"))
    path = folder / "answers.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    metrics.WORKSPACE = "T0001"  # the fake's team: the app refuses other workspaces
    metrics.seed_people(engine, metrics.TEAM_SIZE)
    tickets, surveys, n_tickets, n_surveys = metrics.write_csvs(folder, metrics.TEAM_SIZE, days)
    metrics.timed_import(f"sqlite:///{path}", "tickets", tickets, n_tickets)
    metrics.timed_import(f"sqlite:///{path}", "surveys", surveys, n_surveys)
    return str(path)


def _wait_for(url: str) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} never answered")


def main() -> None:
    """Seed, serve, load, measure, SIGTERM, count."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--days", type=int, default=90, help="days of tickets for the team")
    args = parser.parse_args()
    fake = FakeSlack(lenient_response_urls=True).start()
    fake.add_user("U0ADMIN", is_admin=True, tz="UTC")
    database = seed(args.days)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        "PATH": os.environ.get("PATH", ""), "DATABASE_URL": f"sqlite:///{database}",
        "SLACK_BOT_TOKEN": fake.bot_token, "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_BASE_URL": fake.api_url, "PORT": str(port),
    }  # fmt: skip
    server = subprocess.Popen(  # the real `web` process, with its SIGTERM handling
        [sys.executable, "-m", "bot", "web", "--host", "127.0.0.1"], cwd=ROOT, env=environment,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_for(f"{url}/healthz")
    sent: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    total = int(args.rate * args.seconds)
    start = time.monotonic() + 0.5
    with ThreadPoolExecutor(64) as pool:
        for n in range(total):
            time.sleep(max(0.0, start + n / args.rate - time.monotonic()))

            def one(n: int = n) -> None:
                found = command(url, fake, n)
                with lock:
                    sent.append(found)

            pool.submit(one)
        time.sleep(0.2)
        server.send_signal(signal.SIGTERM)  # answers still queued: they must all arrive
    server.wait(timeout=60)
    arrived = {call.path.rsplit("/", 1)[-1]: call.at for call in fake.calls_to("response_url")}
    fake.stop()
    acked = [(key, at) for key, at, status in sent if status == 200]
    waits = sorted(arrived[key] - at for key, at in acked if key in arrived)
    missing = [key for key, _ in acked if key not in arrived]
    p50 = statistics.median(waits)
    p95 = waits[int(0.95 * (len(waits) - 1))]
    print(f"/cx-metrics at {args.rate:g}/s for {args.seconds:g} s: {len(sent)} sent, "
          f"{len(acked)} acked; SIGTERM right after the last")  # fmt: skip
    print(f"  command → answer: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {waits[-1] * 1000:.0f} ms")  # fmt: skip
    print(f"  acked but never answered: {len(missing)}")


if __name__ == "__main__":
    main()
