"""Helpdesk exports as their helpdesks write them, turned into CX Coach's own columns
(docs/ARCHITECTURE.md §4): `import tickets|surveys FILE --source zendesk|freshdesk|intercom|csv`.

Each preset names, per field, the export's column (the first of several spellings present);
durations in minutes become times after `created_at`; a zone written in a column header
(Intercom's "Conversation started at (Europe/Berlin)") reads that column's local times; other
local times need `--timezone`, never a guess of UTC. Values then go through the same checks as
our own format (bot.services.helpdesk). The README lists every mapping and what was verified.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services.formats import SOURCES as SOURCES
from bot.services.helpdesk import TIME_FIELDS, Kind, RecordError, local_time

ZONE_IN_HEADER = re.compile(r"^(?P<name>.*?)\s*\((?P<zone>[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)*)\)$")


class PresetError(ValueError):
    """The file does not fit the preset (a missing column, a zone that is needed)."""


@dataclass(frozen=True)
class Preset:
    """One helpdesk's export of one kind."""

    source: str
    kind: Kind
    columns: dict[str, tuple[str, ...]]  # our field → the export's column names, in preference
    required: tuple[str, ...]  # our fields whose column the export must have
    fixed: dict[str, str] = field(default_factory=dict)  # values the export implies
    minutes: dict[str, str] = field(default_factory=dict)  # our time field ← "minutes after"
    hours: dict[str, str] = field(default_factory=dict)  # our time field ← "hours after"
    hours_as_minutes: dict[str, str] = field(default_factory=dict)  # minutes field ← hours
    response_prefix: str = ""  # survey ids: prefix + ticket id (one rating per ticket)


ZENDESK_TICKETS = Preset(
    "zendesk", "tickets",
    columns={
        "ticket_id": ("Id", "ID", "Ticket ID"), "agent": ("Assignee",),
        "created_at": ("Created at",), "solved_at": ("Solved at",),
        "agent_replies": ("Replies",), "reopened": ("Reopens",), "channel": ("Via",),
        "_first_reply_minutes": ("First reply time in minutes",),
        "first_response_business_minutes": (
            "First reply time in minutes within business hours",),
        "resolution_business_minutes": (
            "Full resolution time in minutes within business hours",),
    },
    required=("ticket_id", "agent", "created_at"),
    minutes={"first_response_at": "_first_reply_minutes"},
)  # fmt: skip
ZENDESK_SURVEYS = Preset(
    "zendesk", "surveys",
    columns={
        "ticket_id": ("Id", "ID", "Ticket ID"), "agent": ("Assignee",),
        "score": ("Satisfaction Score", "Satisfaction", "Rating"),
        "comment": ("Satisfaction Comment", "Comment"),
        "submitted_at": ("Updated at", "Solved at", "Created at"),
    },
    required=("ticket_id", "agent", "score", "submitted_at"),
    fixed={"kind": "csat"}, response_prefix="zendesk-csat-",
)  # fmt: skip
FRESHDESK_TICKETS = Preset(
    "freshdesk", "tickets",
    columns={
        "ticket_id": ("Ticket ID", "Ticket Id"), "agent": ("Agent",),
        "created_at": ("Created time", "Created Time"),
        "first_response_at": ("Initial response time", "Initial Response Time"),
        "solved_at": ("Resolved time", "Resolved Time", "Closed time", "Closed Time"),
        "agent_replies": ("Agent interactions",), "channel": ("Source",),
        # Freshdesk's own export code fills these from business-hours figures (…_bhrs).
        "_first_response_business_hours": ("First response time (in hrs)",),
        "_resolution_business_hours": ("Resolution time (in hrs)",),
    },
    required=("ticket_id", "agent", "created_at"),
    hours_as_minutes={
        "first_response_business_minutes": "_first_response_business_hours",
        "resolution_business_minutes": "_resolution_business_hours",
    },
)  # fmt: skip
FRESHDESK_SURVEYS = Preset(
    "freshdesk", "surveys",
    columns={
        "ticket_id": ("Ticket ID", "Ticket Id"), "agent": ("Agent",),
        "score": ("Survey results", "Survey Result", "Rating"),
        "submitted_at": ("Last update time", "Last Updated Time", "Resolved time"),
    },
    required=("ticket_id", "agent", "score", "submitted_at"),
    fixed={"kind": "csat"}, response_prefix="freshdesk-csat-",
)  # fmt: skip
INTERCOM_TICKETS = Preset(
    "intercom", "tickets",
    columns={
        "ticket_id": ("Conversation ID",), "agent": ("Teammate currently assigned",),
        "created_at": ("Conversation started at", "Conversation created at"),
        "first_response_at": ("Conversation first replied at",),
        "solved_at": ("Conversation first closed at", "Conversation last closed at"),
        "channel": ("Channel",),
    },
    required=("ticket_id", "agent", "created_at"),
)  # fmt: skip
INTERCOM_SURVEYS = Preset(
    "intercom", "surveys",
    columns={
        "ticket_id": ("Conversation ID",),
        "agent": ("Last teammate rated", "Teammate currently assigned"),
        "score": ("Last teammate rating", "Conversation rating"),
        "comment": ("Last teammate rating remark", "Conversation rating remark"),
        "submitted_at": ("Updated at", "Conversation first closed at", "Conversation started at"),
    },
    required=("ticket_id", "agent", "score", "submitted_at"),
    fixed={"kind": "csat"}, response_prefix="intercom-csat-",
)  # fmt: skip
PRESETS = {
    (p.source, p.kind): p
    for p in (ZENDESK_TICKETS, ZENDESK_SURVEYS, FRESHDESK_TICKETS, FRESHDESK_SURVEYS,
              INTERCOM_TICKETS, INTERCOM_SURVEYS)
}  # fmt: skip


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone, or PresetError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PresetError(f"`{name}` is not an IANA time zone (e.g. America/New_York)") from None


