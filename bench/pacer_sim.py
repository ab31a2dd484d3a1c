"""The pacer (bot/pacer.py) against a simulated Slack: one workspace's fan-out, run many times
on a clock of its own (no sleeping, no network), to show what bench/fanout.py cannot in
minutes: how often a workspace falls below 95 % of its rate, and in which conditions.

    .venv/bin/python bench/pacer_sim.py [--runs 200] [--rates 2,1] [--cases normal,slow,takeover]
                                        [--cycle 0,0] [--far 0,0] [--gate answer|done]

Slack: a token bucket for the workspace holding one second's posts, full at first (as
tests/fakeslack), answering 429 with Retry-After 1 s. The sender, as bot/paced_sends.py: a
workspace with no pace yet sends one row at a time (the next once Slack has taken the one
before, or it is done; `--gate done`: once it is done, as before), else each row on its slot,
handed to its thread 0.25 s ahead; a slot that falls in a Retry-After waits it out. A post
reaches Slack 3-30 ms after it left (one in a hundred 50-200 ms more) and is answered 3-30 ms
after, plus `--far` seconds (a Slack far away); three sends in a hundred leave 0.1-0.35 s late
(a lease that waited on the database); a send is done `--cycle` seconds after its answer (its
row recorded). Cases: normal; slow (the clock still starting: for its first 2-12 s posts take
0.2-0.5 s more to reach Slack and 0.1-0.3 s more to be answered; the share counts from a
second after); takeover (another sender has just used Slack's allowance up). Prints, for each
rate and case, the median and lowest share of the rate (first post to last), the runs below
95 % and the 429s a run. Runs are seeded: the same command prints the same figures.

`--ramp N` tries an idea bot/paced_sends.py does not have: while the pace is not known, one
more row may go at a time for every N posts since the last 429.
"""

import argparse
import heapq
import random
import statistics
from dataclasses import dataclass, field

from bot.paced_sends import LEAD
from bot.pacer import Pacer

RETRY_AFTER = 1.0


