"""Answering the end-of-shift prompt: the modal, saving before it closes, skipping, and the
window closing."""

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import delivery
from bot.app import create_app
from bot.blocks import checkins as blocks
from bot.deps import Deps
from bot.services import checkins
from bot.store.db import make_engine
from bot.store.models import Reflection
from bot.web import HttpServer, WebApp
from tests.checkin_helpers import add_agents
from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import dispatch_sender, http_sender

DUE = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)
SHIFT = "2026-11-24"


@pytest.fixture
def prompt(deps: Deps, engine: Engine, fake_slack: FakeSlack) -> tuple[str, str]:
    """U0AGENT's prompt for SHIFT, delivered; returns its (channel, ts)."""
    add_agents(engine, fake_slack, {"U0AGENT": "UTC"})
    at = dataclasses.replace(deps, clock=lambda: DUE + timedelta(minutes=1))
    with Session(engine) as session:
        checkins.claim_due_prompts(session=session, now=at.clock())
        session.commit()
    assert delivery.deliver_due(at, blocks.RENDERERS).sent == 1
    return "DU0AGENT", fake_slack.messages_to("U0AGENT")[0]["ts"]


@pytest.fixture
def slack_at(deps: Deps, fake_slack: FakeSlack) -> Callable[[timedelta], SlackDriver]:
    """Slack's side, talking to an app whose clock reads DUE + the given delay."""

    def at(delay: timedelta) -> SlackDriver:
        app = create_app(dataclasses.replace(deps, clock=lambda: DUE + delay))
        return SlackDriver(
            fake=fake_slack, signing_secret=SIGNING_SECRET, send=dispatch_sender(app)
        )

    return at


def _answers(**overrides: Any) -> dict[str, dict[str, dict[str, Any]]]:
    text = {
        "well": "Calmed down an angry customer", "differently": "Escalate sooner",
        "training": "Billing system", "story": "",
    } | overrides  # fmt: skip
    values: dict[str, dict[str, dict[str, Any]]] = {
        block: {block: {"type": "plain_text_input", "value": value}}
        for block, value in text.items()
    }
    values["confidence"] = {
        "confidence": {"type": "static_select", "selected_option": {"value": "4"}}
    }
    return values


def _meta(message: tuple[str, str]) -> str:
    return json.dumps({"date": SHIFT, "channel": message[0], "ts": message[1]})


def _reflections(engine: Engine) -> list[Reflection]:
    with Session(engine) as session:
        return list(session.exec(select(Reflection)).all())


def test_reflect_now_opens_the_questions(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], fake_slack: FakeSlack
) -> None:
    """The button opens the modal with the shift's date, the default questions (with
    placeholders) and who can read the answers; opened again after saving, it says the answers
    are being edited."""
    slack = slack_at(timedelta(minutes=5))
    slack.block_action(blocks.REFLECT_NOW, SHIFT, message=prompt)
    view = fake_slack.wait_for("views.open")[0].params["view"]
    shown = json.dumps(view)
    assert view["callback_id"] == blocks.REFLECT_MODAL
    assert view["blocks"][0]["text"]["text"] == "*Your shift of Tue 24 Nov*"
    assert "What did you do well today?" in shown
    assert "A sentence or two is plenty" in shown
    assert "How confident do you feel" in shown
    assert "private to you and your team's leads" in shown
    assert json.loads(view["private_metadata"])["ts"] == prompt[1]
    slack.view_submission(blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    slack.block_action(blocks.REFLECT_NOW, SHIFT, message=prompt)
    again = fake_slack.wait_for("views.open", 2)[-1].params["view"]
    assert "you're editing the answers you saved earlier" in again["blocks"][0]["text"]["text"]


def test_answers_are_saved_before_the_modal_closes(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver],
    fake_slack: FakeSlack, engine: Engine,
) -> None:  # fmt: skip
    """A valid submission is stored, the modal closes, and the prompt DM says it was saved."""
    slack = slack_at(timedelta(minutes=5))
    reply = slack.view_submission(blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    assert (reply.status, reply.body) == (200, "")
    (saved,) = _reflections(engine)
    assert json.loads(saved.answers)["well"] == "Calmed down an angry customer"
    assert saved.confidence == 4
    fake_slack.wait_for("chat.update")
    assert "saved" in fake_slack.messages_to("U0AGENT")[0]["text"]


def test_a_second_submission_updates_the_first(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], engine: Engine
) -> None:
    """Submitting twice (or editing) leaves one reflection, with the latest answers."""
    slack = slack_at(timedelta(minutes=5))
    slack.view_submission(blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    slack.view_submission(
        blocks.REFLECT_MODAL, _answers(well="Edited"), private_metadata=_meta(prompt)
    )
    (saved,) = _reflections(engine)
    assert json.loads(saved.answers)["well"] == "Edited"


@pytest.mark.parametrize(
    ("answers", "block", "message"),
    [
        (_answers(well="   "), "well", "Please write a few words."),
        (_answers(differently="x" * 3001), "differently", "Slack allows 3000 characters"),
    ],
)
def test_bad_answers_are_shown_beside_the_field(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], engine: Engine,
    answers: dict[str, Any], block: str, message: str,
) -> None:  # fmt: skip
    """An empty required answer or one over Slack's limit keeps the modal open, unsaved."""
    reply = (
        slack_at(timedelta(minutes=5))
        .view_submission(blocks.REFLECT_MODAL, answers, private_metadata=_meta(prompt))
        .json()
    )
    assert message in reply["errors"][block]
    assert _reflections(engine) == []


