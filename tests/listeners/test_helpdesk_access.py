"""Helpdesk keys on an admin's App Home (issue 19): the keys are shown once, with the full
addresses to send to when CX Coach knows its own (PUBLIC_URL) — the admin of a workspace that
someone else hosts CX Coach for has no other way to find them — and what works is what is
shown."""

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.blocks.helpdesk_access import INGEST_KEYS
from bot.config import Settings
from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack
from tests.oauth_world import Installed, add_to_slack_settings, driver, install, serve

HOME = {"id": "V0HOME", "type": "home"}


@pytest.fixture
def hosted(fake_slack: FakeSlack, db_url: str, engine: Engine) -> Iterator[Installed]:
    """CX Coach for many workspaces at its own address (PUBLIC_URL), as its operator set it."""
    settings = add_to_slack_settings(fake_slack, db_url, SIGNING_SECRET)
    settings = Settings(**{**settings.model_dump(), "_env_file": None,
                           "public_url": "https://cx.example.com/"})  # fmt: skip
    yield from serve(settings, engine)


def _shown_keys(oauth: Installed, fake: FakeSlack) -> str:
    install(oauth, fake, team_id="T0AAA", installer="U0BOSS")
    fake.add_user("U0BOSS", team="T0AAA")
    driver(oauth, fake, "T0AAA").block_action(INGEST_KEYS, "1", user_id="U0BOSS", view=HOME)
    return json.dumps(fake.wait_for("views.open")[-1].params["view"])


def test_with_public_url_the_keys_come_with_the_addresses_to_send_them_to(
    hosted: Installed, fake_slack: FakeSlack
) -> None:
    shown = _shown_keys(hosted, fake_slack)
    assert "https://cx.example.com/ingest/tickets" in shown
    assert "https://cx.example.com/ingest/surveys" in shown
    assert "https://cx.example.com/ingest/zendesk?workspace=T0AAA" in shown


def test_the_addresses_shown_are_where_the_keys_work(
    hosted: Installed, fake_slack: FakeSlack
) -> None:
    """The shown address with CX Coach's own (here: its test server) in place of the host."""
    shown = _shown_keys(hosted, fake_slack)
    (address,) = set(re.findall(r"https://cx\.example\.com(/ingest/tickets)", shown))
    token = re.findall(r"```(.+?)```", shown)[0]
    ticket = {"ticket_id": "Z1", "agent": "U0SAME", "created_at": "2026-11-20T10:00:00Z"}
    request = urllib.request.Request(
        hosted.server.url + address, data=json.dumps(ticket).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status in (200, 422)  # taken (422: the agent is not mapped yet), not refused


def test_without_public_url_the_keys_say_whose_address_to_use(
    oauth: Installed, fake_slack: FakeSlack
) -> None:
    shown = _shown_keys(oauth, fake_slack)
    assert "/ingest/tickets" in shown
    assert "PUBLIC_URL" in shown  # how the operator makes the full address show here
