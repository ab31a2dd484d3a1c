"""/cx-1on1 @agent: the 1:1 agenda in the lead's DM; *Mark as held* with notes; *Discuss in
1:1* on a low rating's alert (issue 15)."""

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import one_on_one as blocks
from bot.blocks.common import notice_modal
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.in_time import Unsaved, save_or_explain
from bot.listeners.modal_meta import Stale, as_int, value_of
from bot.listeners.profiles import known_person
from bot.listeners.usage import answered_help_or_bad_input
from bot.services import one_on_ones
from bot.services.people import MENTION
from bot.services.reading import ReadingDenied
from bot.store import repos
from bot.store.models import Person


def handle_one_on_one_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient,
    context: BoltContext, deps: Deps, defer: Defer, caller: Caller) -> None:  # fmt: skip
    """/cx-1on1 @agent: the agenda, in the lead's DM (an ephemeral line says where)."""
    if answered_help_or_bad_input(ack, command):
        return
    words = str(command.get("text") or "").split()
    mention = MENTION.match(words[0]) if words else None
    if mention is None or len(words) > 1:
        ack(text="Say `/cx-1on1 @agent` — one agent, mentioned.")
        return
    ack()
    workspace_id, user_id, agent_id = (
        str(context["workspace_id"]),
        command["user_id"],
        mention.group(1),
    )

    def run() -> None:
        actor = caller.actor()
        agent = known_person(deps, client, workspace_id, agent_id)
        if agent is None:
            respond(text="Slack does not know that person.", response_type="ephemeral")
            return
        with deps.session() as session:
            try:
                subject = repos.fresh(session, agent)
                agenda = one_on_ones.agenda(session=session, actor=actor, agent=subject,
                                            now=deps.clock())  # fmt: skip
            except ReadingDenied as error:
                respond(text=str(error), response_type="ephemeral")
                return
        text, message = blocks.agenda_message(agenda)
        client.chat_postMessage(channel=user_id, text=text, blocks=message)
        respond(text=f"Your 1:1 agenda for <@{agent_id}> is in your DM with CX Coach.",
                response_type="ephemeral")  # fmt: skip

    defer(run)


def handle_held(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                context: BoltContext, deps: Deps, caller: Caller) -> None:  # fmt: skip
    """Mark as held: the notes modal, for someone who may run the 1:1."""
    ack()
    agent_id = str(action.get("value") or "")
    actor = caller.actor(on_ack_path=True)
    with deps.read_session() as session:
        agent = repos.get_person(
            session=session, workspace_id=str(context["workspace_id"]), slack_user_id=agent_id
        )
        try:
            if agent is None:
                raise ReadingDenied("CX Coach does not know that person.")
            one_on_ones.check(session=session, actor=actor, agent=agent)
        except ReadingDenied as error:
            client.views_open(trigger_id=body["trigger_id"], view=notice_modal("1:1", str(error)))
            return
    client.views_open(trigger_id=body["trigger_id"], view=blocks.held_modal(agent_id))


def handle_held_modal(
    ack: Ack, view: dict[str, Any], context: BoltContext, deps: Deps, caller: Caller
) -> None:
    """Save the 1:1 as held before the modal closes."""
    notes = str(value_of(view["state"]["values"], blocks.NOTES).get("value") or "")
    workspace_id = str(context["workspace_id"])
    agent_id = str(view.get("private_metadata") or "")

    def save() -> None:
        lead = caller.person(on_ack_path=True)
        actor = caller.actor(on_ack_path=True)
        with deps.session() as session:
            agent = repos.get_person(
                session=session, workspace_id=workspace_id, slack_user_id=agent_id
            )
            if lead is None or agent is None:
                raise ReadingDenied("CX Coach does not know that person.")
            once = f"view:{view.get('id')}" if view.get("id") else None
            one_on_ones.mark_held(session=session, actor=actor, lead=repos.fresh(session, lead),
                                  agent=agent, notes=notes, now=deps.clock(),
                                  once=once)  # fmt: skip
            session.commit()

    saved = save_or_explain(
        ack, save, what="1:1 notes", field=blocks.NOTES, refusals=(ReadingDenied,)
    )
    if saved is Unsaved.UNSAVED:
        return
    ack()


def handle_discuss_rating(ack: Ack, action: dict[str, Any],
                          respond: Respond, deps: Deps,
                          defer: Defer, caller: Caller) -> None:  # fmt: skip
    """Discuss in 1:1, under a low rating's alert: on the next agenda; a line says so."""
    ack()

    def mark() -> None:
        try:
            survey_id = as_int(action.get("value"))
        except Stale:
            return
        actor = caller.actor()
        with deps.session() as session:
            try:
                survey = one_on_ones.discuss_rating(session=session, actor=actor,
                                                    survey_id=survey_id)  # fmt: skip
            except (LookupError, ReadingDenied) as error:
                respond(text=str(error), response_type="ephemeral", replace_original=False)
                return
            agent = session.get(Person, survey.person_id)
            session.commit()
        whom = f"<@{agent.slack_user_id}>" if agent else "the agent"
        respond(text=f"On the agenda of your next 1:1 with {whom} (`/cx-1on1 {whom}`).",
                response_type="ephemeral", replace_original=False)  # fmt: skip

    defer(mark)


def register(app: App) -> None:
    """The 1:1 buttons and modal (the command is registered with the others)."""
    app.action(blocks.HELD)(handle_held)
    app.action(blocks.DISCUSS_RATING)(handle_discuss_rating)
    app.view(blocks.HELD_MODAL)(handle_held_modal)
