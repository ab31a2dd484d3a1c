"""The App Home schedule: see it, change the shift in a modal, go away and come back."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.app import create_app
from bot.blocks import shifts as shift_blocks
from bot.blocks.team_view import MEMBER_SHIFT
from bot.deps import Deps
from bot.services import teams
from bot.services.permissions import OPERATOR
from bot.store import repos
from bot.store.db import make_engine
from bot.store.models import utcnow
from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import dispatch_sender


def _home(slack: SlackDriver, fake: FakeSlack, user: str = "U0AGENT") -> str:
    published = len(fake.calls_to("views.publish"))
    slack.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    fake.wait_for("views.publish", published + 1)
    return json.dumps(fake.home_views[user]["blocks"])


def _shift_values(days: list[int], end: str | None) -> dict[str, dict[str, object]]:
    return {
        shift_blocks.DAYS_BLOCK: {
            shift_blocks.DAYS_ACTION: {
                "type": "checkboxes",
                "selected_options": [{"value": str(day)} for day in days],
            }
        },
        shift_blocks.END_BLOCK: {
            shift_blocks.END_ACTION: {"type": "timepicker", "selected_time": end}
        },
    }


def _away_values(day: str) -> dict[str, dict[str, object]]:
    picker = {"type": "datepicker", "selected_date": day}
    return {shift_blocks.UNTIL_BLOCK: {shift_blocks.UNTIL_ACTION: picker}}


def _stored(engine: Engine) -> object:
    with Session(engine) as session:
        return repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0AGENT")


def test_home_shows_the_schedule_and_its_buttons(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """A new agent's home says the shift is not set and offers to set it or go away."""
    shown = _home(slack, fake_slack)
    assert "Your schedule" in shown
    assert "not set yet" in shown
    assert shift_blocks.EDIT_SHIFT in shown
    assert shift_blocks.SET_AWAY in shown


