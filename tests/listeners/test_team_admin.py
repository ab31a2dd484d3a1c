"""Team administration in Slack: admins create and configure teams in a modal, leads manage
their members, everyone gets a clear answer when they may not."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks import team_admin as blocks
from bot.blocks import team_checkin_inputs as checkin_ids
from bot.blocks import teams as team_blocks
from bot.services import teams
from bot.services.permissions import OPERATOR
from bot.store.models import Membership, Team, TeamHoliday
from tests.conftest import ADMIN
from tests.fakeslack import FakeSlack, SlackDriver


def _values(**fields: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """Modal state for the given block ids (users, channels and text by their kind)."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block, value in fields.items():
        if block in (blocks.LEADS, blocks.MEMBERS):
            state = {"type": "multi_users_select", "selected_users": value}
        elif block in (blocks.DIGEST, blocks.CELEBRATE):
            state = {"type": "channels_select", "selected_channel": value}
        elif block == blocks.ZONE:
            state = {"type": "static_select", "selected_option": {"value": value}}
        else:
            state = {"type": "plain_text_input", "value": value}
        values[block] = {block: state}
    return values


FULL_FORM: dict[str, Any] = {
    "name": "Tier 1",
    "leads": ["U0LEAD"],
    "members": ["U0AGENT"],
    "digest": "C0GENERAL",
    "celebrate": None,
    "timezone": "Europe/Berlin",
    "holidays": "DE-BY",
    "days_off": "2026-12-24, 2026-12-31",
    "csat": "90",
    "nps": "40",
    "fcr": "75",
    "frt": "120",
}


def _team(engine: Engine) -> Team | None:
    with Session(engine) as session:
        return session.exec(select(Team)).first()


@pytest.fixture
def tier1(engine: Engine) -> int:
    """Tier 1, led by U0LEAD, with U0AGENT in it."""
    with Session(engine) as session:
        team = teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(
                name="Tier 1", leads=frozenset({"U0LEAD"}), members=frozenset({"U0AGENT"})
            ),
        )  # fmt: skip
        session.commit()
        assert team.id is not None
        return team.id


@pytest.fixture
def command(slack: SlackDriver, fake_slack: FakeSlack) -> Callable[..., str]:
    """Send /cx-team TEXT as `user`; return what the response_url got."""

    def send(text: str, user: str = ADMIN) -> str:
        answered = len(fake_slack.calls_to("response_url"))
        assert slack.command("/cx-team", text, user_id=user).status == 200
        return json.dumps(fake_slack.wait_for("response_url", answered + 1)[-1].params)

    return send


