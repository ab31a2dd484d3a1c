"""A seeded fuzz run through the real HTTP endpoint: a few thousand signed requests across
commands, clicks, modal submissions, events and ingestion, with odd text (mentions, NUL,
escapes, huge numbers, dates that do not exist, the wrong JSON types). Nothing answers 5xx,
nothing logs a traceback, and every slash command is answered — in its ack, through its
response_url, or with a modal."""

import json
import random
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.deps import Deps
from bot.services import teams
from bot.services.permissions import OPERATOR
from bot.web import HttpServer
from tests.fakeslack import FakeSlack, SlackDriver

SEED = 20261130
USERS = ["U0AGENT", "U0LEAD", "U0ADMIN", "U0NOBODY"]
REQUESTS = int(__import__("os").environ.get("FUZZ_N", 2000))
COMMANDS = ["/cx-metrics", "/cx-reflect", "/cx-feedback", "/cx-kudos", "/cx-shift", "/cx-team"]
ACTIONS = [
    "member_shift", "action_done", "action_snooze", "action_add", "feedback_ask_open",
    "feedback_cancel", "feedback_decline", "feedback_give", "reflect_open", "reflect_skip",
    "kudos_opt_1", "shift_edit", "shift_away", "shift_back", "team_create", "team_delete",
    "team_edit", "nobody_listens",
]  # fmt: skip
VIEWS = [
    "action_modal", "feedback_ask_modal", "feedback_give_modal", "reflect_modal", "team_modal",
    "away_modal", "shift_modal", "nobody_listens",
]  # fmt: skip
EVENTS = ["app_home_opened", "user_change", "message", "team_join", "app_mention"]
WORDS = [
    "help", "Tier 1", "mon-fri", "17:30", "25:99", "away", "until", "2026-02-30", "back", "tz",
    "Europe/London", "Mars/Base", "list", "show", "create", "edit", "add", "remove", "delete",
    "lead", "csv", "last-month", "2026-W99", "7d", "about", "from", "suggest", "anonymously",
    "status", "cancel", "for", "#teamwork", "#nope", "<!channel>", "<!here>", "<@U0AGENT>",
    "<@U0LEAD|lee>", "<@UNKNOWN>", "<#C0DIGEST1|support>", "<https://x.test|link>", "&amp;",
    "\x00", "é", "🎉", "=HYPERLINK(\"x\")", "'; DROP TABLE person; --", "9" * 40, "-1", "",
    "x" * 3100, "top", "week", "leaderboard", "off", "on", "milestones",
]  # fmt: skip
ODD_VALUES: list[Any] = [
    None, 5, -1, 1e308, "", "x", "2026-02-30", "2026-11-24", "{", "[]", {}, [], True,
    "\x00", "<!channel>", "U0AGENT", "99999999999999999999",
]  # fmt: skip


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6)))


def _value(rng: random.Random) -> Any:
    return rng.choice([*ODD_VALUES, _text(rng)])


def _state(rng: random.Random) -> dict[str, Any]:
    blocks = ["well", "differently", "training", "story", "confidence", "text", "due", "name",
              "members", "leads", "days", "end", "until", "peers", "topic"]  # fmt: skip
    state: dict[str, Any] = {}
    for block in rng.sample(blocks, rng.randint(0, 6)):
        kind = rng.choice(["value", "selected_date", "selected_time", "selected_option",
                           "selected_options", "selected_users", "selected_user"])  # fmt: skip
        state[block] = {block: {"type": "x", kind: _value(rng)}}
    return state


@pytest.fixture
def team(engine: Engine) -> None:
    """A team with the default agent and lead, so commands have something to work on."""
    with Session(engine) as session:
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(name="Tier 1", leads=frozenset({"U0LEAD"}),
                                members=frozenset({"U0AGENT"})),
        )  # fmt: skip
        session.commit()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_fuzzed_requests_never_get_a_5xx_and_every_command_is_answered(
    team: None, slack: SlackDriver, fake_slack: FakeSlack, server: HttpServer, deps: Deps,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """2,000 seeded requests: statuses below 500, no traceback, each command answered."""
    rng = random.Random(SEED)
    # Clicks come from messages that exist (Slack only sends those): one DM per person.
    dms = {user: fake_slack.chat_post(f"D{user}", "a prompt") for user in USERS}
    commands: list[tuple[str, str, str]] = []  # (response_url, trigger_id, ack body)

    for _ in range(REQUESTS):
        kind = rng.choices(["command", "action", "view", "event", "raw"], [4, 3, 3, 2, 1])[0]
        user = rng.choice(USERS)
        if kind == "command":
            reply = slack.command(rng.choice(COMMANDS), _text(rng), user_id=user)
            commands.append((*slack.last_command_ids, reply.body))
        elif kind == "action":
            reply = slack.block_action(rng.choice(ACTIONS), str(_value(rng)), user_id=user,
                                       selected_user=rng.choice([None, "U0AGENT", "U9X"]),
                                       message=(f"D{user}", dms[user]))  # fmt: skip
        elif kind == "view":
            meta = _value(rng)
            reply = slack.view_submission(
                rng.choice(VIEWS), _state(rng), user_id=user,
                private_metadata=meta if isinstance(meta, str) else json.dumps(meta),
            )  # fmt: skip
        elif kind == "event":
            event = {"type": rng.choice(EVENTS), "user": rng.choice([user, 5, None, {"id": user}]),
                     "tab": rng.choice(["home", "messages", 3]), "channel": "D1"}  # fmt: skip
            reply = slack.event({k: v for k, v in event.items() if v is not None})
        else:
            body = json.dumps(_value(rng)) if rng.random() < 0.5 else _text(rng)
            reply = slack.post(urlencode({"payload": body}), "application/x-www-form-urlencoded")
        assert reply.status < 500, (kind, reply.body)
    assert deps.after_ack.drain(timeout=60)  # everything acked has run
    unanswered = [
        c for c in commands
        if not c[2] and not _posted(fake_slack, c[0]) and not _opened(fake_slack, c[1])
    ]  # fmt: skip
    assert unanswered == []
    assert "Traceback" not in caplog.text


def _posted(fake: FakeSlack, response_url: str) -> bool:
    key = response_url.rsplit("/", 1)[-1]
    return any(call.path.endswith(key) for call in fake.calls_to("response_url"))


def _opened(fake: FakeSlack, trigger_id: str) -> bool:
    return any(call.params.get("trigger_id") == trigger_id for call in fake.calls_to("views.open"))
