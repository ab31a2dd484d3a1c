"""The caller of a request is resolved once: asking for the person and for their role from the
ack path and again after it asks Slack about a newcomer once."""

from bot.deps import Deps
from bot.listeners.caller import Caller
from tests.fakeslack import FakeSlack


def test_a_newcomer_is_looked_up_in_slack_once_per_request(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U0NEW", name="new", tz="Europe/Lisbon")
    caller = Caller(deps, deps.slack, "T0001", "U0NEW")
    person = caller.person(on_ack_path=True)
    assert person is not None
    assert person.timezone == "Europe/Lisbon"
    assert caller.actor(on_ack_path=True).slack_user_id == "U0NEW"
    assert caller.person() is not None  # after the ack: a fresh profile is fresh enough
    assert caller.actor().is_admin is False
    assert len(fake_slack.calls_to("users.info")) == 1


def test_someone_slack_does_not_know_is_nobody(deps: Deps, fake_slack: FakeSlack) -> None:
    caller = Caller(deps, deps.slack, "T0001", "U0GHOST")
    assert caller.person() is None
    actor = caller.actor()
    assert (actor.slack_user_id, actor.is_admin, actor.leads) == ("U0GHOST", False, frozenset())
    assert len(fake_slack.calls_to("users.info")) == 1
