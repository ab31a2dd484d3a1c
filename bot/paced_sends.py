"""Many workspaces: each due row goes out the moment its workspace's pace allows.

Slack limits each workspace apart, so the sender keeps one queue of due rows per workspace and
hands a workspace's next row to a sending thread just before that workspace's next send slot
(its Pacer), earliest slot first; the thread posts on the slot. No workspace waits for
another's rows, and no thread waits long on a slot while other workspaces could send: a fan-out
across 100 workspaces at 2 posts/s each needs 200 sends a second, spread evenly.

The queues come from the outbox (bot.delivery's `_due`, a few rows of each workspace this
sender owns) and are asked for again before a queue that may have more runs out, and every few
seconds for rows that became due meanwhile. Rows in flight are left out of those questions, and
so are rows another sender turned out to hold, until the next regular one. The pass ends when
the outbox has nothing due for this sender (but what others held) and nothing is in flight.
"""

import functools
import heapq
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Collection
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from bot.pacer import Pacer

# A workspace's queue is asked for again when this few of its rows are left (and it may have
# more), at most every REFRESH_AFTER seconds; everything every REFRESH_EVERY seconds.
LOW = 2
REFRESH_AFTER = 0.5
REFRESH_EVERY = 5.0
# A row goes to its sending thread this long before its slot: the thread leases and renders
# it, then posts on the slot (its time in the database does not move the post). A lease now
# and then waits 0.1–0.35 s on a busy database: at 0.05 s such a post left late (bot.pacer
# then keeps the next ones' spacing from it). It ties up a thread meanwhile: a clock sends
# at most PACED_THREADS / LEAD rows a second (bot.delivery: 256/s).
LEAD = 0.25

Due = Callable[[Collection[int]], tuple[list[tuple[int, str]], bool]]
"""(rows to leave out) → due (row, workspace) pairs in sending order, and whether the answer
was cut short (more may be due than it holds)."""
Send = Callable[[int, str, float, Callable[[], None]], str]
"""(row, workspace, its send slot, what to call once Slack has taken the post) → outcome: sent,
failed, retrying, cancelled, throttled, skipped (another sender had it), or "stop" (the
database is unreachable)."""


def _quiet() -> None:
    """What a paced row's thread calls once Slack took its post: nothing to tell."""


