"""The App Home tab, rendered from one person's page (bot.services.home_page): who you are in
CX Coach, your history, items, feedback and kudos, schedule, your teams for a lead, the set-up
checklist and uploads for an admin, and what CX Coach will do for you."""

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
)
from slack_sdk.models.views import View

from bot.blocks.action_items import home_action_blocks
from bot.blocks.checkins import home_history_blocks
from bot.blocks.common import escape, plural, section
from bot.blocks.feedback_messages import home_feedback_blocks
from bot.blocks.kudos import home_kudos_blocks
from bot.blocks.privacy import your_data_blocks
from bot.blocks.reading import lead_home_blocks, reads_blocks
from bot.blocks.shifts import home_schedule_blocks
from bot.blocks.team_view import delivery_problem_blocks, team_week_blocks
from bot.blocks.teams import home_teams_blocks
from bot.blocks.themes import home_blocks as home_theme_blocks
from bot.blocks.uploads import home_buttons as upload_buttons
from bot.blocks.welcome import TEST_CHECKIN
from bot.services.history import History
from bot.services.home_page import HomePage
from bot.services.people import Role, Standing
from bot.services.setup_checklist import Step
from bot.services.shifts import ShiftOverview
from bot.services.team_view import DeliveryProblem, TeamWeek
from bot.services.templates import DEFAULT
from bot.store.models import ActionItem, Team

MAX_HOME_BLOCKS = 100


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"*{escape(name)}*" for name in names)


def _role_line(standing: Standing) -> str:
    parts = []
    if standing.role is Role.ADMIN:
        parts.append("You're an *admin*: you set up teams, channels and targets.")
    if standing.leads:
        parts.append(f"You lead {_names(standing.leads)}.")
    if standing.member_of:
        parts.append(f"You're an agent in {_names(standing.member_of)}.")
    if not parts:
        parts.append(
            "You're not on a team yet. Ask your team lead or a CX Coach admin to add you "
            "(`/cx-team add`)."
        )
    return " ".join(parts)


def _what_next(standing: Standing, questions: Sequence[str]) -> list[str]:
    asked = "\n".join(f"  • {escape(q)}" for q in questions)
    lines = [
        f"*At the end of each shift* I'll DM you {plural(len(questions), 'question')}:\n"
        f"{asked}\nYour answers build a private history, streaks and action items.",
        "*Peer feedback*: ask colleagues how you're doing with `/cx-feedback`, "
        "anonymously if they prefer.",
        "*Your numbers*: CSAT, NPS, first-contact resolution and response times with "
        "`/cx-metrics`.",
        "*Celebrate*: give kudos with `/cx-kudos`; your team's channel gets a weekly digest.",
    ]
    if standing.role is Role.LEAD or standing.leads:
        lines.append(
            "*As a lead* you'll see your team's participation, training needs, KPIs and — if "
            "your team allows it — their latest reflections here; `/cx-1on1 @agent` gives you "
            "a 1:1 agenda."
        )
    return lines


def checklist_blocks(steps: Sequence[Step]) -> list[Block]:
    """An admin's set-up checklist, ticked from what is done; nothing once all is."""
    if all(step.done for step in steps):
        return []
    done = sum(1 for step in steps if step.done)
    lines = [
        f"{':white_check_mark:' if step.done else ':white_large_square:'} "
        + (f"~{step.what}~" if step.done else f"*{step.what}* — {step.how}")
        for step in steps
    ]
    return [
        section(f"*Set up CX Coach* ({done} of {len(steps)} done)\n" + "\n".join(lines)),
        ActionsBlock(elements=[
            ButtonElement(text="Send me a test check-in", action_id=TEST_CHECKIN, value="test")
        ]),
        DividerBlock(),
    ]  # fmt: skip


