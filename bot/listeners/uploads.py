"""CSV uploads in Slack (issue 16): *Upload roster* / *Upload helpdesk export* on the App Home
open a modal with a file input; a CSV sent to the bot's DM works too. The file is fetched with
the bot token after the ack, imported by the CLI's code with the same permissions, and the
report (with the rejected lines as a file) comes back in DM."""

import logging
import os
import tempfile
import urllib.request
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import uploads as blocks
from bot.blocks.common import notice_modal
from bot.deps import Defer, Deps
from bot.ingest import resolver
from bot.listeners.caller import Caller
from bot.listeners.modal_meta import value_of
from bot.listeners.profiles import slack_resolver
from bot.services import uploads
from bot.services.formats import ROSTER_COLUMNS, SURVEY_HEADER, TICKET_HEADER
from bot.services.uploads import Outcome, Upload, UploadError, UploadRefused

logger = logging.getLogger(__name__)
MAX_BYTES = 20 * 2**20  # a bigger file goes through `python -m bot import`


def handle_upload_button(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                         client: WebClient, caller: Caller) -> None:  # fmt: skip
    """The App Home buttons: the upload modal, for whoever may upload that."""
    ack()
    what = "roster" if action.get("action_id") == blocks.UPLOAD_ROSTER else "helpdesk"
    actor = caller.actor(on_ack_path=True)
    try:
        uploads.check(actor, Upload.ROSTER if what == "roster" else Upload.TICKETS)
    except UploadRefused as error:
        client.views_open(trigger_id=body["trigger_id"], view=notice_modal("Upload", str(error)))
        return
    client.views_open(trigger_id=body["trigger_id"], view=blocks.upload_modal(what))


def handle_upload_modal(
    ack: Ack,
    view: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """Import: the modal closes at once; the report follows in DM."""
    values = view["state"]["values"]
    files = value_of(values, blocks.FILE).get("files") or []
    if not files:
        ack(response_action="errors", errors={blocks.FILE: "Attach a CSV file."})
        return
    ack()
    what = str(view.get("private_metadata") or "roster")
    if what == "roster":
        kind = Upload.ROSTER
    else:
        picked = (value_of(values, blocks.KIND).get("selected_option") or {}).get("value")
        kind = Upload(picked) if picked in (Upload.TICKETS, Upload.SURVEYS) else Upload.TICKETS
    source = str((value_of(values, blocks.SOURCE).get("selected_option") or {}).get("value")
                 or "csv")  # fmt: skip
    zone = str(value_of(values, blocks.ZONE).get("value") or "").strip() or None
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    defer(lambda: run(deps, client, workspace_id, user_id, files[0], kind, source, zone, caller))


def handle_dm_file(event: dict[str, Any], client: WebClient, deps: Deps, workspace_id: str,
                   defer: Defer, caller: Caller) -> None:  # fmt: skip
    """A CSV sent to the bot's DM: a roster or a file in CX Coach's own format, told apart by
    its header; anything else gets a line saying where to upload it."""
    user_id = str(event.get("user") or "")

    def one(shared: dict[str, Any]) -> Callable[[], None]:
        return lambda: run(deps, client, workspace_id, user_id, shared, None, "csv", None, caller)

    for shared in event.get("files") or []:
        defer(one(shared))


def _kind_from_header(text: str) -> Upload | None:
    header = {name.strip().lower() for name in text.splitlines()[0].split(",")} if text else set()
    for kind, needed in ((Upload.ROSTER, ("agent", "team")), (Upload.TICKETS, TICKET_HEADER),
                         (Upload.SURVEYS, SURVEY_HEADER)):  # fmt: skip
        if all(name in header for name in needed):
            return kind
    return None


def run(deps: Deps, client: WebClient, workspace_id: str, user_id: str, shared: dict[str, Any],
        kind: Upload | None, source: str, zone: str | None, caller: Caller) -> None:  # fmt: skip
    """Fetch the file, import it, and DM the report (and the rejected lines)."""
    name = str(shared.get("name") or "upload.csv")

    def tell(rendered: tuple[str, list[dict[str, object]]]) -> None:
        client.chat_postMessage(channel=user_id, text=rendered[0], blocks=rendered[1])

    try:
        data = _download(client, shared)
    except (OSError, ValueError) as error:
        tell(blocks.failed_message(name, f"Slack did not hand over the file ({error})."))
        return
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as handle:
        handle.write(data)
    try:
        text = data.decode("utf-8-sig", errors="replace")
        kind = kind or _kind_from_header(text)
        if kind is None:
            columns = ", ".join(ROSTER_COLUMNS)
            why = (f"its header is neither a roster ({columns}) nor CX Coach's own tickets or "
                   "ratings. For a helpdesk's own export use *Upload helpdesk export* on the "
                   "App Home and say whose it is.")  # fmt: skip
            tell(blocks.failed_message(name, why))
            return
        outcome = _import(deps, client, workspace_id, kind, handle.name, text, source, zone,
                          caller)  # fmt: skip
    except (UploadError, UploadRefused) as error:
        tell(blocks.failed_message(name, str(error)))
        return
    finally:
        os.unlink(handle.name)
    tell(blocks.report_message(name, outcome))
    if outcome.rejected_csv:
        _send_rejected(client, user_id, name, outcome.rejected_csv)


def _import(
    deps: Deps,
    client: WebClient,
    workspace_id: str,
    kind: Upload,
    path: str,
    text: str,
    source: str,
    zone: str | None,
    caller: Caller,
) -> Outcome:
    actor = caller.actor()
    with deps.transaction() as session:
        if kind == Upload.ROSTER:
            outcome = uploads.import_roster(session=session, workspace_id=workspace_id,
                                            actor=actor, text=text,
                                            resolve=slack_resolver(client))  # fmt: skip
        else:
            outcome = uploads.import_helpdesk(
                session=session, workspace_id=workspace_id, actor=actor, kind=kind.value,  # type: ignore[arg-type]
                path=path, source=source, timezone=zone,
                resolve=resolver(session, workspace_id, client),
            )  # fmt: skip
    return outcome


def _download(client: WebClient, shared: dict[str, Any]) -> bytes:
    """The file's bytes from Slack (files:read), with the bot token the request came with."""
    url = str(shared.get("url_private_download") or shared.get("url_private") or "")
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ValueError("no download address")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data: bytes = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError("over 20 MB; import it with python -m bot import")
    return data


def _send_rejected(client: WebClient, user_id: str, name: str, content: str) -> None:
    stem = name.rsplit(".", 1)[0]
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(channel=channel, filename=f"{stem}-rejected.csv",
                               title=f"{stem}: rejected lines", content=content)  # fmt: skip
    except SlackApiError as error:
        logger.warning("rejected lines not sent: %s", error.response.get("error"))


def register(app: App) -> None:
    """The App Home buttons and the upload modal (DM files arrive through message.im)."""
    app.action(blocks.UPLOAD_ROSTER)(handle_upload_button)
    app.action(blocks.UPLOAD_HELPDESK)(handle_upload_button)
    app.view(blocks.UPLOAD_MODAL)(handle_upload_modal)
