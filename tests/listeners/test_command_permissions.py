"""Every command that reads or changes someone else's data, as each role: the permission
matrix at the surface people use. Tier 1 is led by U0LEAD with agent U0AGENT; U0NEW is on no
team; U0ADMIN is in CX_ADMINS."""

import json

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.services import teams
from bot.services.permissions import OPERATOR
from tests.fakeslack import FakeSlack, SlackDriver

ROLES = {"admin": "U0ADMIN", "lead": "U0LEAD", "agent": "U0AGENT", "outsider": "U0NEW"}

# (command, text, roles allowed); answers through the response_url or a modal.
MATRIX = [
    ("/cx-shift", "", {"admin", "lead", "agent", "outsider"}),
    ("/cx-shift", "<@U0AGENT> show", {"admin", "lead", "agent"}),
    ("/cx-shift", "<@U0AGENT> mon-fri 17:30", {"admin", "lead", "agent"}),
    ("/cx-shift", "<@U0LEAD> away until 2099-01-01", {"admin", "lead"}),
    ("/cx-team", "list", {"admin", "lead", "agent", "outsider"}),
    ("/cx-team", "show Tier 1", {"admin", "lead", "agent"}),
    ("/cx-team", "add Tier 1 <@U0NEW>", {"admin", "lead"}),
    ("/cx-team", "add Tier 1 <@U0NEW> lead", {"admin"}),
    ("/cx-team", "remove Tier 1 <@U0AGENT>", {"admin", "lead"}),
    ("/cx-team", "delete Tier 1", {"admin"}),
    ("/cx-team", "edit Tier 1", {"admin", "lead"}),
    ("/cx-team", "create Night shift", {"admin"}),
]
CASES = [
    pytest.param(command, text, role, role in allowed, id=f"{role}: {command} {text}")
    for command, text, allowed in MATRIX
    for role in ROLES
]


@pytest.mark.parametrize(("command", "text", "role", "allowed"), CASES)
def test_command_as_role(
    dispatch: SlackDriver, fake_slack: FakeSlack, engine: Engine,
    command: str, text: str, role: str, allowed: bool,
) -> None:  # fmt: skip
    """Allowed roles get their answer; the others get "Only …" and nothing changes."""
    fake_slack.add_user("U0NEW", name="nia", tz="Asia/Kolkata", email="nia@example.com")
    with Session(engine) as session:
        teams.save(
            session=session, workspace_id="T0001", actor=OPERATOR, team_id=None,
            form=teams.TeamForm(
                name="Tier 1", leads=frozenset({"U0LEAD"}), members=frozenset({"U0AGENT"})
            ),
        )  # fmt: skip
        session.commit()
    assert dispatch.command(command, text, user_id=ROLES[role]).status == 200
    opens_modal = text.startswith(("edit", "create"))
    answer = fake_slack.wait_for("views.open" if opens_modal else "response_url")[0].params
    refused = "Only " in json.dumps(answer)
    assert refused is not allowed
