"""Privacy on the App Home (docs/PRIVACY.md): Export my data (a ZIP in the person's DM), and for
admins Forget a person and Privacy settings."""

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import privacy as blocks
from bot.blocks.common import notice_modal
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.in_time import Unsaved, save_or_explain
from bot.listeners.modal_meta import value_of
from bot.services import data_export, forget, retention
from bot.services.permissions import Action, may, refusal
from bot.store import repos
from bot.store.db import let_go_of_deleted

logger = logging.getLogger(__name__)


def handle_export(
    ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps, defer: Defer, caller: Caller
) -> None:
    """The person's own data, built after the ack and uploaded into their DM."""
    ack()
    user_id = body["user"]["id"]

    def send() -> None:
        person = caller.person()
        if person is None or person.id is None:
            return
        now = deps.clock()
        with deps.session() as session:
            mine = data_export.claim(session=session, person_id=person.id, now=now)
            session.commit()
        if not mine:  # clicked again while the first is on its way
            _tell(client, body, blocks.EXPORT_ON_ITS_WAY)
            return
        sent = False
        try:
            with deps.read_session() as session:
                found = data_export.sections(session=session, now=now,
                                             person=repos.fresh(session, person))  # fmt: skip
            content = data_export.to_zip(found, person_label=user_id, now=now)
            channel = client.conversations_open(users=user_id)["channel"]["id"]
            client.files_upload_v2(
                channel=channel, filename=f"cx-coach-data-{now:%Y-%m-%d}.zip",
                title="Your CX Coach data", content=content,
                initial_comment=blocks.export_sent({k: len(v) for k, v in found.items()}),
            )  # fmt: skip
            sent = True
        except SlackApiError as error:
            logger.warning("data export not sent: %s", error.response.get("error"))
        finally:
            if not sent:  # they may ask again at once
                with deps.session() as session:
                    data_export.release(session=session, person_id=person.id, began=now)
                    session.commit()

    defer(send)


def _tell(client: WebClient, body: dict[str, Any], text: str) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=notice_modal("Your data", text))
    except SlackApiError as error:  # the trigger expired: the ZIP still comes
        logger.info("could not say the export is on its way: %s", error.response.get("error"))


def handle_open(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                context: BoltContext, deps: Deps, caller: Caller) -> None:  # fmt: skip
    """Forget a person… and Privacy settings…: admins only."""
    ack()
    workspace_id = str(context["workspace_id"])
    forgetting = action.get("action_id") == blocks.FORGET_OPEN
    wanted = Action.FORGET_PERSON if forgetting else Action.SET_PRIVACY
    if not may(caller.actor(on_ack_path=True), wanted):
        client.views_open(trigger_id=body["trigger_id"],
                          view=notice_modal("Privacy", refusal(wanted)))  # fmt: skip
        return
    if forgetting:
        view = blocks.forget_modal()
    else:
        with deps.read_session() as session:
            view = blocks.settings_modal(retention.settings_of(session, workspace_id))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def handle_forget(
    ack: Ack,
    view: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Check on the ack path (an admin, the typed word, someone CX Coach knows), then forget
    after it and tell the admin what went."""
    workspace_id, admin = str(context["workspace_id"]), body["user"]["id"]
    values = view["state"]["values"]
    who = str(value_of(values, blocks.WHO).get("selected_user") or "")
    typed = str(value_of(values, blocks.CONFIRM).get("value") or "").strip()
    if not may(caller.actor(on_ack_path=True),
               Action.FORGET_PERSON):  # fmt: skip
        ack(response_action="errors", errors={blocks.WHO: refusal(Action.FORGET_PERSON)})
        return
    if typed != blocks.CONFIRM_WORD:
        ack(response_action="errors", errors={blocks.CONFIRM: f"Type {blocks.CONFIRM_WORD}."})
        return
    if who == admin:
        ack(response_action="errors", errors={blocks.WHO: "Another admin must forget you."})
        return
    with deps.read_session() as session:
        known = repos.get_person(session=session, workspace_id=workspace_id, slack_user_id=who)
    if known is None:
        ack(response_action="errors", errors={blocks.WHO: "CX Coach keeps nothing about them."})
        return
    ack(response_action="update", view=notice_modal(
        "Forget a person", f"Forgetting <@{who}>… I'll DM you what was removed."))  # fmt: skip

    def run() -> None:
        try:
            with deps.transaction() as session:
                report = forget.forget(session=session, workspace_id=workspace_id,
                                       slack_user_id=who, now=deps.clock())  # fmt: skip
        except forget.ForgetError:
            return  # the same modal submitted twice: the first submission forgot them

        let_go_of_deleted(deps.engine)
        lines = "\n".join(f"• {line}" for line in report.lines())
        client.chat_postMessage(channel=admin, text=f"Forgot <@{who}>.\n{lines}")

    defer(run)


def handle_settings(
    ack: Ack, view: dict[str, Any], context: BoltContext, deps: Deps, caller: Caller
) -> None:
    """Save both privacy settings; a value out of range is shown beside its field."""
    workspace_id = str(context["workspace_id"])
    values = view["state"]["values"]
    if not may(caller.actor(on_ack_path=True), Action.SET_PRIVACY):
        ack(response_action="errors", errors={blocks.MONTHS: refusal(Action.SET_PRIVACY)})
        return
    given: dict[str, int | None] = {}
    for field, unit in ((blocks.MONTHS, "months"), (blocks.DAYS, "days")):
        try:
            given[field] = retention.parse_setting(
                str(value_of(values, field).get("value") or ""), unit=unit
            )
        except retention.SettingError as error:
            ack(response_action="errors", errors={field: str(error)})
            return
    months, days = given[blocks.MONTHS], given[blocks.DAYS]

    def save() -> None:
        with deps.transaction() as session:
            retention.configure(
                session=session,
                workspace_id=workspace_id,
                retention_months=months,
                forget_deactivated_days=days,
            )

    if save_or_explain(ack, save, what="privacy settings", field=blocks.MONTHS) is Unsaved.UNSAVED:
        return
    ack()


def register(app: App) -> None:
    """The privacy buttons and modals."""
    app.action(blocks.EXPORT)(handle_export)
    app.action(blocks.FORGET_OPEN)(handle_open)
    app.action(blocks.SETTINGS_OPEN)(handle_open)
    app.view(blocks.FORGET_MODAL)(handle_forget)
    app.view(blocks.SETTINGS_MODAL)(handle_settings)
