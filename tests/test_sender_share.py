"""Two clocks on one database, installed in many workspaces (issue 19): the live clocks share
the workspaces, each sending only its own (so neither paces a workspace the other is pacing),
every prompt still sent once; a clock that stops or goes silent hands its workspaces over."""

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot import delivery
from bot.blocks.renderers import RENDERERS
from bot.deps import Deps
from bot.pacer import Pacer
from bot.sender_share import LIVE, REFRESH, SenderShare, owner
from bot.services import checkins
from tests.fakeslack import FakeSlack
from tests.oauth_world import Installed, agent, install

DUE = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)
SENT_AT = DUE + timedelta(minutes=1)
CLOCKS = ("clock-a", "clock-b")


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def clocks(oauth: Installed, ticks: Ticks) -> tuple[Deps, Deps]:
    """Two clocks (each its own share and paces) on the same database and fake Slack."""
    first, second = (
        dataclasses.replace(oauth.deps, share=SenderShare(name, monotonic=ticks), pacers={})
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