@dataclass
class Run:
    """One fan-out of `count` posts to one workspace that Slack allows `rate` a second."""

    rate: float
    count: int
    case: str
    cycle: tuple[float, float]
    seed: int
    ramp: int = 0
    far: tuple[float, float] = (0.0, 0.0)
    gate: str = "answer"
    now: float = 0.0
    posts: list[float] = field(default_factory=list)
    refused: int = 0

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)
        self.pacer = Pacer(clock=lambda: self.now)
        self.tokens = 0.0 if self.case == "takeover" else self.rate
        self.refilled = 0.0
        self.slow_until = self.random.uniform(2, 12) if self.case == "slow" else -1.0
        self.events: list[tuple[float, int, str, tuple[float, bool]]] = []
        self.order = 0
        self.queued, self.untaken, self.dispatching = self.count, 0, 0  # untaken: in flight
        self.calm = 0  # posts since the last 429

    def at(self, when: float, kind: str, slot: float = 0.0, ok: bool = False) -> None:
        self.order += 1
        heapq.heappush(self.events, (when, self.order, kind, (slot, ok)))

    def dispatch_at(self, when: float) -> None:
        self.dispatching += 1  # only the latest dispatch counts
        self.at(when, "dispatch", float(self.dispatching))

    def delay(self, slow: tuple[float, float], spikes: bool = False) -> float:
        """How long a post takes to reach Slack, or its answer to come back."""
        late = self.random.uniform(0.003, 0.03)
        if spikes and self.random.random() < 0.01:
            late += self.random.uniform(0.05, 0.2)
        if self.now < self.slow_until:
            late += self.random.uniform(*slow)
        return late

    def share(self) -> float:
        posts = (
            [p for p in self.posts if p > self.slow_until + 1]
            if self.case == "slow"
            else self.posts
        )
        return (len(posts) - 1) / (posts[-1] - posts[0]) / self.rate

    def go(self) -> "Run":
        self.dispatch_at(0.0)
        while self.events:
            when, _, kind, (value, ok) = heapq.heappop(self.events)
            self.now = max(self.now, when)
            getattr(self, f"_{kind}")(value, ok)
        return self

    def _dispatch(self, which: float, _ok: bool) -> None:
        if which != self.dispatching or not self.queued:
            return
        room = 1 + self.calm // self.ramp if self.ramp else 1
        if not self.pacer.interval and self.untaken >= room:
            return  # one row at a time until the pace is known
        slot = self.pacer.take()
        self.queued, self.untaken = self.queued - 1, self.untaken + 1
        late = self.random.uniform(0.1, 0.35) if self.random.random() < 0.03 else 0.0
        self.at(max(slot, self.now) + late, "leave", slot)
        self.dispatch_at(max(self.now + 0.001, self.now + self.pacer.ready_in() - LEAD))

    def _leave(self, slot: float, _ok: bool) -> None:
        if self.pacer.waiting():  # a 429 since its slot was taken: due again
            self.queued, self.untaken = self.queued + 1, self.untaken - 1
            self.dispatch_at(self.now + self.pacer.ready_in() - LEAD)
            return
        self.pacer.late(slot, self.now)
        self.at(self.now + self.delay((0.2, 0.5), spikes=True), "arrive", self.now)

    def _arrive(self, left: float, _ok: bool) -> None:
        self.tokens = min(self.rate, self.tokens + (self.now - self.refilled) * self.rate)
        self.refilled = self.now
        ok = self.tokens >= 1
        if ok:
            self.tokens -= 1
            self.posts.append(self.now)
        else:
            self.refused += 1
        far = self.random.uniform(*self.far) if self.far[1] else 0.0
        self.at(self.now + self.delay((0.1, 0.3)) + far, "answer", left, ok)

    def _answer(self, left: float, ok: bool) -> None:
        if ok:
            self.pacer.sent(at=left)
            self.calm += 1
        else:
            self.queued, self.calm = self.queued + 1, 0
            self.pacer.throttled(RETRY_AFTER, sleep=False, at=left)
        taken = ok and self.gate == "answer"
        if taken:
            self._free()
        self.at(self.now + self.random.uniform(*self.cycle), "done", 0.0, taken)

    def _done(self, _value: float, taken: bool) -> None:
        if not taken:
            self._free()

    def _free(self) -> None:
        self.untaken -= 1
        wait = self.pacer.ready_in() - LEAD if self.pacer.interval else 0.0
        self.dispatch_at(self.now + max(0.0, wait))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rates", default="2,1", help="posts a second Slack allows")
    parser.add_argument("--cases", default="normal,slow,takeover")
    parser.add_argument("--cycle", default="0,0", help="from an answer to done: a,b (s)")
    parser.add_argument("--far", default="0,0", help="more time to each answer: a,b (s)")
    parser.add_argument("--gate", choices=["answer", "done"], default="answer")
    parser.add_argument("--ramp", type=int, default=0, help="see above (default: none)")
    args = parser.parse_args()
    cycle, far = (_span(args.cycle), _span(args.far))
    for rate in (float(r) for r in args.rates.split(",")):
        for case in args.cases.split(","):
            runs = [
                Run(rate, int(50 * rate), case, cycle, seed, args.ramp, far, args.gate).go()
                for seed in range(args.runs)
            ]
            shares = sorted(run.share() for run in runs)
            below = sum(1 for share in shares if share < 0.95)
            refused = statistics.mean(run.refused for run in runs)
            print(
                f"{rate:g}/s {case:9} median {statistics.median(shares):.1%}, lowest "
                f"{shares[0]:.1%}, {below} of {len(runs)} below 95 %, {refused:.1f} 429s a run"
            )


def _span(text: str) -> tuple[float, float]:
    low, high = (float(x) for x in text.split(","))
    return low, high


if __name__ == "__main__":
    main()
