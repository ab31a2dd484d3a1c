"""Two clocks on one database, installed in many workspaces (issue 19): the live clocks share
the workspaces, each sending only its own (so neither paces a workspace the other is pacing),
every prompt still sent once; a clock that stops or goes silent hands its workspaces over."""

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import delivery
from bot.blocks.renderers import RENDERERS
from bot.deps import Deps
from bot.pacer import Pacer
from bot.sender_share import LIVE, REFRESH, SETTLE, SenderShare, owner
from bot.services import checkins
from bot.store.models import OutboxSender
from tests.fakeslack import FakeSlack
from tests.oauth_world import Installed, agent, install

DUE = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)
SENT_AT = DUE + timedelta(minutes=1)
CLOCKS = ("clock-a", "clock-b")


class Ticks:
    """A monotonic clock the test moves (and a clock's sleeps move)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def clocks(oauth: Installed, ticks: Ticks) -> tuple[Deps, Deps]:
    """Two clocks (each its own share and paces) on the same database and fake Slack."""
    first, second = (
        dataclasses.replace(
            oauth.deps, share=SenderShare(name, monotonic=ticks, sleep=ticks.sleep), pacers={}
        )
        for name in CLOCKS
    )
    return first, second


def _workspaces() -> dict[str, list[str]]:
    """Two workspaces for each clock (rendezvous hashing decides which is whose)."""
    mine: dict[str, list[str]] = {name: [] for name in CLOCKS}
    for n in range(100):
        workspace = f"T0W{n:02d}"
        chosen = mine[owner(workspace, CLOCKS)]
        if len(chosen) < 2:
            chosen.append(workspace)
    return mine


@pytest.fixture
def prompts(oauth: Installed, fake_slack: FakeSlack, engine: Engine) -> dict[str, list[str]]:
    """U0SAME, an agent in four workspaces, whose prompt in each is due."""
    mine = _workspaces()
    for workspace in [w for chosen in mine.values() for w in chosen]:
        install(oauth, fake_slack, team_id=workspace)
        agent(engine, fake_slack, workspace, "U0SAME", "Tier 1")
    with Session(engine) as session:
        assert checkins.claim_due_prompts(session=session, now=SENT_AT).claimed == 4
        session.commit()
    return mine


def _posted(fake: FakeSlack) -> Counter[str | None]:
    return Counter(call.team for call in fake.calls_to("chat.postMessage"))


def _show_alive(*clocks: Deps, at: datetime) -> None:
    """Each clock's pass with nothing due yet (every minute): it shows it is alive."""
    for clock in clocks:
        assert delivery.deliver_due(clock, RENDERERS, now=at).sent == 0


def test_two_live_clocks_each_send_only_their_own_workspaces(
    clocks: tuple[Deps, Deps], prompts: dict[str, list[str]], fake_slack: FakeSlack,
    ticks: Ticks,
) -> None:  # fmt: skip
    first, second = clocks
    _show_alive(first, second, at=DUE - timedelta(seconds=30))
    ticks.now += REFRESH  # the first now sees the second too
    assert delivery.deliver_due(first, RENDERERS, now=SENT_AT).sent == 2
    assert _posted(fake_slack) == Counter(prompts["clock-a"])
    assert delivery.deliver_due(second, RENDERERS, now=SENT_AT).sent == 2
    assert _posted(fake_slack) == Counter(prompts["clock-a"] + prompts["clock-b"])


def test_a_clock_that_stops_hands_its_workspaces_over_at_once(
    clocks: tuple[Deps, Deps], prompts: dict[str, list[str]], fake_slack: FakeSlack,
    ticks: Ticks,
) -> None:  # fmt: skip
    first, second = clocks
    _show_alive(first, second, at=DUE - timedelta(seconds=30))
    first.share.leave(first.session)  # SIGTERM: `clock` signs off as it exits
    ticks.now += REFRESH
    assert delivery.deliver_due(second, RENDERERS, now=SENT_AT).sent == 4
    assert sorted(_posted(fake_slack).values()) == [1, 1, 1, 1]


def test_a_silent_clocks_workspaces_go_to_the_others_after_a_while(
    clocks: tuple[Deps, Deps], prompts: dict[str, list[str]], fake_slack: FakeSlack,
    ticks: Ticks,
) -> None:  # fmt: skip
    first, second = clocks
    _show_alive(first, second, at=SENT_AT - LIVE + timedelta(seconds=1))  # then killed
    ticks.now += REFRESH
    assert delivery.deliver_due(second, RENDERERS, now=SENT_AT).sent == 2  # still alive then
    ticks.now += REFRESH
    later = SENT_AT + timedelta(seconds=2)
    assert delivery.deliver_due(second, RENDERERS, now=later).sent == 2
    assert sorted(_posted(fake_slack).values()) == [1, 1, 1, 1]