def test_set_my_shift_opens_the_modal_filled_in(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """The button opens the shift modal, Monday to Friday at 17:30 by default."""
    _home(slack, fake_slack)
    assert slack.block_action(shift_blocks.EDIT_SHIFT, view={"id": "V0HOME"}).status == 200
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == shift_blocks.SHIFT_MODAL
    assert view["private_metadata"] == "U0AGENT"
    days = view["blocks"][0]["element"]["initial_options"]
    assert [option["value"] for option in days] == ["0", "1", "2", "3", "4"]


def test_saving_the_shift_modal_saves_then_refreshes_home(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Submitting Mon and Wed at 18:00 closes the modal, stores it and updates the tab."""
    _home(slack, fake_slack)
    published = len(fake_slack.calls_to("views.publish"))
    reply = slack.view_submission(
        shift_blocks.SHIFT_MODAL, _shift_values([0, 2], "18:00"), private_metadata="U0AGENT"
    )
    assert (reply.status, reply.body) == (200, "")  # the modal closes
    person = _stored(engine)
    assert (person.shift_days, person.shift_end) == ("mon,wed", "18:00")  # type: ignore[attr-defined]
    fake_slack.wait_for("views.publish", published + 1)
    assert "mon,wed at 18:00 (America/New_York)" in json.dumps(fake_slack.home_views["U0AGENT"])


def test_a_shift_without_days_keeps_the_modal_open(slack: SlackDriver) -> None:
    """No day ticked: the modal stays open with the error beside the days."""
    reply = slack.view_submission(shift_blocks.SHIFT_MODAL, _shift_values([], "18:00"))
    assert reply.json() == {
        "response_action": "errors",
        "errors": {shift_blocks.DAYS_BLOCK: "Pick at least one day."},
    }


def test_away_in_the_past_is_refused_in_the_modal(slack: SlackDriver) -> None:
    """A date already past is shown as an error on the date picker."""
    past = f"{utcnow().date() - timedelta(days=3):%Y-%m-%d}"
    reply = slack.view_submission(shift_blocks.AWAY_MODAL, _away_values(past))
    errors = reply.json()["errors"]
    assert "already past" in errors[shift_blocks.UNTIL_BLOCK]


def test_away_then_back(slack: SlackDriver, fake_slack: FakeSlack, engine: Engine) -> None:
    """Away shows an "I'm back" button; pressing it clears the absence."""
    until = f"{utcnow().date() + timedelta(days=10):%Y-%m-%d}"
    _home(slack, fake_slack)
    published = len(fake_slack.calls_to("views.publish"))
    assert slack.view_submission(shift_blocks.AWAY_MODAL, _away_values(until)).body == ""
    fake_slack.wait_for("views.publish", published + 1)
    assert shift_blocks.SET_BACK in json.dumps(fake_slack.home_views["U0AGENT"])
    slack.block_action(shift_blocks.SET_BACK, view={"id": "V0HOME"})
    fake_slack.wait_for("views.publish", published + 2)
    assert _stored(engine).away_until is None  # type: ignore[attr-defined]
    assert shift_blocks.SET_AWAY in json.dumps(fake_slack.home_views["U0AGENT"])


def test_database_down_keeps_the_answer_in_the_modal(
    fake_slack: FakeSlack, deps: Deps, engine: Engine
) -> None:
    """If saving fails, the modal stays open with the person's choices and says to try again."""
    dead = make_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    app = create_app(Deps.from_settings(deps.settings, engine=dead))
    driver = SlackDriver(fake=fake_slack, signing_secret=SIGNING_SECRET, send=dispatch_sender(app))
    reply = driver.view_submission(shift_blocks.SHIFT_MODAL, _shift_values([0], "18:00"))
    assert reply.json()["response_action"] == "errors"
    assert "Not saved" in reply.json()["errors"][shift_blocks.END_BLOCK]


@pytest.mark.parametrize("action", [shift_blocks.EDIT_SHIFT, shift_blocks.SET_AWAY])
def test_buttons_answer_at_once(slack: SlackDriver, fake_slack: FakeSlack, action: str) -> None:
    """Each button acks with 200 and opens its modal."""
    assert slack.block_action(action, view={"id": "V0HOME"}).status == 200
    assert fake_slack.wait_for("views.open")


def test_leads_see_their_team_and_admins_see_delivery_problems(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """The lead's home has their team's week; the admin's lists sends Slack refused; an agent's
    has neither."""
    from bot.services import teams
    from bot.services.permissions import OPERATOR
    from bot.store.models import Outbox

    with Session(engine) as session:
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(
                name="Tier 1", leads=frozenset({"U0LEAD"}), members=frozenset({"U0AGENT"})
            ),
        )  # fmt: skip
        now = utcnow()
        session.add(
            Outbox(
                workspace_id="T0001", key="prompt:U0GONE:x", kind="prompt", channel="U0GONE",
                due_at=now, next_attempt_at=now, status="failed", last_error="account_inactive",
            )
        )  # fmt: skip
        session.commit()
    lead = _home(slack, fake_slack, "U0LEAD")
    assert "Your team: Tier 1" in lead
    assert "Reflections this week: no data yet" in lead
    assert "Delivery problems" not in lead
    admin = _home(slack, fake_slack, "U0ADMIN")
    assert "account_inactive" in admin
    assert "<@U0GONE>" in admin
    agent = _home(slack, fake_slack, "U0AGENT")
    assert "Your team:" not in agent
    assert "Delivery problems" not in agent


def test_a_lead_sets_a_members_shift_from_the_home_tab(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """A lead picks a member: the modal opens with the member's shift, and saving stores it; an
    agent trying the same for a colleague is told no, in the modal."""
    fake_slack.add_user("U0PEER", tz="Europe/Berlin")
    with Session(engine) as session:
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(
                name="Tier 1", leads=frozenset({"U0LEAD"}),
                members=frozenset({"U0AGENT", "U0PEER"}),
            ),
        )  # fmt: skip
        agent = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0AGENT")
        assert agent is not None
        agent.shift_days, agent.shift_end = "tue,thu", "22:00"
        session.add(agent)
        session.commit()
    assert "Set a member" in _home(slack, fake_slack, "U0LEAD")
    slack.block_action(
        MEMBER_SHIFT, user_id="U0LEAD", view={"id": "V0HOME"}, selected_user="U0AGENT"
    )
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert (view["callback_id"], view["private_metadata"]) == (shift_blocks.SHIFT_MODAL, "U0AGENT")
    assert view["title"]["text"] == "A member's shift"
    days = view["blocks"][0]["element"]["initial_options"]
    assert [option["value"] for option in days] == ["1", "3"]
    assert view["blocks"][1]["element"]["initial_time"] == "22:00"
    reply = slack.view_submission(
        shift_blocks.SHIFT_MODAL, _shift_values([0, 1, 2], "16:00"), user_id="U0LEAD",
        private_metadata="U0AGENT",
    )  # fmt: skip
    assert (reply.status, reply.body) == (200, "")
    person = _stored(engine)
    assert (person.shift_days, person.shift_end) == ("mon,tue,wed", "16:00")  # type: ignore[attr-defined]
    refused = slack.view_submission(
        shift_blocks.SHIFT_MODAL, _shift_values([4], "09:00"), user_id="U0PEER",
        private_metadata="U0AGENT",
    )  # fmt: skip
    assert refused.json()["response_action"] == "errors"
    assert _stored(engine).shift_end == "16:00"  # type: ignore[attr-defined]


def test_a_forged_member_pick_shows_nobody_elses_shift(
    slack: SlackDriver, fake_slack: FakeSlack, engine: Engine
) -> None:
    """An agent (or another team's lead) forging the member picker gets a refusal, not the
    colleague's days and end time."""
    fake_slack.add_user("U0PEER", tz="Europe/Berlin")
    with Session(engine) as session:
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="Tier 1", members=frozenset({"U0AGENT", "U0PEER"})),
        )  # fmt: skip
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="Tier 2", leads=frozenset({"U0LEAD"})),
        )  # fmt: skip
        peer = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0PEER")
        assert peer is not None
        peer.shift_days, peer.shift_end = "tue,thu", "22:00"
        session.add(peer)
        session.commit()
    for forger in ("U0AGENT", "U0LEAD"):
        slack.block_action(
            MEMBER_SHIFT, user_id=forger, view={"id": "V0HOME"}, selected_user="U0PEER"
        )
    opened = [call.params["view"] for call in fake_slack.wait_for("views.open", count=2)]
    for view in opened:
        assert view.get("callback_id") != shift_blocks.SHIFT_MODAL
        assert "22:00" not in json.dumps(view)
        assert "Only the person themself" in json.dumps(view)
