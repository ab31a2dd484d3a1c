"""Block Kit for action items: the modal, the due-date DM, and the App Home list."""

from collections.abc import Sequence
from datetime import date, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import escape, message_blocks, section
from bot.delivery import Rendered, payload_of
from bot.services.wording import short_date
from bot.store.models import ActionItem, ItemStatus, Outbox

ADD_ACTION = "action_add"  # button (value: the reflection's shift date, or "") → ACTION_MODAL
ACTION_MODAL = "action_modal"  # private_metadata: shift date or ""
ACTION_DONE = "action_done"  # button (value: item id)
ACTION_SNOOZE = "action_snooze"  # button (value: item id)
TEXT, DUE = "text", "due"
MAX_TEXT = 300


def field_of(error: Exception) -> str:
    """The field an action item's refusal is shown beside: the date's, or the text's."""
    return DUE if "date" in str(error) else TEXT


def add_button(shift_date: date | None = None) -> ButtonElement:
    """The button that opens the action item modal (from a reflection, or on its own)."""
    return ButtonElement(
        text="Turn into an action item" if shift_date else "Add an action item",
        action_id=ADD_ACTION,
        value=str(shift_date or ""),
    )


def action_modal(today: date, shift_date: date | None, text: str = "") -> View:
    """What to do, and by when."""
    return View(
        type="modal",
        callback_id=ACTION_MODAL,
        private_metadata=str(shift_date or ""),
        title="Action item",
        submit="Save",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=TEXT,
                label="What will you do?",
                element=PlainTextInputElement(
                    action_id=TEXT, max_length=MAX_TEXT, initial_value=text[:MAX_TEXT] or None
                ),
            ),
            InputBlock(
                block_id=DUE,
                label="By when?",
                element=DatePickerElement(
                    action_id=DUE, initial_date=f"{today + timedelta(days=7):%Y-%m-%d}"
                ),
            ),
        ],
    )


def item_buttons(item_id: int | None) -> ActionsBlock:
    """Done and snooze."""
    return ActionsBlock(
        elements=[
            ButtonElement(text="Done", action_id=ACTION_DONE, value=str(item_id), style="primary"),
            ButtonElement(text="Snooze a week", action_id=ACTION_SNOOZE, value=str(item_id)),
        ]
    )


def render_due(row: Outbox) -> Rendered:
    """Outbox renderer for kind "action_due"."""
    payload = payload_of(row)
    text = f"Action item due today: {escape(payload['text'])}"
    return text, message_blocks([section(f":dart: {text}"), item_buttons(payload["item_id"])])


def settled_message(item: ActionItem) -> Rendered:
    """What the due-date DM becomes after Done or Snooze."""
    if item.status == ItemStatus.DONE:
        text = f":white_check_mark: Done: {escape(item.text)}"
    else:
        text = f":zzz: Snoozed to {short_date(item.due_date)}: {escape(item.text)}"
    return text, message_blocks([section(text)])


def saved_message(item: ActionItem) -> Rendered:
    """The DM confirming a new action item of your own."""
    text = (f":pushpin: Action item saved, due {short_date(item.due_date)}: {escape(item.text)}. "
            "I'll remind you that morning.")  # fmt: skip
    return text, message_blocks([section(text), item_buttons(item.id)])


def home_action_blocks(items: Sequence[ActionItem]) -> list[Block]:
    """The "Your action items" section of the App Home, each item with its buttons."""
    blocks: list[Block] = [HeaderBlock(text="Your action items")]
    if not items:
        blocks.append(section("None open."))
    for item in items[:10]:
        blocks.append(section(f"*Due {short_date(item.due_date)}* — {escape(item.text)}"))
        blocks.append(item_buttons(item.id))
    blocks.append(ActionsBlock(elements=[add_button()]))
    return blocks
