"""Block Kit for 1:1s (issue 15): the agenda a lead gets in DM, and the *Mark as held* modal.
The agenda goes to the lead only; reflection text is in it only where they may read it."""

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import (
    MAX_BLOCKS_PER_MESSAGE,
    escape,
    fit,
    message_blocks,
    plural,
    section,
)
from bot.blocks.reading import kpi_line, shown_text
from bot.delivery import Rendered
from bot.services import payloads
from bot.services.one_on_ones import Agenda
from bot.services.wording import short_date
from bot.store.models import SurveyResponse

HELD = "one_on_one_held"  # button (value: the agent's Slack id) → HELD_MODAL
DISCUSS_RATING = "one_on_one_rating"  # button on a low rating's alert (value: the survey's id)
HELD_MODAL = "one_on_one_held_modal"  # private_metadata: the agent's Slack id
NOTES = "notes"


def agenda_message(agenda: Agenda, when: str | None = None) -> Rendered:
    """The agenda, with *Mark as held*; `when`: the scheduled 1:1's date and time."""
    since = (
        f"since your last 1:1 ({short_date(agenda.last_held.held_at)})"
        if agenda.last_held
        else "(no 1:1 recorded yet)"
    )
    text = f"1:1 agenda for <@{agenda.agent}> {since}"
    if when:
        text = f"Your 1:1 with <@{agenda.agent}> is on {when}. Agenda {since}"
    blocks: list[Block] = [HeaderBlock(text="1:1 agenda"), section(text)]
    if agenda.last_held and agenda.last_held.notes:
        blocks.append(section(f"*Last notes:* {escape(agenda.last_held.notes)}"))
    if not agenda.readable:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text="Their team keeps reflections private: no reflection text here.")]))  # fmt: skip
    if agenda.flagged or agenda.ratings:
        blocks.append(section("*Marked to discuss*"))
        blocks += [section(shown_text(item)) for item in agenda.flagged[:5]]
        blocks += [section(rating_text(survey)) for survey in agenda.ratings[:5]]
    if agenda.readable:
        blocks.append(section(f"*Reflections {since}:* {len(agenda.recent)}"))
        blocks += [section(shown_text(item)) for item in agenda.recent[:5]]
    if agenda.confidence:
        trend = " → ".join(f"{score}" for _, score in agenda.confidence)
        blocks.append(section(f"*Confidence, oldest to newest:* {trend}"))
    items = "\n".join(
        f"• {short_date(i.due_date)} — {escape(i.text)}" for i in agenda.open_items[:8]
    ) or "none"  # fmt: skip
    overdue = f" ({agenda.overdue} overdue)" if agenda.overdue else ""
    blocks.append(section(f"*Open action items{overdue}:*\n{items}"))
    blocks.append(section(kpi_line(agenda.kpis, agenda.team_kpis, agenda.targets)))
    if agenda.kudos:
        blocks.append(section("*Kudos received:*\n" + "\n".join(
            f"• <@{t.giver}>: {escape(t.reason[:200])}" for t in agenda.kudos)))  # fmt: skip
    if agenda.feedback:
        blocks.append(section(fit("*Named feedback received:*\n" + "\n".join(
            f"• <@{f.giver}>: {escape(f.well or '')} / {escape(f.differently or '')}"
            for f in agenda.feedback))))  # fmt: skip
    blocks = blocks[: MAX_BLOCKS_PER_MESSAGE - 1]
    blocks.append(ActionsBlock(elements=[
        ButtonElement(text="Mark as held", action_id=HELD, value=agenda.agent, style="primary")
    ]))  # fmt: skip
    return text, message_blocks(blocks)


def rating_text(survey: SurveyResponse) -> str:
    """A low rating on the agenda: score, ticket, day and the customer's words, escaped."""
    scale = "5" if survey.kind == "csat" else "10"
    ticket = f" on ticket {escape(survey.ticket_id)}" if survey.ticket_id else ""
    return (
        f"A customer rated *{survey.score}/{scale}* ({survey.kind.upper()}){ticket}, "
        f"{short_date(survey.submitted_at)}: “{escape((survey.comment or '')[:500])}”"
    )


def held_modal(agent: str) -> View:
    """Notes for the 1:1 just held."""
    return View(
        type="modal", callback_id=HELD_MODAL, private_metadata=agent, title="1:1 held",
        submit="Save", close="Cancel",
        blocks=[
            section(f"Your 1:1 with <@{agent}>. The next agenda starts from here."),
            InputBlock(block_id=NOTES, label="Notes (for you)", optional=True,
                       element=PlainTextInputElement(action_id=NOTES, multiline=True,
                                                     max_length=3000)),
        ],
    )  # fmt: skip


def agent_note(lead: str, when: str, agenda: Agenda) -> Rendered:
    """The agent's heads-up the working day before a scheduled 1:1: what to bring."""
    items = "\n".join(
        f"• {short_date(i.due_date)} — {escape(i.text)}" for i in agenda.open_items[:8]
    ) or "none"  # fmt: skip
    text = f"Your 1:1 with <@{lead}> is on {when}."
    marked = len(agenda.flagged)
    lines = [text, f"*Your open action items:*\n{items}"]
    if marked:
        lines.append(f"Your lead marked {plural(marked, 'reflection')} of yours to talk about.")
    if agenda.ratings:
        ratings = plural(len(agenda.ratings), "customer rating")
        lines.append(f"Your lead will bring {ratings} of yours to talk about.")
    return text, message_blocks([section(line) for line in lines])


def stored_message(payload: payloads.Rendered) -> Rendered:
    """A message rendered when it was claimed (the agenda of that morning)."""
    blocks = payload.get("blocks")
    return str(payload["text"]), list(blocks) if isinstance(blocks, list) else []
