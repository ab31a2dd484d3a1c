"""Block Kit for what feedback looks like once given: the answers' DMs, the closing summary,
suggestions, the status list, the App Home section, and the outbox renderers."""

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
)

from bot.blocks.common import escape, message_blocks, section
from bot.blocks.feedback import ASK_BUTTON, CANCEL, DECLINE, GIVE, about, ask_message
from bot.delivery import Rendered, Renderer, payload_of
from bot.services import payloads
from bot.services.feedback import ANONYMITY_MINIMUM
from bot.services.feedback_life import Received, RequestStatus, Waiting
from bot.services.payloads import OutboxKind
from bot.services.wording import plural, short_date
from bot.store.models import Outbox, RequestState


def _answer_lines(answer: payloads.Answer) -> str:
    who = f"<@{answer['giver']}>" if answer.get("giver") else "Anonymous"
    lines = [f"*{who}*"]
    if answer.get("well"):
        lines.append(f"> *Does well:* {escape(answer['well'] or '')}")
    if answer.get("differently"):
        lines.append(f"> *Could do differently:* {escape(answer['differently'] or '')}")
    if answer.get("ratings"):
        lines.append("> " + " · ".join(f"{k} {v}/5" for k, v in answer["ratings"].items()))
    return "\n".join(lines)


def answers_message(
    payload: payloads.FeedbackAnswers, *, batch: bool, reader: str = ""
) -> Rendered:
    """Answers for their readers: one named answer, or a batch of anonymous ones; about "you"
    for the person they are about (`reader`: the Slack id it goes to)."""
    own = payload["kind"] != "360" or payload.get("subject") == reader
    about = "you" if own else f"<@{payload['subject']}>"
    count = len(payload["answers"])
    text = (
        f"{plural(count, 'anonymous answer')} about {about}, shared together"
        if batch
        else f"New feedback about {about}"
    )
    blocks: list[Block] = [
        section(
            f":mailbox_with_mail: *{text}*"
            + (f" — on: {escape(payload['topic'] or '')}" if payload.get("topic") else "")
        )
    ]
    for answer in payload["answers"][:40]:
        blocks.append(section(_answer_lines(answer)))
    return text, message_blocks(blocks)


def closed_message(payload: payloads.FeedbackClosed) -> Rendered:
    """The asker's summary when a request expires."""
    text = f"Your feedback request has closed: {payload['answered']} of {payload['asked']} answered"
    lines = [text + (f", {payload['declined']} declined." if payload["declined"] else ".")]
    silent = payload["unanswered"]  # a count (a list of Slack ids in summaries made before)
    silent = len(silent) if isinstance(silent, list) else int(silent)
    if silent:
        lines.append(f"No answer from {plural(silent, 'colleague')}.")
    if payload["withheld"]:
        lines.append(
            f"{plural(payload['withheld'], 'anonymous answer')} will never reach you: CX Coach "
            f"shares anonymous answers only in groups of at least {ANONYMITY_MINIMUM}, so that "
            "nobody can tell who wrote what, and this request closed with fewer."
        )
    return text, message_blocks([section("\n".join(lines))])


def suggestion_message(payload: payloads.Suggestion) -> Rendered:
    """A process suggestion for a lead."""
    who = f"<@{payload['from']}>" if payload.get("from") else "Someone in your team (anonymous)"
    text = f"A suggestion from {who}" if payload.get("from") else "An anonymous suggestion"
    teams = ", ".join(escape(name) for name in payload.get("teams", []))
    return text, message_blocks(
        [
            section(f":bulb: *{text}* ({teams})\n> {escape(payload['text'])}"),
        ]
    )


