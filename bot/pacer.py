"""The outbox sender's pace, learnt from Slack's 429s and shared by every pass in a process."""

import threading
import time
from collections import deque
from collections.abc import Callable


class Pacer:
    """Spacing between sends, shared by every pass in the process: learnt from 429s."""

    PROBE_EVERY = 100  # sends without a 429 before trying 2 % faster
    # After a 429, pace a little under the rate Slack accepted: sends leave on time but reach
    # Slack a few milliseconds early or late, and at exactly the limit an early one is refused.
    # 1 %, not 3 %: at 2 posts/s a workspace's share of its rate rose from 93.4 to 95.1 %
    # (bench/fanout.py), the 429s it lets through costing less than the 2 % it gives up.
    MARGIN = 1.01

    def __init__(
        self, probe_every: int | None = None, *, interval: float = 0.0,
        on_learn: Callable[[float], object] | None = None,
    ) -> None:  # fmt: skip
        """`interval`: a pace learnt before (by another sender); `on_learn` is told each pace
        this one learns."""
        self.probe_every = probe_every or self.PROBE_EVERY
        self.interval = interval  # seconds between sends; 0 = as fast as Slack answers
        self._on_learn = on_learn or (lambda _learnt: None)
        self._last = 0.0
        self._recent: deque[float] = deque(maxlen=10_000)
        self._calm = 0
        self._throttled_until = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Sleep until this sender may send again."""
        sleep_until(self.take())

    def take(self, within: float | None = None) -> float:
        """Reserve the next send slot and return when it is (monotonic); with `within`, only
        if it comes within that many seconds (else reserve nothing and return -1.0)."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._last + self.interval)
            if within is not None and start - now > within:
                return -1.0
            self._last = start
            return start

    def give_back(self, slot: float) -> None:
        """A slot `take` reserved went unused (another sender had the row): free it, unless a
        later one was reserved since."""
        with self._lock:
            if self._last == slot:
                self._last = slot - self.interval

    def ready_in(self) -> float:
        """Seconds until the next send slot (0: now)."""
        with self._lock:
            return max(0.0, self._last + self.interval - time.monotonic())

    def sent(self) -> None:
        """A send went through."""
        with self._lock:
            self._recent.append(time.monotonic())
            self._calm += 1
            probing = bool(self.interval) and self._calm >= self.probe_every
            if probing:
                self.interval *= 0.98
                self._calm = 0
        if probing:
            self._on_learn(self.interval)

    def throttled(self, retry_after: float, *, sleep: bool = True) -> None:
        """Slack said 429: pace at the rate it accepted lately, then wait (or, `sleep=False`,
        let the caller do other work meanwhile: ready_in says how long)."""
        with self._lock:
            now = time.monotonic()
            if self._throttled_until > now:
                # Sends already in flight when Slack said 429 come back 429 too: one episode,
                # one slowdown (else each would compound it).
                return
            # What went through in the last second, or since this sender's first send if
            # that is sooner: a sender taking a workspace over may find Slack's allowance used
            # up by the one before, and one send in a second would set one a second for good
            # (too slow gets no 429 to correct it; too fast does, at once).
            since = max(now - 1.0, self._recent[0] if self._recent else now)
            accepted = sum(1 for at in self._recent if at >= since)
            if accepted:  # none: only the wait, then measure
                window = max(now - since, 0.001)
                self.interval = max(self.interval * 1.05, self.MARGIN * window / accepted)
            self._throttled_until = now + retry_after
            self._calm = 0
            self._last = now + retry_after
        self._on_learn(self.interval)
        if sleep:
            time.sleep(retry_after)


def sleep_until(moment: float, clock: Callable[[], float] | None = None) -> None:
    """Sleep until `moment` (monotonic), if it is still to come: the clock read once (read
    twice, it could pass `moment` in between, and a negative sleep raises: the send failed).
    The clock is time.monotonic as it is when called (a test's frozen time included)."""
    delay = moment - (clock or time.monotonic)()
    if delay > 0:
        time.sleep(delay)
