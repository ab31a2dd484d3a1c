"""Run the fake Slack on its own: `python -m tests.fakeslack` prints its URL, serves until killed.

Benchmarks use this so the fake's work does not share a process (and a GIL) with the app,
as real Slack would not. `--users N` adds U9000000… users; `--rate R` limits chat.postMessage
to R per second (429 with Retry-After beyond it); `--lost-answers N` posts the first N messages
and then answers 502, as when Slack's answer is lost; GET /_stats counts messages per channel.
"""

import argparse
import sys
import time

from tests.fakeslack.server import FakeSlack


def main() -> None:
    """Start a lenient fake with the benchmark's users, print its base URL, and wait."""
    parser = argparse.ArgumentParser(description="the fake Slack Web API, standalone")
    parser.add_argument("--users", type=int, default=0, help="how many U9… users to add")
    parser.add_argument("--rate", type=float, help="chat.postMessage per second (default: any)")
    parser.add_argument(
        "--workspaces", type=int, default=0,
        help="this many other workspaces T90000…, each installed with token xoxb-bench-N and "
        "its own --users and --rate",
    )  # fmt: skip
    parser.add_argument(
        "--lost-answers", type=int, default=0,
        help="answer this many chat.postMessage calls with 502 after posting them",
    )  # fmt: skip
    args = parser.parse_args()
    fake = FakeSlack(lenient_response_urls=True, post_rate_limit=args.rate).start()
    if args.lost_answers:
        fake.fail("chat.postMessage", status=502, acted=True, times=args.lost_answers)
    fake.add_user("U0AGENT")
    for n in range(args.users):
        fake.add_user(f"U9{n:07d}", name=f"agent{n}", tz="UTC", email=f"a{n}@example.com")
    for w in range(args.workspaces):
        team = f"T9{w:04d}"
        fake.installs[f"xoxb-bench-{w}"] = {"team_id": team, "enterprise_id": None}
        for n in range(args.users):
            fake.add_user(f"U9{n:07d}", name=f"agent{n}", tz="UTC", team=team)
    print(fake.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()
        sys.exit(0)


if __name__ == "__main__":
    main()
