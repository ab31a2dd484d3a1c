"""Work that runs after Slack has its ack, on threads of its own, giving way to pending acks.

Slack needs its HTTP 200 within 3 seconds; a response_url stays valid for 30 minutes. So when
both compete for the same CPU, acks go first: a worker starts only once no request has been on
its way to its ack for `quiet` seconds, but never later than `max_yield` seconds after the work
was handed over, so under constant load nothing piles up. Under a burst of commands this keeps
ack latency close to a bare app's (see bench/ack.py); when idle it costs `quiet` seconds.
"""

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class AfterAck:
    """A small thread pool for after-ack work, and a count of requests not yet acked."""

    def __init__(self, threads: int, quiet: float = 0.1, max_yield: float = 0.3) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="cx-after-ack")
        self._quiet, self._max_yield = quiet, max_yield
        self._pending = 0
        self._last_ack = 0.0  # time.monotonic() when the last pending request finished
        self._changed = threading.Condition()
        self._inflight = 0  # work submitted and not finished (including work it submits)

    @contextmanager
    def acking(self) -> Iterator[None]:
        """Mark one request as on its way to its ack for the duration of the block."""
        with self._changed:
            self._pending += 1
        try:
            yield
        finally:
            with self._changed:
                self._pending -= 1
                self._last_ack = time.monotonic()
                self._changed.notify_all()

    def submit(self, work: Callable[[], None]) -> "Future[None]":
        """Run `work` on the pool when acks have been quiet a moment, or by `max_yield`."""
        deadline = time.monotonic() + self._max_yield

        def run() -> None:
            try:
                self._wait_for_quiet(deadline)
                work()
            finally:
                with self._changed:
                    self._inflight -= 1
                    self._changed.notify_all()

        with self._changed:
            self._inflight += 1
        try:
            return self._executor.submit(run)
        except RuntimeError:  # shut down: nothing will run it
            with self._changed:
                self._inflight -= 1
            raise

    def tracked(self, work: Callable[..., T]) -> Callable[..., T]:
        """`work`, counted as in flight from now until it returns: drain() waits for it too
        (Bolt's listeners, which may defer more work after they ack)."""
        with self._changed:
            self._inflight += 1

        def run(*args: object, **kwargs: object) -> T:
            try:
                return work(*args, **kwargs)
            finally:
                with self._changed:
                    self._inflight -= 1
                    self._changed.notify_all()

        return run

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every piece of submitted work (and what it submitted) has finished;
        False if `timeout` seconds passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._inflight == 0, timeout=timeout)

    def give_way(self, max_wait: float = 0.05) -> None:
        """Pause while any request is on its way to its ack, up to `max_wait` seconds: long
        CPU-bound work in the same process (the clock's pass over every agent) calls this now
        and then, so acks do not queue behind it for the interpreter lock."""
        self._wait_for_quiet(time.monotonic() + max_wait, quiet=0.0)

    def _wait_for_quiet(self, deadline: float, quiet: float | None = None) -> None:
        quiet = self._quiet if quiet is None else quiet
        with self._changed:
            while (now := time.monotonic()) < deadline:
                quiet_at = self._last_ack + quiet
                if self._pending == 0 and now >= quiet_at:
                    return
                wake = deadline if self._pending else min(deadline, quiet_at)
                self._changed.wait(timeout=wake - now)

    def shutdown(self) -> None:
        """Finish queued work, then stop the threads."""
        self._executor.shutdown(wait=True)
