"""/cx-kudos: give kudos, see the leaderboard, opt out of leaderboards or milestone names
(also the App Home's buttons). Acks at once; Slack lookups, saving and posting happen after."""

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import kudos as blocks
from bot.blocks.common import escape
from bot.deps import Defer, Deps
from bot.listeners.caller import Caller
from bot.listeners.home import publish_home
from bot.listeners.profiles import colleague_or_problem
from bot.listeners.sending import deliver_now
from bot.listeners.usage import answered_help_or_bad_input, first_word
from bot.services import kudos, periods
from bot.store import repos
from bot.store.models import Person

PERIODS = {"week": "this-week", "month": "this-month", "ever": None}
LABELS = {"week": "this week", "month": "this month", "ever": "of all time"}


def handle_kudos_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient,
    context: BoltContext, deps: Deps, defer: Defer, caller: Caller) -> None:  # fmt: skip
    """/cx-kudos @agent for <reason> [#value] | top [week|month|all] | leaderboard|milestones."""
    if answered_help_or_bad_input(ack, command):
        return
    ack()
    workspace_id = str(context["workspace_id"])
    text = str(command.get("text") or "").strip()
    words = text.split()

    def say(message: str, **extra: Any) -> None:
        respond(text=message, response_type="ephemeral", **extra)

    def run() -> None:
        me = caller.person()
        if me is None:
            say("I can't find you in this workspace.")
            return
        verb = first_word(command)
        if verb == "top":
            _top(deps, workspace_id, me, words[1:], say)
        elif verb in ("leaderboard", "milestones"):
            _opt(deps, me, verb, words[1:], say)
        else:
            _give(deps, client, defer, workspace_id, me, text, say)

    defer(run)


def _top(deps: Deps, workspace_id: str, me: Person, words: list[str], say: Any) -> None:
    """`top [week|month|ever] [all]`: your teams' board (`all`: the workspace's)."""
    asked = [word.lower() for word in words]
    everyone = "all" in asked
    rest = [word for word in asked if word != "all"]
    word = rest[0] if rest else "week"
    if word not in PERIODS or len(rest) > 1:
        say("Say `top`, `top month` or `top ever`, and add `all` for every team: "
            "`/cx-kudos top month all`.")  # fmt: skip
        return
    zone = me.timezone_override or me.timezone or "UTC"
    grammar = PERIODS[word]
    period = periods.parse(grammar, now=deps.clock(), zone=zone) if grammar else None
    with deps.session() as session:
        mine = repos.team_list_of(session=session, person=repos.fresh(session, me))
        scope = None if everyone or not mine else [t.id for t in mine if t.id is not None]
        board = kudos.leaderboard(session=session, workspace_id=workspace_id, period=period,
                                  team_ids=scope)  # fmt: skip
        names = ", ".join(t.name for t in mine)
    where = "everyone" if scope is None else names
    label = f"{LABELS[word]}, {where}"
    say(f"Kudos {escape(label)}", blocks=[b.to_dict() for b in blocks.board_blocks(board, label)])


def _opt(deps: Deps, me: Person, what: str, words: list[str], say: Any) -> None:
    choice = words[0].lower() if words else ""
    if choice not in ("on", "off"):
        say(f"Say `/cx-kudos {what} off` or `/cx-kudos {what} on`.")
        return
    with deps.transaction() as session:
        kudos.opt(session=session, person=repos.fresh(session, me), what=what, on=choice == "on")
    say({
        ("leaderboard", "off"): "You're off the kudos leaderboards. `/cx-kudos leaderboard on` "
                                "brings you back.",
        ("leaderboard", "on"): "You're on the kudos leaderboards again.",
        ("milestones", "off"): "Milestone shout-outs won't name you.",
        ("milestones", "on"): "Milestone shout-outs may name you again.",
    }[(what, choice)])  # fmt: skip


def _give(deps: Deps, client: WebClient, defer: Defer, workspace_id: str, me: Person,
          text: str, say: Any) -> None:  # fmt: skip
    try:
        parsed = kudos.parse(text)
    except kudos.KudosError as error:
        say(str(error))
        return
    if me.slack_user_id in parsed.user_ids:
        say("Kudos are for others — you can't give them to yourself.")
        return
    recipients = []
    for user_id in parsed.user_ids:
        found = colleague_or_problem(deps, client, workspace_id, user_id)
        if isinstance(found, str):
            say(found)
            return
        recipients.append(found)
    try:
        with deps.session() as session:
            _, team, ids = kudos.give(
                session=session, giver=repos.fresh(session, me),
                recipients=[repos.fresh(session, r) for r in recipients], parsed=parsed,
                now=deps.clock(),
            )  # fmt: skip
            session.commit()
            channel = team.celebration_channel_id
    except kudos.KudosError as error:
        say(escape(str(error)))
        return
    deliver_now(deps, defer, ids)
    say(f"Kudos posted in <#{channel}>. Thanks for celebrating your colleagues!")


def handle_opt_button(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps,
    defer: Defer, caller: Caller) -> None:  # fmt: skip
    """App Home: "Leave leaderboards" / "Don't name me in milestones" and their way back."""
    ack()
    workspace_id, user_id = str(context["workspace_id"]), body["user"]["id"]
    what, _, choice = str(body["actions"][0].get("value", "")).partition(":")
    if what not in kudos.OPTIONS or choice not in ("on", "off"):
        return  # not a value CX Coach renders

    def save() -> None:
        me = caller.person()
        if me is None:
            return
        with deps.transaction() as session:
            kudos.opt(
                session=session, person=repos.fresh(session, me), what=what, on=choice == "on"
            )
        publish_home(deps, client, workspace_id, user_id)

    defer(save)


def register(app: App) -> None:
    """The App Home's kudos buttons (the command itself is registered with the others)."""
    app.action(re.compile(f"^{re.escape(blocks.OPT)}_"))(handle_opt_button)
