"""Helpers every Block Kit builder uses: escaping user text and Slack's message limits."""

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.services.people import is_former
from bot.services.wording import plural as plural
from bot.services.wording import short_date as short_date

# slack_sdk validates per-block limits but not the per-message block count.
MAX_BLOCKS_PER_MESSAGE = 50
SECTION_LIMIT = 3000  # characters of a section's text


NOT_SAVED = (
    "Not saved: CX Coach can't reach its database. What you entered is still here; "
    "press Save again in a minute."
)
"""Shown beside a modal's field when saving failed, so nothing typed is lost."""


def escape(text: str) -> str:
    """Escape user text for Slack so `<!channel>` or a fake `<@U…>` never pings anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(markdown: str) -> SectionBlock:
    """A section block of mrkdwn text (the caller escapes any user text in it), cut to fit
    Slack's 3,000 characters rather than refused."""
    return SectionBlock(text=MarkdownTextObject(text=fit(markdown)))


def fit(markdown: str, limit: int = SECTION_LIMIT) -> str:
    """`markdown` if it fits in `limit` characters, else cut with "…", never inside an escaped
    character (`&amp;`) or a mention or link (`<@U…>`)."""
    if len(markdown) <= limit:
        return markdown
    cut = markdown[: limit - 1]
    entity = cut.rfind("&")
    if entity != -1 and ";" not in cut[entity:]:
        cut = cut[:entity]
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rfind("<")]
    return cut + "…"


def message_blocks(blocks: Sequence[Block]) -> list[dict[str, object]]:
    """Validate `blocks` for a message and return them as dicts ready to send."""
    if len(blocks) > MAX_BLOCKS_PER_MESSAGE:
        raise ValueError(
            f"a message holds at most {MAX_BLOCKS_PER_MESSAGE} blocks, got {len(blocks)}"
        )
    return [block.to_dict() for block in blocks]


def mention(user_id: str) -> str:
    """A person as Slack shows them; someone forgotten as "a former colleague"."""
    return "a former colleague" if is_former(user_id) else f"<@{user_id}>"


def notice_modal(title: str, text: str) -> View:
    """A modal that only tells something (e.g. why the button does nothing for you)."""
    return View(type="modal", title=title[:24], close="OK", blocks=[section(text)])
