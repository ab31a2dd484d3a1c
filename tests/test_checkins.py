"""The check-in job: each agent's prompt arrives at their shift end, once, even with two clocks."""

import dataclasses
import json
import threading
import time
from datetime import UTC, date, datetime

from freezegun import freeze_time
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.deps import Deps
from bot.services import checkins, people, reflections
from bot.store import repos
from bot.store.db import make_engine, make_session_factory
from bot.store.models import Outbox, utcnow
from tests.checkin_helpers import add_agents, clock_pass
from tests.fakeslack import FakeSlack, SlackDriver

AGENTS = {"U0SYD": "Australia/Sydney", "U0NYC": "America/New_York"}


def _prompts(fake: FakeSlack, user: str) -> int:
    return len([m for m in fake.messages_to(user) if not m["text"].startswith("Reminder")])


def test_each_agent_gets_one_prompt_at_their_own_shift_end(
    deps: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """Sydney's 17:30 (06:30 UTC) and New York's 17:30 (22:30 UTC) each bring exactly one DM."""
    add_agents(engine, fake_slack, AGENTS)
    moments = [
        (datetime(2026, 11, 24, 6, 29, tzinfo=UTC), 0, 0),  # a minute before Sydney's end
        (datetime(2026, 11, 24, 6, 31, tzinfo=UTC), 1, 0),
        (datetime(2026, 11, 24, 6, 45, tzinfo=UTC), 1, 0),  # the clock ticks again: no repeat
        (datetime(2026, 11, 24, 22, 29, tzinfo=UTC), 1, 0),
        (datetime(2026, 11, 24, 22, 30, tzinfo=UTC), 1, 1),
        (datetime(2026, 11, 24, 23, 59, tzinfo=UTC), 1, 1),
    ]
    for moment, sydney, new_york in moments:
        with freeze_time(moment):
            clock_pass(deps)
        assert (_prompts(fake_slack, "U0SYD"), _prompts(fake_slack, "U0NYC")) == (sydney, new_york)
    message = fake_slack.messages_to("U0NYC")[0]
    assert "Tue 24 Nov" in message["text"]
    assert "reflect_open" in str(message["blocks"])


def test_prompts_follow_dst(deps: Deps, engine: Engine, fake_slack: FakeSlack) -> None:
    """After New York falls back, the 17:30 prompt comes an hour later in UTC, not at 21:30."""
    add_agents(engine, fake_slack, {"U0NYC": "America/New_York"})
    with freeze_time(datetime(2026, 11, 2, 21, 31, tzinfo=UTC)):  # 16:31 EST, Monday
        clock_pass(deps)
    assert _prompts(fake_slack, "U0NYC") == 0
    with freeze_time(datetime(2026, 11, 2, 22, 31, tzinfo=UTC)):  # 17:31 EST
        clock_pass(deps)
    assert _prompts(fake_slack, "U0NYC") == 1


def test_a_prompt_missed_by_a_long_outage_is_recorded_not_sent(
    deps: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """Within 3 hours the prompt is sent late; after that it is marked missed instead."""
    add_agents(engine, fake_slack, {"U0LATE": "Europe/London", "U0SOON": "Europe/London"})
    with Session(engine) as session:  # U0SOON's shift ends three hours after U0LATE's
        soon = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0SOON")
        assert soon is not None
        soon.shift_end = "20:30"
        session.add(soon)
        session.commit()
    with freeze_time(datetime(2026, 11, 24, 22, 0, tzinfo=UTC)):  # 4.5 h and 1.5 h late
        clock_pass(deps)
    assert (_prompts(fake_slack, "U0LATE"), _prompts(fake_slack, "U0SOON")) == (0, 1)
    with Session(engine) as session:
        statuses = {row.key.split(":")[1]: row.status for row in session.exec(select(Outbox))}
    assert statuses == {"U0LATE": "missed", "U0SOON": "sent"}


def test_two_clocks_send_each_prompt_once(
    deps: Deps, engine: Engine, fake_slack: FakeSlack, db_url: str
) -> None:
    """Two clock processes (separate engines on one database) racing: one DM per agent."""
    agents = {f"U0A{n:03d}": "Europe/Berlin" for n in range(30)}
    add_agents(engine, fake_slack, agents)
    now = datetime(2026, 11, 24, 16, 31, tzinfo=UTC)  # 17:31 in Berlin
    clocks = [
        dataclasses.replace(deps, engine=e, session=make_session_factory(e), clock=lambda: now)
        for e in (make_engine(db_url), make_engine(db_url))
    ]
    start = threading.Barrier(len(clocks))

    def tick(clock: Deps) -> None:
        start.wait()
        clock_pass(clock)

    threads = [threading.Thread(target=tick, args=(clock,)) for clock in clocks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert {user: _prompts(fake_slack, user) for user in agents} == dict.fromkeys(agents, 1)
    for clock in clocks:
        clock.engine.dispose()


def test_away_and_inactive_agents_get_nothing(
    deps: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """An agent away today or deactivated in Slack is not prompted."""
    add_agents(engine, fake_slack, {"U0AWAY": "UTC", "U0GONE": "UTC", "U0HERE": "UTC"})
    with Session(engine) as session:
        away = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0AWAY")
        gone = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0GONE")
        assert away is not None
        assert gone is not None
        away.away_until = datetime(2026, 11, 25, tzinfo=UTC).date()
        gone.active = False
        session.add_all([away, gone])
        session.commit()
    with freeze_time(datetime(2026, 11, 24, 17, 31, tzinfo=UTC)):
        clock_pass(deps)
    assert [_prompts(fake_slack, u) for u in ("U0AWAY", "U0GONE", "U0HERE")] == [0, 0, 1]


def test_coming_back_after_a_shift_end_sends_nothing_late_for_it(
    deps: Deps, engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """Away through Tuesday, back (`/cx-shift back`) half an hour after Tuesday's shift ended:
    no prompt about Tuesday; Wednesday's comes."""
    add_agents(engine, fake_slack, {"U0NYC": "America/New_York"})
    with Session(engine) as session:
        person = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0NYC")
        assert person is not None
        person.away_until = date(2026, 11, 24)
        session.add(person)
        session.commit()
    with freeze_time(datetime(2026, 11, 24, 22, 31, tzinfo=UTC)):  # Tue 17:31 in New York
        clock_pass(deps)
    slack.command("/cx-shift", "back", user_id="U0NYC")
    assert "back" in json.dumps(fake_slack.wait_for("response_url")[-1].params).lower()
    with Session(engine) as session:
        person = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0NYC")
        assert person is not None
        assert person.away_until is None
    with freeze_time(datetime(2026, 11, 24, 23, 0, tzinfo=UTC)):
        clock_pass(deps)
    assert _prompts(fake_slack, "U0NYC") == 0
    with freeze_time(datetime(2026, 11, 25, 22, 31, tzinfo=UTC)):  # Wed 17:31
        clock_pass(deps)
    assert _prompts(fake_slack, "U0NYC") == 1


def test_one_reminder_after_two_hours_if_unanswered(
    deps: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """Sydney and New York each get one prompt and, two hours later, exactly one reminder."""
    add_agents(engine, fake_slack, AGENTS)
    for moment in [
        datetime(2026, 11, 24, 6, 31, tzinfo=UTC),  # Sydney's prompt
        datetime(2026, 11, 24, 8, 29, tzinfo=UTC),  # not yet two hours
        datetime(2026, 11, 24, 8, 31, tzinfo=UTC),  # Sydney's reminder (19:31 local)
        datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 24, 22, 31, tzinfo=UTC),  # New York's prompt
        datetime(2026, 11, 25, 0, 31, tzinfo=UTC),  # New York's reminder (19:31 local)
        datetime(2026, 11, 25, 2, 0, tzinfo=UTC),
    ]:
        with freeze_time(moment):
            clock_pass(deps)
    for user in AGENTS:
        texts = [m["text"] for m in fake_slack.messages_to(user)]
        assert len(texts) == 2, user
        assert texts[1].startswith("Reminder: there's still time for your reflection on")


def test_no_reminder_once_answered_or_at_night(
    deps: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """An answered prompt gets no reminder; one due at night waits for 08:00 local."""
    add_agents(engine, fake_slack, {"U0DONE": "UTC"}, end="12:00")
    add_agents(engine, fake_slack, {"U0LATE": "UTC"}, end="20:00", team="Late shift")
    with freeze_time(datetime(2026, 11, 24, 12, 1, tzinfo=UTC)):
        clock_pass(deps)  # U0DONE's prompt
    with Session(engine) as session:
        done = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0DONE")
        assert done is not None
        reflections.save(
            session=session, person=done, shift_date=date(2026, 11, 24), answers={},
            now=utcnow(),
        )  # fmt: skip
        session.commit()
    with freeze_time(datetime(2026, 11, 24, 14, 30, tzinfo=UTC)):  # answered: no reminder
        clock_pass(deps)
    with freeze_time(datetime(2026, 11, 24, 20, 1, tzinfo=UTC)):  # U0LATE's prompt
        clock_pass(deps)
    with freeze_time(datetime(2026, 11, 24, 22, 30, tzinfo=UTC)):  # 22:30: quiet hours
        clock_pass(deps)
    assert len(fake_slack.messages_to("U0LATE")) == 1
    with freeze_time(datetime(2026, 11, 25, 8, 0, tzinfo=UTC)):
        clock_pass(deps)
    assert len(fake_slack.messages_to("U0LATE")) == 2
    assert [m["text"][:8] for m in fake_slack.messages_to("U0DONE")] == ["Your shi"]


def test_a_prompt_closes_when_the_next_shift_ends(
    deps: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """A prompt stops taking answers at the next check-in when that comes before 24 hours:
    across spring-forward in New York the next 17:30 is only 23 hours later."""
    zone = {"U0DAILY": "America/New_York"}
    add_agents(engine, fake_slack, zone, days="mon,tue,wed,thu,fri,sat,sun")
    with freeze_time(datetime(2026, 3, 7, 22, 31, tzinfo=UTC)):  # Sat 17:31 EST
        clock_pass(deps)
    saturday = date(2026, 3, 7)
    with Session(engine) as session:
        person = repos.get_person(session=session, workspace_id="T0001", slack_user_id="U0DAILY")
        assert person is not None
        before_next = datetime(2026, 3, 8, 21, 15, tzinfo=UTC)  # Sun 17:15 EDT
        after_next = datetime(2026, 3, 8, 21, 45, tzinfo=UTC)  # Sun 17:45 EDT, 23 h 15 min on
        assert checkins.open_prompt(
            session=session, person=person, shift_date=saturday, now=before_next
        )
        assert not checkins.open_prompt(
            session=session, person=person, shift_date=saturday, now=after_next
        )


def _status(
    slack: SlackDriver, fake: FakeSlack, engine: Engine, user: str, **status: object
) -> None:
    """Slack changes the user's status and tells CX Coach (user_change); wait until it is kept."""
    fake.users[user]["profile"].update(status)
    assert (
        slack.event({"type": "user_change", "user": {"id": user, **fake.users[user]}}).status == 200
    )
    wanted = people.away_status(
        str(status.get("status_text", "")), str(status.get("status_emoji", "")),
        int(str(status.get("status_expiration", 0))),
    )[0]  # fmt: skip
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with Session(engine) as session:
            person = repos.get_person(session=session, workspace_id="T0001", slack_user_id=user)
            if person is not None and person.slack_away_status == wanted:
                return
        time.sleep(0.02)
    raise AssertionError(f"{user}'s status was not kept")


def test_a_vacation_status_in_slack_pauses_prompts_until_it_is_cleared(
    deps: Deps, engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """:palm_tree: Vacationing in Slack: no prompt at shift end, /cx-shift says why (escaped);
    once the status is cleared, the next shift's prompt comes."""
    add_agents(engine, fake_slack, {"U0NYC": "America/New_York"})
    _status(slack, fake_slack, engine, "U0NYC", status_emoji=":palm_tree:",
            status_text="Vacationing <!here>")  # fmt: skip
    with freeze_time(datetime(2026, 11, 24, 22, 31, tzinfo=UTC)):  # Tue 17:31 in New York
        clock_pass(deps)
    assert _prompts(fake_slack, "U0NYC") == 0
    slack.command("/cx-shift", "", user_id="U0NYC")
    shown = json.dumps(fake_slack.wait_for("response_url")[-1].params)
    assert (
        "status is :palm_tree: Vacationing &lt;!here&gt;: check-ins pause until it changes" in shown
    )
    assert "<!here>" not in shown
    _status(slack, fake_slack, engine, "U0NYC", status_emoji=":house_with_garden:",
            status_text="Working remotely")  # fmt: skip
    with freeze_time(datetime(2026, 11, 24, 23, 0, tzinfo=UTC)):  # back within the catch-up hours
        clock_pass(deps)
    assert _prompts(fake_slack, "U0NYC") == 0  # Tuesday's shift ended while away: not sent late
    with freeze_time(datetime(2026, 11, 25, 22, 31, tzinfo=UTC)):  # Wed 17:31
        clock_pass(deps)
    assert _prompts(fake_slack, "U0NYC") == 1


def test_a_status_that_expires_pauses_only_until_it_ends(
    deps: Deps, engine: Engine, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """ "Out sick" until Wednesday noon: Tuesday's prompt is skipped, Wednesday's comes."""
    add_agents(engine, fake_slack, {"U0NYC": "America/New_York"})
    ends = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    _status(slack, fake_slack, engine, "U0NYC", status_emoji=":face_with_thermometer:",
            status_text="Out sick", status_expiration=int(ends.timestamp()))  # fmt: skip
    with freeze_time(datetime(2026, 11, 24, 22, 31, tzinfo=UTC)):
        clock_pass(deps)
    assert _prompts(fake_slack, "U0NYC") == 0
    with freeze_time(datetime(2026, 11, 25, 22, 31, tzinfo=UTC)):
        clock_pass(deps)
    assert _prompts(fake_slack, "U0NYC") == 1


def test_a_shift_before_someone_joined_is_not_recorded_as_missed(
    deps: Deps, engine: Engine, fake_slack: FakeSlack
) -> None:
    """An agent added two minutes before today's shift end gets today's prompt, and
    yesterday's shift (before they were in CX Coach) is neither sent nor counted as missed."""
    joined = datetime(2026, 11, 24, 22, 28, tzinfo=UTC)  # Tue 17:28 in New York
    add_agents(engine, fake_slack, {"U0NEW": "America/New_York"}, joined=joined)
    for minute in (29, 31):  # the clock ticks before and after today's shift end
        with freeze_time(datetime(2026, 11, 24, 22, minute, tzinfo=UTC)):
            clock_pass(deps)
    with Session(engine) as session:
        rows = {
            row.key: row.status
            for row in session.exec(select(Outbox).where(Outbox.kind != "welcome"))
        }
    assert rows == {"prompt:U0NEW:2026-11-24": "sent"}
