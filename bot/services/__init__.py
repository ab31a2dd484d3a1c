"""The domain: pure functions over store rows; no Slack imports, `now` passed in."""
