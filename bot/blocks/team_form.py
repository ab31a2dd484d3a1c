"""Reading a submitted team modal (bot.blocks.team_admin builds it) into a TeamForm."""

import re
from typing import Any

from bot.blocks.team_admin import (
    BUSINESS,
    CELEBRATE,
    CSAT,
    DAYS_OFF,
    DIGEST,
    DIGEST_DAY,
    DIGEST_TIME,
    FCR,
    FRT,
    HOLIDAYS,
    KUDOS_CAP,
    KUDOS_EMOJI,
    KUDOS_VALUES,
    LEADS,
    LEADS_CONFIGURE,
    MEMBERS,
    NAME,
    NPS,
    REMINDER,
    TARGET_FIELDS,
    TOP_CSAT,
    ZONE,
)
from bot.blocks.team_checkin_inputs import (
    FB_EXPIRY,
    FB_ROUNDS,
    FB_SHARE,
    LEADS_READ,
    QUESTIONS,
    TEMPLATE,
)
from bot.blocks.team_coaching import coaching_settings
from bot.services.schedule import ScheduleError, check_holiday_code, parse_time, zone_named
from bot.services.team_settings import (
    Targets,
    TeamError,
    TeamForm,
    check_name,
    check_targets,
    parse_dates,
)
from bot.services.templates import TemplateError, parse_custom


class _Form:
    """A submitted modal's state.values, read block by block; problems go to `errors`."""

    def __init__(self, values: dict[str, dict[str, dict[str, object]]]) -> None:
        self.values = values
        self.errors: dict[str, str] = {}

    def has(self, block: str) -> bool:
        return block in self.values

    def field(self, block: str, key: str = "value") -> object:
        return self.values.get(block, {}).get(block, {}).get(key)

    def text(self, block: str) -> str | None:
        value = self.field(block)
        return str(value) if value is not None else None

    def option(self, block: str) -> str | None:
        picked = self.field(block, "selected_option")
        return str(picked.get("value")) if isinstance(picked, dict) else None

    def users(self, block: str) -> frozenset[str] | None:
        if block not in self.values:
            return None
        chosen = self.field(block, "selected_users")
        return frozenset(str(user) for user in chosen) if isinstance(chosen, list) else frozenset()

    def whole(self, block: str, low: int, high: int, problem: str) -> int | None:
        """A whole number in [low, high] (None when the block is not on the form)."""
        if block not in self.values:
            return None
        try:
            number = int(self.text(block) or "")
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            self.errors[block] = problem
            return None
        return number


def read_team_modal(
    values: dict[str, dict[str, dict[str, object]]],
) -> tuple[TeamForm, dict[str, str]]:
    """The submitted team modal as a TeamForm, and per-block errors for what cannot be used."""
    form = _Form(values)
    full = form.has(NAME)  # the admins' form
    share = form.field(FB_SHARE, "selected_options")
    feedback = form.has(FB_ROUNDS)
    read = TeamForm(
        name=_name(form) if full else None,
        members=form.users(MEMBERS),
        leads=form.users(LEADS),
        digest_channel_id=str(form.field(DIGEST, "selected_channel") or "") or None,
        celebration_channel_id=str(form.field(CELEBRATE, "selected_channel") or "") or None,
        channels_given=form.has(DIGEST),
        targets=_targets(form),
        reminder_minutes=form.whole(REMINDER, 0, 720, "Minutes from 0 (no reminder) to 720."),
        **_schedule(form, full=full),
        **_questions(form),
        feedback_rounds=form.option(FB_ROUNDS),
        feedback_expiry_days=form.whole(FB_EXPIRY, 1, 30, "Days from 1 to 30."),
        share_360=_checked(share, "yes") if feedback else None,
        announce_360=_checked(share, "announce") if feedback else None,
        business_hours=bool(form.field(BUSINESS, "selected_options")) if full else None,
        leads_configure=(
            bool(form.field(LEADS_CONFIGURE, "selected_options"))
            if form.has(LEADS_CONFIGURE)
            else None
        ),
        **(_celebrations(form) if full else {}),
        **coaching_settings(values),
    )
    return read, {block: message[:150] for block, message in form.errors.items()}


