"""Block Kit for peer feedback: the ask DM, the give modal, the answers' DMs, the status list,
the App Home sections and the outbox renderers. Owns their action and callback ids."""

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import escape, message_blocks, section
from bot.delivery import Rendered
from bot.services import payloads
from bot.services.feedback import ANONYMITY_MINIMUM, MAX_PEOPLE, MAX_TOPIC, SKILLS, Answer

GIVE = "feedback_give"  # button (value: ask id) → GIVE_MODAL
DECLINE = "feedback_decline"  # button (value: ask id)
CANCEL = "feedback_cancel"  # button (value: request id)
ASK_BUTTON = "feedback_ask_open"  # App Home button → ASK_MODAL
GIVE_MODAL = "feedback_give_modal"  # private_metadata: {"ask", "channel", "ts"}
ASK_MODAL = "feedback_ask_modal"  # private_metadata: "" (for myself) or "360"
WELL, DIFFERENTLY, ANONYMOUS = "well", "differently", "anonymous"
SUBJECT, REVIEWERS, TOPIC = "subject", "reviewers", "topic"
MAX_ANSWER = 3000
SENT_ANONYMOUSLY = (
    ":white_check_mark: Sent anonymously. Your name is not stored with it, and it is shared "
    f"only together with at least {ANONYMITY_MINIMUM - 1} other anonymous answers."
)


def about(kind: str, subject: str, asked_by: str) -> str:
    if kind == "round":
        return f"This week's feedback round: how is <@{subject}> doing?"
    if kind == "360":
        return f"<@{asked_by}> would like your feedback about <@{subject}>."
    return f"<@{subject}> would like your feedback."


def ask_message(payload: payloads.FeedbackAsk) -> Rendered:
    """The DM asking a reviewer (or reminding them once)."""
    text = about(payload["kind"], payload["subject"], payload["asked_by"])
    if payload.get("reminder"):
        text = "Reminder: " + text[0].lower() + text[1:]
    lines = [f":speech_balloon: {text}"]
    if payload.get("topic"):
        lines.append(f"*On:* {escape(payload['topic'] or '')}")
    lines.append(
        f"Open until {payload['expires']}. Two short questions; you can answer anonymously."
    )
    blocks: list[Block] = [
        section("\n".join(lines)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Give feedback", action_id=GIVE, value=str(payload["ask"]), style="primary"
                ),
                ButtonElement(text="Decline", action_id=DECLINE, value=str(payload["ask"])),
            ]
        ),
    ]
    return text, message_blocks(blocks)


def done_message(text: str) -> Rendered:
    """What the ask DM becomes once answered, declined or cancelled."""
    return text, message_blocks([section(text)])


def give_modal(subject: str, topic: str | None, kind: str) -> View:
    """Two questions, four optional ratings and the anonymity choice; whom it is about as a
    mention at the top (a title or a label cannot show one)."""
    whom = f" for <@{subject}>" if subject else ""
    why = " (a 360 their lead asked for)" if kind == "360" else ""
    blocks: list[Block] = [section(f"Your feedback{whom}{why}")]
    if topic:
        blocks.append(section(f"*They'd like feedback on:* {escape(topic)}"))
    blocks += [
        InputBlock(
            block_id=WELL,
            label="What do they do well?",
            optional=True,
            element=PlainTextInputElement(action_id=WELL, multiline=True, max_length=MAX_ANSWER),
        ),
        InputBlock(
            block_id=DIFFERENTLY,
            label="One thing they could do differently?",
            optional=True,
            element=PlainTextInputElement(
                action_id=DIFFERENTLY, multiline=True, max_length=MAX_ANSWER
            ),
        ),
    ]
    for skill in SKILLS:
        options = [Option(value=str(n), text=f"{n}") for n in range(1, 6)]
        blocks.append(
            InputBlock(
                block_id=_skill_id(skill),
                label=f"{skill.capitalize()} (1–5)",
                optional=True,
                element=StaticSelectElement(action_id=_skill_id(skill), options=options),
            )
        )
    anonymous = Option(
        value="yes",
        text="Send anonymously",
        description=f"Shared only with at least {ANONYMITY_MINIMUM - 1} other "
        "anonymous answers, in one batch; your name is never stored.",
    )
    blocks.append(
        InputBlock(
            block_id=ANONYMOUS,
            label="Anonymity",
            optional=True,
            element=CheckboxesElement(action_id=ANONYMOUS, options=[anonymous]),
        )
    )
    return View(
        type="modal",
        callback_id=GIVE_MODAL,
        title="Give feedback",
        submit="Send",
        close="Later",
        blocks=blocks,
    )


def _skill_id(skill: str) -> str:
    return "rate_" + skill.replace(" ", "_")


def read_give_modal(values: dict[str, Any]) -> tuple[Answer, dict[str, str]]:
    """The answer and per-block errors."""

    def state(block: str) -> dict[str, Any]:
        result: dict[str, Any] = values.get(block, {}).get(block, {})
        return result

    well = str(state(WELL).get("value") or "").strip()
    differently = str(state(DIFFERENTLY).get("value") or "").strip()
    errors = {}
    if not well and not differently:
        errors[WELL] = "Write at least one of the two answers."
    ratings = {
        skill: int(chosen["value"])
        for skill in SKILLS
        if (chosen := state(_skill_id(skill)).get("selected_option"))
    }
    anonymous = bool(state(ANONYMOUS).get("selected_options"))
    return Answer(well or None, differently or None, ratings, anonymous), errors


def ask_modal(*, for_360: bool) -> View:
    """Ask colleagues for feedback on me, or (a lead) about an agent."""
    blocks: list[Block] = []
    if for_360:
        blocks.append(
            InputBlock(
                block_id=SUBJECT,
                label="Feedback about",
                element=UserSelectElement(action_id=SUBJECT),
            )
        )
    blocks += [
        InputBlock(
            block_id=REVIEWERS,
            label=f"Ask (up to {MAX_PEOPLE} colleagues)",
            element=UserMultiSelectElement(action_id=REVIEWERS, max_selected_items=MAX_PEOPLE),
        ),
        InputBlock(
            block_id=TOPIC,
            label="What would you like feedback on?",
            optional=True,
            element=PlainTextInputElement(action_id=TOPIC, max_length=MAX_TOPIC),
        ),
    ]
    return View(
        type="modal",
        callback_id=ASK_MODAL,
        private_metadata="360" if for_360 else "",
        title="Ask for a 360" if for_360 else "Ask for feedback",
        submit="Ask",
        close="Cancel",
        blocks=blocks,
    )
