"""/cx-shift: agents see and set their own schedule; leads set their members'. Signed requests
through the real HTTP endpoint (and app.dispatch where HTTP adds nothing)."""

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import Engine
from sqlmodel import Session

from bot.app import create_app
from bot.deps import Deps
from bot.services.people import SlackProfile, record_profile
from bot.services.wording import example_date
from bot.store import repos
from bot.store.models import Membership, Team, TeamHoliday, TeamRole
from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import dispatch_sender

# Monday 23 November 2026, 15:00 UTC: 10:00 in New York (the agent's Slack zone).
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def frozen_app(deps: Deps) -> App:
    """The app with its clock stopped at NOW."""
    return create_app(dataclasses.replace(deps, clock=lambda: NOW))


@pytest.fixture
def shift(fake_slack: FakeSlack, frozen_app: App) -> Callable[..., str]:
    """Send /cx-shift TEXT (as `user`) and return what the person is shown, ack or response."""
    driver = SlackDriver(
        fake=fake_slack, signing_secret=SIGNING_SECRET, send=dispatch_sender(frozen_app)
    )

    def send(text: str, user: str = "U0AGENT") -> str:
        answered = len(fake_slack.calls_to("response_url"))
        reply = driver.command("/cx-shift", text, user_id=user)
        assert reply.status == 200
        if reply.body:
            assert reply.json()["response_type"] == "ephemeral"
            return reply.body
        posted = fake_slack.wait_for("response_url", answered + 1)[-1].params
        assert posted["response_type"] == "ephemeral"
        return json.dumps(posted)

    return send


def _person_row(engine: Engine, user: str) -> Any:
    with Session(engine) as session:
        return repos.get_person(session=session, workspace_id="T0001", slack_user_id=user)


def _team(engine: Engine, *, lead: str, agent: str, **settings: Any) -> int:
    """A team in T0001 led by `lead` with `agent` in it; returns its id."""
    with Session(engine) as session:
        people = {
            user: record_profile(
                session=session,
                workspace_id="T0001",
                profile=SlackProfile(user, user.lower(), tz, is_admin=False, deleted=False),
                now=NOW,
            )
            for user, tz in ((lead, "Europe/London"), (agent, "America/New_York"))
        }
        team = Team(workspace_id="T0001", name="Tier 1", **settings)
        session.add(team)
        session.flush()
        assert team.id is not None
        for user, role in ((lead, TeamRole.LEAD), (agent, TeamRole.AGENT)):
            person_id = people[user].id
            assert person_id is not None
            session.add(Membership(team_id=team.id, person_id=person_id, role=role.value))
        session.commit()
        return team.id


def test_setting_a_shift_shows_the_next_checkins_in_local_time(
    shift: Callable[..., str], engine: Engine
) -> None:
    """`/cx-shift mon-fri 17:30` saves it and lists the next 3 check-ins in the agent's zone."""
    shown = shift("mon-fri 17:30")
    assert "Saved: mon-fri at 17:30 (America/New_York)" in shown
    assert "Mon 23 Nov, 17:30 EST" in shown
    assert "Tue 24 Nov, 17:30 EST" in shown
    assert "Wed 25 Nov, 17:30 EST" in shown
    person = _person_row(engine, "U0AGENT")
    assert (person.shift_days, person.shift_end) == ("mon,tue,wed,thu,fri", "17:30")


def test_showing_a_schedule_that_is_not_set(shift: Callable[..., str]) -> None:
    """With no shift yet, `/cx-shift` says so and how to set one."""
    shown = shift("")
    assert "not set yet" in shown
    assert "/cx-shift mon-fri 17:30" in shown


def test_a_list_of_days_and_a_night_shift(shift: Callable[..., str]) -> None:
    """`mon,wed,fri 22:00` skips Tuesday and Thursday."""
    shown = shift("mon,wed,fri 22:00")
    assert "Mon 23 Nov, 22:00 EST" in shown
    assert "Wed 25 Nov, 22:00 EST" in shown
    assert "Tue 24 Nov" not in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri 25:00", "`25:00` is not a time I can use"),
        ("mon-fri 5pm-ish", "like `17:30`"),
        ("someday 17:30", "`mon-fri`, `mon,wed,fri`"),
        ("away until next-week", f"like `{example_date()}`"),  # an example from today on
        ("@nobody mon-fri 17:30", "I can't find @nobody"),
        ("<!channel> 17:30", "`&lt;!channel&gt;` is not a set of days"),
    ],
)
def test_bad_input_is_explained_in_the_ack(
    shift: Callable[..., str], fake_slack: FakeSlack, text: str, expected: str
) -> None:
    """Bad times, days, dates and plain-text names get a specific message at once."""
    assert expected in shift(text)
    assert fake_slack.calls_to("users.info") == []  # nothing was looked up or saved


