"""/cx-kudos end to end: the channel shout-out and DMs, escaping, the daily cap, values, the
leaderboard and opting out."""

import json
import time
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.deps import Deps
from bot.services import teams
from bot.store.models import Kudos, Person
from tests.checkin_helpers import add_agents
from tests.fakeslack import FakeSlack, SlackDriver

CHANNEL = "C0CELEB"


@pytest.fixture
def team(engine: Engine, fake_slack: FakeSlack) -> None:
    """Tier 1 (U0ANA, U0BEN, U0CAT) celebrating in C0CELEB, two kudos a day each."""
    add_agents(engine, fake_slack, dict.fromkeys(("U0ANA", "U0BEN", "U0CAT"), "UTC"))
    fake_slack.add_channel(CHANNEL)
    fake_slack.add_user("U0BOT", is_bot=True)
    fake_slack.add_user("U0EXT")["team_id"] = "T0OTHER"
    with Session(engine) as session:
        tier1 = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert tier1 is not None
        tier1.celebration_channel_id, tier1.kudos_daily_cap = CHANNEL, 2
        session.add(tier1)
        session.commit()


def _said(fake: FakeSlack, count: int = 1) -> str:
    return json.dumps(fake.wait_for("response_url", count)[-1].params, ensure_ascii=False)


def _posts(fake: FakeSlack, count: int = 1) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(fake.messages_to(CHANNEL)) < count:
        time.sleep(0.01)
    return fake.messages_to(CHANNEL)


def test_kudos_are_posted_once_and_the_person_thanked_hears(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """One shout-out in the celebration channel with the value, and a DM to each recipient."""
    slack.command("/cx-kudos", "<@U0BEN|ben> <@U0CAT> for staying late on the refund queue "
                  "#ownership", user_id="U0ANA")  # fmt: skip
    assert f"Kudos posted in <#{CHANNEL}>" in _said(fake_slack)
    (post,) = _posts(fake_slack)
    shown = json.dumps(post)
    assert "<@U0BEN> and <@U0CAT>" in shown
    assert "staying late on the refund queue" in shown
    assert "#ownership" in shown
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not fake_slack.messages_to("U0CAT"):
        time.sleep(0.01)
    assert "gave you kudos" in json.dumps(fake_slack.messages_to("U0CAT"))


def test_injected_mentions_never_ping(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """`<!channel>`, `<!here>` or a fake mention in a reason are shown, escaped, not sent raw."""
    slack.command(
        "/cx-kudos", "<@U0BEN> for <!channel> <!here> and <@U0CAT|cat> help", user_id="U0ANA"
    )
    _said(fake_slack)
    shown = json.dumps(_posts(fake_slack))
    assert "&lt;!channel&gt;" in shown
    assert "&lt;!here&gt;" in shown
    assert "<!channel>" not in shown
    assert "<!here>" not in shown
    assert "&lt;@U0CAT|cat&gt;" in shown


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        ("", "needs a little more"),
        ("for nothing in particular", "I don't know `for`"),
        ("<@U0BEN>", "Say what for, in at least 10 characters"),
        ("<@U0BEN> for thanks", "at least 10 characters"),
        ("<@U0ANA> for being great all week", "can't give them to yourself"),
        ("<@U0BOT> for answering every ticket", "is a bot"),
        ("<@U0EXT> for the handover notes", "outside this workspace"),
        ("<@U0BEN> for the handover notes #speed", "#empathy, #ownership, #teamwork, #expertise"),
    ],
)
def test_bad_kudos_are_explained(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine, words: str,
    problem: str,
) -> None:  # fmt: skip
    """Each mistake gets a specific answer, and nothing is posted."""
    reply = slack.command("/cx-kudos", words, user_id="U0ANA")
    shown = reply.body + (_said(fake_slack) if not reply.body else "")
    assert problem in shown
    with Session(engine) as session:
        assert session.exec(select(Kudos)).all() == []


