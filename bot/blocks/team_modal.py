"""The team modal (issue 16): its inputs in groups — people, check-ins, schedule and holidays,
channels and digest, targets, feedback, celebrations, coaching — with the team's time zone as a
searchable select. Admins get everything; a lead gets the members, the questions and feedback,
and, where admins let the team's leads, its channels, targets and reminder delay."""

import functools
from zoneinfo import available_timezones

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    HeaderBlock,
    InputBlock,
    Option,
    OptionGroup,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import team_admin as ids
from bot.blocks import team_checkin_inputs as checkin_ids
from bot.blocks import team_coaching
from bot.blocks.common import escape, section
from bot.services.team_settings import TeamDetail
from bot.store.models import Team

LEAD_SETTINGS = (ids.DIGEST, ids.CELEBRATE, ids.REMINDER, *ids.TARGET_FIELDS)
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("People", (ids.NAME, ids.LEADS, ids.MEMBERS)),
    ("Check-ins",
     (checkin_ids.TEMPLATE, checkin_ids.QUESTIONS, checkin_ids.LEADS_READ, ids.REMINDER)),
    ("Schedule and holidays", (ids.ZONE, ids.HOLIDAYS, ids.DAYS_OFF)),
    ("Channels and digest", (ids.DIGEST, ids.DIGEST_DAY, ids.DIGEST_TIME, ids.CELEBRATE)),
    ("Targets", (*ids.TARGET_FIELDS, ids.BUSINESS)),
    ("Feedback", (checkin_ids.FB_ROUNDS, checkin_ids.FB_EXPIRY, checkin_ids.FB_SHARE)),
    ("Celebrations", (ids.KUDOS_VALUES, ids.KUDOS_CAP, ids.KUDOS_EMOJI, ids.TOP_CSAT)),
    ("Coaching", (team_coaching.ALERTS, team_coaching.SUMMARY, team_coaching.ONE_ON_ONES,
                  team_coaching.ONE_DAY, team_coaching.ONE_TIME, team_coaching.ONE_AGENT,
                  team_coaching.THEMES)),
    ("Who may change what", (ids.LEADS_CONFIGURE,)),
)  # fmt: skip
MAX_BLOCKS = 100  # Slack's limit for a modal
MAX_OPTIONS = 100  # per option group


def team_modal(detail: TeamDetail | None, *, full: bool, name: str = "") -> View:
    """Create (detail None) or edit a team: everything for admins (`full`); for a lead, what
    they may set."""
    team = detail.team if detail else None
    inputs = ids.all_inputs(detail, name=name)  # every input, as admins see them
    if full:
        inputs.append(_leads_configure(team))
        inputs = [_zone_select(team) if b.block_id == ids.ZONE else b for b in inputs]
        intro: list[Block] = []
    else:
        assert team is not None
        allowed = {ids.MEMBERS, checkin_ids.TEMPLATE, checkin_ids.QUESTIONS, checkin_ids.LEADS_READ,
                   checkin_ids.FB_ROUNDS, checkin_ids.FB_EXPIRY, checkin_ids.FB_SHARE}  # fmt: skip
        if team.leads_configure:
            allowed |= set(LEAD_SETTINGS)
        inputs = [b for b in inputs if b.block_id in allowed]
        intro = [section(f"*{escape(team.name)}*: what you, as its lead, can set.")]
    return View(
        type="modal", callback_id=ids.TEAM_MODAL, private_metadata=str(team.id) if team else "",
        title="Edit team" if team else "New team", submit="Save", close="Cancel",
        blocks=(intro + _grouped(inputs))[:MAX_BLOCKS],
    )  # fmt: skip


def _grouped(inputs: list[InputBlock]) -> list[Block]:
    """The inputs under a header per group, in the groups' order."""
    by_id = {block.block_id: block for block in inputs}
    blocks: list[Block] = []
    for title, members in GROUPS:
        present = [by_id.pop(block_id) for block_id in members if block_id in by_id]
        if present:
            blocks += [HeaderBlock(text=title), *present]
    return blocks + list(by_id.values())  # anything not in a group, last


def _leads_configure(team: Team | None) -> InputBlock:
    lets = Option(value="yes", text="Leads can set this team's channels, targets and reminder")
    return InputBlock(
        block_id=ids.LEADS_CONFIGURE, label="Team leads", optional=True,
        element=CheckboxesElement(action_id=ids.LEADS_CONFIGURE, options=[lets],
                                  initial_options=[lets] if team is None or team.leads_configure
                                  else None),
    )  # fmt: skip


@functools.cache
def _zones() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """IANA zones by region (a region over 100 zones in parts), for a select."""
    regions: dict[str, list[str]] = {}
    for zone in sorted(available_timezones()):
        region = zone.split("/", 1)[0]
        if "/" in zone and region not in ("Etc", "SystemV", "US", "Brazil", "Canada", "Chile",
                                          "Mexico"):  # fmt: skip
            regions.setdefault(region, []).append(zone)
    groups: list[tuple[str, tuple[str, ...]]] = [("UTC", ("UTC",))]
    for region, zones in regions.items():
        parts = [zones[at : at + MAX_OPTIONS] for at in range(0, len(zones), MAX_OPTIONS)]
        for n, part in enumerate(parts, start=1):
            label = region if len(parts) == 1 else f"{region} ({n} of {len(parts)})"
            groups.append((label, tuple(part)))
    return tuple(groups)


def _zone_select(team: Team | None) -> InputBlock:
    """The team's zone: a select Slack lets people type into to search."""
    current = team.timezone if team else "UTC"
    groups = [(label, list(zones)) for label, zones in _zones()]
    if not any(current in zones for _, zones in groups):
        groups.append(("Other", [current]))  # a legacy name the team already uses
    options = {
        label: [Option(value=z, text=z.replace("_", " ")) for z in zones] for label, zones in groups
    }
    option_groups = [OptionGroup(label=label, options=found) for label, found in options.items()]
    chosen = next(o for found in options.values() for o in found if o.value == current)
    return InputBlock(
        block_id=ids.ZONE, label="Team time zone",
        hint="Type to search. Used for digests and for agents whose Slack profile has no zone.",
        element=StaticSelectElement(action_id=ids.ZONE, option_groups=option_groups,
                                    initial_option=chosen, placeholder="Search zones"),
    )  # fmt: skip