def test_away_until_a_past_date_is_refused(shift: Callable[..., str]) -> None:
    """A date already past in the agent's zone is refused with today's date."""
    assert "2026-11-20 is already past (today is 2026-11-23" in shift("away until 2026-11-20")


def test_away_then_back(shift: Callable[..., str], engine: Engine) -> None:
    """Away pauses check-ins through the date; back resumes them."""
    shift("mon-fri 17:30")
    shown = shift("away until 2026-11-25")
    assert "paused through 2026-11-25" in shown
    assert "Thu 26 Nov, 17:30 EST" in shown  # the first check-in after the absence
    assert "Mon 23 Nov, 17:30" not in shown
    assert _person_row(engine, "U0AGENT").away_until == date(2026, 11, 25)
    assert "Mon 23 Nov, 17:30 EST" in shift("back")
    assert _person_row(engine, "U0AGENT").away_until is None


def test_team_holidays_show_as_skipped_days(shift: Callable[..., str], engine: Engine) -> None:
    """Thanksgiving on the team's US calendar is listed as skipped, and not as a check-in."""
    team_id = _team(engine, lead="U0LEAD", agent="U0AGENT", holiday_country="US")
    with Session(engine) as session:
        session.add(TeamHoliday(team_id=team_id, day=date(2026, 11, 27), name="Office closed"))
        session.commit()
    shown = shift("mon-fri 17:30")
    assert "Thu 26 Nov: Thanksgiving" in shown
    assert "Fri 27 Nov: team holiday" in shown
    assert "Thu 26 Nov, 17:30" not in shown


def test_a_lead_sets_a_members_shift(shift: Callable[..., str], engine: Engine) -> None:
    """A lead can set the shift of someone in their team, in that person's zone."""
    _team(engine, lead="U0LEAD", agent="U0AGENT")
    shown = shift("<@U0AGENT|ana> tue-sat 09:30", user="U0LEAD")
    assert "<@U0AGENT>'s shift: tue-sat at 09:30 (America/New_York)" in shown
    assert _person_row(engine, "U0AGENT").shift_end == "09:30"


def test_an_agent_cannot_set_their_leads_shift(shift: Callable[..., str], engine: Engine) -> None:
    """Agents change only their own schedule; the refusal says who can."""
    _team(engine, lead="U0LEAD", agent="U0AGENT")
    shown = shift("<@U0LEAD> mon-fri 17:30")
    assert "Only the person themself, their team's leads and admins" in shown
    assert _person_row(engine, "U0LEAD").shift_end is None


def test_an_admin_sets_anyones_shift(shift: Callable[..., str], engine: Engine) -> None:
    """CX_ADMINS may set the shift of someone on no team at all."""
    shown = shift("<@U0LEAD> mon-thu 16:00", user="U0ADMIN")
    assert "mon-thu at 16:00 (Europe/London)" in shown


def test_an_unknown_user_is_named(shift: Callable[..., str]) -> None:
    """A mention of someone Slack does not know gets a clear answer."""
    assert "I can't find <@U0GHOST>" in shift("<@U0GHOST|ghost> show", user="U0ADMIN")


def test_round_trip_over_http(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """Through the real endpoint: empty ack, then the schedule on the response_url."""
    reply = slack.command("/cx-shift", "mon-fri 17:30")
    assert (reply.status, reply.body) == (200, "")
    posted = fake_slack.wait_for("response_url")[0].params
    assert "Saved: mon-fri at 17:30" in json.dumps(posted)


def test_a_time_zone_override_moves_the_checkins(shift: Callable[..., str], engine: Engine) -> None:
    """`tz Europe/London` overrides the Slack zone; `tz slack` follows Slack again."""
    shift("mon-fri 17:30")
    shown = shift("tz Europe/London")
    assert "Time zone set to Europe/London" in shown
    assert "Mon 23 Nov, 17:30 GMT" in shown
    assert _person_row(engine, "U0AGENT").timezone_override == "Europe/London"
    assert "follows Slack again (America/New_York)" in shift("tz slack")


def test_an_unknown_time_zone_is_explained(shift: Callable[..., str]) -> None:
    """A zone that is not an IANA name is refused in the ack with examples."""
    assert "`Mars/Base` is not a time zone I know" in shift("tz Mars/Base")