def test_the_daily_cap(team: None, slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """Past the team's cap (2 here) the giver is told to wait for tomorrow."""
    for n in range(3):
        slack.command("/cx-kudos", f"<@U0BEN> for great work on ticket {n}", user_id="U0ANA")
    assert "daily limit" in _said(fake_slack, 3) or "daily limit" in json.dumps(
        [c.params for c in fake_slack.calls_to("response_url")])  # fmt: skip
    assert len(_posts(fake_slack, 2)) == 2


def test_leaderboard_counts_and_respects_opt_out(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """`top` lists kudos received and given this week; someone who opted out is left off."""
    slack.command("/cx-kudos", "<@U0BEN> for calming a furious customer", user_id="U0ANA")
    slack.command("/cx-kudos", "<@U0BEN> for a brilliant macro", user_id="U0CAT")
    _posts(fake_slack, 2)
    slack.command("/cx-kudos", "top", user_id="U0ANA")
    board = _said(fake_slack, 3)
    assert "1. <@U0BEN> — 2" in board
    assert "Kudos this week, Tier 1" in board
    slack.command("/cx-kudos", "leaderboard off", user_id="U0BEN")
    assert "off the kudos leaderboards" in _said(fake_slack, 4)
    slack.command("/cx-kudos", "top ever", user_id="U0ANA")
    board = _said(fake_slack, 5)
    assert "<@U0BEN>" not in board
    assert "1 person chose to stay off" in board


def test_the_leaderboard_is_your_teams_unless_you_ask_for_all(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Billing's Dan thanked by Billing's Eve stays off Tier 1's board; `top all` shows both
    teams."""
    add_agents(engine, fake_slack, dict.fromkeys(("U0DAN", "U0EVE"), "UTC"), team="Billing")
    with Session(engine) as session:
        billing = teams.find(session=session, workspace_id="T0001", name="Billing")
        assert billing is not None
        billing.celebration_channel_id = CHANNEL
        session.add(billing)
        session.commit()
    slack.command("/cx-kudos", "<@U0BEN> for calming a furious customer", user_id="U0ANA")
    slack.command("/cx-kudos", "<@U0DAN> for untangling the invoices", user_id="U0EVE")
    _posts(fake_slack, 2)
    slack.command("/cx-kudos", "top", user_id="U0ANA")
    mine = _said(fake_slack, 3)
    assert "<@U0BEN>" in mine
    assert "U0DAN" not in mine
    assert "U0EVE" not in mine
    slack.command("/cx-kudos", "top all", user_id="U0ANA")
    everyone = _said(fake_slack, 4)
    assert "<@U0DAN>" in everyone
    assert "Kudos this week, everyone" in everyone


def _home(slack: SlackDriver, fake: FakeSlack, user: str) -> str:
    published = len(fake.calls_to("views.publish"))
    slack.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    fake.wait_for("views.publish", published + 1)
    return json.dumps(fake.home_views[user]["blocks"], ensure_ascii=False)


def test_the_app_home_shows_kudos_received(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """The person thanked sees who thanked them, for what and with which value, escaped."""
    assert "No kudos received yet." in _home(slack, fake_slack, "U0BEN")
    slack.command("/cx-kudos", "<@U0BEN> for the <!here> & refund macro #teamwork", user_id="U0ANA")
    _posts(fake_slack, 1)
    slack.command("/cx-kudos", "<@U0BEN> for covering the late queue", user_id="U0CAT")
    _posts(fake_slack, 2)
    home = _home(slack, fake_slack, "U0BEN")
    assert "Received: 2" in home
    assert home.index("covering the late queue") < home.index("refund macro")  # latest first
    assert "<@U0ANA>" in home
    assert "#teamwork" in home
    assert "the &lt;!here&gt; &amp; refund macro" in home
    assert "No kudos received yet." in _home(slack, fake_slack, "U0ANA")


def test_the_app_home_buttons_leave_and_rejoin(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """The home's opt-out buttons save the choice, flip the button, and bring people back."""
    home = _home(slack, fake_slack, "U0BEN")
    assert "Leave leaderboards" in home
    published = len(fake_slack.calls_to("views.publish"))
    reply = slack.block_action(
        "kudos_opt_leaderboard", "leaderboard:off", user_id="U0BEN", view={"id": "V0HOME"}
    )
    assert reply.status == 200
    fake_slack.wait_for("views.publish", published + 1)
    home = json.dumps(fake_slack.home_views["U0BEN"]["blocks"])
    assert "Join leaderboards" in home
    assert "off the kudos leaderboards" in home
    slack.block_action(
        "kudos_opt_milestones", "milestones:off", user_id="U0BEN", view={"id": "V0HOME"}
    )
    fake_slack.wait_for("views.publish", published + 2)
    assert "Name me in milestones" in json.dumps(fake_slack.home_views["U0BEN"]["blocks"])
    with Session(engine) as session:
        ben = session.exec(select(Person).where(Person.slack_user_id == "U0BEN")).one()
        assert (ben.leaderboard_opt_out, ben.milestones_opt_out) == (True, True)
    slack.block_action(
        "kudos_opt_leaderboard", "leaderboard:on", user_id="U0BEN", view={"id": "V0HOME"}
    )
    fake_slack.wait_for("views.publish", published + 3)
    with Session(engine) as session:
        ben = session.exec(select(Person).where(Person.slack_user_id == "U0BEN")).one()
        assert (ben.leaderboard_opt_out, ben.milestones_opt_out) == (False, True)


def test_slack_markup_in_a_reason_shows_as_labels(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A channel mention as Slack sends it is not read as a #value, a link shows as its label,
    and Slack's &amp; is one ampersand — all escaped, nothing clickable or pinging."""
    slack.command(
        "/cx-kudos",
        "<@U0BEN> for answering in <#C0DIGEST1|support> with the <https://kb.example/refunds|"
        "refund guide> &amp; more #teamwork",
        user_id="U0ANA",
    )
    shown = json.dumps(_posts(fake_slack))
    assert "answering in #support with the refund guide &amp; more" in shown
    assert "kb.example" not in shown
    assert "#teamwork" in shown
    assert "&amp;amp;" not in shown


def test_a_replayed_command_posts_the_kudos_once(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, deps: Deps
) -> None:
    """The same signed /cx-kudos body sent again (within Slack's 5 minutes) thanks once."""
    slack.command("/cx-kudos", "<@U0BEN> for covering the late queue", user_id="U0ANA")
    assert slack.send(*slack.last_request).status == 200
    assert deps.after_ack.drain(timeout=10)  # both copies' after-ack work has run
    assert len(fake_slack.messages_to(CHANNEL)) == 1
    assert len(fake_slack.messages_to("U0BEN")) == 1