def status_blocks(statuses: Sequence[RequestStatus]) -> list[Block]:
    """My requests: who answered, who declined, who has not yet; a Cancel button while open."""
    if not statuses:
        return [
            section(
                "You have no feedback requests in the last 30 days. Ask with "
                "`/cx-feedback @colleague [what you'd like feedback on]`."
            )
        ]
    blocks: list[Block] = []
    for status in statuses[:12]:
        request = status.request
        about = "you" if request.kind == "request" else f"<@{status.subject}>"
        head = f"*Feedback about {about}* ({short_date(request.created_at)}, {request.status})"
        if request.topic:
            head += f" — {escape(request.topic)}"
        lines = [head]
        # Counts, never names: colleagues may answer anonymously, and a list of who answered or
        # who has not would point at them.
        anonymous = status.anonymous_waiting + status.anonymous_shared
        answered = len(status.answered) + anonymous
        counts = f"{answered} of {request.asked} answered"
        if anonymous:
            counts += f" ({anonymous} anonymously)"
        if status.declined:
            counts += f", {len(status.declined)} declined"
        if status.pending and request.status == RequestState.OPEN:
            counts += f", {len(status.pending)} not yet"
        lines.append(counts + ".")
        if status.anonymous_waiting:
            lines.append(
                f"{plural(status.anonymous_waiting, 'anonymous answer')} waiting: they are shared "
                f"together once there are {ANONYMITY_MINIMUM}."
            )
        if status.anonymous_shared:
            lines.append(f"{plural(status.anonymous_shared, 'anonymous answer')} shared.")
        blocks.append(section("\n".join(lines)))
        if request.status == RequestState.OPEN:
            blocks.append(
                ActionsBlock(
                    elements=[
                        ButtonElement(
                            text="Cancel request",
                            action_id=CANCEL,
                            value=str(request.id),
                        )
                    ]
                )
            )
    return blocks


def home_feedback_blocks(
    received: Sequence[Received],
    waiting: Sequence[Waiting],
    statuses: Sequence[RequestStatus],
    *,
    lead: bool,
) -> list[Block]:
    """The App Home's feedback section."""
    blocks: list[Block] = [HeaderBlock(text="Feedback")]
    buttons = [ButtonElement(text="Ask for feedback", action_id=ASK_BUTTON, value="self")]
    if lead:
        buttons.append(ButtonElement(text="Ask for a 360", action_id=ASK_BUTTON, value="360"))
    blocks.append(ActionsBlock(elements=buttons))
    for item in waiting[:5]:
        asked = about(item.request.kind, item.subject, item.asked_by)
        blocks.append(section(f"*Waiting for you:* {asked}"))
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Give feedback",
                        action_id=GIVE,
                        value=str(item.ask_id),
                        style="primary",
                    ),
                    ButtonElement(text="Decline", action_id=DECLINE, value=str(item.ask_id)),
                ]
            )
        )
    if received:
        lines = ["*Received (latest first)*"]
        lines += [
            _answer_lines(
                {
                    "giver": r.giver,
                    "well": r.well,
                    "differently": r.differently,
                    "ratings": r.ratings,
                }
            )
            for r in received
        ]
        blocks.append(section("\n".join(lines)))
    else:
        blocks.append(section("No feedback received yet."))
    open_requests = [s for s in statuses if s.request.status == RequestState.OPEN]
    if open_requests:
        blocks.append(DividerBlock())
        blocks += status_blocks(open_requests)
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Anonymous answers are stored without a name and shared only in "
                    f"groups of {ANONYMITY_MINIMUM} or more."
                )
            ]
        )
    )
    return blocks


def render_ask(row: Outbox) -> Rendered:
    """Outbox renderer for kinds "feedback_ask" and "feedback_reminder"."""
    return ask_message(payload_of(row))


def started_message(payload: payloads.FeedbackStarted) -> Rendered:
    """To the agent a lead's 360 is about, when it starts."""
    asked = plural(int(payload["asked"]), "colleague")
    topic = f" on “{escape(payload['topic'] or '')}”" if payload.get("topic") else ""
    text = f"<@{payload['lead']}> asked {asked} for feedback about you{topic}."
    who = ("You'll get the answers too, as they come" if payload.get("shared")
           else "Your lead reads the answers")  # fmt: skip
    until = short_date(datetime.fromisoformat(payload["until"]))
    rest = (f"{who}; anonymous ones only in groups of {ANONYMITY_MINIMUM}, never with names. "
            f"It stays open until {until}.")  # fmt: skip
    return text, message_blocks([section(text), section(rest)])


RENDERERS: dict[str, Renderer] = {
    OutboxKind.FEEDBACK_ASK: render_ask,
    OutboxKind.FEEDBACK_REMINDER: render_ask,
    OutboxKind.FEEDBACK_RECEIVED: lambda row: answers_message(
        payload_of(row), batch=False, reader=row.channel
    ),
    OutboxKind.FEEDBACK_BATCH: lambda row: answers_message(
        payload_of(row), batch=True, reader=row.channel
    ),
    OutboxKind.FEEDBACK_STARTED: lambda row: started_message(payload_of(row)),
    OutboxKind.FEEDBACK_CLOSED: lambda row: closed_message(payload_of(row)),
    OutboxKind.SUGGESTION: lambda row: suggestion_message(payload_of(row)),
}
