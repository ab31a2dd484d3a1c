"""Signed but malformed requests, forged payloads and odd headers: a 4xx or a clear message,
never a 5xx or a traceback — through the real HTTP endpoint."""

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import Reply

FORM = "application/x-www-form-urlencoded"


def _interactive(slack: SlackDriver, payload: object) -> Reply:
    return slack.post(urlencode({"payload": json.dumps(payload)}), FORM)


def _block_actions(slack: SlackDriver, **overrides: object) -> dict[str, object]:
    return {
        "type": "block_actions", "user": {"id": "U0AGENT", "team_id": "T0001"},
        "team": {"id": "T0001"}, "api_app_id": "A0CXCOACH", "trigger_id": "1.2.fake",
        "response_url": slack.fake.new_response_url(), **overrides,
    }  # fmt: skip


@pytest.mark.parametrize(
    "overrides",
    [{"actions": []}, {"actions": [{}]}, {"actions": "x"}, {"actions": [{"action_id": 5}]},
     {"user": 5}, {"user": {}}],
    ids=["no actions", "empty action", "actions a string", "numeric action id",
         "numeric user", "user without id"],
)  # fmt: skip
def test_malformed_block_actions_get_a_4xx_or_a_quiet_200(
    slack: SlackDriver, overrides: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt's own parsing no longer turns a malformed click into a 500 with a traceback."""
    reply = _interactive(slack, _block_actions(slack, **overrides))
    assert reply.status < 500, reply.body
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("payload", [{}, [], "x", {"type": "view_submission"}, {"type": 5}])
def test_payloads_that_are_not_slack_shaped_are_refused(
    slack: SlackDriver, payload: object, caplog: pytest.LogCaptureFixture
) -> None:
    """`{}`, a list, a string, a view submission without a view: 4xx, no traceback."""
    reply = _interactive(slack, payload)
    assert reply.status < 500, reply.body
    assert "Traceback" not in caplog.text


def test_an_event_with_a_numeric_user_is_not_a_5xx(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    """`"user": 5` in an app_home_opened event is answered without a traceback."""
    reply = slack.event({"type": "app_home_opened", "user": 5, "tab": "home"})
    assert reply.status < 500, reply.body
    assert "Traceback" not in caplog.text


def test_a_non_numeric_timestamp_is_unauthorized(slack: SlackDriver, server_url: str) -> None:
    """X-Slack-Request-Timestamp: "soon" is a 401, not a 200 with a traceback."""
    body = urlencode({"command": "/cx-shift", "text": "", "user_id": "U0AGENT"})
    headers = slack.signed_headers(body, FORM) | {"X-Slack-Request-Timestamp": "soon"}
    assert _raw_post(f"{server_url}/slack/events", body.encode(), headers) == 401


@pytest.mark.parametrize("path", ["/slack/events"])
def test_deeply_nested_json_is_a_400(slack: SlackDriver, server_url: str, path: str) -> None:
    """100,000 nested brackets (RecursionError in json) are a 400."""
    body = "[" * 100_000 + "]" * 100_000
    headers = slack.signed_headers(body, "application/json")
    assert _raw_post(f"{server_url}{path}", body.encode(), headers) == 400


@pytest.mark.parametrize("meta", ["{", '{"ask":"x"}', '{"date":"2026-02-30"}', "[]", "5"])
@pytest.mark.parametrize(
    "callback", ["reflect_modal", "feedback_give_modal", "action_modal", "team_modal"]
)
def test_malformed_private_metadata_gets_a_clear_modal_error(
    slack: SlackDriver, meta: str, callback: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A forged or garbled private_metadata: the modal says it is out of date (a valid
    response_action), no traceback."""
    reply = slack.view_submission(callback, {}, private_metadata=meta)
    assert reply.status == 200, reply.body
    if reply.body:
        answer = reply.json()
        assert answer["response_action"] == "errors"
        clear = ("start again", "no longer exists")
        assert any(w in text for text in answer["errors"].values() for w in clear), answer
    assert "Traceback" not in caplog.text


def test_a_nul_byte_in_command_text_is_answered(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    """A NUL byte (Postgres refuses them in text) in /cx-shift text gets the usual answer, not
    "can't reach its database"."""
    slack.command("/cx-shift", "mon-fri\x00 17:30")
    posted = fake_slack.wait_for("response_url")[0].params
    assert "database" not in json.dumps(posted)


def _raw_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.fixture
def server_url(slack: SlackDriver, server: object) -> str:
    """The running app's base URL."""
    return str(server.url)  # type: ignore[attr-defined]