def test_admin_creates_a_team_from_the_home_tab(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Create team → the full modal, its inputs in groups under headers, the time zone a select
    people can search (every IANA zone, by region); saving it stores every setting, then the
    home lists it."""
    slack.block_action(team_blocks.CREATE_TEAM, user_id=ADMIN, view={"id": "V0HOME"})
    modal = fake_slack.wait_for("views.open")[0].params["view"]
    block_ids = [block.get("block_id") for block in modal["blocks"] if block["type"] == "input"]
    assert block_ids[:4] == [blocks.NAME, blocks.LEADS, blocks.MEMBERS, checkin_ids.TEMPLATE]
    assert blocks.DIGEST in block_ids
    headers = [b["text"]["text"] for b in modal["blocks"] if b["type"] == "header"]
    assert headers == [
        "People", "Check-ins", "Schedule and holidays", "Channels and digest", "Targets",
        "Feedback", "Celebrations", "Coaching", "Who may change what",
    ]  # fmt: skip
    assert len(modal["blocks"]) <= 100
    zone = next(b for b in modal["blocks"] if b.get("block_id") == blocks.ZONE)["element"]
    assert zone["type"] == "static_select"
    assert zone["initial_option"]["value"] == "UTC"
    zones = [o["value"] for group in zone["option_groups"] for o in group["options"]]
    assert "America/New_York" in zones
    assert "Asia/Kolkata" in zones
    assert len(zones) > 300
    assert all(len(group["options"]) <= 100 for group in zone["option_groups"])
    frt = next(b for b in modal["blocks"] if b.get("block_id") == "frt")
    assert frt["element"]["initial_value"] == "240"  # documented default
    reply = slack.view_submission(blocks.TEAM_MODAL, _values(**FULL_FORM), user_id=ADMIN)
    assert (reply.status, reply.body) == (200, "")
    team = _team(engine)
    assert team is not None
    assert (team.name, team.timezone, team.digest_channel_id) == (
        "Tier 1", "Europe/Berlin", "C0GENERAL"
    )  # fmt: skip
    assert (team.holiday_country, team.holiday_subdivision) == ("DE", "BY")
    assert (team.csat_target_pct, team.nps_target, team.frt_target_minutes) == (90, 40, 120)
    with Session(engine) as session:
        assert len(session.exec(select(TeamHoliday)).all()) == 2
        assert {m.role for m in session.exec(select(Membership)).all()} == {"lead", "agent"}
    fake_slack.wait_for("views.publish")
    assert "Tier 1" in json.dumps(fake_slack.home_views[ADMIN])


def test_bad_fields_are_shown_beside_each_field(slack: SlackDriver, engine: Engine) -> None:
    """A wrong zone, holiday code, date and target each get their own message; nothing saved."""
    form = {
        **FULL_FORM, "timezone": "Mars/Base", "holidays": "XX",
        "days_off": "Christmas", "frt": "0",
    }  # fmt: skip
    errors = slack.view_submission(blocks.TEAM_MODAL, _values(**form), user_id=ADMIN).json()
    assert errors["response_action"] == "errors"
    assert set(errors["errors"]) == {blocks.ZONE, blocks.HOLIDAYS, blocks.DAYS_OFF, blocks.CSAT}
    assert "1 minute to 7 days" in errors["errors"][blocks.CSAT]
    assert _team(engine) is None


def test_a_duplicate_name_is_refused(slack: SlackDriver, tier1: int) -> None:
    """Two teams cannot share a name (whatever the case)."""
    form = {**FULL_FORM, "name": "tier 1"}
    reply = slack.view_submission(blocks.TEAM_MODAL, _values(**form), user_id=ADMIN).json()
    assert "already a team called Tier 1" in reply["errors"][blocks.NAME]


def test_an_agent_pressing_create_is_told_who_may(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """Non-admins get a notice modal naming who can create teams."""
    slack.block_action(team_blocks.CREATE_TEAM, user_id="U0AGENT", view={"id": "V0HOME"})
    modal = fake_slack.wait_for("views.open")[0].params["view"]
    assert "Only CX Coach admins" in json.dumps(modal)


def test_a_lead_edits_only_the_members_of_their_team(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine, tier1: int
) -> None:
    """A lead's modal has the members, questions, feedback and — as admins let leads by
    default — the channels, targets and reminder, nothing else; saving it changes who is on
    the team."""
    slack.block_action(team_blocks.EDIT_TEAM, str(tier1), user_id="U0LEAD", view={"id": "V0HOME"})
    modal = fake_slack.wait_for("views.open")[0].params["view"]
    inputs = {b["block_id"] for b in modal["blocks"] if b["type"] == "input"}
    assert {blocks.MEMBERS, blocks.DIGEST, blocks.CELEBRATE, blocks.REMINDER, blocks.CSAT} <= inputs
    assert not inputs & {blocks.NAME, blocks.LEADS, blocks.ZONE, blocks.KUDOS_CAP, blocks.BUSINESS}
    values = _values(members=["U0AGENT", ADMIN])
    reply = slack.view_submission(
        blocks.TEAM_MODAL, values, user_id="U0LEAD", private_metadata=str(tier1)
    )
    assert reply.body == ""
    with Session(engine) as session:
        assert len(session.exec(select(Membership)).all()) == 3


def test_a_lead_sets_the_teams_channels_targets_and_reminder_unless_admins_keep_them(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine, tier1: int
) -> None:
    """Allowed by default: the lead's targets, digest channel and reminder are saved. An admin
    unticks *Leads can set…*: the lead's modal no longer has them, and sending them anyway is
    refused beside the form."""
    mine = _values(members=["U0AGENT"], digest="C0GENERAL", celebrate=None, reminder="60",
                   csat="88", nps="35", fcr="72", frt="90")  # fmt: skip
    reply = slack.view_submission(blocks.TEAM_MODAL, mine, user_id="U0LEAD",
                                  private_metadata=str(tier1))  # fmt: skip
    assert reply.body == ""
    team = _team(engine)
    assert team is not None
    assert (team.digest_channel_id, team.reminder_delay_minutes, team.csat_target_pct) == (
        "C0GENERAL", 60, 88
    )  # fmt: skip
    with Session(engine) as session:
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=tier1,
                   form=teams.TeamForm(leads_configure=False))  # fmt: skip
        session.commit()
    slack.block_action(team_blocks.EDIT_TEAM, str(tier1), user_id="U0LEAD", view={"id": "V0HOME"})
    modal = fake_slack.wait_for("views.open")[-1].params["view"]
    inputs = {b["block_id"] for b in modal["blocks"] if b["type"] == "input"}
    assert not inputs & {blocks.DIGEST, blocks.CSAT, blocks.REMINDER}
    refused = slack.view_submission(blocks.TEAM_MODAL, mine, user_id="U0LEAD",
                                    private_metadata=str(tier1)).json()  # fmt: skip
    assert "its admins keep them" in json.dumps(refused)


def test_a_lead_cannot_slip_settings_into_the_form(slack: SlackDriver, tier1: int) -> None:
    """A forged full form from a lead is refused: only admins configure teams."""
    reply = slack.view_submission(
        blocks.TEAM_MODAL, _values(**FULL_FORM), user_id="U0LEAD", private_metadata=str(tier1)
    ).json()
    assert "Only CX Coach admins" in json.dumps(reply)


def test_show_lists_people_and_settings(command: Callable[..., str], tier1: int) -> None:
    """`/cx-team show Tier 1` names leads, agents, zone and the default targets."""
    shown = command("show tier 1", user="U0AGENT")
    assert "<@U0LEAD>" in shown
    assert "<@U0AGENT>" in shown
    assert "CSAT 85 %" in shown


def test_show_is_for_the_team_and_admins(command: Callable[..., str], tier1: int) -> None:
    """Someone outside the team is told who may see it."""
    assert "Only the team's members and leads, and admins" in command("show Tier 1", user="U0NEW")


def test_unknown_team_names_the_teams_there_are(command: Callable[..., str], tier1: int) -> None:
    """A misspelt team name gets the list of real ones."""
    assert "There is no team called Tier 9. Teams: Tier 1." in command("show Tier 9")


def test_a_lead_adds_and_removes_members(
    command: Callable[..., str], fake_slack: FakeSlack, engine: Engine, tier1: int
) -> None:
    """`add` and `remove` with mentions change the members; adding a lead is for admins."""
    fake_slack.add_user("U0NEW", name="nia", tz="Asia/Kolkata", email="nia@example.com")
    assert "Added <@U0NEW>" in command("add Tier 1 <@U0NEW|new>", user="U0LEAD")
    assert "Only CX Coach admins" in command("add Tier 1 <@U0NEW> lead", user="U0LEAD")
    assert "Removed <@U0AGENT>" in command("remove Tier 1 <@U0AGENT>", user="U0LEAD")
    with Session(engine) as session:
        assert len(session.exec(select(Membership)).all()) == 2  # U0LEAD and U0NEW


def test_delete_asks_then_deletes(
    command: Callable[..., str], slack: SlackDriver, fake_slack: FakeSlack, engine: Engine,
    tier1: int,
) -> None:  # fmt: skip
    """`delete` answers with a confirming button; pressing it deletes the team."""
    shown = command("delete Tier 1")
    assert team_blocks.DELETE_TEAM in shown
    assert '"confirm"' in shown
    slack.block_action(team_blocks.DELETE_TEAM, str(tier1), user_id=ADMIN)
    posted = fake_slack.wait_for("response_url", 2)[-1].params
    assert "Deleted the team Tier 1" in posted["text"]
    assert _team(engine) is None


def test_agents_cannot_delete(command: Callable[..., str], engine: Engine, tier1: int) -> None:
    """Deleting is for admins; the team stays."""
    assert "Only CX Coach admins" in command("delete Tier 1", user="U0LEAD")
    assert _team(engine) is not None


def test_create_opens_the_modal_with_the_name(
    command: Callable[..., str], slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    """`/cx-team create Night shift` opens the team modal with the name filled in."""
    slack.command("/cx-team", "create Night shift", user_id=ADMIN)
    modal = fake_slack.wait_for("views.open")[0].params["view"]
    assert modal["blocks"][1]["element"]["initial_value"] == "Night shift"


def test_unknown_people_are_named_not_added(
    command: Callable[..., str], engine: Engine, tier1: int
) -> None:
    """A mention Slack does not know, or a plain-text @name, is refused with a clear line."""
    assert "I can't find <@U0GHOST>" in command("add Tier 1 <@U0GHOST|ghost>")
    assert "I can't find @nobody" in command("add Tier 1 @nobody")
    with Session(engine) as session:
        assert len(session.exec(select(Membership)).all()) == 2


def test_another_workspaces_team_is_out_of_reach(
    slack: SlackDriver, command: Callable[..., str], engine: Engine
) -> None:
    """A team of another workspace can be neither shown nor edited, even by id."""
    with Session(engine) as session:
        other = teams.save(
            session=session, workspace_id="T0OTHER", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="Their team"),
        )  # fmt: skip
        session.commit()
        other_id = other.id
    assert "There is no team called Their team" in command("show Their team")
    reply = slack.view_submission(
        blocks.TEAM_MODAL, _values(**FULL_FORM), user_id=ADMIN, private_metadata=str(other_id)
    ).json()
    assert "That team no longer exists" in json.dumps(reply)
    with Session(engine) as session:
        assert session.get(Team, other_id).name == "Their team"  # type: ignore[union-attr]


@pytest.mark.parametrize(("minutes", "saved"), [("30", 30), ("0", 0), ("999", None)])
def test_reminder_delay_is_set_in_the_modal(
    slack: SlackDriver, engine: Engine, minutes: str, saved: int | None
) -> None:
    """Admins choose the reminder delay (0: none); outside 0-720 minutes it is refused."""
    reply = slack.view_submission(
        blocks.TEAM_MODAL, _values(**FULL_FORM, reminder=minutes), user_id=ADMIN
    )
    team = _team(engine)
    if saved is None:
        assert "0 (no reminder) to 720" in reply.json()["errors"][blocks.REMINDER]
        assert team is None
    else:
        assert team is not None
        assert team.reminder_delay_minutes == saved


def test_a_lead_sets_the_teams_feedback_rounds(
    slack: SlackDriver, engine: Engine, tier1: int
) -> None:
    """Leads choose rounds, how long requests stay open and whether agents see their 360s."""
    values: dict[str, Any] = {
        checkin_ids.FB_ROUNDS: {checkin_ids.FB_ROUNDS: {"selected_option": {"value": "biweekly"}}},
        checkin_ids.FB_EXPIRY: {checkin_ids.FB_EXPIRY: {"type": "number_input", "value": "10"}},
        checkin_ids.FB_SHARE: {checkin_ids.FB_SHARE: {"selected_options": []}},
        checkin_ids.TEMPLATE: {checkin_ids.TEMPLATE: {"selected_option": {"value": "default"}}},
    }
    reply = slack.view_submission(
        blocks.TEAM_MODAL, values, user_id="U0LEAD", private_metadata=str(tier1)
    )
    assert (reply.status, reply.body) == (200, "")
    team = _team(engine)
    assert team is not None
    assert (team.feedback_rounds, team.feedback_expiry_days, team.share_360_with_agent) == (
        "biweekly", 10, False
    )  # fmt: skip
    values[checkin_ids.FB_EXPIRY][checkin_ids.FB_EXPIRY]["value"] = "45"
    reply = slack.view_submission(
        blocks.TEAM_MODAL, values, user_id="U0LEAD", private_metadata=str(tier1)
    )
    assert "1 to 30" in reply.json()["errors"][checkin_ids.FB_EXPIRY]


def test_admins_set_digest_time_and_kudos_rules(slack: SlackDriver, engine: Engine) -> None:
    """Digest weekday and time, kudos values and the daily cap come from the full form."""
    values = _values(
        **FULL_FORM, digest_time="16:30", kudos_values="#Empathy, speed", kudos_cap="3"
    )
    values[blocks.DIGEST_DAY] = {blocks.DIGEST_DAY: {"selected_option": {"value": "4"}}}
    reply = slack.view_submission(blocks.TEAM_MODAL, values, user_id=ADMIN)
    assert (reply.status, reply.body) == (200, "")
    team = _team(engine)
    assert team is not None
    assert (team.digest_weekday, team.digest_time) == (4, "16:30")
    assert (team.kudos_values, team.kudos_daily_cap) == ("empathy,speed", 3)
    bad = _values(**FULL_FORM, digest_time="25:00", kudos_values="a b!", kudos_cap="0")
    errors = slack.view_submission(blocks.TEAM_MODAL, bad, user_id=ADMIN).json()["errors"]
    assert set(errors) >= {blocks.DIGEST_TIME, blocks.KUDOS_VALUES, blocks.KUDOS_CAP}


def test_an_admin_sets_the_coaching_loop(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """The admin's modal offers 1:1s, low-rating alerts, weekly summaries and themes, with the
    defaults (no 1:1s, alerts to leads, summaries on, no themes in the digest, no quotes);
    saving them stores them."""
    from bot.blocks import team_coaching as coaching

    slack.block_action(team_blocks.CREATE_TEAM, user_id=ADMIN, view={"id": "V0HOME"})
    modal = fake_slack.wait_for("views.open")[0].params["view"]
    shown = {b.get("block_id"): b for b in modal["blocks"]}
    assert shown[coaching.ALERTS]["element"]["initial_option"]["value"] == "leads"
    assert shown[coaching.ONE_ON_ONES]["element"]["initial_option"]["value"] == "off"
    assert shown[coaching.SUMMARY]["element"]["initial_options"]
    values = _values(**FULL_FORM)
    values[coaching.ALERTS] = {
        coaching.ALERTS: {"type": "static_select", "selected_option": {"value": "leads_agent"}}
    }
    values[coaching.SUMMARY] = {coaching.SUMMARY: {"type": "checkboxes", "selected_options": []}}
    assert "initial_options" not in shown[coaching.THEMES]["element"]  # themes: both off
    values[coaching.THEMES] = {
        coaching.THEMES: {
            "type": "checkboxes",
            "selected_options": [{"value": "digest"}, {"value": "quote"}],
        }
    }
    values[coaching.ONE_ON_ONES] = {
        coaching.ONE_ON_ONES: {"type": "static_select", "selected_option": {"value": "biweekly"}}
    }
    values[coaching.ONE_DAY] = {
        coaching.ONE_DAY: {"type": "static_select", "selected_option": {"value": "1"}}
    }
    values[coaching.ONE_TIME] = {
        coaching.ONE_TIME: {"type": "timepicker", "selected_time": "14:30"}
    }
    assert slack.view_submission(blocks.TEAM_MODAL, values, user_id=ADMIN).body == ""
    team = _team(engine)
    assert team is not None
    assert (team.alerts, team.weekly_summary) == ("leads_agent", False)
    assert (team.digest_themes, team.themes_quote) == (True, True)
    assert (team.one_on_ones, team.one_on_one_weekday, team.one_on_one_time) == (
        "biweekly", 1, "14:30")  # fmt: skip
