"""Block Kit for end-of-shift check-ins: the prompt DM and the reflection modal. Owns their ids."""

from collections.abc import Sequence
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

from bot.blocks.action_items import add_button, render_due
from bot.blocks.common import escape, message_blocks, section
from bot.delivery import Rendered, Renderer, payload_of
from bot.services.history import History
from bot.services.payloads import OutboxKind
from bot.services.templates import DEFAULT, Question
from bot.services.wording import plural, short_date
from bot.store.models import Outbox, ReflectionStatus

REFLECT_NOW = "reflect_open"  # button (value: shift date) → REFLECT_MODAL
SKIP_TODAY = "reflect_skip"  # button (value: shift date)
REFLECT_MODAL = "reflect_modal"  # private_metadata: shift date
TEST_MODAL = "test_reflect_modal"  # a test check-in's modal: nothing it holds is saved
TEST_NOTE = "This is a test check-in: nothing you write here is saved or counted."
MAX_ANSWER = 3000  # Slack's limit for a plain-text input

CONFIDENCE = "confidence"
PRIVACY = "Your answers are private to you and your team's leads."
PRIVATE = "Your answers are private to you."
SCALE = ("not at all", "a little", "somewhat", "quite", "very")


def prompt_message(shift_date: date, *, reminder: bool = False) -> Rendered:
    """The end-of-shift DM (or its one reminder): notification text, blocks with two buttons."""
    day = f"{short_date(shift_date)}"
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
    OutboxKind.PROMPT: render_prompt,
    OutboxKind.REMINDER: render_reminder,
    OutboxKind.ACTION_DUE: render_due,
}


def answered_message(shift_date: date, *, skipped: bool = False) -> Rendered:
    """What the prompt DM becomes once answered (or skipped)."""
    day = f"{short_date(shift_date)}"
    text = (
        f"Skipped your reflection for {day}. See you next shift."
        if skipped
        else f":white_check_mark: Reflection for {day} saved. Edit it with `/cx-reflect`."
    )
    if skipped:
        return text, message_blocks([section(text)])
    return text, message_blocks([section(text), ActionsBlock(elements=[add_button(shift_date)])])


def reflect_modal(
    shift_date: date,
    questions: Sequence[Question] = DEFAULT,
    answers: dict[str, Any] | None = None,
    *,
    leads_read: bool = True,
    test: bool = False,
) -> View:
    """The team's questions for the shift of `shift_date` (said at the top), filled with
    earlier answers when editing (and saying so), and who reads them; `test`: a test check-in's,
    which saves nothing."""
    head = f"*Your shift of {short_date(shift_date)}*"
    if test:
        head = f":test_tube: {TEST_NOTE}"
    elif answers:
        head += " · you're editing the answers you saved earlier; saving replaces them."
    earlier = answers or {}
    blocks: list[Block] = [section(head)]
    blocks += [_input(question, earlier.get(question.id)) for question in questions]
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=PRIVACY if leads_read else PRIVATE)])
    )
    return View(
        type="modal",
        callback_id=TEST_MODAL if test else REFLECT_MODAL,
        private_metadata=str(shift_date),
        title="Test check-in" if test else "Your shift",
        submit="Save",
        close="Later",
        blocks=blocks,
    )


def _input(question: Question, earlier: Any) -> InputBlock:
    if question.kind == "text":
        element: Any = PlainTextInputElement(
            action_id=question.id, multiline=True, max_length=MAX_ANSWER,
            initial_value=str(earlier) if earlier else None,
            placeholder="A sentence or two is plenty" if question.required else "Optional",
        )  # fmt: skip
    else:
        labels = (
            [f"{n} — {label}" for n, label in enumerate(SCALE, start=1)]
            if question.kind == "scale"
            else list(question.choices)
        )
        values = [str(n) for n in range(1, 6)] if question.kind == "scale" else labels
        options = [Option(value=v[:75], text=t[:75]) for v, t in zip(values, labels, strict=True)]
        chosen = [o for o in options if earlier is not None and o.value == str(earlier)]
        element = StaticSelectElement(
            action_id=question.id,
            options=options,
            initial_option=chosen[0] if chosen else None,
            placeholder="Pick one",
        )
    return InputBlock(
        block_id=question.id, label=question.text, optional=not question.required, element=element
    )


def read_reflect_modal(
    values: dict[str, Any], questions: Sequence[Question] = DEFAULT
) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers (question id → text, or 1-5 for a scale, or the choice) and per-block
    errors."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        state = values.get(question.id, {}).get(question.id, {})
        if question.kind == "text":
            text = str(state.get("value") or "").strip()
            if question.required and not text:
                errors[question.id] = "Please write a few words."
            elif len(text) > MAX_ANSWER:
                errors[question.id] = (
                    f"Slack allows {MAX_ANSWER} characters here; please shorten it."
                )
            answers[question.id] = text
            continue
        chosen = (state.get("selected_option") or {}).get("value")
        if not chosen:
            if question.required:
                errors[question.id] = "Pick one."
            continue
        answers[question.id] = int(chosen) if question.kind == "scale" else str(chosen)
    return answers, errors


def home_history_blocks(history: History) -> list[Block]:
    """The "Your reflections" section of the App Home: streak, participation, the latest five."""
    pct = history.participation_pct
    participation = (
        f"{pct:.0f} % ({history.answered} of {plural(history.prompts, 'shift')})"
        if pct is not None
        else "no data yet"
    )
    lines = [f":fire: Streak: *{plural(history.streak, 'shift')}* · Last 30 days: {participation}"]
    for item in history.recent:
        if item.status == ReflectionStatus.SKIPPED:
            lines.append(f"• {short_date(item.shift_date)} — skipped")
        else:
            snippet = item.went_well if len(item.went_well) <= 80 else item.went_well[:79] + "…"
            lines.append(f"• {short_date(item.shift_date)} — {escape(snippet)}")
    if not history.recent:
        lines.append("No reflections yet: your first prompt comes at the end of your next shift.")
    return [HeaderBlock(text="Your reflections"), section("\n".join(lines))]
