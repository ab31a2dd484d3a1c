"""CSV uploads in Slack: an admin's roster and a lead's helpdesk export, from the App Home's
modal or sent to the bot's DM, go through the CLI's code with the CLI's checks; the report comes
back in DM with the rejected lines as a file; a lead's file lands only for their own agents;
agents may not upload at all."""

import json
import time
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks import uploads as blocks
from bot.deps import Deps
from bot.services import teams
from bot.services.permissions import OPERATOR
from bot.store.models import HelpdeskTicket, Membership, Person, Team
from tests.checkin_helpers import add_agents
from tests.conftest import ADMIN
from tests.fakeslack import FakeSlack, SlackDriver

HOME = {"id": "V0HOME", "type": "home"}
TICKETS = (
    "ticket_id,agent,created_at,first_response_at,solved_at,agent_replies,reopened,channel\n"
    "T1,U0AGENT,2026-11-24T10:00:00Z,2026-11-24T10:20:00Z,2026-11-24T12:00:00Z,1,false,email\n"
    "T2,U0OTHER,2026-11-24T10:00:00Z,2026-11-24T10:20:00Z,2026-11-24T12:00:00Z,1,false,email\n"
    "T3,U0AGENT,yesterday,,,1,false,email\n"
)
NAMED = "T4,Wanda Park,2026-11-24T10:00:00Z,,2026-11-24T12:00:00Z,1,false,email\n"


def _submit(slack: SlackDriver, fake: FakeSlack, user: str, what: str, content: str,
            **extra: dict[str, Any]) -> None:  # fmt: skip
    shared = fake.add_file("export.csv", content.encode())
    values: dict[str, Any] = {
        blocks.FILE: {blocks.FILE: {"type": "file_input", "files": [shared]}}, **extra,
    }  # fmt: skip
    reply = slack.view_submission(blocks.UPLOAD_MODAL, values, user_id=user, private_metadata=what)
    assert (reply.status, reply.body) == (200, "")  # closes at once; the report follows


def _report(fake: FakeSlack, user: str, count: int = 1) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [m for m in fake.messages_to(user) if "mported" in (m.get("text") or "")]
        if len(found) >= count:
            return json.dumps(found[-1], ensure_ascii=False)
        time.sleep(0.02)
    raise AssertionError(f"no import report to {user}")


def _lead_team(engine: Engine, fake: FakeSlack) -> None:
    """Tier 1 (U0AGENT, led by U0LEAD) and Billing (U0OTHER)."""
    add_agents(engine, fake, {"U0AGENT": "UTC"})
    add_agents(engine, fake, {"U0OTHER": "UTC"}, team="Billing")
    with Session(engine) as session:
        tier1 = session.exec(select(Team).where(Team.name == "Tier 1")).one()
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=tier1.id,
                   form=teams.TeamForm(leads=frozenset({"U0LEAD"})))  # fmt: skip
        session.commit()


