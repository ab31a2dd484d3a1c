"""How long `python -m bot --help` and each command's `--help` take, as a person typing them
waits (issue 16: ≤ 0.5 s on this machine): a fresh interpreter each time, median of 5.

    .venv/bin/python bench/cli_help.py
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ("", "serve", "web", "clock", "migrate", "schedule", "roster import", "import",
            "metrics", "digest", "sync", "repair")  # fmt: skip
RUNS = 5


def main() -> None:
    """Print each command's median and worst wall time."""
    worst = 0.0
    for command in COMMANDS:
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bot", *command.split(), "--help"], cwd=ROOT,
                           check=True, capture_output=True)  # fmt: skip
            times.append(time.perf_counter() - started)
        worst = max(worst, max(times))
        median, slowest = statistics.median(times) * 1000, max(times) * 1000
        label = f"  python -m bot {command} --help".replace("  --", " --")
        print(f"{label:40} median {median:4.0f} ms, worst {slowest:4.0f} ms")
    print(f"worst of all: {worst * 1000:.0f} ms (target ≤ 500 ms)")


if __name__ == "__main__":
    main()
