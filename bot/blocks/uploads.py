"""Block Kit for CSV uploads in Slack (issue 16): the App Home buttons, the upload modal (a file
input, and for a helpdesk export its kind, whose export it is and its zone), and the report DM."""

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from bot.blocks.common import escape, fit, message_blocks, section
from bot.blocks.helpdesk_access import INGEST_KEYS, SYNC_OPEN
from bot.delivery import Rendered
from bot.services.formats import SOURCES
from bot.services.uploads import Outcome, Upload
from bot.services.wording import plural

UPLOAD_ROSTER = "upload_roster"  # App Home button (admins)
UPLOAD_HELPDESK = "upload_helpdesk"  # App Home button (leads and admins)
UPLOAD_MODAL = "upload_modal"  # private_metadata: "roster" | "helpdesk"
FILE, KIND, SOURCE, ZONE = "upload_file", "upload_kind", "upload_source", "upload_zone"
SOURCE_NAMES = {"csv": "CX Coach's own format", "zendesk": "Zendesk export",
                "freshdesk": "Freshdesk export", "intercom": "Intercom export"}  # fmt: skip
SHOWN = 20  # problems listed in the DM (all of them are in the file)


def home_buttons(*, roster: bool, helpdesk: bool, keys: bool = False) -> list[Block]:
    """*Upload roster* (admins), *Upload helpdesk export* (leads, admins) and *Helpdesk keys*
    (admins: the workspace's own ingest token and Zendesk secret)."""
    elements = []
    if roster:
        elements.append(ButtonElement(text="Upload roster", action_id=UPLOAD_ROSTER, value="1"))
    if helpdesk:
        elements.append(ButtonElement(text="Upload helpdesk export", action_id=UPLOAD_HELPDESK,
                                      value="1"))  # fmt: skip
    if keys:
        elements.append(ButtonElement(text="Helpdesk sync…", action_id=SYNC_OPEN, value="1"))
        elements.append(ButtonElement(
            text="Helpdesk keys…", action_id=INGEST_KEYS, value="1",
            confirm=ConfirmObject(title="New helpdesk keys", confirm="Make new keys",
                                  deny="Cancel",
                                  text="New keys replace the old ones at once: anything "
                                  "sending with the old ones must be given the new ones."),
        ))  # fmt: skip
    return [ActionsBlock(elements=elements)] if elements else []


def upload_modal(what: str) -> View:
    """A file input; for a helpdesk export, also tickets or ratings, whose export, and zone."""
    blocks: list[Block] = []
    if what == "helpdesk":
        kinds = [Option(value=Upload.TICKETS.value, text="Tickets"),
                 Option(value=Upload.SURVEYS.value, text="Ratings (CSAT / NPS)")]  # fmt: skip
        sources = [Option(value=s, text=SOURCE_NAMES[s]) for s in SOURCES]
        blocks += [
            InputBlock(block_id=KIND, label="What the file holds",
                       element=StaticSelectElement(action_id=KIND, options=kinds,
                                                   initial_option=kinds[0])),
            InputBlock(block_id=SOURCE, label="Whose export",
                       element=StaticSelectElement(action_id=SOURCE, options=sources,
                                                   initial_option=sources[0])),
            InputBlock(block_id=ZONE, label="Time zone of times written without one",
                       optional=True, hint="An IANA name like America/New_York (Zendesk and "
                       "Freshdesk exports need it).",
                       element=PlainTextInputElement(action_id=ZONE, placeholder="UTC")),
        ]  # fmt: skip
    else:
        blocks.append(section("Columns: `agent,team,role,timezone,shift_days,shift_end` — the "
                              "same file as `python -m bot roster import`."))  # fmt: skip
    blocks.append(InputBlock(
        block_id=FILE, label="CSV file",
        element=FileInputElement(action_id=FILE, filetypes=["csv", "txt"], max_files=1),
    ))  # fmt: skip
    return View(type="modal", callback_id=UPLOAD_MODAL, private_metadata=what,
                title="Upload roster" if what == "roster" else "Upload helpdesk data",
                submit="Import", close="Cancel", blocks=blocks)  # fmt: skip


def report_message(name: str, outcome: Outcome) -> Rendered:
    """The import's report, as the command line prints it."""
    text = f"Imported `{escape(name)}`: {escape(outcome.summary)}"
    lines = [f":inbox_tray: {text}"]
    if outcome.problems:
        shown = "\n".join(f"• {escape(p)}" for p in outcome.problems[:SHOWN])
        more = len(outcome.problems) - SHOWN
        tail = f"\n…and {plural(more, 'more line')}." if more > 0 else ""
        lines.append(fit(f"*{plural(len(outcome.problems), 'line')} to look at:*\n{shown}{tail}"))
    if outcome.rejected_csv:
        lines.append("The rejected lines, with why, are in the file below.")
    return text, message_blocks([section(line) for line in lines])


def failed_message(name: str, why: str) -> Rendered:
    """Nothing imported, and why."""
    text = f"Nothing imported from `{escape(name)}`: {escape(why)}"
    return text, message_blocks([section(f":warning: {text}")])
