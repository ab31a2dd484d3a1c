"""Block Kit for a workspace's own access to its helpdesk (issue 19): the keys its helpdesk
sends data with (shown once), and the credentials CX Coach syncs its helpdesk's API with."""

from slack_sdk.models.blocks import InputBlock, Option, PlainTextInputElement, StaticSelectElement
from slack_sdk.models.views import View

from bot.blocks.common import section
from bot.services.helpdesk_credentials import Credentials
from bot.services.ingest_keys import Keys

INGEST_KEYS = "ingest_keys"  # App Home button (admins): new ingest token and Zendesk secret
SYNC_OPEN = "helpdesk_sync_open"  # App Home button (admins) → SYNC_MODAL
SYNC_MODAL = "helpdesk_sync_modal"
SOURCE, URL, USER, SECRET = "sync_source", "sync_url", "sync_user", "sync_secret"
FIELDS = {"source": SOURCE, "url": URL, "user": USER, "secret": SECRET}  # error → block


UNKNOWN_ADDRESS = (
    "Put CX Coach's own address (ask whoever runs it) before these paths; with PUBLIC_URL "
    "set, CX Coach shows the full addresses here."
)


def keys_modal(keys: Keys, public_url: str | None = None) -> View:
    """The workspace's new keys, shown once, with the addresses to send to (on CX Coach's own
    address: `public_url`, or a note saying whose address to put first)."""
    base = public_url or ""
    blocks = [
        section("Copy these now: CX Coach keeps only a fingerprint of the token, and the old "
                "keys no longer work."),
        section(f"*Ingest token* (`Authorization: Bearer …` for `{base}/ingest/tickets` and "
                f"`{base}/ingest/surveys`):\n```{keys.token}```"),
        section(f"*Zendesk webhook*: endpoint `{base}/ingest/zendesk?workspace="
                f"{keys.workspace_id}`, signing secret:\n```{keys.zendesk_secret}```"),
    ]  # fmt: skip
    if public_url is None:
        blocks.append(section(UNKNOWN_ADDRESS))
    return View(type="modal", title="Helpdesk keys", close="Done", blocks=blocks)


def sync_modal(current: Credentials | None, source: str = "zendesk") -> View:
    """The helpdesk CX Coach pulls tickets and ratings from for this workspace."""
    options = [Option(value="zendesk", text="Zendesk"), Option(value="freshdesk", text="Freshdesk")]
    return View(
        type="modal", callback_id=SYNC_MODAL, title="Helpdesk sync", submit="Save",
        close="Cancel",
        blocks=[
            section("CX Coach pulls new tickets and ratings every few minutes with these. The "
                    "token is stored encrypted when the installation has a key."),
            InputBlock(block_id=SOURCE, label="Helpdesk", element=StaticSelectElement(
                action_id=SOURCE, options=options,
                initial_option=next(o for o in options if o.value == source))),
            InputBlock(block_id=URL, label="Its address", element=PlainTextInputElement(
                action_id=URL, placeholder="https://acme.zendesk.com",
                initial_value=current.url if current else None)),
            InputBlock(block_id=USER, label="Zendesk agent's email", optional=True,
                       element=PlainTextInputElement(
                           action_id=USER, initial_value=current.user if current else None)),
            InputBlock(block_id=SECRET, label="API token (Zendesk) or API key (Freshdesk)",
                       element=PlainTextInputElement(action_id=SECRET)),
        ],
    )  # fmt: skip