def view(
    standing: Standing,
    schedule: ShiftOverview | None = None,
    managed: Sequence[Team] = (),
    history: History | None = None,
    team_weeks: Sequence[TeamWeek] = (),
    problems: Sequence[DeliveryProblem] = (),
    action_items: Sequence[ActionItem] | None = None,
    received: Sequence[Block] = (),
    reading: Sequence[Block] = (),
    questions: Sequence[str] = (),
    checklist: Sequence[Step] = (),
    uploads: Sequence[Block] = (),
) -> View:
    """The home tab for one person: their history and action items, feedback and kudos
    (`received`), their schedule when known, and the teams they manage; `reading`: who read
    their reflections, and for a lead the team's latest reflections; `questions`: those the
    person answers; `checklist`: an admin's set-up steps (shown until all are done)."""
    admin = standing.role is Role.ADMIN
    team_section = home_teams_blocks(managed, admin=admin) if admin or managed else []
    zone = escape(standing.timezone) if standing.timezone else "not set in your Slack profile"
    blocks: list[Block] = [
        HeaderBlock(text="CX Coach"),
        section(f"Hi <@{standing.slack_user_id}>! {_role_line(standing)}"),
        ContextBlock(elements=[MarkdownTextObject(text=f"Your time zone: {zone}")]),
        DividerBlock(),
        *(checklist_blocks(checklist) if admin and checklist else []),
        *(home_history_blocks(history) if history is not None else []),
        *reading,
        *(home_action_blocks(action_items) if action_items is not None else []),
        *received,
        *(home_schedule_blocks(schedule) if schedule is not None else []),
        *([DividerBlock()] if schedule is not None else []),
        *team_week_blocks(team_weeks),
        *delivery_problem_blocks(problems),
        *team_section,
        *uploads,
        *([DividerBlock()] if team_section or uploads else []),
        section("*What CX Coach will do for you*"),
        *(section(line) for line in _what_next(standing, questions or [q.text for q in DEFAULT])),
        DividerBlock(),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Commands: `/cx-reflect` · `/cx-feedback` · `/cx-kudos` · "
                    "`/cx-metrics` · `/cx-shift` · `/cx-team` · `/cx-1on1` — add `help` to any "
                    "of them."
                )
            ]
        ),
    ]
    if len(blocks) > MAX_HOME_BLOCKS:  # Slack refuses the whole tab past 100 blocks
        cut = ContextBlock(elements=[MarkdownTextObject(text="This page is cut short here.")])
        blocks = [*blocks[: MAX_HOME_BLOCKS - 2], cut, blocks[-1]]
    return View(type="home", blocks=blocks)


def unavailable_view() -> View:
    """The home tab shown while CX Coach cannot reach its database."""
    return View(
        type="home",
        blocks=[
            HeaderBlock(text="CX Coach"),
            section(
                ":hourglass: CX Coach can't reach its database right now. "
                "Nothing you saved is lost — please open this tab again in a minute."
            ),
        ],
    )


def page_view(page: HomePage) -> View:
    """The whole App Home of one person, from their page (bot.services.home_page)."""
    actor = page.actor
    received = [
        *home_feedback_blocks(page.received, page.waiting, page.requests,
                              lead=bool(actor.leads) or actor.is_admin),
        *home_kudos_blocks(page.person, page.kudos_total, page.kudos_latest),
        *your_data_blocks(page.data, admin=actor.is_admin),
    ]  # fmt: skip
    read = reads_blocks(page.person.slack_user_id, page.reads, readable=page.readable)
    for lead in page.led:
        read += lead_home_blocks(lead.team, lead.latest) + home_theme_blocks(lead.themes)
    return view(
        page.standing, page.schedule, page.managed, page.history, [t.week for t in page.led],
        page.problems, page.items, received, read,
        questions=[q.text for q in page.questions], checklist=page.checklist,
        uploads=upload_buttons(roster=actor.is_admin, helpdesk=actor.is_admin or bool(actor.leads),
                               keys=actor.is_admin),
    )  # fmt: skip
