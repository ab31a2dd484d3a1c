"""Usage answers every slash command shares: `help`, an unknown subcommand, a missing argument."""

from typing import Any

from slack_bolt import Ack

from bot.blocks import help as help_blocks

MENTION_PREFIX = "<@"


def first_word(command: dict[str, Any]) -> str:
    """The first word of the command text, lower-cased ("" when there is none)."""
    text = str(command.get("text") or "").strip()
    return text.split()[0].lower() if text else ""


def answered_help_or_bad_input(ack: Ack, command: dict[str, Any]) -> bool:
    """Ack with the usage text for `help` or an unknown subcommand; tell whether we did."""
    name = command["command"]
    spec = help_blocks.COMMANDS[name]
    word = first_word(command)
    if word == "help":
        ack(text=help_blocks.usage_text(name), blocks=list(help_blocks.help_blocks_json(name)))
        return True
    known = (
        word in spec.keywords
        or (spec.accepts_mentions and word.startswith(MENTION_PREFIX))
        or (spec.accepts_free_text and word != "")
    )
    if not known:
        problem = (
            help_blocks.unknown_subcommand(name, word)
            if word
            else f"`{name}` needs a little more. Here is what it can do:"
        )
        ack(
            text=help_blocks.usage_text(name, problem),
            blocks=help_blocks.usage_blocks(name, problem),
        )
        return True
    return False
