"""Messages CX Coach sends in a person's DM."""

from slack_sdk.models.blocks import Block

from bot.blocks.common import section


def dm_reply_blocks() -> list[Block]:
    """The answer to a DM: what CX Coach does and the commands to use."""
    return [
        section(
            "Hi! I'm *CX Coach*. At the end of your shift I'll ask you a few questions about how "
            "it went; your answers, streaks and action items live in my *Home* tab."
        ),
        section(
            "• `/cx-reflect` — reflect on today's shift\n"
            "• `/cx-shift` — see or set when your shift ends\n"
            "• `/cx-metrics` — your CSAT, NPS, FCR and response times\n"
            "• `/cx-feedback` and `/cx-kudos` — ask for feedback, celebrate a colleague\n"
            "Add `help` to any command to see everything it does."
        ),
    ]
