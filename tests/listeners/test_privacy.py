"""Privacy in Slack: Your data on the App Home, Export my data (a ZIP in the person's own DM),
and an admin's Forget a person and Privacy settings — refused to everyone else."""

import io
import json
import logging
import time
import zipfile
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks import privacy as blocks
from bot.services import reflections
from bot.store import repos
from bot.store.models import Person, Reflection, Workspace
from tests.checkin_helpers import add_agents
from tests.conftest import ADMIN
from tests.fakeslack import FakeSlack, SlackDriver

HOME = {"id": "V0HOME", "type": "home"}
WORDS = "Handled the okapi outage calmly"


def _agent_with_a_reflection(engine: Engine, fake: FakeSlack) -> None:
    add_agents(engine, fake, {"U0AGENT": "UTC"})
    with Session(engine) as session:
        person = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0AGENT")
        assert person is not None
        reflections.save(
            session=session,
            person=person,
            shift_date=date(2026, 11, 23),
            answers={"well": WORDS},
            now=datetime(2026, 11, 23, 18, tzinfo=UTC),
        )
        session.commit()


def _home_of(slack: SlackDriver, fake: FakeSlack, user: str) -> str:
    slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    calls = [c for c in fake.wait_for("views.publish") if c.params.get("user_id") == user]
    return json.dumps(calls[-1].params["view"])


