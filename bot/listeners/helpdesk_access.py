"""A workspace's own helpdesk access on an admin's App Home (issue 19): new ingest keys (shown
once) and the credentials its helpdesk's API is synced with."""

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import helpdesk_access as blocks
from bot.blocks.common import notice_modal
from bot.deps import Deps
from bot.listeners.caller import Caller
from bot.listeners.in_time import Unsaved, save_or_explain
from bot.listeners.modal_meta import value_of
from bot.services import helpdesk_credentials, ingest_keys

ADMINS_ONLY = "Only admins can change how the workspace's helpdesk reaches CX Coach."


def _refused(caller: Caller, client: WebClient, body: dict[str, Any], title: str) -> bool:
    """Not an admin: says so in a modal titled `title` (and the caller stops)."""
    if caller.actor(on_ack_path=True).is_admin:
        return False
    client.views_open(trigger_id=body["trigger_id"], view=notice_modal(title, ADMINS_ONLY))
    return True


def handle_keys(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext,
                deps: Deps, caller: Caller) -> None:  # fmt: skip
    """Helpdesk keys (admins): new ingest token and Zendesk secret, shown once in a modal."""
    ack()
    if _refused(caller, client, body, "Helpdesk keys"):
        return
    with deps.transaction() as session:
        keys = ingest_keys.rotate(session=session, workspace_id=str(context["workspace_id"]))
    client.views_open(trigger_id=body["trigger_id"],
                      view=blocks.keys_modal(keys, deps.settings.public_url))  # fmt: skip


def handle_sync_open(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext,
                     deps: Deps, caller: Caller) -> None:  # fmt: skip
    """Helpdesk sync (admins): the modal, with the Zendesk address and email kept."""
    ack()
    if _refused(caller, client, body, "Helpdesk sync"):
        return
    with deps.read_session() as session:
        current = helpdesk_credentials.of(session, str(context["workspace_id"]), "zendesk")
    client.views_open(trigger_id=body["trigger_id"], view=blocks.sync_modal(current))


def handle_sync_modal(ack: Ack, view: dict[str, Any], context: BoltContext, deps: Deps,
                      caller: Caller) -> None:  # fmt: skip
    """Save the credentials; one that cannot work is shown beside its field."""
    if not caller.actor(on_ack_path=True).is_admin:
        ack(response_action="errors", errors={blocks.URL: ADMINS_ONLY})
        return
    values = view["state"]["values"]

    def text(block: str) -> str:
        return str(value_of(values, block).get("value") or "")

    source = str((value_of(values, blocks.SOURCE).get("selected_option") or {}).get("value"))

    def save() -> None:
        with deps.transaction() as session:
            helpdesk_credentials.save(
                session=session,
                workspace_id=str(context["workspace_id"]),
                source=source,
                url=text(blocks.URL),
                user=text(blocks.USER) or None,
                secret=text(blocks.SECRET),
            )

    saved = save_or_explain(
        ack, save, what="helpdesk credentials", field=blocks.URL,
        refusals=(helpdesk_credentials.CredentialError,),
        field_of=lambda error: blocks.FIELDS.get(getattr(error, "field", ""), blocks.URL),
    )  # fmt: skip
    if saved is Unsaved.UNSAVED:
        return
    ack()


def register(app: App) -> None:
    """The helpdesk access buttons and modal."""
    app.action(blocks.INGEST_KEYS)(handle_keys)
    app.action(blocks.SYNC_OPEN)(handle_sync_open)
    app.view(blocks.SYNC_MODAL)(handle_sync_modal)
