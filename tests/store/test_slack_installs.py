"""Slack's tokens encrypted at rest (issue 19, hosting CX Coach for others): with
CX_ENCRYPTION_KEY set, no bot, rotating or refresh token an install gave is readable in the
database, while every workspace still gets its messages with its own token; tokens stored
before the key was set keep working and `privacy rotate-key` encrypts them too."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.store import crypto
from tests.fakeslack import FakeSlack
from tests.oauth_world import Installed, agent, install, prompts_and_send
from tests.privacy_world import found_in_tables


@pytest.fixture
def key(oauth: Installed) -> Iterator[str]:  # after CX Coach has set its keys (none)
    """Encryption on for this test (the keys are process-wide), off again after it."""
    chosen = crypto.new_key()
    crypto.configure(chosen)
    yield chosen
    crypto.configure(None)


def _tokens(fake: FakeSlack) -> tuple[str, ...]:
    return (*fake.installs, *fake.refresh_tokens)


def test_with_a_key_no_table_holds_a_slack_token_and_every_workspace_is_still_served(
    key: str, oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """One workspace with a rotating token (Slack's are about 170 characters: encrypted, they
    no longer fit the 200 characters slack_sdk's tables give them), one with a plain one."""
    install(oauth, fake_slack, team_id="T0AAA", expires_in=3600)
    install(oauth, fake_slack, team_id="T0BBB")
    given = _tokens(fake_slack)
    assert found_in_tables(engine, given) == []
    agent(engine, fake_slack, "T0AAA", "U0SAME", "Tier 1")
    agent(engine, fake_slack, "T0BBB", "U0SAME", "Tier 1")
    prompts_and_send(oauth)
    assert len(fake_slack.messages_to("U0SAME", team="T0AAA")) == 1
    assert len(fake_slack.messages_to("U0SAME", team="T0BBB")) == 1
    rotated = [token for token in _tokens(fake_slack) if token not in given]
    assert rotated  # the expiring token was refreshed before the send, and saved
    assert found_in_tables(engine, (*given, *rotated)) == []


def test_tokens_stored_before_the_key_still_work_and_rotate_key_encrypts_them(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    install(oauth, fake_slack, team_id="T0AAA", expires_in=43_200)  # not refreshed here
    (token,) = fake_slack.installs
    assert found_in_tables(engine, (token,)) != []  # no key yet: stored as Slack gave it
    crypto.configure(crypto.new_key())
    try:
        assert oauth.deps.workspaces is not None
        assert oauth.deps.workspaces.token_of("T0AAA") == token
        counts = crypto.rotate_all(engine)
        assert counts["slack_bots.bot_token"] == counts["slack_installations.bot_token"] == 1
        assert found_in_tables(engine, _tokens(fake_slack)) == []
        assert oauth.deps.workspaces.token_of("T0AAA") == token
    finally:
        crypto.configure(None)