def test_the_home_says_what_is_kept_and_who_reads_it(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    _agent_with_a_reflection(engine, fake_slack)
    home = _home_of(slack, fake_slack, "U0AGENT")
    assert "*Your data*" in home
    assert "1 reflection" in home
    assert "kept until you or an admin delete them" in home
    assert blocks.EXPORT in home
    assert blocks.FORGET_OPEN not in home  # admins only


def test_export_my_data_sends_a_zip_to_their_own_dm(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    _agent_with_a_reflection(engine, fake_slack)
    slack.block_action(blocks.EXPORT, "me", user_id="U0AGENT", view=HOME)
    (done,) = fake_slack.wait_for("files.completeUploadExternal")
    assert done.params["channel_id"] == "DU0AGENT"
    assert "everything CX Coach keeps about you" in done.params["initial_comment"]
    file_id = done.params["files"][0]["id"]
    with zipfile.ZipFile(io.BytesIO(fake_slack.uploads[file_id])) as archive:
        data = json.loads(archive.read("cx-coach-data.json"))
    assert data["reflections"][0]["answer_well"] == WORDS
    assert data["profile"][0]["slack_user_id"] == "U0AGENT"


def test_export_clicked_twice_sends_one_zip_and_says_the_first_is_on_its_way(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """A double click (or a slow first upload, clicked again) is one request: one ZIP, and
    the second click is told so rather than left wondering."""
    _agent_with_a_reflection(engine, fake_slack)
    slack.block_action(blocks.EXPORT, "me", user_id="U0AGENT", view=HOME)
    slack.block_action(blocks.EXPORT, "me", user_id="U0AGENT", view=HOME)
    (notice,) = fake_slack.wait_for("views.open")
    assert "already on its way" in json.dumps(notice.params["view"])
    time.sleep(0.5)  # time for a second upload, were one coming
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1


def test_an_export_that_slack_refused_can_be_asked_for_again_at_once(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    _agent_with_a_reflection(engine, fake_slack)
    fake_slack.fail("files.getUploadURLExternal", error="internal_error")
    slack.block_action(blocks.EXPORT, "me", user_id="U0AGENT", view=HOME)
    fake_slack.wait_for("files.getUploadURLExternal")
    time.sleep(0.3)
    slack.block_action(blocks.EXPORT, "me", user_id="U0AGENT", view=HOME)
    (done,) = fake_slack.wait_for("files.completeUploadExternal")
    assert done.params["channel_id"] == "DU0AGENT"
    assert fake_slack.calls_to("views.open") == []


def test_a_forged_export_button_still_exports_only_the_clickers_own_data(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """Nobody exports someone else's data from Slack (admins use the command line)."""
    _agent_with_a_reflection(engine, fake_slack)
    fake_slack.add_user("U0NOSY", name="nosy", tz="UTC")
    slack.block_action(blocks.EXPORT, "U0AGENT", user_id="U0NOSY", view=HOME)
    (done,) = fake_slack.wait_for("files.completeUploadExternal")
    assert done.params["channel_id"] == "DU0NOSY"
    with zipfile.ZipFile(io.BytesIO(fake_slack.uploads[done.params["files"][0]["id"]])) as archive:
        everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert WORDS not in everything
    assert "U0AGENT" not in everything


def _forget(slack: SlackDriver, user: str, who: str, word: str) -> Any:
    values = {
        blocks.WHO: {blocks.WHO: {"type": "users_select", "selected_user": who}},
        blocks.CONFIRM: {blocks.CONFIRM: {"type": "plain_text_input", "value": word}},
    }
    return slack.view_submission(blocks.FORGET_MODAL, values, user_id=user)


def test_only_an_admin_who_types_the_word_forgets_someone(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    """…and no log line of the whole exchange names the person forgotten."""
    caplog.set_level(logging.INFO)
    _agent_with_a_reflection(engine, fake_slack)
    refused = _forget(slack, "U0AGENT", "U0AGENT", "FORGET").json()
    assert "Only admins can forget a person" in refused["errors"][blocks.WHO]
    unsure = _forget(slack, ADMIN, "U0AGENT", "forget?").json()
    assert "Type FORGET" in unsure["errors"][blocks.CONFIRM]
    stranger = _forget(slack, ADMIN, "U0STRANGER", "FORGET").json()
    assert "keeps nothing about them" in stranger["errors"][blocks.WHO]
    with Session(engine) as session:
        assert len(session.exec(select(Reflection)).all()) == 1
    done = _forget(slack, ADMIN, "U0AGENT", "FORGET").json()
    assert done["response_action"] == "update"
    report = _wait_for_text(fake_slack, ADMIN, "Forgot <@U0AGENT>")
    assert "reflection: 1 removed" in report
    with Session(engine) as session:
        assert session.exec(select(Reflection)).all() == []
        assert session.exec(select(Person).where(Person.slack_user_id == "U0AGENT")).first() is None
    assert "U0AGENT" not in caplog.text


def test_privacy_settings_refuse_less_than_a_month_and_save_a_good_value(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    _agent_with_a_reflection(engine, fake_slack)

    def submit(user: str, months: str) -> Any:
        values = {
            blocks.MONTHS: {blocks.MONTHS: {"type": "plain_text_input", "value": months}},
            blocks.DAYS: {blocks.DAYS: {"type": "plain_text_input", "value": ""}},
        }
        return slack.view_submission(blocks.SETTINGS_MODAL, values, user_id=user)

    assert "from 1 to 120" in submit(ADMIN, "0").json()["errors"][blocks.MONTHS]
    assert "Only admins" in submit("U0AGENT", "6").json()["errors"][blocks.MONTHS]
    assert submit(ADMIN, "6").body == ""
    with Session(engine) as session:
        workspace = session.get(Workspace, "T0001")
        assert workspace is not None
        assert workspace.retention_months == 6
    assert "deleted after 6 months" in _home_of(slack, fake_slack, "U0AGENT")


def _wait_for_text(fake: FakeSlack, user: str, needle: str) -> str:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for message in fake.messages_to(user):
            if needle in (message.get("text") or ""):
                return str(message["text"])
        time.sleep(0.02)
    raise AssertionError(f"no message to {user} with {needle!r}")


def test_forget_submitted_twice_forgets_once_and_says_so_once(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    _agent_with_a_reflection(engine, fake_slack)
    values = {
        blocks.WHO: {blocks.WHO: {"type": "users_select", "selected_user": "U0AGENT"}},
        blocks.CONFIRM: {blocks.CONFIRM: {"type": "plain_text_input", "value": "FORGET"}},
    }
    for _ in range(2):
        slack.view_submission(blocks.FORGET_MODAL, values, user_id=ADMIN, view_id="V0FORGET")
    _wait_for_text(fake_slack, ADMIN, "Forgot <@U0AGENT>")
    time.sleep(0.5)  # the second submission's work, if any, is done by now
    told = [m.get("text") or "" for m in fake_slack.messages_to(ADMIN)]
    assert sum("Forgot" in text for text in told) == 1
    assert not any("problem" in text.lower() for text in told)
    assert fake_slack.calls_to("response_url") == []
