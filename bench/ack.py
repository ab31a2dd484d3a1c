"""Ack latency of slash commands through the real HTTP server, CX Coach vs a bare Bolt app.

Each part runs in its own process, as in production: the fake Slack (`python -m tests.fakeslack`),
the app under test (this file with `--serve ours|bare`, behind bot.web.HttpServer), and the load
(5 client processes × 10 threads = 50 concurrent requests). Both apps use the same server and
the same listener pool size; the bare app's listeners only `ack()`. Each request is timed from
send to HTTP 200.

    .venv/bin/python bench/ack.py [--requests 40] [--rounds 2]

Target (issue #2): p99 of CX Coach ≤ 1.5 × p99 of the bare app.
"""

import argparse
import itertools
import multiprocessing
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

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-test-token"  # what the fake accepts
CLIENT_PROCESSES, THREADS_PER_CLIENT = 5, 10
CASES = [
    ("/cx-metrics", "help", "usage blocks in the ack"),
    ("/cx-team", "list", "empty ack; DB read + response_url post after it"),
]


def serve(kind: str, fake_url: str) -> None:
    """Run one app under test on a random port; print the port, serve until killed."""
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    from bot.app import LISTENER_THREADS, create_app
    from bot.config import Settings
    from bot.deps import Deps
    from bot.store import migrate
    from bot.store.db import make_engine
    from bot.web import HttpServer, WebApp

    database = Path(tempfile.mkdtemp(prefix="cx-bench-")) / "bench.db"
    settings = Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_base_url=f"{fake_url}/api/",
        database_url=f"sqlite:///{database}",
    )
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    if kind == "ours":
        app = create_app(Deps.from_settings(settings, engine=engine))
    else:
        app = App(
            client=WebClient(token=BOT_TOKEN, base_url=settings.slack_api_base_url),
            signing_secret=SECRET,
            token_verification_enabled=False,
            listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS),
        )

        def only_ack(ack: Ack) -> None:
            ack()

        for command, _, _ in CASES:
            app.command(command)(only_ack)
    server = HttpServer(WebApp(settings=settings, engine=engine, app=app), host="127.0.0.1", port=0)
    print(server.port, flush=True)
    server.serve_forever()


def one_request(url: str, fake_url: str, command: str, text: str, n: int) -> float:
    """POST one signed slash command; return seconds until the HTTP answer."""
    from slack_sdk.signature import SignatureVerifier

    body = urlencode(
        {
            "team_id": "T0001",
            "user_id": "U0AGENT",
            "command": command,
            "text": text,
            "response_url": f"{fake_url}/response/bench-{n}",
            "trigger_id": "bench-trigger",
        }
    )
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body) or ""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
    request = urllib.request.Request(f"{url}/slack/events", data=body.encode(), headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.status == 200
    return time.perf_counter() - started


def client(job: tuple[str, str, str, str, int, int]) -> list[float]:
    """One client process: THREADS_PER_CLIENT threads, each sending `requests` in a row."""
    url, fake_url, command, text, requests, seed = job
    ids = itertools.count(seed * 1_000_000)
    latencies: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = [one_request(url, fake_url, command, text, next(ids)) for _ in range(requests)]
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(THREADS_PER_CLIENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def start(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    """Start a helper process and read the first line it prints."""
    process = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 in milliseconds."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def main() -> None:
    """Measure both apps on each command and print the comparison."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per client thread")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per app")
    parser.add_argument("--serve", choices=["ours", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--fake", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.fake)
        return

    fake, fake_url = start(["-m", "tests.fakeslack"])
    apps = {
        name: start([__file__, "--serve", kind, "--fake", fake_url])
        for name, kind in (("cx-coach", "ours"), ("bare", "bare"))
    }
    urls = {name: f"http://127.0.0.1:{port}" for name, (_, port) in apps.items()}
    concurrency = CLIENT_PROCESSES * THREADS_PER_CLIENT
    total = concurrency * args.requests * args.rounds
    print(f"{concurrency} concurrent requests, {total} per app and command\n")
    print(f"{'command':<20}{'app':<10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    seeds = itertools.count(1)
    with multiprocessing.get_context("spawn").Pool(CLIENT_PROCESSES) as pool:
        for command, text, what in CASES:
            results: dict[str, list[float]] = {name: [] for name in urls}
            for url in urls.values():  # warm-up: imports, pools, the first auth.test
                pool.map(
                    client, [(url, fake_url, command, text, 2, next(seeds))] * CLIENT_PROCESSES
                )
            for _ in range(args.rounds):
                for name, url in urls.items():
                    jobs = [
                        (url, fake_url, command, text, args.requests, next(seeds))
                        for _ in range(CLIENT_PROCESSES)
                    ]
                    for latencies in pool.map(client, jobs):
                        results[name] += latencies
                time.sleep(1)  # let after-ack work drain between rounds
            rows = {name: percentiles(values) for name, values in results.items()}
            for name, (p50, p95, p99) in rows.items():
                print(f"{command + ' ' + text:<20}{name:<10}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}")
            ratio = rows["cx-coach"][2] / rows["bare"][2]
            print(f"  {what}: p99 ratio cx-coach / bare = {ratio:.2f} (target ≤ 1.5)\n")
    for process, _ in [*apps.values(), (fake, "")]:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
