"""Reading a submitted team modal (bot.blocks.team_admin builds it) into a TeamForm."""

import re
from datetime import date
from typing import Any

from bot.blocks.team_admin import (
    BUSINESS,
    CELEBRATE,
    CSAT,
    DAYS_OFF,
    DIGEST,
    DIGEST_DAY,
    DIGEST_TIME,
    FB_EXPIRY,
    FB_ROUNDS,
    FB_SHARE,
    FCR,
    FRT,
    HOLIDAYS,
    KUDOS_CAP,
    KUDOS_EMOJI,
    KUDOS_VALUES,
    LEADS,
    LEADS_CONFIGURE,
    LEADS_READ,
    MEMBERS,
    NAME,
    NPS,
    QUESTIONS,
    REMINDER,
    TARGET_FIELDS,
    TEMPLATE,
    TOP_CSAT,
    ZONE,
)
from bot.blocks.team_coaching import coaching_settings
from bot.services.schedule import ScheduleError, check_holiday_code, parse_time, zone_named
from bot.services.team_settings import (
    TeamError,
    TeamForm,
    check_name,
    check_targets,
    parse_dates,
)
from bot.services.templates import TemplateError, parse_custom


def read_team_modal(
    values: dict[str, dict[str, dict[str, object]]],
) -> tuple[TeamForm, dict[str, str]]:
    """The submitted team modal as a TeamForm, and per-block errors for what cannot be used."""
    errors: dict[str, str] = {}

    def field(block: str, key: str = "value") -> object:
        return values.get(block, {}).get(block, {}).get(key)

    def text(block: str) -> str | None:
        value = field(block)
        return str(value) if value is not None else None

    def users(block: str) -> frozenset[str] | None:
        if block not in values:
            return None
        return frozenset(str(user) for user in field(block, "selected_users") or [])  # type: ignore[attr-defined]

    full = NAME in values
    name = text(NAME)
    if full:
        try:
            name = check_name(name or "")
        except TeamError as error:
            errors[NAME] = str(error)
    picked = field(ZONE, "selected_option")  # the select (a text input in modals opened before)
    zone = str(picked.get("value")) if isinstance(picked, dict) else text(ZONE)
    if zone is not None:
        try:
            zone_named(zone.strip())
        except ScheduleError as error:
            errors[ZONE] = str(error)
    holidays = text(HOLIDAYS) if full else None
    if holidays:
        try:
            check_holiday_code(holidays)
        except ScheduleError as error:
            errors[HOLIDAYS] = str(error)
    days_off: tuple[date, ...] | None = None
    if full:
        try:
            days_off = parse_dates(text(DAYS_OFF) or "")
        except TeamError as error:
            errors[DAYS_OFF] = str(error)
    targets = None
    if all(block in values for block in TARGET_FIELDS):  # admins, and leads their team lets
        numbers = {}
        for block in TARGET_FIELDS:
            try:
                numbers[block] = float(text(block) or "")
            except ValueError:
                errors[block] = "Enter a number."
        if len(numbers) == len(TARGET_FIELDS):
            try:
                targets = check_targets(numbers[CSAT], numbers[NPS], numbers[FCR], numbers[FRT])
            except TeamError as error:
                errors[CSAT] = str(error)
    reminder = None
    if REMINDER in values:
        try:
            reminder = int(text(REMINDER) or "")
            if not 0 <= reminder <= 720:
                raise ValueError
        except ValueError:
            errors[REMINDER] = "Minutes from 0 (no reminder) to 720."
    template = str((field(TEMPLATE, "selected_option") or {}).get("value") or "default")  # type: ignore[attr-defined]
    custom = text(QUESTIONS)
    if template == "custom":
        try:
            parse_custom(custom or "")
        except TemplateError as error:
            errors[QUESTIONS] = str(error)
    celebrations: dict[str, Any] = _celebrations(values, errors) if full else {}
    expiry = None
    if FB_EXPIRY in values:
        try:
            expiry = int(text(FB_EXPIRY) or "")
            if not 1 <= expiry <= 30:
                raise ValueError
        except ValueError:
            errors[FB_EXPIRY] = "Days from 1 to 30."
    given = FB_ROUNDS in values
    rounds = (field(FB_ROUNDS, "selected_option") or {}).get("value") if given else None  # type: ignore[attr-defined]
    form = TeamForm(
        name=name if full else None,
        members=users(MEMBERS),
        leads=users(LEADS),
        digest_channel_id=str(field(DIGEST, "selected_channel") or "") or None,
        celebration_channel_id=str(field(CELEBRATE, "selected_channel") or "") or None,
        timezone=zone.strip() if zone else None,
        holidays=(holidays or "") if full else None,
        custom_holidays=days_off,
        targets=targets,
        channels_given=DIGEST in values,
        template=template if TEMPLATE in values else None,
        reminder_minutes=reminder,
        custom_questions=custom,
        leads_read=bool(field(LEADS_READ, "selected_options")) if TEMPLATE in values else None,
        feedback_rounds=str(rounds) if rounds else None,
        feedback_expiry_days=expiry,
        share_360=_checked(field(FB_SHARE, "selected_options"), "yes") if given else None,
        announce_360=_checked(field(FB_SHARE, "selected_options"), "announce") if given else None,
        business_hours=bool(field(BUSINESS, "selected_options")) if full else None,
        leads_configure=(
            bool(field(LEADS_CONFIGURE, "selected_options")) if LEADS_CONFIGURE in values else None
        ),
        **celebrations,
        **coaching_settings(values),
    )
    return form, {block: message[:150] for block, message in errors.items()}


