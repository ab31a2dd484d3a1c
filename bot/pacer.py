"""The outbox sender's pace, learnt from Slack's 429s and shared by every pass in a process."""

import threading
import time
from collections import deque
from collections.abc import Callable


class Pacer:
    """Spacing between sends, shared by every pass in the process: learnt from 429s.

    Slack's allowance behaves like a bucket that refills at the rate Slack allows and holds a
    burst; a 429 says it is empty. From a run's first 429 on, then, what went through is what
    the bucket refilled, less what it could not hold while this sender waited out a
    Retry-After (under one post a wait) and less any time it came back late from a wait or a
    send left late (Slack may have held all it could meanwhile: counting that time could only
    make the rate look slower). So the posts that went through plus one per 429, over the
    time from when the first 429 was heard to when the last refused send left (no longer than
    the real span), is Slack's rate or a little over it; each 429 after measures a longer
    span. A post that left before a refused send but was heard only after that 429 (Slack
    answers a 429 at once, a post after some work) went through within its span: it counts
    there too. A 429 with nothing of this sender's through since the run's first one measures
    nothing (another sender may be taking what Slack refills). Too fast is corrected by the
    next 429; too slow never would be (no 429 comes).

    The run's first 429 has nothing before it: the run's posts over at least Retry-After
    stand in (a burst used what Slack had saved, and Retry-After is how long saving takes),
    or the posts of the last Retry-After before it, if more: a sender slower than Slack for a
    while (a clock still starting) left Slack nothing more to save, and the run's posts over
    its length are then fewer than Slack's rate. A single post is no measure (another clock
    may have used what Slack held a moment ago: taken as the rate, it once left a workspace at
    51 %): the sender waits and measures the run after the wait, taking one post as the rate
    only if it comes again. A pace learnt before is kept (the 429 may be another sender's
    doing) until the next 429 measures it.

    A send that leaves late (its lease waited on the database) moves the ones after it back:
    an on-time send right after a late one would reach Slack too soon after it and, where
    Slack holds one post, be refused. No send goes during a Retry-After (`waiting`).
    """

    PROBE_EVERY = 100  # sends without a 429 before trying 2 % faster
    # After a 429, pace a little under the rate Slack accepted: sends leave on time but reach
    # Slack a few milliseconds early or late, and at exactly the limit an early one is refused.
    # 1 %, not 3 %: at 2 posts/s a workspace's share of its rate rose from 93.4 to 95.1 %
    # (bench/fanout.py), the 429s it lets through costing less than the 2 % it gives up.
    MARGIN = 1.01
    # 429s that keep coming one post after the wait before them widen the margin this much
    # each time (a bench workspace at 1/s spent its whole fan-out so, at 51 %: Slack held one
    # post, the post after each wait reached it a little late, and the next, on time, too soon).
    CROWDED = 1.02
    MOST_MARGIN = 1.1
    # A send this much after its slot, or more, left late.
    TOLERANCE = 0.01
    # Sends further apart than this (or twice the pace, and any Retry-After wait) end a run:
    # Slack refilled meanwhile and what it held is not known.
    IDLE = 1.0

    def __init__(
        self, probe_every: int | None = None, *, interval: float = 0.0,
        on_learn: Callable[[float], object] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:  # fmt: skip
        """`interval`: a pace learnt before (by another sender); `on_learn` is told each pace
        this one learns; `clock`: monotonic seconds (time.monotonic as it is when read)."""
        self.probe_every = probe_every or self.PROBE_EVERY
        self.interval = interval  # seconds between sends; 0 = as fast as Slack answers
        self._on_learn = on_learn or (lambda _learnt: None)
        self._clock = clock
        self._last = 0.0
        self._calm = 0
        self._throttled_until = 0.0
        # This run of sends: when it began and what went through; the last send.
        self._run_began, self._run_sent, self._last_sent = 0.0, 0, -float("inf")
        self._run_times: deque[float] = deque(maxlen=1024)  # when its posts left (no pace yet)
        # The run's first 429, what went through since and how many 429s; the last 429 and
        # its Retry-After; the time this sender was late back from the waits since.
        self._measured_from: float | None = None
        self._measured = 0
        self._episodes = 0
        self._last_measured = 0.0
        self._refused_at = 0.0
        # The last 429's measure: the posts it counted (and the 429s) over its span, which
        # runs from the 429 heard before it (`_counted_from`) to its refused send (`_counted_to`).
        self._counted, self._span, self._counted_from, self._counted_to = 0, 0.0, 0.0, 0.0
        self._waited = 0.0
        self._late = 0.0
        self._single = False  # the last run's first 429 came after a single post
        self._margin = self.MARGIN
        self._between = 0  # posts since the last 429
        self._crowded = 0  # 429s in a row that came one post after the wait before them
        self._again = False  # measure afresh from the first send after this wait
        self._lock = threading.Lock()

    def _now(self) -> float:
        return (self._clock or time.monotonic)()

    def wait(self) -> None:
        """Sleep until this sender may send again (a slot taken before a 429 that falls in
        its Retry-After is not one)."""
        sleep_until(self.take(), self._clock)
        while self.waiting():
            sleep_until(self.take(), self._clock)

    def waiting(self) -> bool:
        """Whether Slack's last Retry-After is still running: a send whose slot was taken
        before the 429 was heard must not go now."""
        with self._lock:
            return self._now() < self._throttled_until

    def take(self, within: float | None = None) -> float:
        """Reserve the next send slot and return when it is (monotonic); with `within`, only
        if it comes within that many seconds (else reserve nothing and return -1.0)."""
        with self._lock:
            now = self._now()
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
            return max(0.0, self._last + self.interval - self._now())

    def late(self, slot: float, at: float) -> None:
        """A send meant for `slot` left at `at`: later ones keep their spacing from it (right
        after a late one, an on-time send would reach Slack too soon after it)."""
        with self._lock:
            if at - slot > self.TOLERANCE:
                self._last += at - slot
                if self._measured_from is not None:
                    self._late += at - slot  # Slack may have held all it could meanwhile

    def sent(self, at: float | None = None) -> None:
        """A send (that left at `at`) went through."""
        with self._lock:
            now = self._now() if at is None else at
            pause = max(self.IDLE, 2 * self.interval)
            if self._last_sent <= self._refused_at + self._waited:
                pause += self._waited  # the wait Slack asked for is part of the run
            if now - self._last_sent > pause:  # a new run: what Slack held is not known
                # A single post's 429 stands for the run measured after its wait, no other.
                self._single = self._single and self._last_sent == -float("inf")
                self._run_began, self._run_sent, self._measured_from = now, 0, None
                self._margin, self._crowded = self.MARGIN, 0
                self._run_times.clear()
            self._run_sent += 1
            if not self.interval:
                self._run_times.append(now)
            self._between += 1
            self._last_sent = max(self._last_sent, now)  # answers may come out of order
            relearnt = False
            # Left after the 429 was heard, so after its wait (sends then in flight are not
            # counted: they may have gone through before it).
            if self._measured_from is not None and now > self._refused_at:
                if self._last_measured < self._refused_at:  # the first since the wait
                    self._late += max(0.0, now - self._refused_at - self._waited)
                self._measured += 1
                self._last_measured = now
            elif self._measured_from is not None and self._counted_from < now < self._counted_to:
                self._measured += 1  # within the last 429's span, heard after it: count it
                self._counted += 1
                self.interval = self._margin * self._span / self._counted
                relearnt = True
            self._calm += 1
            probing = bool(self.interval) and self._calm >= self.probe_every
            if probing:
                self.interval *= 0.98
                self._calm = 0
        if probing or relearnt:
            self._on_learn(self.interval)

    def throttled(self, retry_after: float, *, sleep: bool = True, at: float | None = None) -> None:
        """Slack said 429 to a send that left at `at` (default: now): pace at the rate it
        accepted, then wait from now (or, `sleep=False`, let the caller do other work
        meanwhile: ready_in says how long)."""
        with self._lock:
            now = self._now()
            left = now if at is None else at
            if self._throttled_until > left:
                # Sends already in flight when Slack said 429 come back 429 too: one episode,
                # one measure (else each would count again).
                return
            if self._measured_from is not None:
                self._crowded = self._crowded + 1 if self._between <= 1 else 0
                if self._crowded >= 2:
                    self._margin = min(self._margin * self.CROWDED, self.MOST_MARGIN)
            self._between = 0
            self._counted_to = 0.0  # (set again if this 429 measures a span)
            learnt = self._measure(left, retry_after)
            if learnt is not None:
                self.interval = learnt
            # From when it was heard (it was refused before), to when the last refused send
            # left (it was refused after): a span no longer than the real one, a rate no lower.
            if self._again:  # measure afresh from the first send after the wait
                self._again, self._last_sent = False, -float("inf")
            elif self._measured_from is None:
                self._measured_from, self._measured, self._late, self._episodes = now, 0, 0.0, 0
            self._episodes += 1
            self._refused_at, self._waited = now, retry_after
            self._throttled_until = now + retry_after
            self._calm = 0
            self._last = now + retry_after - self.interval  # the next slot: when Slack said
        if learnt is not None:
            self._on_learn(self.interval)
        if sleep:
            time.sleep(retry_after)

    def _measure(self, now: float, retry_after: float) -> float | None:
        """The pace this 429 teaches (seconds between sends), or None: nothing to learn."""
        if self._measured_from is not None and not self._measured:
            return None  # nothing went through since the run's first 429: nothing to measure
        if self._measured_from is not None:
            self._span = max(now - self._measured_from - self._late, 0.001)
            self._counted = self._measured + self._episodes
            self._counted_from, self._counted_to = self._refused_at, now
            return self._margin * self._span / self._counted
        if self._last_sent < now - max(self.IDLE, 2 * self.interval) or not self._run_sent:
            return None  # nothing went through lately: only wait, then measure
        if self.interval:
            return None  # a pace learnt before: the next 429 measures it
        if self._run_sent == 1 and not self._single:
            # One post, then a 429: Slack may hold one post, or another sender (a clock that
            # had this workspace a moment ago) may have used what it held. After the wait it
            # holds what it can: measure that run instead (one post again: it holds one).
            self._single = self._again = True
            return None
        self._single = False
        window = max(now - self._run_began, retry_after, 0.001)
        recent = sum(1 for at in self._run_times if at >= now - retry_after)
        return self._margin * min(window / self._run_sent, retry_after / max(recent, 1))


def sleep_until(moment: float, clock: Callable[[], float] | None = None) -> None:
    """Sleep until `moment` (monotonic), if it is still to come: the clock read once (read
    twice, it could pass `moment` in between, and a negative sleep raises: the send failed).
    The clock is time.monotonic as it is when called (a test's frozen time included)."""
    delay = moment - (clock or time.monotonic)()
    if delay > 0:
        time.sleep(delay)
