"""Block Kit for reading reflections (issue 15): the lead's latest reflections on the App Home,
the person modal (a page of reflections, items, KPIs, kudos), the reply and assign modals, the
reply DMs, and the agent's "who read my reflections" line. User text is escaped everywhere."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.action_items import item_buttons
from bot.blocks.common import escape, fit, message_blocks, section
from bot.blocks.metrics import show
from bot.delivery import Rendered
from bot.services.kpis import Kpis
from bot.services.reading import PersonFile, Shown
from bot.services.replies import MAX_REPLY, Sent
from bot.services.team_settings import Targets
from bot.services.wording import plural, short_date
from bot.store.models import ActionItem, ReflectionStatus, Team

OPEN_PERSON = "reading_open"  # button (value: Slack user id) → PERSON_MODAL
OLDER = "reading_older"  # button in PERSON_MODAL (value: "<user id>|<shift date>")
REPLY = "reading_reply"  # button (value: reflection id) → REPLY_MODAL
DISCUSS = "reading_discuss"  # button (value: reflection id): mark for the next 1:1
ASSIGN = "reading_assign"  # button (value: Slack user id) → ASSIGN_MODAL
PERSON_MODAL = "reading_person"
REPLY_MODAL = "reading_reply_modal"  # private_metadata: reflection id
ASSIGN_MODAL = "reading_assign_modal"  # private_metadata: Slack user id
TEXT, DUE = "text", "due"
ANSWER_SHOWN = 500  # characters of one answer in a listing


def shown_text(item: Shown) -> str:
    """One reflection as mrkdwn: who, when, confidence, each answer under its question."""
    head = f"*<@{item.author}>* · {short_date(item.shift_date)}"
    if item.confidence is not None:
        head += f" · confidence {item.confidence}/5"
    if item.status != ReflectionStatus.ANSWERED:
        return f"{head} — skipped"
    lines = [head]
    for question, answer in item.answers:
        shown = answer if len(answer) <= ANSWER_SHOWN else answer[: ANSWER_SHOWN - 1] + "…"
        lines.append(f"*{escape(question)}*\n{escape(shown)}")
    return fit("\n".join(lines))


def _thread(item: Shown) -> list[Block]:
    if not item.replies:
        return []
    lines = [
        f"<@{r.author}> ({short_date(r.created_at)}): {escape(r.text)}" for r in item.replies[-5:]
    ]
    return [ContextBlock(elements=[MarkdownTextObject(text=fit("\n".join(lines), 2000))])]


def _buttons(item: Shown, *, lead: bool) -> list[Block]:
    elements = [ButtonElement(text="Reply", action_id=REPLY, value=str(item.id))]
    if lead and not item.discuss:
        elements.append(ButtonElement(text="Discuss in 1:1", action_id=DISCUSS, value=str(item.id)))
    if not lead and not item.replies:
        return []  # an agent answers back once a lead has written
    return [ActionsBlock(elements=elements)]


def lead_home_blocks(team: Team, latest: Sequence[Shown]) -> list[Block]:
    """A lead's App Home: the team's newest reflections, each with Open, Reply and Discuss."""
    if not team.leads_read_reflections:
        note = "This team keeps reflections private: leads see participation, not answers."
        return [ContextBlock(elements=[MarkdownTextObject(text=note)])]
    blocks: list[Block] = [section(f"*Latest reflections — {escape(team.name)}*")]
    if not latest:
        blocks.append(section("No answered reflections in the last 30 days."))
    for item in latest:
        open_button = ButtonElement(text="Open", action_id=OPEN_PERSON, value=item.author)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=shown_text(item)),
                                   accessory=open_button))  # fmt: skip
        blocks += _thread(item)
        blocks += _buttons(item, lead=True)
    return blocks


def kpi_line(mine: Kpis | None, team: Kpis | None, targets: Targets | None) -> str:
    """The last 30 days' KPIs against the team's and the target."""
    if mine is None or team is None:
        return "KPIs: not on a team as an agent."
    parts = []
    for field, name, unit, goal in (
        ("csat_pct", "CSAT", "%", targets.csat_pct if targets else None),
        ("fcr_pct", "FCR", "%", targets.fcr_pct if targets else None),
        ("nps", "NPS", "", targets.nps if targets else None),
        ("frt_median_s", "First response", "time", targets.frt_minutes * 60 if targets else None),
    ):
        goal_text = f", target {show(goal, unit)}" if goal is not None else ""
        parts.append(
            f"{name} {show(getattr(mine, field), unit)} "
            f"(team {show(getattr(team, field), unit)}{goal_text})"
        )
    return f"*Last 30 days:* {mine.tickets_solved} solved · " + " · ".join(parts)


def _items(title: str, items: Sequence[ActionItem]) -> str:
    if not items:
        return f"*{title}:* none"
    lines = [f"• {short_date(i.due_date)} — {escape(i.text)}" for i in items[:8]]
    return f"*{title}:*\n" + "\n".join(lines)


def person_modal(file: PersonFile, today: date) -> View:
    """One person's reflections, a page at a time, with what a lead needs beside them."""
    subject = file.subject.slack_user_id
    overdue = [i for i in file.open_items if i.due_date < today]
    kudos = f"*Kudos received:* {file.kudos_total}" + "".join(
        f"\n• <@{t.giver}>: {escape(t.reason[:150])}" for t in file.kudos_latest
    )
    blocks: list[Block] = [
        section(
            f"<@{subject}>" + (f" · {plural(len(overdue), 'overdue item')}" if overdue else "")
        ),
        section(kpi_line(file.kpis, file.team_kpis, file.targets)),
        section(_items("Open action items", file.open_items)),
        section(_items("Done lately", file.done_items)),
        section(kudos),
    ]
    if file.lead_view:
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text="Give an action item", action_id=ASSIGN, value=subject)
        ]))  # fmt: skip
    blocks.append(HeaderBlock(text="Reflections"))
    if not file.page:
        blocks.append(section("No reflections yet."))
    for item in file.page:
        blocks.append(section(shown_text(item)))
        blocks += _thread(item)
        blocks += _buttons(item, lead=file.lead_view)
    if file.older is not None:
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text="Older", action_id=OLDER, value=f"{subject}|{file.older}")
        ]))  # fmt: skip
    return View(type="modal", callback_id=PERSON_MODAL, private_metadata=subject,
                title="Reflections", close="Close", blocks=blocks)  # fmt: skip


