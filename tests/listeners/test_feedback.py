"""/cx-feedback end to end: asking, giving (named and anonymous), declining, cancelling, a lead's
360 and suggestions, through signed requests and the fake Slack."""

import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, col, select

from bot.blocks import feedback as blocks
from bot.deps import Deps
from bot.services import teams
from bot.services.permissions import OPERATOR
from bot.store import repos
from bot.store.models import FeedbackAnswer, FeedbackAsk
from tests.checkin_helpers import add_agents
from tests.fakeslack import FakeSlack, SlackDriver

PEERS = ("U0BEN", "U0CAT", "U0DAN", "U0EVE", "U0FAY", "U0GUS")


@pytest.fixture
def team(engine: Engine, fake_slack: FakeSlack) -> None:
    """Tier 1: U0ANA and six peers as agents, U0LEAD as its lead; a bot and a deactivated user."""
    add_agents(engine, fake_slack, dict.fromkeys(("U0ANA", *PEERS, "U0LEAD"), "UTC"))
    with Session(engine) as session:
        tier1 = teams.find(session=session, workspace_id="T0001", name="Tier 1")
        assert tier1 is not None
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=tier1.id,
            form=teams.TeamForm(leads=frozenset({"U0LEAD"})),
        )  # fmt: skip
        session.commit()
    fake_slack.add_user("U0BOT", is_bot=True)
    fake_slack.add_user("U0GONE", deleted=True)
    fake_slack.add_user("U0EXT")["team_id"] = "T0OTHER"  # a Slack Connect guest


def _said(fake: FakeSlack, count: int = 1) -> str:
    """The latest ephemeral answer through a response_url."""
    return str(fake.wait_for("response_url", count)[-1].params.get("text"))


def _ask_dm(fake: FakeSlack, user: str) -> tuple[int, tuple[str, str]]:
    """The ask id in the user's latest "please give feedback" DM, and the DM (channel, ts)."""
    message = _wait_for_dm(fake, user, blocks.GIVE)
    button = next(
        e
        for b in message["blocks"] if b["type"] == "actions"
        for e in b["elements"] if e["action_id"] == blocks.GIVE
    )  # fmt: skip
    return int(button["value"]), (f"D{user}", message["ts"])


def _wait_for_dm(fake: FakeSlack, user: str, words: str) -> dict[str, Any]:
    """The latest DM to `user` containing `words`, waiting up to 5 s (sent after the ack)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if found := _dms_with(fake, user, words):
            return found[-1]
        time.sleep(0.01)
    raise AssertionError(f"no DM to {user} with {words!r}")


def _values(well: str = "", differently: str = "", *, anonymous: bool = False,
            empathy: int | None = None) -> dict[str, Any]:  # fmt: skip
    values: dict[str, Any] = {
        blocks.WELL: {blocks.WELL: {"type": "plain_text_input", "value": well}},
        blocks.DIFFERENTLY: {blocks.DIFFERENTLY: {"type": "plain_text_input",
                                                  "value": differently}},
        blocks.ANONYMOUS: {blocks.ANONYMOUS: {
            "type": "checkboxes", "selected_options": [{"value": "yes"}] if anonymous else []}},
    }  # fmt: skip
    if empathy:
        values["rate_empathy"] = {"rate_empathy": {"selected_option": {"value": str(empathy)}}}
    return values


def _give(slack: SlackDriver, fake: FakeSlack, user: str, **answer: Any) -> Any:
    ask_id, dm = _ask_dm(fake, user)
    meta = json.dumps({"ask": ask_id, "channel": dm[0], "ts": dm[1]})
    return slack.view_submission(blocks.GIVE_MODAL, _values(**answer), user_id=user,
                                 private_metadata=meta)  # fmt: skip


def _dms_with(fake: FakeSlack, user: str, words: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages_to(user) if words in json.dumps(m)]


def test_a_request_reaches_each_colleague_and_a_named_answer_the_asker(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Each peer gets a DM with Give/Decline; a named answer arrives by DM with its author."""
    slack.command("/cx-feedback", "<@U0BEN|ben> <@U0CAT|cat> handling refunds", user_id="U0ANA")
    assert "Asked <@U0BEN>, <@U0CAT>" in _said(fake_slack)
    ask_id, dm = _ask_dm(fake_slack, "U0BEN")
    assert "handling refunds" in json.dumps(fake_slack.messages_to("U0BEN"))
    slack.block_action(blocks.GIVE, str(ask_id), user_id="U0BEN", message=dm)
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == blocks.GIVE_MODAL
    assert view["title"]["text"] == "Give feedback"
    assert "Your feedback for <@U0ANA>" in json.dumps(view)  # a mention, not a handle
    assert "What do they do well?" in json.dumps(view)
    reply = _give(slack, fake_slack, "U0BEN", well="Patient <!channel>", empathy=5)
    assert (reply.status, reply.body) == (200, "")
    shown = json.dumps(_wait_for_dm(fake_slack, "U0ANA", "Patient"))
    assert len(_dms_with(fake_slack, "U0ANA", "Patient")) == 1
    assert "<@U0BEN>" in shown
    assert "empathy 5/5" in shown
    assert "&lt;!channel&gt;" in shown
    assert "<!channel>" not in shown