def _checked(selected: object, value: str) -> bool:
    """Whether a checkbox group's selected options include `value`."""
    return isinstance(selected, list) and any(
        isinstance(option, dict) and option.get("value") == value for option in selected
    )


def _celebrations(values: dict[str, dict[str, dict[str, object]]],
                  errors: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    """Digest day and time, kudos values and daily cap, from the full (admin) form."""
    found: dict[str, Any] = {}

    def state(block: str) -> dict[str, object]:
        return values.get(block, {}).get(block, {})

    day = (state(DIGEST_DAY).get("selected_option") or {}).get("value")  # type: ignore[attr-defined]
    if day is not None:
        found["digest_weekday"] = int(str(day))
    at = state(DIGEST_TIME).get("selected_time") or state(DIGEST_TIME).get("value")
    if at is not None:
        try:
            found["digest_time"] = f"{parse_time(str(at)):%H:%M}"
        except ScheduleError as error:
            errors[DIGEST_TIME] = str(error)
    words = state(KUDOS_VALUES).get("value")
    if words is not None:
        listed = [w.strip().lstrip("#").lower() for w in str(words).split(",") if w.strip()]
        if not listed or any(not w.replace("-", "").isalnum() or len(w) > 40 for w in listed):
            errors[KUDOS_VALUES] = "One or more words separated by commas, like empathy, ownership."
        else:
            found["kudos_values"] = ",".join(listed)
    cap = state(KUDOS_CAP).get("value")
    if cap is not None:
        try:
            found["kudos_cap"] = int(str(cap))
            if not 1 <= int(str(cap)) <= 50:
                raise ValueError
        except ValueError:
            errors[KUDOS_CAP] = "From 1 to 50 a day."
    emoji = state(KUDOS_EMOJI).get("value")
    if emoji is not None:
        name = str(emoji).strip().strip(":").lower()
        if not re.fullmatch(r"[a-z0-9_+'-]{1,64}", name):
            errors[KUDOS_EMOJI] = "One emoji by its name, like :star2: or :tada:."
        else:
            found["kudos_emoji"] = name
    top = state(TOP_CSAT).get("value")
    if top is not None:
        try:
            found["top_csat_scores"] = int(str(top))
            if not 1 <= int(str(top)) <= 100:
                raise ValueError
        except ValueError:
            errors[TOP_CSAT] = "From 1 to 100 top scores in a week."
    return found
