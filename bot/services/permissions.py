"""Who may see and change what: the one place every listener and CLI command asks.

Roles (docs/ARCHITECTURE.md §6): an admin (Slack admin/owner or CX_ADMINS) configures everything
but reads no reflections; a lead manages their own teams (the matrix below); an agent sees and
sets their own schedule. The command line runs as the operator, who has admin rights.
"""

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """Something a person asks CX Coach to do."""

    VIEW_OWN_SCHEDULE = "see your own schedule"
    SET_OWN_SCHEDULE = "change your own shift or time away"
    VIEW_SCHEDULE = "see someone else's schedule"
    SET_SCHEDULE = "change someone else's shift or time away"
    LIST_TEAMS = "list the teams"
    VIEW_TEAM = "see a team's members and settings"
    MANAGE_MEMBERS = "add or remove a team's members"
    MANAGE_LEADS = "choose a team's leads"
    SET_QUESTIONS = "choose a team's reflection questions"
    CONFIGURE_TEAM = "set a team's channels, time zone, holidays or targets"
    CREATE_TEAM = "create a team"
    RENAME_TEAM = "rename a team"
    DELETE_TEAM = "delete a team"
    REQUEST_360 = "ask colleagues for feedback about an agent"
    SET_FEEDBACK = "set a team's peer feedback rounds"
    READ_REFLECTIONS = "read someone's reflections"
    REPLY_REFLECTION = "reply to someone's reflection"
    ASSIGN_ACTION = "give an agent an action item"
    RUN_ONE_ON_ONE = "run a 1:1 with an agent"
    TRACK_ACTIONS = "see a team's action items"
    SET_TEAM_BASICS = "set a team's channels, targets and reminder"
    IMPORT_ROSTER = "import a roster"
    IMPORT_HELPDESK = "import helpdesk data for a team"
    VIEW_TEAM_METRICS = "see a team's numbers"
    VIEW_PERSON_METRICS = "see someone's numbers"
    EXPORT_AGENT_ROWS = "export each agent's numbers of a team"
    VIEW_THEMES = "see a team's themes"
    EXPORT_DATA = "export someone's data"
    FORGET_PERSON = "forget a person"
    SET_PRIVACY = "set how long texts are kept"


@dataclass(frozen=True)
class Actor:
    """The person asking, as the permission rules see them."""

    slack_user_id: str
    is_admin: bool = False
    leads: frozenset[int] = frozenset()  # ids of the teams they lead
    member_of: frozenset[int] = frozenset()  # ids of the teams they belong to (any role)


OPERATOR = Actor(slack_user_id="operator", is_admin=True)
"""The command line's actor: whoever can run `python -m bot` owns the installation."""


def may(
    actor: Actor,
    action: Action,
    *,
    team_id: int | None = None,
    subject_id: str | None = None,
    subject_teams: frozenset[int] = frozenset(),
) -> bool:
    """Whether `actor` may do `action` on team `team_id`, or to the person `subject_id` who
    belongs to `subject_teams`. For reading and replying to reflections, `subject_teams` are
    only the teams that let their leads read them (Team.leads_read_reflections); being an admin
    does not open anyone's reflections — they are private to the agent and their leads."""
    match action:
        case Action.READ_REFLECTIONS:
            return subject_id == actor.slack_user_id or bool(actor.leads & subject_teams)
        case Action.REPLY_REFLECTION:
            return subject_id != actor.slack_user_id and bool(actor.leads & subject_teams)
    if actor.is_admin:
        return True
    match action:
        case Action.VIEW_OWN_SCHEDULE | Action.SET_OWN_SCHEDULE | Action.LIST_TEAMS:
            return True
        case Action.EXPORT_DATA:
            return subject_id == actor.slack_user_id
        case Action.VIEW_SCHEDULE | Action.SET_SCHEDULE | Action.VIEW_PERSON_METRICS:
            return subject_id == actor.slack_user_id or bool(actor.leads & subject_teams)
        case Action.REQUEST_360 | Action.ASSIGN_ACTION | Action.RUN_ONE_ON_ONE:
            return subject_id != actor.slack_user_id and bool(actor.leads & subject_teams)
        case Action.VIEW_TEAM | Action.VIEW_TEAM_METRICS:
            return team_id is not None and team_id in actor.member_of | actor.leads
        case (
            Action.MANAGE_MEMBERS | Action.SET_QUESTIONS | Action.SET_FEEDBACK
            | Action.TRACK_ACTIONS | Action.SET_TEAM_BASICS | Action.IMPORT_HELPDESK
            | Action.EXPORT_AGENT_ROWS | Action.VIEW_THEMES
        ):  # fmt: skip
            return team_id is not None and team_id in actor.leads
        case _:
            return False


def refusal(action: Action) -> str:
    """What to tell someone who may not do `action`."""
    who = {
        Action.VIEW_SCHEDULE: "the person themself, their team's leads and admins",
        Action.SET_SCHEDULE: "the person themself, their team's leads and admins",
        Action.VIEW_TEAM: "the team's members and leads, and admins",
        Action.MANAGE_MEMBERS: "the team's leads and admins",
        Action.SET_QUESTIONS: "the team's leads and admins",
        Action.REQUEST_360: "the agent's team leads and admins",
        Action.SET_FEEDBACK: "the team's leads and admins",
        Action.READ_REFLECTIONS: "the person themself and the leads of a team that lets its "
        "leads read reflections",
        Action.REPLY_REFLECTION: "the leads of a team that lets its leads read reflections",
        Action.ASSIGN_ACTION: "the agent's team leads and admins",
        Action.RUN_ONE_ON_ONE: "the agent's team leads and admins",
        Action.TRACK_ACTIONS: "the team's leads and admins",
        Action.SET_TEAM_BASICS: "the team's leads (where admins let them) and admins",
        Action.IMPORT_HELPDESK: "the team's leads (for their own agents) and admins",
        Action.VIEW_TEAM_METRICS: "the team's members and leads, and admins",
        Action.VIEW_PERSON_METRICS: "the person themself, their team's leads and admins",
        Action.EXPORT_AGENT_ROWS: "the team's leads and admins",
        Action.VIEW_THEMES: "the team's leads and admins",
        Action.EXPORT_DATA: "the person themself and admins",
        Action.FORGET_PERSON: "admins",
        Action.SET_PRIVACY: "admins",
    }.get(action, "CX Coach admins (your Slack workspace's admins and owners, and the people "
          "named admins when CX Coach was set up)")  # fmt: skip
    return f"Only {who} can {action.value}."