class PacedSends:
    """One pass over the due rows of many workspaces. `owns` says whether a workspace is still
    this sender's (bot.sender_share): asked before each send, so a sender that begins beside
    this one takes its workspaces at that very moment."""

    def __init__(
        self, due: Due, send: Send, owns: Callable[[str], bool],
        pacer_for: Callable[[str], Pacer], threads: int,
    ) -> None:  # fmt: skip
        self._due = due
        self._owns = owns
        self._send = send
        self._pacer_for = pacer_for
        self._threads = threads
        self._queues: dict[str, deque[int]] = {}
        self._more: set[str] = set()  # workspaces whose queue may not hold all their due rows
        self._slots: list[tuple[float, str]] = []  # (when it may send, workspace), a heap
        self._slotted: set[str] = set()  # the workspaces in it (each once)
        # Rows another sender held or sends now: out of the questions until the next regular
        # one (it may send them, or put them back after a 429 for us to send).
        self._held: set[int] = set()
        self._in_flight: dict[Future[str], tuple[int, str]] = {}  # → (row, workspace)
        # Rows in flight Slack has taken (their threads still record it): told by the threads,
        # which wake the loop (`_wake` done) to send a workspace with no pace yet its next row.
        self._taken: set[int] = set()
        self._told: list[tuple[int, str]] = []
        self._wake: Future[None] = Future()
        self._lock = threading.Lock()
        self._asked = -math.inf
        self._ask_soon = False
        self._stopping = False
        self.outcomes: list[str] = []

    def run(self) -> list[str]:
        """Send until nothing is due; the outcome of each row tried, in the order they ended."""
        with ThreadPoolExecutor(self._threads, thread_name_prefix="cx-sender") as pool:
            while True:
                now = time.monotonic()
                if not self._stopping and self._time_to_ask(now):
                    self._ask(now)
                if self._stopping or not self._slots:
                    if not self._in_flight:
                        return self.outcomes
                    self._collect(timeout=None)  # what is in flight may be due again (a 429)
                    continue
                at, workspace = self._slots[0]
                if len(self._in_flight) >= self._threads or at - LEAD > now:
                    self._collect(timeout=None if at - LEAD <= now else at - LEAD - now)
                    continue
                heapq.heappop(self._slots)
                self._slotted.discard(workspace)
                self._dispatch(pool, workspace)

    def _time_to_ask(self, now: float) -> bool:
        if not self._slots:
            return not self._in_flight  # the first question, or the last
        since = now - self._asked
        if since >= REFRESH_EVERY:
            self._held.clear()
            return True
        return self._ask_soon and since >= REFRESH_AFTER

    def _ask(self, now: float) -> None:
        in_flight = (row for row, _ in self._in_flight.values())
        found, cut_short = self._due(frozenset(self._held.union(in_flight)))
        self._asked, self._ask_soon = now, False
        queues: dict[str, deque[int]] = {}
        for row_id, workspace in found:
            queues.setdefault(workspace, deque()).append(row_id)
        self._queues = queues
        self._more = {w for w, rows in queues.items() if cut_short or len(rows) > LOW}
        self._slots = [(now + self._pacer_for(w).ready_in(), w) for w in queues]
        heapq.heapify(self._slots)
        self._slotted = set(queues)

    def _slot(self, workspace: str) -> None:
        """Put the workspace's next slot in the heap, unless it is there already."""
        if workspace not in self._slotted:
            self._slotted.add(workspace)
            at = time.monotonic() + self._pacer_for(workspace).ready_in()
            heapq.heappush(self._slots, (at, workspace))

    def _dispatch(self, pool: ThreadPoolExecutor, workspace: str) -> None:
        if not self._owns(workspace):  # a sender that began since sends it now
            self._held.update(self._queues.pop(workspace))
            return
        pacer = self._pacer_for(workspace)
        if not pacer.interval and any(
            w == workspace and row not in self._taken for row, w in self._in_flight.values()
        ):
            # Its pace is not known yet: one row at a time (bot.pacer learns it from Slack's
            # first 429; all its rows at once would each meet that 429, a slot lost each).
            # Its next slot comes when Slack has taken this post, or the send ends (_collect),
            # not once the database has recorded it too (a workspace then got one post per
            # lease, post and record, a few a second, and where Slack allowed more it never
            # met the 429 that teaches its pace).
            return
        wait_more = pacer.ready_in()
        if wait_more > LEAD:  # a 429 since: its pace moved
            self._slot(workspace)
            return
        queue = self._queues[workspace]
        row_id = queue.popleft()
        slot = pacer.take()
        # Only a workspace sending one row at a time waits to hear that Slack took the post
        # (every paced post waking this loop cost it 200 wake-ups a second for nothing).
        taken = functools.partial(self._tell, row_id, workspace) if not pacer.interval else _quiet
        self._in_flight[pool.submit(self._send, row_id, workspace, slot, taken)] = (
            row_id, workspace,
        )  # fmt: skip
        if queue:
            self._slot(workspace)
        if len(queue) <= LOW and workspace in self._more:
            self._more.discard(workspace)
            self._ask_soon = True

    def _tell(self, row_id: int, workspace: str) -> None:
        """(A sending thread) Slack has taken this row's post."""
        with self._lock:
            self._told.append((row_id, workspace))
            if not self._wake.done():
                self._wake.set_result(None)

    def _collect(self, timeout: float | None) -> None:
        """Wait up to `timeout` (None: for one send to end or be taken by Slack), and note the
        sends that ended or were taken."""
        if not self._in_flight:
            time.sleep(timeout or 0)
            return
        wake = self._wake
        waiting: list[Future[Any]] = [*self._in_flight, wake]
        done, _ = wait(waiting, timeout=timeout, return_when=FIRST_COMPLETED)
        if wake in done:
            done.discard(wake)
            with self._lock:
                told, self._told, self._wake = self._told, [], Future()
            for row_id, workspace in told:
                self._taken.add(row_id)
                if self._queues.get(workspace):
                    self._slot(workspace)
        for future in done:
            row_id, workspace = self._in_flight.pop(future)
            self._taken.discard(row_id)
            if self._queues.get(workspace):  # (a no-op unless it waited for this send)
                self._slot(workspace)
            outcome = future.result()
            if outcome == "stop":
                self._stopping = True
                continue
            if outcome == "skipped":
                self._held.add(row_id)
            if outcome == "throttled":
                self._ask_soon = True  # the row is due again
            self.outcomes.append(outcome)
