"""After-ack work: runs on its own threads, and waits while requests are still on their way to
their ack."""

import threading
import time

from bot.after_ack import AfterAck


def test_work_runs_after_the_ack() -> None:
    """Work handed over with no request pending runs on an after-ack thread."""
    after_ack = AfterAck(threads=1, quiet=0.0)
    ran_on: list[str] = []
    after_ack.submit(lambda: ran_on.append(threading.current_thread().name)).result(timeout=5)
    assert ran_on[0].startswith("cx-after-ack")
    after_ack.shutdown()


def test_work_waits_while_a_request_awaits_its_ack() -> None:
    """While a request has not been acked, after-ack work holds back; then it runs."""
    after_ack = AfterAck(threads=1, quiet=0.0, max_yield=30)
    done = threading.Event()
    with after_ack.acking():
        future = after_ack.submit(done.set)
        assert not done.wait(0.2)
    future.result(timeout=5)
    assert done.is_set()
    after_ack.shutdown()


def test_work_runs_by_its_deadline_under_constant_load() -> None:
    """If acks never stop coming, work still runs once max_yield has passed: nothing piles up."""
    after_ack = AfterAck(threads=1, quiet=0.0, max_yield=0.1)
    with after_ack.acking():
        after_ack.submit(lambda: None).result(timeout=5)
    after_ack.shutdown()


def test_a_failure_does_not_stop_later_work() -> None:
    """One failing piece of work leaves the pool able to run the next."""
    after_ack = AfterAck(threads=1, quiet=0.0)

    def broken() -> None:
        raise RuntimeError("boom")

    failed = after_ack.submit(broken)
    assert isinstance(failed.exception(timeout=5), RuntimeError)
    after_ack.submit(lambda: None).result(timeout=5)
    after_ack.shutdown()


def test_drain_waits_for_work_that_work_submits() -> None:
    """drain() returns once queued work and the work it queued in turn (a command's answer
    that then sends the DMs it claimed) have all run — what SIGTERM waits for."""
    after = AfterAck(threads=2, quiet=0.0, max_yield=0.0)
    done: list[str] = []

    def inner() -> None:
        time.sleep(0.05)
        done.append("inner")

    def outer() -> None:
        time.sleep(0.05)
        after.submit(inner)
        done.append("outer")

    for _ in range(3):
        after.submit(outer)
    assert after.drain(timeout=5)
    assert sorted(done) == ["inner"] * 3 + ["outer"] * 3
    after.shutdown()