def test_a_leads_export_lands_for_their_own_agents_only(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """T1 (their agent) lands; T2 (another team's agent), T3 (a bad time) and T4 (a name nobody
    has) are rejected, each line with why, in the DM and in the rejected-lines file."""
    _lead_team(engine, fake_slack)
    _submit(slack, fake_slack, "U0LEAD", "helpdesk", TICKETS + NAMED)
    report = _report(fake_slack, "U0LEAD")
    assert "1 inserted, 0 updated, 3 rejected" in report
    assert "line 3: `U0OTHER` is not an agent of your teams" in report
    assert "line 4:" in report
    assert "line 5: nobody known as `Wanda Park`: map it with" in report  # never kept
    with Session(engine) as session:
        assert [t.ticket_id for t in session.exec(select(HelpdeskTicket)).all()] == ["T1"]
    fake_slack.wait_for("files.completeUploadExternal")
    (rejected,) = fake_slack.uploads.values()
    lines = rejected.decode().splitlines()
    assert lines[0] == "line,problem,row"
    assert lines[1].startswith("3,`U0OTHER` is not an agent of your teams,")
    assert "T3,U0AGENT,yesterday" in lines[2]


def test_an_admins_roster_upload_is_the_cli_import(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """The roster creates the team and people, and reports each bad line with every problem."""
    roster = ("agent,team,role,timezone,shift_days,shift_end\n"
              "U0AGENT,Night,agent,,mon-fri,22:00\n"
              "U0LEAD,Night,boss,Mars/Base,,\n")  # fmt: skip
    _submit(slack, fake_slack, ADMIN, "roster", roster)
    report = _report(fake_slack, ADMIN)
    assert "2 rows: 1 person created" in report
    assert "line 3: role `boss` must be `agent` or `lead`; `Mars/Base` is not a time zone" in report
    with Session(engine) as session:
        night = session.exec(select(Team).where(Team.name == "Night")).one()
        members = session.exec(select(Membership).where(Membership.team_id == night.id)).all()
    assert len(members) == 1


def test_a_csv_sent_to_the_bots_dm_is_imported_by_its_header(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver, deps: Deps
) -> None:
    """An admin's DM with a tickets file in CX Coach's format: imported, reported; a file whose
    header is neither gets a line saying where to upload it."""
    add_agents(engine, fake_slack, {"U0AGENT": "UTC"})
    shared = fake_slack.add_file("tickets.csv", TICKETS.encode())
    event = {"type": "message", "channel_type": "im", "channel": "D0ADMIN", "user": ADMIN,
             "subtype": "file_share", "files": [shared]}  # fmt: skip
    assert slack.event(event).status == 200
    report = _report(fake_slack, ADMIN)
    assert "inserted" in report
    odd = fake_slack.add_file("zendesk.csv", b"Id,Assignee,Created at\n1,Ana,2026-11-24 10:00\n")
    slack.event({**event, "files": [odd]})
    assert "*Upload helpdesk export*" in _report(fake_slack, ADMIN, 2)
    # The rejected-lines file CX Coach itself shares in a DM comes back as a message.im event
    # from the bot user: not an upload to import, nothing said about it (Bolt drops the
    # app's own events; this holds it to that).
    own = fake_slack.add_file("tickets-rejected.csv", b"line,problem,row\n")
    slack.event({**event, "channel": "D0ADMIN", "user": fake_slack.bot_user_id, "files": [own]})
    assert deps.after_ack.drain(5)
    fetched = [call.params["path"] for call in fake_slack.calls_to("download")]
    assert not any(own["id"] in path for path in fetched)
    assert not any(c.params.get("channel") == fake_slack.bot_user_id
                   for c in fake_slack.calls_to("chat.postMessage"))  # fmt: skip


def test_agents_may_not_upload_and_the_home_offers_it_to_whom_it_may(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """An agent pressing a forged button is told who may; a forged submission imports nothing.
    The lead's App Home offers a helpdesk upload, not a roster one."""
    _lead_team(engine, fake_slack)
    slack.block_action(blocks.UPLOAD_HELPDESK, "1", user_id="U0AGENT", view=HOME)
    notice = json.dumps(fake_slack.wait_for("views.open")[-1].params["view"])
    assert "Only the team's leads (for their own agents) and admins can import" in notice
    _submit(slack, fake_slack, "U0AGENT", "roster", "agent,team\nU0AGENT,Mine\n")
    assert "Only CX Coach admins" in _report(fake_slack, "U0AGENT")
    with Session(engine) as session:
        assert session.exec(select(Team).where(Team.name == "Mine")).first() is None
        assert session.exec(select(Person).where(Person.slack_user_id == "U0LEAD")).one()
    slack.event({"type": "app_home_opened", "user": "U0LEAD", "channel": "D1", "tab": "home"})
    fake_slack.wait_for("views.publish")
    home = json.dumps(fake_slack.home_views["U0LEAD"])
    assert blocks.UPLOAD_HELPDESK in home
    assert blocks.UPLOAD_ROSTER not in home
