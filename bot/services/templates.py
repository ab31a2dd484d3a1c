"""Reflection questions: the default set, the post-mortem set, or a team's own."""

import re
from dataclasses import dataclass, field
from typing import Literal

MAX_QUESTIONS = 10
MAX_QUESTION = 150  # characters; Slack allows 2,000 in a label, people read 150
TEMPLATES = ("default", "postmortem", "custom")


class TemplateError(ValueError):
    """A team's own questions that cannot be used; the message says which line and why."""


@dataclass(frozen=True)
class Question:
    """One question of the reflection modal; `id` keys its answer."""

    id: str
    text: str
    kind: Literal["text", "scale", "choice"] = "text"
    required: bool = True
    choices: tuple[str, ...] = field(default_factory=tuple)


DEFAULT = (
    Question("well", "What did you do well today?"),
    Question("differently", "What could you have done differently?"),
    Question("training", "What training or resources would help you?", required=False),
    Question("confidence", "How confident do you feel about today's shift?", kind="scale"),
    Question("story", "A customer interaction worth sharing (a win or a lesson)?", required=False),
)
POSTMORTEM = (
    Question("happened", "What happened?"),
    Question("root_cause", "What was the root cause?"),
    Question("change", "What will I change?"),
)
_TAG = re.compile(r"^\[(?P<tag>[^\]]*)\]\s*(?P<text>.*)$")
CUSTOM_HELP = (
    "One question per line. Start a line with [scale] for a 1–5 answer, [choice: a | b | c] "
    "for one of several, [optional] for a text answer that may stay empty."
)


def parse_custom(text: str) -> tuple[Question, ...]:
    """A team's own questions from their one-per-line form (see CUSTOM_HELP)."""
    questions: list[Question] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        kind: Literal["text", "scale", "choice"] = "text"
        required, choices = True, tuple[str, ...]()
        if match := _TAG.match(line):
            tag, line = match["tag"].strip().lower(), match["text"].strip()
            if tag == "scale":
                kind = "scale"
            elif tag == "optional":
                required = False
            elif tag.startswith("choice:"):
                kind = "choice"
                choices = tuple(c.strip() for c in tag.split(":", 1)[1].split("|") if c.strip())
                if len(choices) < 2:
                    raise TemplateError(
                        f"Line {number}: give at least two choices: [choice: a | b]."
                    )
            else:
                raise TemplateError(
                    f"Line {number}: [{tag}] is not [scale], [choice: …] or [optional]."
                )
        if not line or len(line) > MAX_QUESTION:
            raise TemplateError(f"Line {number}: a question needs 1 to {MAX_QUESTION} characters.")
        questions.append(Question(f"q{len(questions) + 1}", line, kind, required, choices))
    if not questions:
        raise TemplateError("Write at least one question.")
    if len(questions) > MAX_QUESTIONS:
        raise TemplateError(f"At most {MAX_QUESTIONS} questions.")
    return tuple(questions)


def questions_for(template: str, custom: str | None) -> tuple[Question, ...]:
    """The questions of a template ("custom" falls back to the default if unusable)."""
    if template == "postmortem":
        return POSTMORTEM
    if template == "custom" and custom:
        try:
            return parse_custom(custom)
        except TemplateError:
            return DEFAULT
    return DEFAULT
