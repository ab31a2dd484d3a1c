"""Add to Slack (issue 19): Slack's OAuth v2 through the fake's oauth.v2.access, two workspaces
whose people and channels have the same ids and an Enterprise Grid org, each with its own
token, data and messages; a forged or replayed state, a denied install; uninstalling one stops
its sends at once and leaves the other alone."""

import base64
import dataclasses
import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import delivery, sender_share
from bot.__main__ import main
from bot.blocks import helpdesk_access as sync_blocks
from bot.blocks.helpdesk_access import INGEST_KEYS
from bot.blocks.renderers import RENDERERS
from bot.deps import Deps
from bot.scheduler import run_privacy, sync_helpdesks
from bot.services import installs
from bot.store.models import HelpdeskTicket, Person, Workspace, WorkspacePace
from bot.workspaces import Workspaces
from tests.conftest import SIGNING_SECRET
from tests.fakehelpdesk import FakeZendesk
from tests.fakeslack import FakeSlack, SlackDriver
from tests.fakeslack.driver import http_sender
from tests.oauth_world import (
    DUE,
    Installed,
    agent,
    claim_prompts,
    driver,
    get_page,
    install,
    prompts_and_send,
    statuses,
    two_workspaces,
    wait_until,
)


def test_add_to_slack_installs_a_workspace_and_its_installer_is_its_admin(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    install(oauth, fake_slack, team_id="T0AAA", installer="U0BOSS")
    with Session(engine) as session:
        workspace = session.get(Workspace, "T0AAA")
        assert workspace is not None
        assert workspace.installer_user_id == "U0BOSS"
        assert workspace.uninstalled_at is None
    assert oauth.deps.client_for("T0AAA") is not None
    assert oauth.deps.client_for("T0NEVER") is None
    fake_slack.add_user("U0BOSS", team="T0AAA")
    slack = driver(oauth, fake_slack, "T0AAA")
    slack.event({"type": "app_home_opened", "user": "U0BOSS", "tab": "home"})
    home = str(fake_slack.wait_for("views.publish")[-1].params["view"])
    assert "Create team" in home  # an admin's home: the installer may set the workspace up


def test_a_forged_or_replayed_state_installs_nothing(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    _, _, state = get_page(f"{oauth.server.url}/slack/install")
    fake_slack.grant("code-x", team_id="T0XXX")
    forged = state.rpartition(".")[0] + ".0000"
    status, page, _ = get_page(
        f"{oauth.server.url}/slack/oauth_redirect?code=code-x&state={forged}",
        cookie=f"slack-app-oauth-state={forged}",
    )
    assert status == 400
    assert "Nothing was installed" in page
    used = install(oauth, fake_slack, team_id="T0AAA")
    fake_slack.grant("code-again", team_id="T0YYY")
    status, page, _ = get_page(
        f"{oauth.server.url}/slack/oauth_redirect?code=code-again&state={used}",
        cookie=f"slack-app-oauth-state={used}",
    )
    assert status == 400
    with Session(engine) as session:
        assert {w.id for w in session.exec(select(Workspace)).all()} == {"T0AAA"}


def test_a_denied_install_says_nothing_was_installed(oauth: Installed) -> None:
    _, _, state = get_page(f"{oauth.server.url}/slack/install")
    status, page, _ = get_page(
        f"{oauth.server.url}/slack/oauth_redirect?error=access_denied&state={state}",
        cookie=f"slack-app-oauth-state={state}",
    )
    assert status == 200
    assert "cancelled in Slack" in page


def test_two_workspaces_with_the_same_ids_never_cross(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """U0SAME is an agent in both; each gets one prompt, in their own workspace, sent with
    that workspace's token; a request from one sees only its own teams."""
    two_workspaces(oauth, fake_slack, engine)
    prompts_and_send(oauth)
    for team in ("T0AAA", "T0BBB"):
        (prompt,) = fake_slack.messages_to("U0SAME", team=team)
        assert "shift" in prompt["text"].lower()
    posts = fake_slack.calls_to("chat.postMessage")
    assert sorted(call.team for call in posts) == ["T0AAA", "T0BBB"]
    assert fake_slack.messages_to("U0SAME") == []  # nothing in the fake's own workspace
    slack_b = driver(oauth, fake_slack, "T0BBB")
    slack_b.command("/cx-team", "", user_id="U0SAME")
    listed = str(fake_slack.wait_for("response_url")[-1].params)
    assert "Billing" in listed
    assert "Tier 1" not in listed


def test_an_org_wide_install_is_one_workspace_for_the_whole_org(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Requests from two workspaces of the org are one person's; no workspace is "None"."""
    install(oauth, fake_slack, team_id=None, enterprise_id="E0ORG", org_wide=True)
    fake_slack.add_user("W0ANA", tz="UTC", team="E0ORG")
    for team in ("T0ONE", "T0TWO"):
        slack = SlackDriver(fake=fake_slack, signing_secret=SIGNING_SECRET, team_id=team,
                            enterprise_id="E0ORG", org_wide=True,
                            send=http_sender(oauth.server.url))  # fmt: skip
        assert (
            slack.event(
                {"type": "app_home_opened", "user": "W0ANA", "tab": "home"}, event_id=f"Ev{team}"
            ).status
            == 200
        )
    fake_slack.wait_for("views.publish", 2)
    with Session(engine) as session:
        people = session.exec(select(Person).where(Person.slack_user_id == "W0ANA")).all()
        assert [p.workspace_id for p in people] == ["E0ORG"]
        assert {w.id for w in session.exec(select(Workspace)).all()} == {"E0ORG"}


def test_uninstalling_stops_that_workspaces_sends_at_once_and_leaves_the_other(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    two_workspaces(oauth, fake_slack, engine)
    claim_prompts(engine)
    slack_a = driver(oauth, fake_slack, "T0AAA")
    assert slack_a.event({"type": "app_uninstalled"}).status == 200
    wait_until(lambda: statuses(engine)["T0AAA"] == ["cancelled"])
    delivery.deliver_due(oauth.deps, RENDERERS, now=DUE + timedelta(minutes=2))
    assert fake_slack.messages_to("U0SAME", team="T0AAA") == []
    assert len(fake_slack.messages_to("U0SAME", team="T0BBB")) == 1
    assert statuses(engine) == {"T0AAA": ["cancelled"], "T0BBB": ["sent"]}
    assert oauth.deps.client_for("T0AAA") is None


def test_an_uninstalled_workspace_gets_no_prompts_and_is_deleted_after_the_grace_period(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    two_workspaces(oauth, fake_slack, engine)
    with Session(engine) as session:
        installs.uninstall(session=session, workspace_id="T0AAA", now=DUE)
        session.commit()
    prompts_and_send(oauth)
    assert statuses(engine) == {"T0BBB": ["sent"]}  # nothing claimed for T0AAA
    for workspace in ("T0AAA", "T0BBB"):  # each one's pace, learnt from Slack's 429s
        sender_share.learnt_pace(oauth.deps.session, workspace, 0.5)
    grace = oauth.deps.settings.uninstall_grace_days
    run_privacy(dataclasses.replace(oauth.deps, clock=lambda: DUE + timedelta(days=grace - 1)))
    with Session(engine) as session:
        assert session.get(Workspace, "T0AAA") is not None  # it may still come back
    run_privacy(dataclasses.replace(oauth.deps, clock=lambda: DUE + timedelta(days=grace + 1)))
    with Session(engine) as session:
        assert session.get(Workspace, "T0AAA") is None
        left = {p.workspace_id for p in session.exec(select(Person)).all()}
        assert left == {"T0BBB"}
        assert [p.workspace_id for p in session.exec(select(WorkspacePace)).all()] == ["T0BBB"]
    assert oauth.deps.client_for("T0BBB") is not None


def test_a_command_works_on_the_workspace_it_names_with_that_workspaces_token(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine, db_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """`roster import --workspace T0BBB` looks people up in T0BBB's Slack and files them
    there; without --workspace, with two installed, it asks which."""
    install(oauth, fake_slack, team_id="T0AAA")
    install(oauth, fake_slack, team_id="T0BBB")
    fake_slack.add_user("U0SAME", tz="Asia/Tokyo", team="T0BBB")
    for name, value in (("DATABASE_URL", db_url), ("SLACK_CLIENT_ID", fake_slack.client_id),
                        ("SLACK_CLIENT_SECRET", fake_slack.client_secret),
                        ("SLACK_STATE_SECRET", "s" * 32),
                        ("SLACK_API_BASE_URL", fake_slack.api_url)):  # fmt: skip
        monkeypatch.setenv(name, value)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "agent,team,role,timezone,shift_days,shift_end\nU0SAME,Billing,agent,,mon,17:00\n"
    )
    assert main(["roster", "import", str(roster)]) == 2
    assert "--workspace" in capsys.readouterr().err
    assert main(["roster", "import", str(roster), "--workspace", "T0BBB"]) == 0
    with Session(engine) as session:
        (person,) = session.exec(select(Person).where(Person.slack_user_id == "U0SAME")).all()
    assert (person.workspace_id, person.timezone) == ("T0BBB", "Asia/Tokyo")
    assert {call.team for call in fake_slack.calls_to("users.info")} == {"T0BBB"}


def _keys(fake: FakeSlack, oauth: Installed, workspace: str, admin: str) -> tuple[str, str]:
    """An admin presses Helpdesk keys on the App Home: the token and Zendesk secret shown."""
    fake.add_user(admin, team=workspace)
    slack = driver(oauth, fake, workspace)
    opened = len(fake.calls_to("views.open"))
    slack.block_action(INGEST_KEYS, "1", user_id=admin, view={"id": "V0HOME", "type": "home"})
    shown = json.dumps(fake.wait_for("views.open", opened + 1)[-1].params["view"])
    token, secret = re.findall(r"```(.+?)```", shown)
    return token, secret


def test_each_workspace_sends_helpdesk_data_with_its_own_keys(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Data sent with T0AAA's token lands in T0AAA only; INGEST_TOKEN is not set and is not
    needed; new keys retire the old at once; a Zendesk webhook names its workspace."""
    install(oauth, fake_slack, team_id="T0AAA", installer="U0BOSS")
    install(oauth, fake_slack, team_id="T0BBB", installer="U0CHIEF")
    token_a, secret_a = _keys(fake_slack, oauth, "T0AAA", "U0BOSS")
    token_b, secret_b = _keys(fake_slack, oauth, "T0BBB", "U0CHIEF")
    ticket = {"ticket_id": "Z1", "agent": "U0SAME", "created_at": "2026-11-20T10:00:00Z",
              "solved_at": "2026-11-20T11:00:00Z"}  # fmt: skip
    assert _post(f"{oauth.server.url}/ingest/tickets", ticket, token_a)[0] in (200, 422)
    assert _post(f"{oauth.server.url}/ingest/tickets", {**ticket, "ticket_id": "Z2"},
                 token_b)[0] in (200, 422)  # fmt: skip
    with Session(engine) as session:
        held = {(t.workspace_id, t.ticket_id) for t in session.exec(select(HelpdeskTicket))}
    assert held == {("T0AAA", "Z1"), ("T0BBB", "Z2")}
    assert _post(f"{oauth.server.url}/ingest/tickets", ticket, "wrong")[0] == 401
    _keys(fake_slack, oauth, "T0AAA", "U0BOSS")  # new keys for T0AAA
    assert _post(f"{oauth.server.url}/ingest/tickets", ticket, token_a)[0] == 401
    body = json.dumps({"type": "ticket", "ticket_id": "Z3", "agent": "U0SAME",
                       "created_at": "2026-11-20T10:00:00Z"}).encode()  # fmt: skip
    url = f"{oauth.server.url}/ingest/zendesk?workspace=T0BBB"
    assert _zendesk(url, body, secret_a)[0] == 401  # another workspace's (old) secret
    assert _zendesk(url, body, secret_b)[0] == 200
    assert _zendesk(f"{oauth.server.url}/ingest/zendesk", body, secret_b)[0] == 404
    with Session(engine) as session:
        (z3,) = session.exec(select(HelpdeskTicket).where(HelpdeskTicket.ticket_id == "Z3"))
    assert z3.workspace_id == "T0BBB"


def _post(url: str, body: object, token: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {token}"})  # fmt: skip
    return _answer(request)


def _zendesk(url: str, body: bytes, secret: str) -> tuple[int, dict[str, object]]:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        "X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode()})  # fmt: skip
    return _answer(request)


def test_a_rotating_token_is_refreshed_before_the_clock_uses_it(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Installed with token rotation on, the token expires within the hour: the sender gets a
    fresh one (saved for next time), and the prompt goes out with it."""
    install(oauth, fake_slack, team_id="T0AAA", expires_in=3600)
    (first,) = fake_slack.installs
    agent(engine, fake_slack, "T0AAA", "U0SAME", "Tier 1")
    prompts_and_send(oauth)
    (now,) = fake_slack.installs
    assert now != first
    assert len(fake_slack.messages_to("U0SAME", team="T0AAA")) == 1
    assert oauth.deps.workspaces is not None
    assert oauth.deps.workspaces.token_of("T0AAA") == now  # saved: not refreshed again


def test_workspaces_of_a_grid_org_installed_one_by_one_share_the_orgs_people(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Two workspaces of org E0ORG each install CX Coach: a person active in both is one person
    of the org, and the org's sends use one of its workspaces' tokens."""
    install(oauth, fake_slack, team_id="T0ONE", enterprise_id="E0ORG")
    install(oauth, fake_slack, team_id="T0TWO", enterprise_id="E0ORG")
    fake_slack.add_user("W0ANA", tz="UTC", team="T0ONE")
    fake_slack.add_user("W0ANA", tz="UTC", team="T0TWO")
    for team in ("T0ONE", "T0TWO"):
        slack = driver(oauth, fake_slack, team, enterprise_id="E0ORG")
        assert slack.event({"type": "app_home_opened", "user": "W0ANA", "tab": "home"},
                           event_id=f"Ev{team}").status == 200  # fmt: skip
    fake_slack.wait_for("views.publish", 2)
    with Session(engine) as session:
        people = session.exec(select(Person).where(Person.slack_user_id == "W0ANA")).all()
        assert [p.workspace_id for p in people] == ["E0ORG"]
    assert oauth.deps.client_for("E0ORG") is not None


def _answer(request: urllib.request.Request) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_each_workspace_syncs_its_own_helpdesk(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Admins of two workspaces enter their own Zendesk in the Helpdesk sync modal (a bad
    address is refused beside its field); the clock's sync files each helpdesk's tickets in its
    own workspace only."""
    install(oauth, fake_slack, team_id="T0AAA", installer="U0BOSS")
    install(oauth, fake_slack, team_id="T0BBB", installer="U0CHIEF")
    desks = {}
    for team, admin, ticket in (("T0AAA", "U0BOSS", 11), ("T0BBB", "U0CHIEF", 22)):
        desk = FakeZendesk(user=f"{admin.lower()}@acme.test/token", password=f"pw-{team}").start()
        desk.tickets = [{"id": ticket, "assignee_id": None, "status": "solved",
                         "created_at": "2026-11-02T09:00:00Z", "updated_at": "2026-11-02T10:00:00Z",
                         "via": {"channel": "email"}}]  # fmt: skip
        desks[team] = desk
        fake_slack.add_user(admin, team=team)
        slack = driver(oauth, fake_slack, team)

        def submit(url: str, slack: SlackDriver = slack, admin: str = admin,
                   team: str = team) -> Any:  # fmt: skip
            values: dict[str, dict[str, Any]] = {
                sync_blocks.SOURCE: {sync_blocks.SOURCE: {"selected_option": {"value": "zendesk"}}},
                sync_blocks.URL: {sync_blocks.URL: {"value": url}},
                sync_blocks.USER: {sync_blocks.USER: {"value": f"{admin.lower()}@acme.test"}},
                sync_blocks.SECRET: {sync_blocks.SECRET: {"value": f"pw-{team}"}},
            }  # fmt: skip
            return slack.view_submission(sync_blocks.SYNC_MODAL, values, user_id=admin)

        refused = submit("acme.zendesk.com").json()
        assert "helpdesk's address" in refused["errors"][sync_blocks.URL]
        assert submit(desk.url).body == ""
    try:
        sync_helpdesks(dataclasses.replace(oauth.deps, clock=lambda: DUE))
        with Session(engine) as session:
            held = {(t.workspace_id, t.ticket_id) for t in session.exec(select(HelpdeskTicket))}
        assert held == {("T0AAA", "11"), ("T0BBB", "22")}
    finally:
        for desk in desks.values():
            desk.stop()


def test_a_workspace_installed_again_gets_its_sends_at_once(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Uninstalled, then installed again: the next prompt goes out with the new token (the
    sender must not remember "not installed" for a while and cancel it)."""
    install(oauth, fake_slack, team_id="T0AAA")
    agent(engine, fake_slack, "T0AAA", "U0SAME", "Tier 1")
    with Session(engine) as session:
        installs.uninstall(session=session, workspace_id="T0AAA", now=DUE)
        session.commit()
    assert oauth.deps.client_for("T0AAA", sender=True) is None
    fake_slack.grant("code-again", team_id="T0AAA")
    _, _, state = get_page(f"{oauth.server.url}/slack/install")
    status, _, _ = get_page(
        f"{oauth.server.url}/slack/oauth_redirect?code=code-again&state={state}",
        cookie=f"slack-app-oauth-state={state}",
    )
    assert status == 200
    prompts_and_send(oauth)
    assert statuses(engine) == {"T0AAA": ["sent"]}
    assert len(fake_slack.messages_to("U0SAME", team="T0AAA")) == 1


def test_one_token_working_again_clears_an_old_uninstall(deps: Deps, engine: Engine) -> None:
    """With one bot token: the app removed and added back (a new token, a restart) must not
    stay "uninstalled" — that would stop prompts and delete the data after the grace period."""
    from bot.__main__ import check_slack_token

    with Session(engine) as session:
        installs.uninstall(session=session, workspace_id="T0001", now=DUE)
        session.commit()
    check_slack_token(deps)  # start-up: auth.test names T0001
    with Session(engine) as session:
        workspace = session.get(Workspace, "T0001")
        assert workspace is not None
        assert workspace.uninstalled_at is None


def test_one_workspace_of_a_grid_org_uninstalling_leaves_the_others_served(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """Installed one by one in T0ONE and T0TWO of org E0ORG (one workspace in CX Coach): T0ONE
    uninstalling removes its installation only; the org is served until the last one goes."""
    install(oauth, fake_slack, team_id="T0ONE", enterprise_id="E0ORG")
    install(oauth, fake_slack, team_id="T0TWO", enterprise_id="E0ORG")

    def uninstall_from(team: str) -> None:
        slack = driver(oauth, fake_slack, team, enterprise_id="E0ORG")
        assert slack.event({"type": "app_uninstalled"}, event_id=f"Evgone{team}").status == 200

    uninstall_from("T0ONE")
    time.sleep(0.5)  # the work after the ack
    with Session(engine) as session:
        org = session.get(Workspace, "E0ORG")
        assert org is not None
        assert org.uninstalled_at is None
    assert oauth.deps.client_for("E0ORG") is not None
    uninstall_from("T0TWO")
    wait_until(lambda: oauth.deps.client_for("E0ORG") is None)


def test_a_token_read_while_the_workspace_uninstalls_is_not_kept(
    oauth: Installed, fake_slack: FakeSlack, engine: Engine
) -> None:
    """The sender looks T0AAA's token up just as the uninstall lands (it forgets the workspace
    meanwhile): that send may use it, but the next one asks the store again and finds none."""

    class UninstalledDuringLookup(Workspaces):
        def token_of(self, workspace_id: str) -> str | None:
            token = super().token_of(workspace_id)
            self.forget(workspace_id)  # the uninstall's work after its ack, right now
            return token

    install(oauth, fake_slack, team_id="T0AAA")
    workspaces = UninstalledDuringLookup(oauth.deps.settings, engine, default=oauth.deps.slack)
    assert workspaces.client_for("T0AAA", sender=True) is not None
    with Session(engine) as session:
        installs.uninstall(session=session, workspace_id="T0AAA", now=DUE)
        session.commit()
    assert workspaces.client_for("T0AAA", sender=True) is None
