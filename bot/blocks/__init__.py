"""Block Kit builders (slack_sdk.models); each module owns the ids it emits."""