def reply_modal(reflection_id: int, about: str) -> View:
    """Write a reply to one reflection."""
    return View(
        type="modal", callback_id=REPLY_MODAL, private_metadata=str(reflection_id),
        title="Reply", submit="Send", close="Cancel",
        blocks=[
            section(about),
            InputBlock(block_id=TEXT, label="Your reply", element=PlainTextInputElement(
                action_id=TEXT, multiline=True, max_length=MAX_REPLY)),
        ],
    )  # fmt: skip


def assign_modal(subject: str, today: date) -> View:
    """An action item for an agent, with its due date."""
    return View(
        type="modal", callback_id=ASSIGN_MODAL, private_metadata=subject,
        title="Action item", submit="Assign", close="Cancel",
        blocks=[
            section(f"For <@{subject}>; they are told, and see it on their App Home."),
            InputBlock(block_id=TEXT, label="What should they do?",
                       element=PlainTextInputElement(action_id=TEXT, max_length=300)),
            InputBlock(block_id=DUE, label="By when?", element=DatePickerElement(
                action_id=DUE, initial_date=f"{today + timedelta(days=7):%Y-%m-%d}")),
        ],
    )  # fmt: skip


def reply_dm(sent: Sent, to: str) -> Rendered:
    """The DM that carries a reply: to the agent from a lead, or to a lead from the agent."""
    day = f"{short_date(sent.reflection.shift_date)}"
    if to == sent.subject:
        text = f"<@{sent.author}> replied to your reflection of {day}: {escape(sent.text)}"
    else:
        text = f"<@{sent.author}> answered on their reflection of {day}: {escape(sent.text)}"
    text = fit(text)
    buttons = [ButtonElement(text="Reply", action_id=REPLY, value=str(sent.reflection.id))]
    if to != sent.subject:
        buttons.append(ButtonElement(text="Open", action_id=OPEN_PERSON, value=sent.subject))
    return text, message_blocks([section(text), ActionsBlock(elements=buttons)])


def assigned_dm(lead: str, item: ActionItem) -> Rendered:
    """The agent hears of an item their lead gave them, with Done and Snooze."""
    text = (
        f"<@{lead}> gave you an action item, due {short_date(item.due_date)}: {escape(item.text)}"
    )
    return text, message_blocks([section(f":dart: {text}"), item_buttons(item.id)])


def reads_blocks(me: str, reads: Sequence[tuple[str, datetime]], *, readable: bool) -> list[Block]:
    """Under the agent's reflections: their whole history, and who read it lately (or that
    no lead may)."""
    if not readable:
        text = "Your team keeps reflections private: no lead can read them."
    elif not reads:
        text = "No lead has opened your reflections in the last 30 days."
    else:
        who = ", ".join(f"<@{user}> ({short_date(when)})" for user, when in reads[:10])
        text = f"Read by your leads in the last 30 days: {who}"
    return [
        ActionsBlock(elements=[
            ButtonElement(text="All my reflections", action_id=OPEN_PERSON, value=me)
        ]),
        ContextBlock(elements=[MarkdownTextObject(text=text)]),
    ]  # fmt: skip
