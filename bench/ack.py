"""Ack latency of slash commands through the real HTTP server, CX Coach vs a bare Bolt app.

Each part runs in its own process, as in production: the fake Slack (`python -m tests.fakeslack`),
the app under test (this file with `--serve ours|bare`, behind bot.web.HttpServer), and the load
(5 client processes × 10 threads = 50 concurrent requests). Both apps use the same server and
the same listener pool size; the bare app's listeners only `ack()`. Each request is timed from
send to HTTP 200.

Two loads:
- burst: all 50 clients send at the same instant, every `--interval` seconds (Slack traffic at
  the end of a shift: many people, one moment). This is the target of issue #2:
  p99 of CX Coach ≤ 1.5 × p99 of the bare app.
- sustained: each client sends its next request as soon as the last one is answered, so the
  server never rests. This measures CPU per request: CX Coach's work after the ack (database,
  response_url) competes with the acks for the one interpreter lock, which the bare app does not
  do, so its ratio is reported for information.

    .venv/bin/python bench/ack.py [--bursts 100] [--interval 0.5] [--requests 40]
"""

import argparse
import itertools
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-test-token"  # what the fake accepts
CLIENT_PROCESSES, THREADS_PER_CLIENT = 5, 10
# On a machine with 2+ CPUs the app under test gets CPU 0 to itself and everything else (fake
# Slack, load generators) shares the rest, as in production where Slack and the clients are
# elsewhere. Without this, the fake's work answering CX Coach's response_url posts would be
# charged to CX Coach's ack latency.
CPUS = sorted(os.sched_getaffinity(0))
APP_CPU, OTHER_CPUS = CPUS[0], set(CPUS[1:]) or {CPUS[0]}
CASES = [
    ("/cx-metrics", "help", "usage blocks in the ack"),
    ("/cx-team", "list", "empty ack; DB read + response_url post after it"),
]


def serve(kind: str, fake_url: str, database: str | None = None) -> None:
    """Run one app under test on a random port; print the port, serve until killed."""
    from slack_bolt import Ack, App
    from slack_sdk import WebClient

    from bot.app import LISTENER_THREADS, create_app
    from bot.config import Settings
    from bot.deps import Deps
    from bot.store import migrate
    from bot.store.db import make_engine
    from bot.web import HttpServer, WebApp

    os.sched_setaffinity(0, {APP_CPU})
    database = database or str(Path(tempfile.mkdtemp(prefix="cx-bench-")) / "bench.db")
    settings = Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_base_url=f"{fake_url}/api/",
        database_url=f"sqlite:///{database}",
    )
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    after_ack = None
    if kind == "ours":
        deps = Deps.from_settings(settings, engine=engine)
        app, after_ack = create_app(deps), deps.after_ack
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
    web = WebApp(settings=settings, engine=engine, app=app, after_ack=after_ack)
    server = HttpServer(web, host="127.0.0.1", port=0)
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
            "trigger_id": f"bench-trigger-{n}",
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


Job = tuple[str, str, str, str, int, int, float, float]


def client(job: Job) -> list[float]:
    """One client process: THREADS_PER_CLIENT threads, each sending `requests` requests, in a row
    (`interval` 0) or each at `start + k × interval` (wall clock, shared by all processes)."""
    url, fake_url, command, text, requests, seed, start, interval = job
    ids = itertools.count(seed * 1_000_000)
    latencies: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = []
        for k in range(requests):
            if interval:
                time.sleep(max(0.0, start + k * interval - time.time()))
            mine.append(one_request(url, fake_url, command, text, next(ids)))
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


def measure(
    pool: Any, urls: dict[str, str], fake_url: str, case: tuple[str, str], load: tuple[int, float]
) -> dict[str, tuple[float, float, float]]:
    """p50/p95/p99 per app for one command under one load: (requests per client, interval)."""
    (command, text), (requests, interval) = case, load
    seeds = itertools.count(int(time.time()) % 1000 * 1000)
    results: dict[str, list[float]] = {name: [] for name in urls}
    for url in urls.values():  # warm-up: imports, connection pools, the first auth.test
        warm_up: Job = (url, fake_url, command, text, 2, next(seeds), 0.0, 0.0)
        pool.map(client, [warm_up] * CLIENT_PROCESSES)
    if interval:
        # Bursts: the apps take turns half an interval apart, so both meet the same machine.
        start = time.time() + 1.0  # every client process is up and waiting by then
        jobs: list[Job] = [
            (
                url,
                fake_url,
                command,
                text,
                requests,
                next(seeds),
                start + turn * interval / 2,
                interval,
            )
            for turn, url in enumerate(urls.values())
            for _ in range(CLIENT_PROCESSES)
        ]
        answers = pool.map(client, jobs)
        for turn, name in enumerate(urls):
            for latencies in answers[turn * CLIENT_PROCESSES : (turn + 1) * CLIENT_PROCESSES]:
                results[name] += latencies
    else:
        for name, url in urls.items():  # one app at a time, each on its own CPU budget
            jobs = [
                (url, fake_url, command, text, requests, next(seeds), 0.0, 0.0)
                for _ in range(CLIENT_PROCESSES)
            ]
            for latencies in pool.map(client, jobs):
                results[name] += latencies
            time.sleep(1)  # let the work after the acks drain before the other app's turn
    return {name: percentiles(values) for name, values in results.items()}


def main() -> None:
    """Measure both apps on each command under both loads and print the comparison."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--bursts", type=int, default=100, help="bursts of 50 (burst load)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between bursts")
    parser.add_argument("--requests", type=int, default=40, help="per client (sustained load)")
    parser.add_argument("--serve", choices=["ours", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--fake", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)  # a SQLite file to serve
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.fake, args.database)
        return

    os.sched_setaffinity(0, OTHER_CPUS)  # inherited by the fake and the client processes
    fake, fake_url = start(["-m", "tests.fakeslack"])
    apps = {
        name: start([__file__, "--serve", kind, "--fake", fake_url])
        for name, kind in (("cx-coach", "ours"), ("bare", "bare"))
    }
    urls = {name: f"http://127.0.0.1:{port}" for name, (_, port) in apps.items()}
    concurrency = CLIENT_PROCESSES * THREADS_PER_CLIENT
    loads = {
        "burst": (args.bursts, args.interval),
        "sustained": (args.requests, 0.0),
    }
    try:
        with multiprocessing.get_context("spawn").Pool(2 * CLIENT_PROCESSES) as pool:
            for load_name, load in loads.items():
                per_app = concurrency * load[0]
                print(
                    f"{load_name}: {concurrency} concurrent requests, {per_app} per app and command"
                )
                print(f"  {'command':<20}{'app':<10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
                for command, text, what in CASES:
                    rows = measure(pool, urls, fake_url, (command, text), load)
                    for name, (p50, p95, p99) in rows.items():
                        label = f"{command} {text}"
                        print(f"  {label:<20}{name:<10}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}")
                    ratio = rows["cx-coach"][2] / rows["bare"][2]
                    print(f"    {what}: p99 ratio cx-coach / bare = {ratio:.2f}")
                print()
    finally:
        for process, _ in [*apps.values(), (fake, "")]:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
