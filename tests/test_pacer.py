"""The sender's pace, learnt from Slack's 429s: too fast is corrected by the next 429 at once,
too slow never would be, so a 429 never sets a pace slower than what Slack was seen to take."""

import pytest

from bot.pacer import Pacer, sleep_until


def test_a_429_on_a_sender_that_just_began_does_not_set_one_send_a_second() -> None:
    """Taking a workspace over, the first send went through and the second met the allowance
    the sender before had used up: one send in the last second is not Slack's rate."""
    pacer = Pacer()
    pacer.sent()
    pacer.throttled(0.0, sleep=False)
    assert 0 < pacer.interval < 0.1


def test_a_429_before_anything_went_through_only_waits() -> None:
    pacer = Pacer()
    pacer.throttled(1.0, sleep=False)
    assert pacer.interval == 0.0
    assert pacer.ready_in() == pytest.approx(1.0, abs=0.05)


def test_a_pace_learnt_is_told_and_a_pace_told_is_where_a_new_sender_starts() -> None:
    learnt: list[float] = []
    pacer = Pacer(on_learn=learnt.append)
    pacer.sent()
    pacer.throttled(0.0, sleep=False)
    assert learnt == [pacer.interval]
    assert Pacer(interval=learnt[0]).interval == learnt[0]


def test_a_send_slot_that_passes_while_the_sender_looks_at_it_does_not_fail_the_send() -> None:
    """A row handed to its thread just before its slot waits for it; the slot may come while
    the thread is between looking at the clock and going to sleep (one row in 10,000 failed
    with "internal error", a negative sleep)."""
    readings = iter([99.999, 100.001])
    sleep_until(100.0, clock=lambda: next(readings))  # no error, and no second reading needed
