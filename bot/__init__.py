"""CX Coach: a Slack app for customer-service teams."""

__version__ = "0.1.0"
