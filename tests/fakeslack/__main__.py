"""Run the fake Slack on its own: `python -m tests.fakeslack` prints its URL, serves until killed.

Benchmarks use this so the fake's work does not share a process (and a GIL) with the app,
as real Slack would not.
"""

import sys
import time

from tests.fakeslack.server import FakeSlack


def main() -> None:
    """Start a lenient fake with the benchmark's users, print its base URL, and wait."""
    fake = FakeSlack(lenient_response_urls=True).start()
    fake.add_user("U0AGENT")
    print(fake.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()
        sys.exit(0)


if __name__ == "__main__":
    main()