def test_a_clock_starting_beside_a_running_one_waits_until_it_has_been_seen(
    clocks: tuple[Deps, Deps], ticks: Ticks,
) -> None:  # fmt: skip
    """Else both would send its workspaces for a moment, and each would slow down for the
    other's 429s (the slowest workspace got half its rate)."""
    first, second = clocks
    _show_alive(first, at=DUE - timedelta(seconds=30))
    assert ticks.slept == []  # alone: it begins at once
    _show_alive(second, at=DUE - timedelta(seconds=20))
    assert ticks.slept == [SETTLE.total_seconds()]
    assert SETTLE.total_seconds() > REFRESH  # the running one looks meanwhile


@pytest.mark.parametrize(
    ("sent_at", "by_first"),
    [
        (DUE + timedelta(seconds=1), "every workspace"),  # the second has not begun: no gap
        (DUE + SETTLE, "its own"),  # the second has begun: no overlap
    ],
)
def test_a_running_clock_hands_over_at_the_moment_the_new_one_begins(
    clocks: tuple[Deps, Deps], prompts: dict[str, list[str]], fake_slack: FakeSlack,
    ticks: Ticks, sent_at: datetime, by_first: str,
) -> None:  # fmt: skip
    first, second = clocks
    _show_alive(first, at=DUE - timedelta(seconds=30))
    _show_alive(second, at=DUE - timedelta(seconds=1))  # begins at DUE + SETTLE - 1 s
    ticks.now += REFRESH
    _show_alive(first, at=DUE - timedelta(milliseconds=500))  # sees the second coming
    # The first sends without looking again: what it saw says when the second begins.
    expected = prompts["clock-a"] + (prompts["clock-b"] if by_first == "every workspace" else [])
    assert delivery.deliver_due(first, RENDERERS, now=sent_at).sent == len(expected)
    assert _posted(fake_slack) == Counter(expected)


def test_a_send_slot_another_sender_took_the_row_for_is_not_lost() -> None:
    """A workspace paced at one send a second: a slot reserved for a row the other clock
    leased first is free again, so the next row goes now, not a second later."""
    pacer = Pacer()
    pacer.interval = 1.0
    sent = pacer.take()
    unused = pacer.take(within=1.5)
    assert unused == pytest.approx(sent + 1.0)
    pacer.give_back(unused)
    assert pacer.take(within=1.5) == pytest.approx(sent + 1.0)
    assert pacer.take() == pytest.approx(sent + 2.0)


def test_a_clock_taking_a_workspace_over_starts_at_the_pace_the_other_learnt(
    clocks: tuple[Deps, Deps],
) -> None:
    """Starting afresh, it would send at once into the allowance the other had just used up,
    get a 429 and measure too slow a rate (the slowest workspaces got 1 post a second of 2)."""
    first, second = clocks
    learning = first.pacer_for("T0W00")
    learning.sent()
    learning.sent()
    learning.throttled(1.0, sleep=False)  # Slack's 429: the pace is learnt, and kept
    assert learning.interval > 0
    assert second.pacer_for("T0W00").interval == pytest.approx(learning.interval)
    assert second.pacer_for("T0W01").interval == 0.0  # nothing learnt there yet


def test_a_clock_stopped_while_waiting_to_begin_is_not_shown_alive_again(
    oauth: Installed, engine: Engine
) -> None:
    """SIGTERM comes while its first pass waits to begin: it signs off, and the pass, ending
    after, must not sign it on again (the others would wait 90 s for its workspaces)."""
    running = dataclasses.replace(oauth.deps, share=SenderShare("clock-a"))
    _show_alive(running, at=DUE)
    stopping = SenderShare("clock-b", sleep=lambda _seconds: stopping.leave(oauth.deps.session))
    stopping.members(oauth.deps.session, DUE)
    with Session(engine) as session:
        assert [row.id for row in session.exec(select(OutboxSender)).all()] == ["clock-a"]


def test_a_pass_that_finds_the_database_down_says_so_in_one_line(
    oauth: Installed, caplog: pytest.LogCaptureFixture
) -> None:
    """The clock's many-workspace pass asks the database who is alive and what is due; with
    the database unreachable it stops with one warning (the next pass carries on), not a
    traceback out of the sender."""
    from bot.store.db import make_engine, make_session_factory

    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    down = dataclasses.replace(
        oauth.deps, session=make_session_factory(dead), share=SenderShare("clock-a"), pacers={}
    )
    report = delivery.deliver_due(down, RENDERERS, now=SENT_AT)
    assert report.sent == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("database is unreachable" in message for message in warnings), warnings
    assert not [r for r in caplog.records if r.exc_info]