def _name(form: _Form) -> str | None:
    try:
        return check_name(form.text(NAME) or "")
    except TeamError as error:
        form.errors[NAME] = str(error)
        return None


def _schedule(form: _Form, *, full: bool) -> dict[str, Any]:
    """The zone (a select; a text input in modals opened before it was one), the holiday
    calendar and the team's days off."""
    zone = form.option(ZONE) or form.text(ZONE)
    if zone is not None:
        try:
            zone_named(zone.strip())
        except ScheduleError as error:
            form.errors[ZONE] = str(error)
    found: dict[str, Any] = {"timezone": zone.strip() if zone else None}
    if not full:
        return found
    holidays = form.text(HOLIDAYS) or ""
    if holidays:
        try:
            check_holiday_code(holidays)
        except ScheduleError as error:
            form.errors[HOLIDAYS] = str(error)
    found["holidays"] = holidays
    try:
        found["custom_holidays"] = parse_dates(form.text(DAYS_OFF) or "")
    except TeamError as error:
        form.errors[DAYS_OFF] = str(error)
    return found


def _targets(form: _Form) -> Targets | None:
    """The four targets, when the form has them (admins; leads where their team lets them)."""
    if not all(form.has(block) for block in TARGET_FIELDS):
        return None
    numbers = {}
    for block in TARGET_FIELDS:
        try:
            numbers[block] = float(form.text(block) or "")
        except ValueError:
            form.errors[block] = "Enter a number."
    if len(numbers) < len(TARGET_FIELDS):
        return None
    try:
        return check_targets(numbers[CSAT], numbers[NPS], numbers[FCR], numbers[FRT])
    except TeamError as error:
        form.errors[CSAT] = str(error)
        return None


def _questions(form: _Form) -> dict[str, Any]:
    """Which questions, a team's own if it writes them, and whether leads read the answers."""
    template = form.option(TEMPLATE) or "default"
    custom = form.text(QUESTIONS)
    if template == "custom":
        try:
            parse_custom(custom or "")
        except TemplateError as error:
            form.errors[QUESTIONS] = str(error)
    given = form.has(TEMPLATE)
    return {
        "template": template if given else None,
        "custom_questions": custom,
        "leads_read": bool(form.field(LEADS_READ, "selected_options")) if given else None,
    }


def _checked(selected: object, value: str) -> bool:
    """Whether a checkbox group's selected options include `value`."""
    return isinstance(selected, list) and any(
        isinstance(option, dict) and option.get("value") == value for option in selected
    )


def _celebrations(form: _Form) -> dict[str, Any]:
    """Digest day and time, kudos values, cap and emoji, and the top-CSAT count (admins)."""
    found: dict[str, Any] = {}
    day = form.option(DIGEST_DAY)
    if day is not None:
        found["digest_weekday"] = int(day)
    at = form.field(DIGEST_TIME, "selected_time") or form.field(DIGEST_TIME)
    if at is not None:
        try:
            found["digest_time"] = f"{parse_time(str(at)):%H:%M}"
        except ScheduleError as error:
            form.errors[DIGEST_TIME] = str(error)
    words = form.text(KUDOS_VALUES)
    if words is not None:
        listed = [w.strip().lstrip("#").lower() for w in words.split(",") if w.strip()]
        if not listed or any(not w.replace("-", "").isalnum() or len(w) > 40 for w in listed):
            form.errors[KUDOS_VALUES] = (
                "One or more words separated by commas, like empathy, ownership."
            )
        else:
            found["kudos_values"] = ",".join(listed)
    found["kudos_cap"] = form.whole(KUDOS_CAP, 1, 50, "From 1 to 50 a day.")
    emoji = form.text(KUDOS_EMOJI)
    if emoji is not None:
        name = emoji.strip().strip(":").lower()
        if re.fullmatch(r"[a-z0-9_+'-]{1,64}", name):
            found["kudos_emoji"] = name
        else:
            form.errors[KUDOS_EMOJI] = "One emoji by its name, like :star2: or :tada:."
    found["top_csat_scores"] = form.whole(TOP_CSAT, 1, 100, "From 1 to 100 top scores in a week.")
    return found
