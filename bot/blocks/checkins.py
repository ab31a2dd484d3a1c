"""Block Kit for end-of-shift check-ins: the prompt DM and the reflection modal. Owns their ids."""

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.actions import add_button, render_due
from bot.blocks.common import escape, message_blocks, section
from bot.delivery import Rendered, Renderer, payload_of
from bot.services.history import History
from bot.store.models import Outbox

REFLECT_NOW = "reflect_open"  # button (value: shift date) → REFLECT_MODAL
SKIP_TODAY = "reflect_skip"  # button (value: shift date)
REFLECT_MODAL = "reflect_modal"  # private_metadata: shift date
MAX_ANSWER = 3000  # Slack's limit for a plain-text input

# (block and action id, question, required)
QUESTIONS = (
    ("well", "What did you do well today?", True),
    ("differently", "What could you have done differently?", True),
    ("training", "What training or resources would help you?", False),
    ("story", "A customer interaction worth sharing (a win or a lesson)?", False),
)
CONFIDENCE = "confidence"
PRIVACY = "Your answers are private to you and your team's leads."


def prompt_message(shift_date: date, *, reminder: bool = False) -> Rendered:
    """The end-of-shift DM (or its one reminder): notification text, blocks with two buttons."""
    day = f"{shift_date:%a %d %b}"
    text = (
        f"Reminder: there's still time for your reflection on {day}."
        if reminder
        else f"Your shift is over — a 2-minute reflection on {day}?"
    )
    blocks: list[Block] = [
        section(f":wave: {text}\nWhat went well, what you'd do differently, what would help."),
        ActionsBlock(
            block_id=f"prompt-{shift_date}",
            elements=[
                ButtonElement(
                    text="Reflect now", action_id=REFLECT_NOW, value=str(shift_date),
                    style="primary",
                ),
                ButtonElement(text="Skip today", action_id=SKIP_TODAY, value=str(shift_date)),
            ],
        ),
        ContextBlock(elements=[MarkdownTextObject(text=PRIVACY)]),
    ]  # fmt: skip
    return text, message_blocks(blocks)


def render_prompt(row: Outbox) -> Rendered:
    """Outbox renderer for kind "prompt"."""
    return prompt_message(date.fromisoformat(payload_of(row)["shift_date"]))


def render_reminder(row: Outbox) -> Rendered:
    """Outbox renderer for kind "reminder"."""
    return prompt_message(date.fromisoformat(payload_of(row)["shift_date"]), reminder=True)


RENDERERS: dict[str, Renderer] = {
    "prompt": render_prompt,
    "reminder": render_reminder,
    "action_due": render_due,
}


def answered_message(shift_date: date, *, skipped: bool = False) -> Rendered:
    """What the prompt DM becomes once answered (or skipped)."""
    day = f"{shift_date:%a %d %b}"
    text = (
        f"Skipped your reflection for {day}. See you next shift."
        if skipped
        else f":white_check_mark: Reflection for {day} saved. Edit it with `/cx-reflect`."
    )
    if skipped:
        return text, message_blocks([section(text)])
    return text, message_blocks([section(text), ActionsBlock(elements=[add_button(shift_date)])])


def reflect_modal(shift_date: date, answers: dict[str, Any] | None = None) -> View:
    """The reflection questions, filled with earlier answers when editing."""
    answers = answers or {}
    blocks: list[Block] = []
    for block_id, question, required in QUESTIONS:
        blocks.append(
            InputBlock(
                block_id=block_id,
                label=question,
                optional=not required,
                element=PlainTextInputElement(
                    action_id=block_id, multiline=True, max_length=MAX_ANSWER,
                    initial_value=answers.get(block_id) or None,
                ),
            )
        )  # fmt: skip
    options = [Option(value=str(n), text=f"{n} — {label}") for n, label in enumerate(
        ("not at all", "a little", "somewhat", "quite", "very"), start=1
    )]  # fmt: skip
    chosen = answers.get(CONFIDENCE)
    blocks.insert(
        3,
        InputBlock(
            block_id=CONFIDENCE,
            label="How confident do you feel about today's shift?",
            element=StaticSelectElement(
                action_id=CONFIDENCE, options=options,
                initial_option=options[int(chosen) - 1] if chosen else None,
            ),
        ),
    )  # fmt: skip
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=PRIVACY)]))
    return View(
        type="modal",
        callback_id=REFLECT_MODAL,
        private_metadata=str(shift_date),
        title="Your shift",
        submit="Save",
        close="Later",
        blocks=blocks,
    )


def read_reflect_modal(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers (question id → text, confidence → 1-5) and per-block errors."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for block_id, _, required in QUESTIONS:
        text = str(values.get(block_id, {}).get(block_id, {}).get("value") or "").strip()
        if required and not text:
            errors[block_id] = "Please write a few words."
        elif len(text) > MAX_ANSWER:
            errors[block_id] = f"Slack allows {MAX_ANSWER} characters here; please shorten it."
        answers[block_id] = text
    chosen = values.get(CONFIDENCE, {}).get(CONFIDENCE, {}).get("selected_option") or {}
    if not chosen.get("value"):
        errors[CONFIDENCE] = "Pick how confident you feel."
    else:
        answers[CONFIDENCE] = int(chosen["value"])
    return answers, errors


def home_history_blocks(history: History) -> list[Block]:
    """The "Your reflections" section of the App Home: streak, participation, the latest five."""
    pct = history.participation_pct
    participation = (
        f"{pct:.0f} % ({history.answered} of {history.prompts} shifts)"
        if pct is not None
        else "no data yet"
    )
    lines = [f":fire: Streak: *{history.streak}* shifts · Last 30 days: {participation}"]
    for item in history.recent:
        if item.status == "skipped":
            lines.append(f"• {item.shift_date:%a %d %b} — skipped")
        else:
            snippet = item.went_well if len(item.went_well) <= 80 else item.went_well[:79] + "…"
            lines.append(f"• {item.shift_date:%a %d %b} — {escape(snippet)}")
    if not history.recent:
        lines.append("No reflections yet: your first prompt comes at the end of your next shift.")
    return [HeaderBlock(text="Your reflections"), section("\n".join(lines))]
