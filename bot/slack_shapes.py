"""What a request from Slack must look like before Bolt and our listeners see it.

Bolt trusts a signed body's shape: `actions: []`, a payload that is a list, or `"user": 5`
crash its parsing (a 500 with a traceback). A signed request is Slack's (or a replay of it), so
a malformed one is a bug or an attack either way: it is refused with a 400 and one log line.
`read` parses the body as Slack sends it (form with `payload` JSON, a form slash command, or
JSON events); `problem` names what is wrong, or None. Used by bot.web (HTTP mode) and by the
Socket Mode handler's guard (bot.app), so both modes refuse the same things.
"""

import json
from datetime import date
from typing import Any
from urllib.parse import parse_qs

MAX_DEPTH = 64  # nesting Slack never comes near; a deeper body is refused before json


class Malformed(ValueError):
    """The body is not a Slack request we can read."""


def read(raw: bytes, content_type: str) -> Any:
    """The body as Bolt would parse it. Raises Malformed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Malformed("the body is not UTF-8") from error
    if content_type.startswith("application/json"):
        return _json(text)
    form = {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}
    if "payload" in form:
        return _json(form["payload"])
    return form


def _json(text: str) -> Any:
    if _depth(text) > MAX_DEPTH:
        raise Malformed("the JSON is nested too deeply")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Malformed("the body is not JSON") from error


def _depth(text: str) -> int:
    """How deeply brackets nest (strings included: an over-estimate is fine here)."""
    deepest = depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def problem(body: Any) -> str | None:
    """What makes `body` something other than a Slack request we handle, or None."""
    if not isinstance(body, dict):
        return "the payload is not an object"
    if "ssl_check" in body:
        return None  # Slack's certificate check: Bolt answers it
    if "command" in body:
        fields = ("command", "user_id", "text", "team_id")
        if not all(isinstance(body.get(name), str) for name in fields):
            return "a slash command needs text fields command, user_id, text and team_id"
        return None
    kind = body.get("type")
    if kind == "url_verification":
        return None if isinstance(body.get("challenge"), str) else "challenge is missing"
    if kind == "event_callback":
        return _event_problem(body.get("event"))
    if kind in ("block_actions", "view_submission", "view_closed", "shortcut",
                "message_action", "block_suggestion"):  # fmt: skip
        user = body.get("user")
        if not isinstance(user, dict) or not _is_str(user.get("id")):
            return "user.id is missing"
    if kind == "block_actions":
        return _actions_problem(body.get("actions"))
    if kind in ("view_submission", "view_closed"):
        return _view_problem(body.get("view"))
    if isinstance(kind, str) and kind:
        return None  # other kinds: Bolt answers them (404 when nothing listens)
    return "the payload has no type"


def _actions_problem(actions: Any) -> str | None:
    if not isinstance(actions, list) or not actions:
        return "actions must be a non-empty list"
    if not all(isinstance(a, dict) and _is_str(a.get("action_id")) for a in actions):
        return "every action needs an action_id"
    for action in actions:
        found = _value_problem(action["action_id"], action.get("value"))
        if found is not None:
            return found
    return None


def _view_problem(view: Any) -> str | None:
    if not isinstance(view, dict) or not _is_str(view.get("callback_id")):
        return "view.callback_id is missing"
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict) or not isinstance(view.get("private_metadata", ""), str):
        return "view.state.values or view.private_metadata has the wrong type"
    return None


# What CX Coach writes into each button's value: a click carrying anything else is forged.
BUTTON_VALUES: dict[str, str] = {
    "reflect_open": "date", "reflect_skip": "date", "action_add": "date or empty",
    "action_done": "id", "action_snooze": "id", "feedback_give": "id", "feedback_decline": "id",
    "feedback_cancel": "id", "team_edit": "id", "team_delete": "id",
}  # fmt: skip
LARGEST_ID = 2**31 - 1  # the databases' integer ids


def _value_problem(action_id: str, value: Any) -> str | None:
    wanted = BUTTON_VALUES.get(action_id)
    if wanted is None:
        return None
    if wanted == "date or empty" and value in (None, ""):
        return None
    text = value if isinstance(value, str) else ""
    if wanted == "id":
        if text.isdigit() and 0 < int(text) <= LARGEST_ID:
            return None
        return f"{action_id} carries no id"
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return f"{action_id} carries no date"
    return None if 2000 <= day.year <= 2100 else f"{action_id} carries no date"


# Events whose user is an id (user_change carries the whole user object).
USER_IS_ID = frozenset({"app_home_opened", "message", "app_mention"})


def _event_problem(event: Any) -> str | None:
    if not isinstance(event, dict) or not _is_str(event.get("type")):
        return "event.type is missing"
    user = event.get("user")
    if event["type"] == "user_change" and not (isinstance(user, dict) and _is_str(user.get("id"))):
        return "user_change needs the user object"
    if event["type"] in USER_IS_ID and user is not None and not isinstance(user, str):
        return f"{event['type']} needs a user id"
    for name in ("user", "channel", "tab", "text"):
        value = event.get(name)
        if value is not None and not isinstance(value, str | dict):
            return f"event.{name} has the wrong type"
    return None