def test_anonymous_answers_wait_for_a_third_and_come_together(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Two anonymous answers are held ("waiting for a third"); the third releases one DM."""
    slack.command("/cx-feedback", "<@U0BEN> <@U0CAT> <@U0DAN>", user_id="U0ANA")
    _said(fake_slack)
    for n, peer in enumerate(("U0BEN", "U0CAT"), start=1):
        assert _give(slack, fake_slack, peer, well=f"Answer {n}", anonymous=True).status == 200
    slack.command("/cx-feedback", "status", user_id="U0ANA")
    status = json.dumps(fake_slack.wait_for("response_url", 2)[-1].params)
    assert "2 anonymous answers waiting" in status
    assert not _dms_with(fake_slack, "U0ANA", "Answer 1")
    _give(slack, fake_slack, "U0DAN", differently="Answer 3", anonymous=True)
    shown = json.dumps(_wait_for_dm(fake_slack, "U0ANA", "Answer 1"))
    assert len(_dms_with(fake_slack, "U0ANA", "Answer 1")) == 1
    assert "Answer 2" in shown
    assert "Answer 3" in shown
    assert "Anonymous" in shown
    assert not any(peer in shown for peer in ("U0BEN", "U0CAT", "U0DAN"))


def _traces(engine: Engine, person_id: int, slack_id: str) -> set[str]:
    """Every row of every table that mentions the person (by id in a person column, or by
    Slack user ID anywhere)."""
    found = set()
    with engine.connect() as db:
        for table in inspect(engine).get_table_names():
            for row in db.execute(text(f"SELECT * FROM {table}")).mappings():
                for column, value in row.items():
                    by_id = column in ("person_id", "giver_id", "reviewer_id", "subject_id",
                                       "asked_by_id") and value == person_id  # fmt: skip
                    if by_id or slack_id in str(value):
                        found.add(f"{table}:{json.dumps(dict(row), default=str)}")
    return found


def test_an_anonymous_answer_leaves_no_trace_of_its_giver(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine, deps: Deps,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """After the answer no table holds more about the giver than before they were asked (their
    own row unchanged by answering), and no log line names them."""
    with Session(engine) as session:
        ben = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0BEN")
        assert ben is not None
        assert ben.id is not None
        ben_id = ben.id

    def rows() -> tuple[set[str], set[str]]:
        """(their own person row, every other row that mentions them)"""
        found = _traces(engine, ben_id, "U0BEN")
        own = {row for row in found if row.startswith(f'person:{{"id": {ben_id},')}
        return own, found - own

    _, before = rows()
    slack.command("/cx-feedback", "<@U0BEN> <@U0CAT> <@U0DAN>", user_id="U0ANA")
    _said(fake_slack)
    ask_id, dm = _ask_dm(fake_slack, "U0BEN")
    own_when_asked, asked = rows()
    assert asked != before  # the ask links them to the request, until they answer
    # The asks go out after the ack: their own log lines (the DM asking them) are not the
    # answer's, and must be done before the answer's are read.
    assert deps.after_ack.drain(timeout=10)
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    reply = slack.view_submission(
        blocks.GIVE_MODAL, _values("Kind to customers", anonymous=True), user_id="U0BEN",
        private_metadata=json.dumps({"ask": ask_id, "channel": dm[0], "ts": dm[1]}),
    )  # fmt: skip
    assert reply.json()["response_action"] == "update"  # a thank-you in the modal itself
    own_after, after = rows()
    assert after == before
    assert own_after == own_when_asked  # not even a changed timestamp on their own row
    with Session(engine) as session:
        (answer,) = session.exec(select(FeedbackAnswer)).all()
        assert (answer.giver_id, answer.well, answer.anonymous) == (None, "Kind to customers", True)
    ours = [r for r in caplog.records if not r.name.startswith(("tests", "urllib3"))]
    assert not [r.getMessage() for r in ours if "U0BEN" in r.getMessage() or "DU0BEN" in
                r.getMessage()]  # fmt: skip


def test_an_answer_counts_once_even_when_sent_twice(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """A double click sends the modal twice: one answer, the second told it is already in."""
    slack.command("/cx-feedback", "<@U0BEN>", user_id="U0ANA")
    _said(fake_slack)
    for anonymous in (False, True):
        ask_id, dm = _ask_dm(fake_slack, "U0BEN")
        meta = json.dumps({"ask": ask_id, "channel": dm[0], "ts": dm[1]})
        first = slack.view_submission(blocks.GIVE_MODAL, _values("Good", anonymous=anonymous),
                                      user_id="U0BEN", private_metadata=meta)  # fmt: skip
        second = slack.view_submission(blocks.GIVE_MODAL, _values("Good", anonymous=anonymous),
                                       user_id="U0BEN", private_metadata=meta)  # fmt: skip
        assert first.status == 200
        assert "errors" not in first.body
        assert "already" in second.json()["errors"][blocks.WELL] or "no longer open" in (
            second.json()["errors"][blocks.WELL])  # fmt: skip
        if not anonymous:
            slack.command("/cx-feedback", "<@U0BEN>", user_id="U0ANA")
            _said(fake_slack, 2)
    with Session(engine) as session:
        assert len(session.exec(select(FeedbackAnswer)).all()) == 2


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        ("", "needs a little more"),
        ("<@U0ANA>", "You can't ask yourself"),
        ("<@U0BOT>", "is a bot"),
        ("<@U0GONE>", "deactivated"),
        ("<@U0EXT>", "outside this workspace"),
        ("<@U0NOBODY>", "can't find <@U0NOBODY>"),
        (" ".join(f"<@{p}>" for p in PEERS), "at most 5 people"),
        ("suggest hi", "at least 10 characters"),
        ("about <@U0BEN> from <@U0CAT>", "Only the agent's team leads and admins"),
        ("about someone", "Say whose feedback and from whom"),
    ],
)
def test_bad_requests_are_explained(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine, words: str,
    problem: str,
) -> None:  # fmt: skip
    """Each mistake gets its own short answer, and nothing is asked."""
    reply = slack.command("/cx-feedback", words, user_id="U0ANA")
    shown = reply.body + (_said(fake_slack) if not reply.body else "")
    assert problem in shown
    with Session(engine) as session:
        assert session.exec(select(FeedbackAsk)).all() == []


def test_a_lead_asks_for_a_360_that_reaches_the_lead_and_the_agent(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """A lead asks peers about an agent: the agent hears at once that it started (team
    setting, on by default); the answer goes to the lead ("about <@U0ANA>") and, by default,
    the agent ("about you")."""
    slack.command("/cx-feedback", "about <@U0ANA> from <@U0BEN> <@U0CAT> escalations",
                  user_id="U0LEAD")  # fmt: skip
    assert "Asked <@U0BEN>, <@U0CAT>" in _said(fake_slack)
    started = "<@U0LEAD> asked 2 colleagues for feedback about you on"
    assert _wait_for_dm(fake_slack, "U0ANA", started)
    assert _wait_for_dm(fake_slack, "U0BEN", "would like your feedback about <@U0ANA>")
    _give(slack, fake_slack, "U0BEN", well="Clear escalation notes")
    assert _wait_for_dm(fake_slack, "U0LEAD", "Clear escalation notes")
    assert _wait_for_dm(fake_slack, "U0ANA", "Clear escalation notes")
    assert _wait_for_dm(fake_slack, "U0ANA", "New feedback about you")
    assert _wait_for_dm(fake_slack, "U0LEAD", "New feedback about <@U0ANA>")


def test_decline_and_cancel(team: None, slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """A decline shows in the asker's status — as counts, never names, since who answered or
    not would point at anonymous answers; the asker of fewer than three is warned that an
    anonymous answer may never be shared; a cancelled request can no longer be answered."""
    slack.command("/cx-feedback", "<@U0BEN> <@U0CAT>", user_id="U0ANA")
    assert "with 2 people asked, an answer given anonymously may never be shared" in _said(
        fake_slack
    )
    ask_id, dm = _ask_dm(fake_slack, "U0BEN")
    cat_ask, cat_dm = _ask_dm(fake_slack, "U0CAT")
    slack.block_action(blocks.DECLINE, str(ask_id), user_id="U0BEN", message=dm)
    fake_slack.wait_for("chat.update")
    slack.command("/cx-feedback", "status", user_id="U0ANA")
    status = fake_slack.wait_for("response_url", 2)[-1].params
    shown = json.dumps(status)
    assert "0 of 2 answered, 1 declined, 1 not yet." in shown
    assert "U0BEN" not in shown
    assert "U0CAT" not in shown
    assert status["text"] == "1 feedback request"
    request_id = next(
        e["value"] for b in status["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    slack.block_action(blocks.CANCEL, request_id, user_id="U0ANA")
    fake_slack.wait_for("chat.update", 2)
    assert "cancelled" in json.dumps(fake_slack.messages_to("U0CAT"))
    meta = json.dumps({"ask": cat_ask, "channel": cat_dm[0], "ts": cat_dm[1]})
    reply = slack.view_submission(blocks.GIVE_MODAL, _values("Late answer"), user_id="U0CAT",
                                  private_metadata=meta)  # fmt: skip
    assert "cancelled" in reply.json()["errors"][blocks.WELL]


def test_a_suggestion_reaches_the_leads_without_its_author(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """`suggest anonymously` DMs the team's leads the idea, and stores no author."""
    slack.command("/cx-feedback", "suggest anonymously Macros for <b>refund</b> replies",
                  user_id="U0ANA")  # fmt: skip
    assert "anonymously" in _said(fake_slack)
    fake_slack.wait_for("chat.postMessage")
    (dm,) = fake_slack.messages_to("U0LEAD")
    assert "Macros for &lt;b&gt;refund&lt;/b&gt; replies" in json.dumps(dm)
    assert "U0ANA" not in json.dumps(dm)
    with engine.connect() as db:
        rows = db.execute(text("SELECT * FROM outbox WHERE kind = 'suggestion'")).all()
    assert rows
    assert not any("U0ANA" in str(row) for row in rows)


def test_the_app_home_shows_what_waits_and_what_came(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """My App Home lists the asks waiting for me (with buttons) and the feedback I received."""
    slack.command("/cx-feedback", "<@U0BEN>", user_id="U0ANA")
    _said(fake_slack)
    _give(slack, fake_slack, "U0BEN", well="Great tone on calls")
    _wait_for_dm(fake_slack, "U0ANA", "Great tone on calls")
    slack.command("/cx-feedback", "<@U0ANA>", user_id="U0CAT")
    _said(fake_slack, 2)
    slack.event({"type": "app_home_opened", "user": "U0ANA", "channel": "D1", "tab": "home"})
    fake_slack.wait_for("views.publish")
    home = json.dumps(fake_slack.home_views["U0ANA"])
    assert "Waiting for you:* <@U0CAT> would like your feedback" in home
    assert blocks.GIVE in home
    assert blocks.ASK_BUTTON in home
    assert "Great tone on calls" in home
    assert "<@U0BEN>" in home


def test_the_app_home_ask_modal_makes_a_request(
    team: None, slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """ "Ask for feedback" opens a modal; submitting it asks the chosen colleagues."""
    slack.block_action(blocks.ASK_BUTTON, "self", user_id="U0ANA", view={"id": "V1"})
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == blocks.ASK_MODAL
    values: dict[str, Any] = {
        blocks.REVIEWERS: {blocks.REVIEWERS: {"selected_users": ["U0BEN", "U0CAT"]}},
        blocks.TOPIC: {blocks.TOPIC: {"value": "chat tone"}},
    }
    assert slack.view_submission(blocks.ASK_MODAL, values, user_id="U0ANA").body == ""
    assert "chat tone" in json.dumps(_wait_for_dm(fake_slack, "U0CAT", blocks.GIVE))
    assert "Asked <@U0BEN>, <@U0CAT>" in json.dumps(_wait_for_dm(fake_slack, "U0ANA", "Asked"))


def test_an_empty_answer_keeps_the_modal_open(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Neither question answered: the modal says so and nothing is saved."""
    slack.command("/cx-feedback", "<@U0BEN>", user_id="U0ANA")
    _said(fake_slack)
    reply = _give(slack, fake_slack, "U0BEN", well="  ", differently="")
    assert "at least one of the two" in reply.json()["errors"][blocks.WELL]
    with Session(engine) as session:
        assert session.exec(select(FeedbackAnswer)).all() == []


def test_asking_the_same_colleague_twice_asks_them_once(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, deps: Deps
) -> None:
    """/cx-feedback @ben sent twice: Ben gets one DM, and the second answer says he was asked
    already and has not answered yet."""
    slack.command("/cx-feedback", "<@U0BEN|ben> handling refunds", user_id="U0ANA")
    assert "Asked <@U0BEN>" in _said(fake_slack)
    slack.command("/cx-feedback", "<@U0BEN|ben> handling refunds", user_id="U0ANA")
    assert "already asked <@U0BEN>" in _said(fake_slack, 2)
    assert deps.after_ack.drain(timeout=10)
    assert len(_dms_with(fake_slack, "U0BEN", blocks.GIVE)) == 1


def test_an_anonymous_answers_ask_leaves_no_trace_in_the_database_files(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, engine: Engine, db_url: str
) -> None:
    """The ask DM's outbox row (its key names the ask) is deleted when the answer is anonymous,
    and the WAL that still held it is emptied after the ack; answer ids are random, so they
    cannot be ordered against named ones either."""
    slack.command("/cx-feedback", "<@U0BEN|ben> <@U0CAT|cat> <@U0DAN|dan>", user_id="U0ANA")
    ask_id, _ = _ask_dm(fake_slack, "U0BEN")
    for peer in ("U0CAT", "U0DAN"):
        _give(slack, fake_slack, peer, well=f"Named by {peer}")
    key = f"feedback_ask:{ask_id}".encode()
    sqlite = db_url.startswith("sqlite")
    main = Path(db_url.removeprefix("sqlite:///"))
    wal = main.with_name(main.name + "-wal")

    def in_files() -> bool:
        return any(key in path.read_bytes() for path in (main, wal) if path.exists())

    assert in_files() or not sqlite  # Postgres: no file to read; the ids below still count
    assert _give(slack, fake_slack, "U0BEN", well="Anonymous one", anonymous=True).status == 200
    deadline = time.monotonic() + 5
    while sqlite and in_files():
        assert time.monotonic() < deadline, "the anonymous ask's row is still in a file"
        time.sleep(0.05)
    with Session(engine) as session:
        ids = [a.id or 0 for a in session.exec(select(FeedbackAnswer).order_by(
            col(FeedbackAnswer.given_on))).all()]  # fmt: skip
    assert len(ids) == 3
    assert max(ids) > 1000  # not 1, 2, 3 in the order given