def test_the_window_closes_after_a_day(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver],
    fake_slack: FakeSlack, engine: Engine,
) -> None:  # fmt: skip
    """25 hours on, the old button says the reflection is closed, and a late submit is refused."""
    slack = slack_at(timedelta(hours=25))
    slack.block_action(blocks.REFLECT_NOW, SHIFT, message=prompt)
    assert "This reflection is closed" in json.dumps(fake_slack.wait_for("views.open")[0].params)
    reply = slack.view_submission(blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    assert "This reflection is closed" in json.dumps(reply.json())
    assert _reflections(engine) == []


def test_database_down_keeps_the_text(
    prompt: tuple[str, str], deps: Deps, fake_slack: FakeSlack
) -> None:
    """If saving fails, the modal stays open (with the text) and says to press Save again."""
    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    app = create_app(_on(deps, dead))
    driver = SlackDriver(fake=fake_slack, signing_secret=SIGNING_SECRET, send=dispatch_sender(app))
    reply = driver.view_submission(blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    assert "Not saved" in json.dumps(reply.json())


def test_skip_today_is_recorded(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver],
    fake_slack: FakeSlack, engine: Engine,
) -> None:  # fmt: skip
    """Skip records a skipped reflection and replaces the buttons with a note."""
    slack_at(timedelta(minutes=5)).block_action(blocks.SKIP_TODAY, SHIFT, message=prompt)
    fake_slack.wait_for("chat.update")
    (row,) = _reflections(engine)
    assert row.status == "skipped"
    assert "Skipped" in fake_slack.messages_to("U0AGENT")[0]["text"]


def test_cx_reflect_opens_the_open_reflection_with_earlier_answers(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], fake_slack: FakeSlack
) -> None:
    """/cx-reflect opens today's reflection, filled with what was saved, to edit it."""
    slack = slack_at(timedelta(hours=3))
    slack.view_submission(blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    slack.command("/cx-reflect", "")
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert "Calmed down an angry customer" in json.dumps(view)
    assert json.loads(view["private_metadata"]) == {
        "date": SHIFT, "channel": prompt[0], "ts": prompt[1]
    }  # fmt: skip


def test_cx_reflect_with_nothing_open_says_when(
    slack_at: Callable[[timedelta], SlackDriver], fake_slack: FakeSlack
) -> None:
    """With no prompt open, /cx-reflect explains when reflections open."""
    slack_at(timedelta(0)).command("/cx-reflect", "")
    posted = fake_slack.wait_for("response_url")[0].params
    assert "No reflection is open right now" in posted["text"]


def test_home_shows_streak_participation_and_recent_answers(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], fake_slack: FakeSlack
) -> None:
    """After answering, the App Home shows a one-shift streak, 100 % and the answer's start."""
    slack = slack_at(timedelta(minutes=5))
    slack.view_submission(
        blocks.REFLECT_MODAL, _answers(well="<b>Fixed</b> a refund & more"),
        private_metadata=_meta(prompt),
    )  # fmt: skip
    slack.event({"type": "app_home_opened", "user": "U0AGENT", "channel": "D1", "tab": "home"})
    fake_slack.wait_for("views.publish")
    home = json.dumps(fake_slack.home_views["U0AGENT"], ensure_ascii=False)
    assert "Streak: *1 shift*" in home
    assert "100 % (1 of 1 shift)" in home
    assert "Tue 24 Nov — &lt;b&gt;Fixed&lt;/b&gt; a refund &amp; more" in home