def duration(value: str, unit_minutes: float, name: str) -> timedelta | None:
    """A duration in the column's unit, or as HH:MM[:SS]; None when empty."""
    text = value.strip()
    if not text:
        return None
    if ":" in text:
        parts = text.split(":")
        try:
            hours, minutes, seconds = (float(p) for p in [*parts, "0"][:3])
        except ValueError:
            raise RecordError(f"{name} `{value}` is not a duration") from None
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    try:
        amount = float(text.replace(",", "."))
    except ValueError:
        raise RecordError(f"{name} `{value}` is not a number") from None
    if amount < 0:
        raise RecordError(f"{name} is negative")
    return timedelta(minutes=amount * unit_minutes)


@dataclass
class Reading:
    """How one file's columns feed our fields: header → field, and each time column's zone."""

    fields: dict[str, str]  # our field → the file's column
    zones: dict[str, ZoneInfo]  # the file's column → its zone


def plan(preset: Preset, header: list[str], zone: str | None) -> Reading:
    """Match the file's header to the preset; PresetError naming what is missing or needed."""
    bare = {}
    zones: dict[str, ZoneInfo] = {}
    for column in header:
        found = ZONE_IN_HEADER.match(column)
        if found and ("/" in found["zone"] or found["zone"] == "UTC"):
            bare[found["name"].strip()] = column
            zones[column] = zone_named(found["zone"])
        else:
            bare[column.strip()] = column
    fields: dict[str, str] = {}
    for ours, theirs in preset.columns.items():
        for name in theirs:
            if name in bare:
                fields[ours] = bare[name]
                break
    missing = [preset.columns[name][0] for name in preset.required if name not in fields]
    if missing:
        raise PresetError(
            f"this is not a {preset.source} {preset.kind} export as expected: no column "
            + ", ".join(f"`{name}`" for name in missing)
        )
    timed = [fields[name] for name in (*TIME_FIELDS, *preset.minutes) if name in fields]
    default = zone_named(zone) if zone else None
    for column in timed:
        if column not in zones:
            if default is None:
                raise PresetError(
                    f"{preset.source} writes `{column}` in local time without an offset: "
                    "add --timezone with your helpdesk account's zone (e.g. --timezone "
                    "America/New_York)"
                )
            zones[column] = default
    return Reading(fields, zones)


def convert(
    preset: Preset, reading: Reading, rows: Iterator[tuple[int, dict[str, str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows as rows of our own format (errors are left to the usual checks, except
    a time or duration that cannot be read, which is reported as the row's error)."""
    for line, row in rows:
        yield line, _convert_row(preset, reading, row)


def _convert_row(preset: Preset, reading: Reading, row: dict[str, str]) -> dict[str, str]:
    ours: dict[str, str] = dict(preset.fixed)
    try:
        for name, column in reading.fields.items():
            value = (row.get(column) or "").strip()
            if name in TIME_FIELDS and value:
                value = local_time(value, reading.zones[column], column)
            ours[name] = value
        for target, source in preset.minutes.items():
            ours.update(_after(ours, target, source, reading, 1.0))
        for target, source in preset.hours.items():
            ours.update(_after(ours, target, source, reading, 60.0))
        for target, source in preset.hours_as_minutes.items():
            span = duration(ours.get(source, ""), 60.0, reading.fields.get(source, source))
            if span is not None:
                ours[target] = f"{span.total_seconds() / 60:g}"
    except RecordError as error:
        ours["_error"] = str(error)
    if preset.response_prefix and ours.get("ticket_id"):
        ours["response_id"] = preset.response_prefix + ours["ticket_id"]
    return {name: value for name, value in ours.items() if not name.startswith("_")} | (
        {"_error": ours["_error"]} if "_error" in ours else {}
    )


def _after(
    ours: dict[str, str], target: str, source: str, reading: Reading, unit: float
) -> dict[str, str]:
    column = reading.fields.get(source)
    if column is None or not ours.get("created_at"):
        return {}
    span = duration(ours.get(source, ""), unit, column)
    if span is None:
        return {}
    created = datetime.fromisoformat(ours["created_at"])
    return {target: (created + span).isoformat()}
