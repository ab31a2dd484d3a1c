"""Block Kit for schedules: /cx-shift answers and the App Home's schedule section."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import escape, section
from bot.services.schedule import PlannedDay, Shift
from bot.services.shifts import ShiftOverview
from bot.services.wording import example_date, short_date


def when(day: PlannedDay) -> str:
    """ "Mon 30 Nov, 17:30 EST" in the agent's zone."""
    assert day.local is not None
    return f"{short_date(day.local)}, {day.local:%H:%M} {day.local.tzname()}"


def overview_text(view: ShiftOverview, *, own: bool) -> str:
    """One-paragraph summary, also the notification text."""
    who = "Your" if own else f"<@{view.slack_user_id}>'s"
    if view.shift is None:
        return f"{who} shift is not set yet, so no check-ins are scheduled."
    return f"{who} shift: {view.shift.describe()} ({view.timezone})."


def overview_blocks(view: ShiftOverview, *, own: bool, changed: str | None = None) -> list[Block]:
    """The schedule, next check-ins and skipped days; `changed` leads with what was saved."""
    blocks: list[Block] = []
    if changed:
        blocks.append(section(f":white_check_mark: {changed}"))
    blocks.append(section(f"*{overview_text(view, own=own)}*"))
    if view.away_until is not None:
        blocks.append(section(f":palm_tree: Away until {short_date(view.away_until, year=True)}."))
    if view.away_status is not None:
        ends = view.away_status_until
        local_end = ends.astimezone(ZoneInfo(view.timezone)) if ends else None
        until = (
            f"until Slack clears it on {short_date(local_end)}, {local_end:%H:%M}"
            if local_end
            else "until it changes"
        )
        whose = "Your" if own else "Their"
        blocks.append(
            section(f"{whose} Slack status is {escape(view.away_status)}: check-ins pause {until}.")
        )
    if view.upcoming:
        lines = "\n".join(f"• {when(day)}" for day in view.upcoming)
        blocks.append(section(f"*Next check-ins*\n{lines}"))
    elif view.shift is not None and view.away_status is None:
        blocks.append(section("No check-ins in the coming year."))
    if view.skipped:
        lines = "\n".join(f"• {short_date(day.day)}: {escape(day.reason)}" for day in view.skipped)
        blocks.append(section(f"*Skipped this week*\n{lines}"))
    if own:
        hint = (
            f"Change it: `/cx-shift mon-fri 17:30` · `/cx-shift away until {example_date()}` · "
            "`/cx-shift back`"
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    return blocks


# ---- App Home schedule section and its modals ---------------------------------------------

EDIT_SHIFT = "shift_edit"  # button → SHIFT_MODAL
SET_AWAY = "shift_away"  # button → AWAY_MODAL
SET_BACK = "shift_back"  # button: resume check-ins now
SHIFT_MODAL = "shift_modal"
AWAY_MODAL = "away_modal"
DAYS_BLOCK, DAYS_ACTION = "days", "days"
END_BLOCK, END_ACTION = "end", "end"
UNTIL_BLOCK, UNTIL_ACTION = "until", "until"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def home_schedule_blocks(view: ShiftOverview) -> list[Block]:
    """ "Your schedule" on the App Home: the overview and buttons to change it."""
    blocks: list[Block] = [HeaderBlock(text="Your schedule")]
    blocks += overview_blocks(view, own=True)[:-1]  # the buttons replace the command hint
    buttons = [ButtonElement(text="Set my shift", action_id=EDIT_SHIFT, style="primary")]
    if view.away_until is None:
        buttons.append(ButtonElement(text="I'm away", action_id=SET_AWAY))
    else:
        buttons.append(ButtonElement(text="I'm back", action_id=SET_BACK))
    blocks.append(ActionsBlock(elements=buttons))
    return blocks


def shift_modal(target: str, shift: Shift | None, *, member: str | None = None) -> View:
    """Days and end time of someone's shift; `target` is their Slack ID (private metadata).
    `member`: the name of the team member a lead is setting it for (None: your own)."""
    own = member is None
    options = [Option(value=str(day), text=name) for day, name in enumerate(DAY_NAMES)]
    chosen = [options[day] for day in sorted(shift.days)] if shift else options[:5]
    return View(
        type="modal",
        callback_id=SHIFT_MODAL,
        private_metadata=target,
        title="Your shift" if own else "A member's shift",
        submit="Save",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=DAYS_BLOCK,
                label="Days you work" if own else f"Days {member} works"[:2000],
                element=CheckboxesElement(
                    action_id=DAYS_ACTION, options=options, initial_options=chosen
                ),
            ),
            InputBlock(
                block_id=END_BLOCK,
                label="Your shift ends at (your local time)"
                if own
                else "Their shift ends at (their local time)",
                element=TimePickerElement(
                    action_id=END_ACTION,
                    initial_time=f"{shift.end:%H:%M}" if shift else "17:30",
                ),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Your check-in DM arrives when your shift ends, in your time zone."
                        if own
                        else f"<@{target}>'s check-in DM arrives when their shift ends, in their "
                        "time zone."
                    )
                ]
            ),
        ],
    )


def away_modal(target: str, today: date) -> View:
    """Pause check-ins through a date."""
    return View(
        type="modal",
        callback_id=AWAY_MODAL,
        private_metadata=target,
        title="Time away",
        submit="Pause check-ins",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=UNTIL_BLOCK,
                label="Away through (inclusive)",
                element=DatePickerElement(
                    action_id=UNTIL_ACTION, initial_date=f"{today + timedelta(days=7):%Y-%m-%d}"
                ),
            )
        ],
    )
