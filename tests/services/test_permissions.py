"""The permission matrix: every role against every action, on team A and its agent."""

import pytest

from bot.services.permissions import OPERATOR, Action, Actor, may, refusal

TEAM_A, TEAM_B = 1, 2
SUBJECT = "U0SUBJECT"  # an agent of team A; the person acted on

ROLES = {
    "admin": Actor("U0ADMIN", is_admin=True),
    "lead of A": Actor("U0LEADA", leads=frozenset({TEAM_A}), member_of=frozenset({TEAM_A})),
    "lead of B": Actor("U0LEADB", leads=frozenset({TEAM_B}), member_of=frozenset({TEAM_B})),
    "the agent": Actor(SUBJECT, member_of=frozenset({TEAM_A})),
    "teammate": Actor("U0MATE", member_of=frozenset({TEAM_A})),
    "agent of B": Actor("U0OTHER", member_of=frozenset({TEAM_B})),
    "newcomer": Actor("U0NEW"),
}

# Columns follow ROLES: admin, lead A, lead B, the agent, teammate, agent of B, newcomer.
MATRIX = {
    Action.VIEW_OWN_SCHEDULE: "YYYYYYY",
    Action.SET_OWN_SCHEDULE: "YYYYYYY",
    Action.VIEW_SCHEDULE: "YYNYNNN",
    Action.SET_SCHEDULE: "YYNYNNN",
    Action.LIST_TEAMS: "YYYYYYY",
    Action.VIEW_TEAM: "YYNYYNN",
    Action.MANAGE_MEMBERS: "YYNNNNN",
    Action.MANAGE_LEADS: "YNNNNNN",
    Action.SET_QUESTIONS: "YYNNNNN",
    Action.CONFIGURE_TEAM: "YNNNNNN",
    Action.CREATE_TEAM: "YNNNNNN",
    Action.RENAME_TEAM: "YNNNNNN",
    Action.DELETE_TEAM: "YNNNNNN",
    Action.REQUEST_360: "YYNNNNN",
    Action.SET_FEEDBACK: "YYNNNNN",
    Action.READ_REFLECTIONS: "NYNYNNN",  # private to the agent and their leads, not admins
    Action.REPLY_REFLECTION: "NYNNNNN",
    Action.ASSIGN_ACTION: "YYNNNNN",
    Action.RUN_ONE_ON_ONE: "YYNNNNN",
    Action.TRACK_ACTIONS: "YYNNNNN",
    Action.SET_TEAM_BASICS: "YYNNNNN",  # and the team lets its leads (bot.services.teams)
    Action.IMPORT_ROSTER: "YNNNNNN",
    Action.IMPORT_HELPDESK: "YYNNNNN",  # a lead's file: their own agents' rows only
    Action.VIEW_TEAM_METRICS: "YYNYYNN",
    Action.VIEW_PERSON_METRICS: "YYNYNNN",
    Action.EXPORT_AGENT_ROWS: "YYNNNNN",  # /cx-metrics … csv: a row per agent
    Action.VIEW_THEMES: "YYNNNNN",  # aggregates of 3 people or more, never attributed
    Action.EXPORT_DATA: "YNNYNNN",  # the subject's own data (admins: the CLI)
    Action.FORGET_PERSON: "YNNNNNN",
    Action.SET_PRIVACY: "YNNNNNN",
}

CASES = [
    (role, action, row[column] == "Y")
    for action, row in MATRIX.items()
    for column, role in enumerate(ROLES)
]


def test_matrix_covers_every_action() -> None:
    """No action is left out of the table below."""
    assert set(MATRIX) == set(Action)


@pytest.mark.parametrize(("role", "action", "allowed"), CASES)
def test_role_may_do_action(role: str, action: Action, allowed: bool) -> None:
    """Each role may do exactly what the matrix says, on team A and its agent."""
    actor = ROLES[role]
    assert (
        may(actor, action, team_id=TEAM_A, subject_id=SUBJECT, subject_teams=frozenset({TEAM_A}))
        is allowed
    )


def test_the_command_line_operator_may_do_everything_but_read_reflections() -> None:
    """The CLI runs with admin rights, and admin rights open nobody's reflections."""
    private = {Action.READ_REFLECTIONS, Action.REPLY_REFLECTION}
    assert all(may(OPERATOR, action, team_id=TEAM_A) for action in set(Action) - private)
    assert not any(may(OPERATOR, action, subject_id=SUBJECT) for action in private)


def test_a_team_that_keeps_reflections_private_opens_them_to_no_lead() -> None:
    """The caller names only the subject's teams whose leads may read: none, nothing read."""
    lead = ROLES["lead of A"]
    assert not may(lead, Action.READ_REFLECTIONS, subject_id=SUBJECT, subject_teams=frozenset())
    assert not may(lead, Action.REPLY_REFLECTION, subject_id=SUBJECT, subject_teams=frozenset())


def test_a_lead_without_a_team_argument_manages_nothing() -> None:
    """Team-scoped actions with no team named are refused to non-admins."""
    assert not may(ROLES["lead of A"], Action.MANAGE_MEMBERS)


def test_refusals_say_who_may() -> None:
    """A refusal names who can do the thing instead."""
    assert "leads" in refusal(Action.MANAGE_MEMBERS)
    assert "admins" in refusal(Action.CREATE_TEAM)
