"""/cx-feedback: ask colleagues (`@peer …`), a lead's 360 (`about @agent from @peer …`),
`suggest [anonymously] <idea>` and `status`. Acks at once; Slack lookups and saving after."""

import re
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import feedback_messages
from bot.blocks.common import escape
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.profiles import colleague_or_problem
from bot.listeners.sending import deliver_now
from bot.listeners.usage import answered_help_or_bad_input, first_word
from bot.services import feedback, feedback_life, people, suggestions
from bot.services.people import MENTIONS
from bot.services.permissions import Action, may, refusal
from bot.services.wording import plural, short_date
from bot.store import repos
from bot.store.models import Person

USAGE = "Try `/cx-feedback @colleague [@colleague2 …] [what you'd like feedback on]`."


def handle_feedback_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    defer: Defer,
    caller: Caller,
) -> None:
    """/cx-feedback @peers [topic] | about @agent from @peers [topic] | suggest … | status."""
    if answered_help_or_bad_input(ack, command):
        return
    ack()
    workspace_id = str(context["workspace_id"])
    text = str(command.get("text") or "").strip()

    def say(message: str, **extra: Any) -> None:
        respond(text=message, response_type="ephemeral", **extra)

    def run() -> None:
        me = caller.person()
        if me is None:
            say("I can't find you in this workspace.")
            return
        verb = first_word(command)
        if verb == "status":
            with deps.session() as session:
                statuses = feedback_life.my_requests(session=session, person=me, now=deps.clock())
                shown = feedback_messages.status_blocks(statuses)
            say(plural(len(statuses), "feedback request"), blocks=shown)
        elif verb == "suggest":
            _suggest(deps, defer, me, text.split(None, 1)[1] if " " in text else "", say)
        elif verb == "about":
            _ask_360_command(deps, client, defer, workspace_id, me, text.split(None, 1)[1:], say)
        else:
            ids = MENTIONS.findall(text)
            topic = MENTIONS.sub("", text).strip() or None
            ask_colleagues(deps, client, defer, workspace_id, me, me, ids, topic, "request", say)

    defer(run)


def _suggest(deps: Deps, defer: Defer, me: Person, rest: str, say: Any) -> None:
    words = rest.split(None, 1)
    anonymous = bool(words) and words[0].lower() in ("anonymously", "anon", "anonymous")
    idea = (words[1] if len(words) > 1 else "") if anonymous else rest
    try:
        with deps.session() as session:
            teams, ids = suggestions.suggest(
                session=session,
                author=repos.fresh(session, me),
                text=idea,
                anonymous=anonymous,
                now=deps.clock(),
            )
            session.commit()
            names = ", ".join(escape(team.name) for team in teams)
    except feedback.FeedbackError as error:
        say(f"{error} Try `/cx-feedback suggest [anonymously] <your idea>`.")
        return
    deliver_now(deps, defer, ids)
    how = " anonymously: your name is not stored" if anonymous else ""
    say(f"Sent to the leads of {names}{how}. Thank you!")


def _ask_360_command(
    deps: Deps, client: WebClient, defer: Defer, workspace_id: str, me: Person, rest: list[str],
    say: Any,
) -> None:  # fmt: skip
    """`about @agent from @peer [@peer2 …] [topic]`, read; then as the App Home's modal."""
    text = rest[0] if rest else ""
    found = re.match(r"^\s*(<@[^>]+>)\s+from\s+(.*)$", text, re.IGNORECASE | re.DOTALL)
    if not found or not MENTIONS.match(found[1]):
        say(
            "Say whose feedback and from whom: "
            "`/cx-feedback about @agent from @peer [@peer2 …] [topic]`."
        )
        return
    topic = MENTIONS.sub("", found[2]).strip() or None
    ask_360(deps, client, defer, workspace_id, me, MENTIONS.findall(found[1])[0],
            MENTIONS.findall(found[2]), topic, say)  # fmt: skip


def ask_360(
    deps: Deps, client: WebClient, defer: Defer, workspace_id: str, me: Person, subject_id: str,
    reviewers: list[str], topic: str | None, say: Any,
) -> None:  # fmt: skip
    """A lead's 360 about one of their agents (the command and the App Home's modal)."""
    subject = colleague_or_problem(deps, client, workspace_id, subject_id)
    if isinstance(subject, str):
        say(subject)
        return
    with deps.session() as session:
        actor = people.actor(
            session=session, person=repos.fresh(session, me), admins=deps.settings.cx_admins
        )
        teams = repos.team_list_of(session=session, person=repos.fresh(session, subject))
    if not may(
        actor,
        Action.REQUEST_360,
        subject_id=subject_id,
        subject_teams=frozenset(t.id for t in teams if t.id),
    ):
        say(refusal(Action.REQUEST_360))
        return
    share = teams[0].share_360_with_agent if teams else True
    ask_colleagues(deps, client, defer, workspace_id, me, subject, reviewers, topic, "360", say,
                   share)  # fmt: skip


def ask_colleagues(
    deps: Deps,
    client: WebClient,
    defer: Defer,
    workspace_id: str,
    me: Person,
    subject: Person,
    user_ids: list[str],
    topic: str | None,
    kind: str,
    say: Any,
    share: bool = False,
) -> None:
    try:
        unique = feedback.check_names(asker=me.slack_user_id, subject=subject.slack_user_id,
                                      reviewers=user_ids)  # fmt: skip
    except feedback.FeedbackError as error:
        say(f"{error} {USAGE}" if not user_ids else str(error))
        return
    reviewers = []
    for user_id in unique:
        found = colleague_or_problem(deps, client, workspace_id, user_id)
        if isinstance(found, str):
            say(found)
            return
        reviewers.append(found)
    try:
        with deps.session() as session:
            request, ids = feedback.ask(
                session=session,
                asked_by=repos.fresh(session, me),
                subject=repos.fresh(session, subject),
                reviewers=[repos.fresh(session, r) for r in reviewers],
                topic=topic,
                now=deps.clock(),
                kind=kind,
                share=share,
            )
            session.commit()
            until = f"{short_date(request.expires_at)}"
    except feedback.FeedbackError as error:
        say(str(error))
        return
    deliver_now(deps, defer, ids)
    names = ", ".join(f"<@{r.slack_user_id}>" for r in reviewers)
    few = (
        f" Heads-up: anonymous answers reach you only in groups of {feedback.ANONYMITY_MINIMUM}, "
        f"so with {plural(len(reviewers), 'person', 'people')} asked, an answer given "
        "anonymously may never be shared. Ask more people to make that likelier."
        if len(reviewers) < feedback.ANONYMITY_MINIMUM
        else ""
    )
    say(
        f"Asked {names}. Answers come to you by DM; the request is open until {until}. "
        f"See how many have answered with `/cx-feedback status`.{few}"
    )
