"""Block Kit for the welcome DM and the test check-in (issue 16). Owns their ids."""

from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)
from slack_sdk.models.views import View

from bot.blocks.checkins import TEST_NOTE
from bot.blocks.common import escape, message_blocks, section
from bot.delivery import Rendered, Renderer, payload_of
from bot.services import payloads
from bot.services.payloads import OutboxKind
from bot.services.wording import example_date, short_date

TEST_CHECKIN = "welcome_test_checkin"  # button: a test prompt DM
TEST_REFLECT = "test_reflect_open"  # the test prompt's button → checkins.TEST_MODAL


def _names(names: list[str]) -> str:
    shown = [f"*{escape(name)}*" for name in names]
    return ", ".join(shown[:-1]) + f" and {shown[-1]}" if len(shown) > 1 else "".join(shown)


def welcome_message(payload: payloads.Welcome) -> Rendered:
    """What CX Coach does, for someone just added to a team."""
    teams, leads = list(payload["teams"]), list(payload["leads"])
    text = f"Welcome to CX Coach — you're on {_names(teams) or 'a team'} now."
    lead = (f" Your lead: {', '.join(f'<@{u}>' for u in leads)}." if leads
            else " Your team has no lead yet.")  # fmt: skip
    lines = [
        f":wave: {text}{lead}",
        "I help you get better at customer service: a short reflection at the end of each "
        "shift, feedback from colleagues, your helpdesk numbers, and kudos.",
    ]
    if payload.get("shift"):
        at = payload.get("next_checkin")
        when = datetime.fromisoformat(at) if at else None
        first = f" Your first check-in: {short_date(when)} at {when:%H:%M}." if when else ""
        lines.append(
            f"*Your shift:* {escape(payload['shift'] or '')} "
            f"({escape(payload['zone'] or '')}).{first}"
        )
    else:
        lines.append("*Your shift* is not set yet, so no check-ins come: tell me with "
                     "`/cx-shift mon-fri 17:30` (your local time).")  # fmt: skip
    questions = "\n".join(f"• {escape(q)}" for q in payload["questions"])
    if questions:
        lines.append(f"*At the end of each shift I'll ask:*\n{questions}")
    readers = "you and your team's leads" if payload.get("leads_read") else "only you"
    lines.append(
        f"*Who sees what:* your reflections — {readers}. Feedback colleagues give anonymously "
        "reaches you only in groups of three or more, never with names. Your own numbers — you, "
        "your leads and CX Coach admins; channels only ever get team figures."
    )
    lines.append(
        f"*Time off?* `/cx-shift away until {example_date()}`, or a Slack status like "
        ":palm_tree: Vacationing: check-ins pause until you're back."
    )
    blocks: list[Block] = [section(line) for line in lines]
    blocks.append(ActionsBlock(elements=[
        ButtonElement(text="Send me a test check-in", action_id=TEST_CHECKIN, value="test")
    ]))  # fmt: skip
    return text, message_blocks(blocks)


RENDERERS: dict[str, Renderer] = {OutboxKind.WELCOME: lambda row: welcome_message(payload_of(row))}


def test_prompt(today: date) -> Rendered:
    """A check-in like the real one, marked as a test."""
    text = f"Test check-in: this is what arrives when your shift ends ({short_date(today)})."
    blocks: list[Block] = [
        section(f":test_tube: {text}"),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Reflect now", action_id=TEST_REFLECT, value=str(today), style="primary"
                )
            ]
        ),
        ContextBlock(elements=[MarkdownTextObject(text=TEST_NOTE)]),
    ]
    return text, message_blocks(blocks)


def test_done() -> View:
    """What the test modal becomes when sent."""
    return View(type="modal", title="Test check-in", close="Done", blocks=[section(
        ":white_check_mark: That's all a check-in takes. This one was a test, so nothing was "
        "saved; the real one comes at the end of your shift.")])  # fmt: skip
