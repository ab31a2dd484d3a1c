"""The team modal's coaching settings (issue 15): recurring 1:1s, who hears of a low rating the
same day, whether each agent gets a weekly summary, and the team's themes (issue 20: in the
digest, quoting). Admins set them with the team's other settings."""

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    StaticSelectElement,
    TimePickerElement,
)

from bot.store.models import Team

ALERTS = "alerts"  # static select: off | leads | leads_agent
SUMMARY = "weekly_summary"  # checkbox: each agent's own week in DM
THEMES = "themes"  # checkboxes: "digest" (a section in the digest), "quote" (quotes in themes)
ONE_ON_ONES, ONE_DAY, ONE_TIME, ONE_AGENT = "one_on_ones", "one_on_one_day", "one_on_one_time", (
    "one_on_one_agent")  # fmt: skip
CADENCE = {"off": "No scheduled 1:1s", "weekly": "Weekly", "biweekly": "Every two weeks"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
ALERT_OPTIONS = {
    "off": "Nobody",
    "leads": "The agent's leads",
    "leads_agent": "The agent's leads and the agent",
}


def coaching_setting_blocks(team: Team | None) -> list[Block]:
    """The two inputs, showing the team's current choice (new teams: leads, summaries on)."""
    options = [Option(value=value, text=text) for value, text in ALERT_OPTIONS.items()]
    current = team.alerts if team is not None else "leads"
    weekly = Option(value="yes", text="Each agent gets their own week in DM, at the digest time")
    return [
        *one_on_one_blocks(team),
        InputBlock(
            block_id=ALERTS,
            label="A CSAT of 1–2 or an NPS of 0–6 with a comment: who hears the same day",
            element=StaticSelectElement(
                action_id=ALERTS,
                options=options,
                initial_option=next(o for o in options if o.value == current),
            ),
        ),
        InputBlock(
            block_id=SUMMARY,
            label="Weekly summary",
            optional=True,
            element=CheckboxesElement(
                action_id=SUMMARY,
                options=[weekly],
                initial_options=[weekly] if team is None or team.weekly_summary else None,
            ),
        ),
        themes_block(team),
    ]


def themes_block(team: Team | None) -> InputBlock:
    """What the team keeps saying (issue 20): in the digest, and whether a theme may quote."""
    options = [
        Option(value="digest", text="The weekly digest shows what the team keeps saying"),
        Option(value="quote", text="Themes may quote one answer, never attributed",
               description="Never from a theme fewer than 3 people wrote into"),
    ]  # fmt: skip
    chosen = [o for o in options if team is not None and getattr(
        team, {"digest": "digest_themes", "quote": "themes_quote"}[str(o.value)])]  # fmt: skip
    return InputBlock(
        block_id=THEMES, label="Themes", optional=True,
        element=CheckboxesElement(action_id=THEMES, options=options,
                                  initial_options=chosen or None),
    )  # fmt: skip


def one_on_one_blocks(team: Team | None) -> list[Block]:
    """Recurring 1:1s: cadence, weekday, time, and whether the agent hears the day before."""
    cadence = [Option(value=v, text=t) for v, t in CADENCE.items()]
    days = [Option(value=str(n), text=name) for n, name in enumerate(WEEKDAYS)]
    current = team.one_on_ones if team is not None else "off"
    day = team.one_on_one_weekday if team is not None and team.one_on_one_weekday < 5 else 3
    note = Option(value="yes", text="The agent gets a note the working day before too")
    return [
        InputBlock(block_id=ONE_ON_ONES, label="1:1s (agendas reach leads the working day before)",
                   element=StaticSelectElement(
                       action_id=ONE_ON_ONES, options=cadence,
                       initial_option=next(o for o in cadence if o.value == current))),
        InputBlock(block_id=ONE_DAY, label="1:1 day", element=StaticSelectElement(
            action_id=ONE_DAY, options=days, initial_option=days[day])),
        InputBlock(block_id=ONE_TIME, label="1:1 time (team time zone)",
                   element=TimePickerElement(
                       action_id=ONE_TIME,
                       initial_time=team.one_on_one_time if team is not None else "10:00")),
        InputBlock(block_id=ONE_AGENT, label="Agents", optional=True,
                   element=CheckboxesElement(
                       action_id=ONE_AGENT, options=[note],
                       initial_options=[note] if team is not None and team.one_on_one_to_agent
                       else None)),
    ]  # fmt: skip


def coaching_settings(values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """TeamForm fields from a submitted modal that had the inputs (none otherwise)."""
    if ALERTS not in values:
        return {}
    chosen = (values[ALERTS].get(ALERTS, {}).get("selected_option") or {}).get("value")
    summary = values.get(SUMMARY, {}).get(SUMMARY, {}).get("selected_options")
    themes = {o.get("value") for o in
              values.get(THEMES, {}).get(THEMES, {}).get("selected_options") or []}  # fmt: skip
    found: dict[str, Any] = {
        "alerts": str(chosen) if chosen else None, "weekly_summary": bool(summary),
    }  # fmt: skip
    if THEMES in values:
        found |= {"digest_themes": "digest" in themes, "themes_quote": "quote" in themes}
    if ONE_ON_ONES in values:
        cadence = values[ONE_ON_ONES].get(ONE_ON_ONES, {}).get("selected_option") or {}
        day = values.get(ONE_DAY, {}).get(ONE_DAY, {}).get("selected_option") or {}
        at = values.get(ONE_TIME, {}).get(ONE_TIME, {}).get("selected_time")
        found["one_on_ones"] = cadence.get("value")
        found["one_on_one_weekday"] = int(day["value"]) if day.get("value") else None
        found["one_on_one_time"] = str(at) if at else None
        found["one_on_one_to_agent"] = bool(
            values.get(ONE_AGENT, {}).get(ONE_AGENT, {}).get("selected_options")
        )
    return found