def test_an_agent_removed_from_the_team_can_still_answer(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver], engine: Engine
) -> None:
    """Leaving the team after the prompt does not lose the answer to it."""
    from bot.store.models import Membership

    with Session(engine) as session:
        for membership in session.exec(select(Membership)).all():
            session.delete(membership)
        session.commit()
    slack = slack_at(timedelta(minutes=5))
    reply = slack.view_submission(blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    assert reply.body == ""
    assert len(_reflections(engine)) == 1


def test_a_stale_skip_never_erases_a_saved_reflection(
    prompt: tuple[str, str], slack_at: Callable[[timedelta], SlackDriver],
    fake_slack: FakeSlack, engine: Engine, deps: Deps,
) -> None:  # fmt: skip
    """Answered, then Skip clicked on the reminder DM (Slack keeps old buttons): the answers,
    the streak and the training need stay, and both DMs of the shift say it was saved."""
    later = dataclasses.replace(deps, clock=lambda: DUE + timedelta(hours=2, minutes=5))
    with Session(engine) as session:
        assert checkins.claim_due_reminders(session=session, now=later.clock()) == 1
        session.commit()
    assert delivery.deliver_due(later, blocks.RENDERERS).sent == 1
    reminder_ts = next(m["ts"] for m in fake_slack.messages_to("U0AGENT") if m["ts"] != prompt[1])
    slack = slack_at(timedelta(hours=2, minutes=10))
    slack.view_submission(blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    slack.block_action(blocks.SKIP_TODAY, SHIFT, message=(prompt[0], reminder_ts))
    fake_slack.wait_for("chat.update", count=3)
    (row,) = _reflections(engine)
    assert row.status == "answered"
    assert json.loads(row.answers)["training"] == "Billing system"
    texts = [m["text"] for m in fake_slack.messages_to("U0AGENT")]
    assert len(texts) == 2
    assert all("saved" in text for text in texts), texts


def test_a_busy_database_answers_press_save_again_in_time(
    prompt: tuple[str, str], deps: Deps, fake_slack: FakeSlack, engine: Engine, db_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """While another transaction holds the write lock longer than Slack waits, the modal is
    answered (through the real HTTP endpoint) with "press Save again", keeping the text, and
    the reason is logged; once the lock is gone, Save works."""
    at = dataclasses.replace(deps, clock=lambda: DUE + timedelta(minutes=5))
    web = WebApp(settings=deps.settings, engine=engine, app=create_app(at), after_ack=at.after_ack)
    server = HttpServer(web, host="127.0.0.1", port=0).start()
    slack = SlackDriver(
        fake=fake_slack, signing_secret=SIGNING_SECRET, send=http_sender(server.url)
    )
    with engine.connect() as holder:
        if db_url.startswith("sqlite"):
            holder.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE: the write lock
        else:
            holder.exec_driver_sql("LOCK TABLE reflection IN EXCLUSIVE MODE")
        reply = slack.view_submission(
            blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt)
        )
        holder.rollback()
    assert reply.status == 200
    assert "Not saved" in json.dumps(reply.json())
    assert "reflection not saved" in caplog.text
    saved = slack.view_submission(blocks.REFLECT_MODAL, _answers(), private_metadata=_meta(prompt))
    assert (saved.status, saved.body) == (200, "")
    server.close()
    (row,) = _reflections(engine)
    assert row.status == "answered"


def _on(deps: Deps, engine: Engine) -> Deps:
    """`deps` with every session (reading and writing) on another engine."""
    moved = Deps.from_settings(deps.settings, engine=engine)
    return dataclasses.replace(deps, engine=engine, session=moved.session, reader=moved.reader)
