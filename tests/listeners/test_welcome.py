"""Onboarding: someone added to a team hears once what CX Coach does — their team and lead,
their shift and first check-in in their zone, the questions, who reads what, how to pause —
with a test check-in that is real but saves nothing; an admin's App Home carries a set-up
checklist that ticks itself and goes away when all is done."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.blocks import checkins as checkin_blocks
from bot.blocks import welcome as blocks
from bot.deps import Deps
from bot.services import outbox, teams, welcome
from bot.services.payloads import OutboxKind
from bot.services.permissions import OPERATOR
from bot.store.models import Membership, OutboxStatus, Person, Reflection, Team
from tests.checkin_helpers import add_agents, claim_and_deliver, clock_pass
from tests.conftest import ADMIN
from tests.fakeslack import FakeSlack, SlackDriver

NOW = datetime.now(UTC)


def _claim(engine: Engine, deps: Deps, at: datetime = NOW) -> int:
    return claim_and_deliver(
        engine, deps, at, lambda session, now: welcome.claim_due(session=session, now=now)
    )


def _add(engine: Engine, fake: FakeSlack, user: str = "U0NEW") -> None:
    """Tier 1 (New York, default questions, U0LEAD leads it) gains `user` today, mon-fri 17:30."""
    add_agents(engine, fake, {user: "America/New_York"}, joined=datetime.now(UTC))
    with Session(engine) as session:
        team = session.exec(select(Team)).one()
        teams.save(session=session, workspace_id="T0001", actor=OPERATOR, team_id=team.id,
                   form=teams.TeamForm(leads=frozenset({"U0LEAD"})))  # fmt: skip
        session.commit()


def test_a_new_agent_is_welcomed_once_with_what_to_expect(
    engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """One DM: team, lead, shift and first check-in, the five questions, who sees what, how to
    pause, and the test button; the next pass sends nothing more."""
    _add(engine, fake_slack)
    assert _claim(engine, deps) == 1
    (dm,) = fake_slack.messages_to("U0NEW")
    shown = json.dumps(dm["blocks"], ensure_ascii=False)
    assert "you're on *Tier 1* now" in dm["text"]
    assert "Your lead: <@U0LEAD>" in shown
    assert "*Your shift:* mon-fri at 17:30 (America/New_York). Your first check-in:" in shown
    assert "What did you do well today?" in shown
    assert "your reflections — you and your team's leads" in shown
    assert "/cx-shift away until" in shown
    assert blocks.TEST_CHECKIN in shown
    assert _claim(engine, deps, NOW + timedelta(minutes=1)) == 0
    assert len(fake_slack.messages_to("U0NEW")) == 1


def test_the_clock_welcomes_in_its_own_pass_once(
    engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """The running clock (its check-in job reading who waits, then claiming in short batches,
    then its outbox job) sends the welcome; its next pass sends none."""
    _add(engine, fake_slack)
    for _ in range(2):
        clock_pass(deps)
    welcomes = [m for m in fake_slack.messages_to("U0NEW") if "Welcome to CX Coach" in m["text"]]
    assert len(welcomes) == 1


def test_people_on_a_team_before_the_welcome_existed_are_not_greeted(
    engine: Engine, deps: Deps, fake_slack: FakeSlack
) -> None:
    """Members since last week get nothing: only those added in the last day are new."""
    add_agents(engine, fake_slack, {"U0OLD": "UTC"}, joined=NOW - timedelta(days=7))
    assert _claim(engine, deps) == 0
    assert fake_slack.messages_to("U0OLD") == []


def test_the_test_check_in_is_real_but_saves_nothing(
    engine: Engine, deps: Deps, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """The button sends a test prompt; its modal has the team's questions, says it is a test,
    and sending it saves no reflection."""
    _add(engine, fake_slack)
    _claim(engine, deps)
    slack.block_action(blocks.TEST_CHECKIN, "test", user_id="U0NEW")
    fake_slack.wait_for("chat.postMessage", 2)
    test_prompt = fake_slack.messages_to("U0NEW")[-1]
    assert test_prompt["text"].startswith("Test check-in")
    day = next(e["value"] for b in test_prompt["blocks"] if b["type"] == "actions"
               for e in b["elements"])  # fmt: skip
    slack.block_action(blocks.TEST_REFLECT, day, user_id="U0NEW")
    modal = fake_slack.wait_for("views.open")[-1].params["view"]
    assert modal["callback_id"] == checkin_blocks.TEST_MODAL
    assert "nothing you write here is saved" in json.dumps(modal)
    assert "What did you do well today?" in json.dumps(modal)
    answers: dict[str, Any] = {"well": {"well": {"type": "plain_text_input", "value": "Calm"}},
               "differently": {"differently": {"type": "plain_text_input", "value": "Ask"}},
               "confidence": {"confidence": {"type": "static_select",
                                             "selected_option": {"value": "4"}}}}  # fmt: skip
    reply = slack.view_submission(checkin_blocks.TEST_MODAL, answers, user_id="U0NEW")
    assert json.loads(reply.body)["response_action"] == "update"
    assert "nothing was saved" in reply.body
    with Session(engine) as session:
        assert session.exec(select(Reflection)).all() == []


def _home(slack: SlackDriver, fake: FakeSlack) -> str:
    published = len(fake.calls_to("views.publish"))
    slack.event({"type": "app_home_opened", "user": ADMIN, "channel": "D1", "tab": "home"})
    fake.wait_for("views.publish", published + 1)
    return json.dumps(fake.home_views[ADMIN]["blocks"], ensure_ascii=False)


def test_an_admins_checklist_ticks_itself_and_goes_away(
    engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """Nothing set up: 0 of 6. A team with people and both channels: 4 of 6. Helpdesk data and
    a first check-in sent: the checklist is gone."""
    first = _home(slack, fake_slack)
    assert "*Set up CX Coach* (0 of 6 done)" in first
    assert "I'll DM you 5 questions:" in first  # the questions asked, not "three"
    assert "What did you do well today?" in first
    add_agents(engine, fake_slack, {"U0AGENT": "UTC"})
    with Session(engine) as session:
        team = session.exec(select(Team)).one()
        team.digest_channel_id = team.celebration_channel_id = "C0GENERAL"
        session.add(team)
        session.commit()
    home = _home(slack, fake_slack)
    assert "*Set up CX Coach* (4 of 6 done)" in home
    assert "~Create a team~" in home
    assert "*Connect helpdesk data*" in home
    with Session(engine) as session:
        agent = session.exec(select(Person).where(Person.slack_user_id == "U0AGENT")).one()
        assert session.exec(select(Membership).where(Membership.person_id == agent.id)).first()
        from bot.services import helpdesk
        from bot.services.helpdesk_agents import Resolved

        helpdesk.store(session=session, workspace_id="T0001", kind="tickets", records=enumerate(
            [{"ticket_id": "T1", "agent": "U0AGENT", "created_at": "2026-11-24T10:00:00Z"}],
            start=2), resolve=lambda _a: Resolved(agent.id))  # fmt: skip
        outbox.claim(session, key="prompt:x", kind=OutboxKind.PROMPT, workspace_id="T0001",
                     channel="U0AGENT", person_id=agent.id, payload={"shift_date": "2026-11-24"},
                     due=NOW, now=NOW, status=OutboxStatus.SENT)  # fmt: skip
        session.commit()
    assert "Set up CX Coach" not in _home(slack, fake_slack)
