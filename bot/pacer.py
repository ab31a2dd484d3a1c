"""The outbox sender's pace, learnt from Slack's 429s and shared by every pass in a process."""

import threading
import time
from collections import deque


class Pacer:
    """Spacing between sends, shared by every pass in the process: learnt from 429s."""

    PROBE_EVERY = 100  # sends without a 429 before trying 2 % faster
    # After a 429, pace a little under the rate Slack accepted: sends leave on time but reach
    # Slack a few milliseconds early or late, and at exactly the limit an early one is refused
    # (at 1 post a second, one in three or so was).
    MARGIN = 1.03

    def __init__(self, probe_every: int | None = None) -> None:
        self.probe_every = probe_every or self.PROBE_EVERY
        self.interval = 0.0  # seconds between sends; 0 = as fast as Slack answers
        self._last = 0.0
        self._recent: deque[float] = deque(maxlen=10_000)
        self._calm = 0
        self._throttled_until = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Sleep until this sender may send again."""
        start = self.take()
        now = time.monotonic()
        if start > now:
            time.sleep(start - now)

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
            if self.interval and self._calm >= self.probe_every:
                self.interval *= 0.98
                self._calm = 0

    def throttled(self, retry_after: float, *, sleep: bool = True) -> None:
        """Slack said 429: pace at the rate it accepted over the last second, then wait (or,
        `sleep=False`, let the caller do other work meanwhile: ready_in says how long)."""
        with self._lock:
            now = time.monotonic()
            if self._throttled_until > now:
                # Sends already in flight when Slack said 429 come back 429 too: one episode,
                # one slowdown (else each would compound it).
                return
            self._throttled_until = now + retry_after
            accepted = sum(1 for at in self._recent if now - at <= 1.0)
            self.interval = max(self.interval * 1.05, self.MARGIN / max(accepted, 1))
            self._calm = 0
            self._last = now + retry_after
        if sleep:
            time.sleep(retry_after)
