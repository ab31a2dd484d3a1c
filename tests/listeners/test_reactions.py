"""Kudos by reaction: the team's kudos emoji on a colleague's message gives its author kudos
with the message as the reason (escaped, its #value kept), once; another emoji, your own
message or a bot's gives nothing; the daily cap holds and the reactor is told; taking the
reaction away within ten minutes takes the kudos back, later it stays."""

import time
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.services import reaction_kudos
from bot.store.models import Kudos
from tests.fakeslack import FakeSlack, SlackDriver
from tests.listeners.test_kudos import CHANNEL, _posts, team

__all__ = ["team"]  # Tier 1 (U0ANA, U0BEN, U0CAT) celebrating in C0CELEB, two kudos a day each

WHERE = "C0GENERAL"


def _react(slack: SlackDriver, user: str, ts: str, author: str, emoji: str = "star2",
           removed: bool = False) -> None:  # fmt: skip
    event: dict[str, Any] = {
        "type": "reaction_removed" if removed else "reaction_added", "user": user,
        "reaction": emoji, "item_user": author,
        "item": {"type": "message", "channel": WHERE, "ts": ts},
    }  # fmt: skip
    assert slack.event(event).status == 200


def _kudos(engine: Engine, count: int) -> list[Kudos]:
    """Wait (the kudos is given after the ack) until `count` kudos exist; them."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with Session(engine) as session:
            found = list(session.exec(select(Kudos)).all())
        if len(found) >= count:
            return found
        time.sleep(0.02)
    return found


def test_the_kudos_emoji_thanks_the_author_with_their_message_once(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Ana's :star2: on Ben's message: a post in the celebration channel quoting it, escaped,
    with its #value; Ben is told. Slack sending the event again changes nothing."""
    ts = fake_slack.add_message(WHERE, "U0BEN", "Fixed the <!here> refund bug for Acme #ownership")
    _react(slack, "U0ANA", ts, "U0BEN")
    (post,) = _posts(fake_slack)
    shown = str(post["blocks"])
    assert "Fixed the &lt;!here&gt; refund bug for Acme  #ownership" in shown  # once
    assert "<@U0ANA>" in post["text"]
    assert "<@U0BEN>" in post["text"]
    _react(slack, "U0ANA", ts, "U0BEN")
    time.sleep(0.2)
    assert len(_kudos(engine, 1)) == 1
    assert len(fake_slack.messages_to(CHANNEL)) == 1


def test_other_reactions_own_messages_and_bots_give_nothing(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """:+1: is just a reaction; so is a star on your own message or on a bot's."""
    fake_slack.add_user("U0BOT2", is_bot=True)
    ts = fake_slack.add_message(WHERE, "U0BEN", "Shipped the macro")
    mine = fake_slack.add_message(WHERE, "U0ANA", "My own great work")
    bots = fake_slack.add_message(WHERE, "U0BOT2", "Deploy finished")
    _react(slack, "U0ANA", ts, "U0BEN", emoji="+1")
    _react(slack, "U0ANA", mine, "U0ANA")
    _react(slack, "U0ANA", bots, "U0BOT2")
    time.sleep(0.3)
    assert _kudos(engine, 0) == []
    assert fake_slack.messages_to(CHANNEL) == []


def test_the_daily_cap_holds_and_the_reactor_hears_why(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Tier 1 allows two a day: the third star is refused in a line only Ana sees."""
    for n in range(3):
        ts = fake_slack.add_message(WHERE, "U0BEN", f"Solved tricky ticket number {n}")
        _react(slack, "U0ANA", ts, "U0BEN")
        if n < 2:
            _kudos(engine, n + 1)
    (told,) = fake_slack.wait_for("chat.postEphemeral")
    assert told.params["user"] == "U0ANA"
    assert "daily limit" in told.params["text"]
    assert len(_kudos(engine, 2)) == 2


def test_taking_the_reaction_away_soon_takes_the_kudos_back(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Removed a moment later: the kudos and its post are gone. A kudos eleven minutes old
    stays given."""
    ts = fake_slack.add_message(WHERE, "U0BEN", "Covered my shift on Sunday")
    _react(slack, "U0ANA", ts, "U0BEN")
    _posts(fake_slack)
    fake_slack.wait_for("chat.postMessage", 2)  # the post and Ben's DM
    _react(slack, "U0ANA", ts, "U0BEN", removed=True)
    fake_slack.wait_for("chat.delete", 2)
    assert _kudos(engine, 0) == []
    assert fake_slack.messages_to(CHANNEL) == []

    later = fake_slack.add_message(WHERE, "U0BEN", "Wrote the refunds guide")
    _react(slack, "U0ANA", later, "U0BEN")
    (given,) = _kudos(engine, 1)
    with Session(engine) as session:
        undone = reaction_kudos.take_back(
            session=session, reactor="U0ANA", workspace_id="T0001", channel=WHERE, ts=later,
            now=given.created_at + timedelta(minutes=11),
        )  # fmt: skip
    assert undone is None
