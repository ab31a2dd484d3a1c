"""A fake Slack for tests: the Web API server and a signed-request driver."""

from tests.fakeslack.driver import Reply, SlackDriver
from tests.fakeslack.server import Call, FakeSlack

__all__ = ["Call", "FakeSlack", "Reply", "SlackDriver"]
