"""Block Kit for privacy (docs/PRIVACY.md): "Your data" on the App Home with Export my data, and
for admins the Forget a person and Privacy settings modals."""

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import escape, section
from bot.services.forget import ForgetReport
from bot.services.retention import PrivacySettings
from bot.services.your_data import YourData

EXPORT = "privacy_export"  # App Home button: the person's own data, as a ZIP in their DM
FORGET_OPEN = "privacy_forget_open"  # App Home button (admins) → FORGET_MODAL
FORGET_MODAL = "privacy_forget_modal"
SETTINGS_OPEN = "privacy_settings_open"  # App Home button (admins) → SETTINGS_MODAL
SETTINGS_MODAL = "privacy_settings_modal"
WHO, CONFIRM = "forget_who", "forget_confirm"
MONTHS, DAYS = "retention_months", "forget_deactivated_days"
CONFIRM_WORD = "FORGET"


def your_data_blocks(data: YourData, *, admin: bool) -> list[Block]:
    """What is kept about the person and who reads it; Export my data; admins' tools."""
    lines = [f"• {escape(kept.what)} — read by {escape(kept.readers)}" for kept in data.kept]
    at_rest = " Texts are encrypted at rest." if data.encrypted else ""
    buttons = [ButtonElement(text="Export my data", action_id=EXPORT, value="me")]
    if admin:
        buttons += [
            ButtonElement(text="Forget a person…", action_id=FORGET_OPEN, value="1",
                          style="danger"),
            ButtonElement(text="Privacy settings…", action_id=SETTINGS_OPEN, value="1"),
        ]  # fmt: skip
    return [
        section("*Your data*\n" + "\n".join(lines)),
        ContextBlock(elements=[MarkdownTextObject(text=escape(data.retention) + at_rest)]),
        ActionsBlock(elements=buttons),
    ]


def export_sent(counts: dict[str, int]) -> str:
    shown = ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in counts.items() if n)
    return f"Here is everything CX Coach keeps about you ({shown or 'nothing yet'})."


EXPORT_ON_ITS_WAY = (
    "Your data export is already on its way: the ZIP arrives in your DM with CX Coach in a "
    "moment. You can ask for a new one a minute after."
)


def forget_modal() -> View:
    """Whom to forget, and a typed confirmation."""
    return View(
        type="modal", callback_id=FORGET_MODAL, title="Forget a person", submit="Forget",
        close="Cancel",
        blocks=[
            section("Deletes what they wrote and what was written about them: reflections, "
                    "replies, action items, feedback, kudos texts, shifts, time away and "
                    "profile. Their tickets and ratings stay under a pseudonym, so team figures "
                    "do not change. *This cannot be undone.*"),
            InputBlock(block_id=WHO, label="Person",
                       element=UserSelectElement(action_id=WHO)),
            InputBlock(block_id=CONFIRM, label=f"Type {CONFIRM_WORD} to confirm",
                       element=PlainTextInputElement(action_id=CONFIRM, max_length=20)),
        ],
    )  # fmt: skip


def forgotten_modal(user_id: str, report: ForgetReport) -> View:
    lines = "\n".join(f"• {escape(line)}" for line in report.lines()) or "• nothing was stored"
    return View(type="modal", title="Forgotten", close="OK",
                blocks=[section(f"Forgot <@{user_id}>:\n{lines}")])  # fmt: skip


def settings_modal(settings: PrivacySettings) -> View:
    def number(value: int | None) -> str | None:
        return str(value) if value else None

    return View(
        type="modal", callback_id=SETTINGS_MODAL, title="Privacy settings", submit="Save",
        close="Cancel",
        blocks=[
            InputBlock(block_id=MONTHS, label="Delete reflection, reply and feedback texts after "
                       "(months)", optional=True,
                       hint="Empty or `off`: keep them. Counts and KPIs always stay.",
                       element=PlainTextInputElement(action_id=MONTHS, placeholder="off",
                                                     initial_value=number(settings.retention_months))),
            InputBlock(block_id=DAYS, label="Forget people deactivated in Slack after (days)",
                       optional=True, hint="Empty or `off`: only when an admin forgets them.",
                       element=PlainTextInputElement(
                           action_id=DAYS, placeholder="off",
                           initial_value=number(settings.forget_deactivated_days))),
        ],
    )  # fmt: skip


def confirm_export() -> ConfirmObject:
    return ConfirmObject(title="Export my data", text="Send the ZIP to your DM?", confirm="Send",
                         deny="Cancel")  # fmt: skip
