"""The WebClient CX Coach builds: our base URL, retries on 429 / 5xx, no retries on Slack errors."""

from collections.abc import Iterator
from urllib.error import URLError

import pytest
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.slack_client import make_web_client
from tests.fakeslack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """A bare fake Slack with one user and one channel."""
    fake = FakeSlack().start()
    fake.add_user("U0AGENT")
    fake.add_channel("C0GENERAL")
    yield fake
    fake.stop()


def _client(fake: FakeSlack):  # type: ignore[no-untyped-def]
    return make_web_client(
        Settings(_env_file=None, slack_bot_token=fake.bot_token, slack_api_base_url=fake.api_url)
    )


def test_calls_go_to_slack_api_base_url(fake: FakeSlack) -> None:
    """Every call goes to SLACK_API_BASE_URL with the bot token."""
    assert _client(fake).auth_test()["user_id"] == "UBOT"
    call = fake.calls_to("auth.test")[0]
    assert call.headers["authorization"] == f"Bearer {fake.bot_token}"


def test_rate_limited_call_waits_for_retry_after_then_succeeds(fake: FakeSlack) -> None:
    """A 429 is retried after the Retry-After it names, and the message is posted once."""
    fake.fail("chat.postMessage", status=429, retry_after=1)
    result = _client(fake).chat_postMessage(channel="C0GENERAL", text="hello")
    assert result["ok"] is True
    first, second = fake.calls_to("chat.postMessage")
    assert second.at - first.at >= 1.0


@pytest.mark.parametrize("status", [502, 504])  # 500 and 503 alone are built into slack_sdk
def test_server_errors_are_retried(fake: FakeSlack, status: int) -> None:
    """Any 5xx answer to a call that posts nothing is retried, and a later success returned."""
    fake.fail("users.info", status=status, times=2)
    assert _client(fake).users_info(user="U0AGENT")["ok"] is True
    assert len(fake.calls_to("users.info")) == 3


def test_persistent_server_errors_give_up(fake: FakeSlack) -> None:
    """A 5xx that never clears raises after a bounded number of tries."""
    fake.fail("users.info", status=500, times=10)
    with pytest.raises(SlackApiError) as caught:
        _client(fake).users_info(user="U0AGENT")
    assert caught.value.response.status_code == 500
    assert len(fake.calls_to("users.info")) == 3


def test_a_post_is_never_sent_again_by_the_client(fake: FakeSlack) -> None:
    """A 502 after Slack posted (its answer lost): the client raises instead of posting the
    message a second time."""
    fake.fail("chat.postMessage", status=502, acted=True)
    with pytest.raises(SlackApiError):
        _client(fake).chat_postMessage(channel="C0GENERAL", text="hi")
    assert len(fake.messages_to("C0GENERAL")) == 1


def test_slack_errors_are_not_retried(fake: FakeSlack) -> None:
    """A permanent Slack error (ok: false) is raised at once, never retried."""
    with pytest.raises(SlackApiError) as caught:
        _client(fake).chat_postMessage(channel="C0NOWHERE", text="hi")
    assert caught.value.response["error"] == "channel_not_found"
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_connection_refused_is_retried_then_raised() -> None:
    """When nothing listens at the base URL the client retries briefly, then raises."""
    fake = FakeSlack().start()
    client = _client(fake)
    fake.stop()
    with pytest.raises(URLError):
        client.auth_test()
