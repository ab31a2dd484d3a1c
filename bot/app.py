"""create_app(deps): the Bolt app with every listener registered. No network I/O at build time."""

import contextvars
import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot import installation, logs, oauth, slack_shapes
from bot.after_ack import AfterAck
from bot.blocks import home
from bot.deps import Defer, Deps
from bot.listeners import register_listeners
from bot.listeners.caller import Caller
from bot.listeners.modal_meta import OUT_OF_DATE
from bot.store import repos

logger = logging.getLogger(__name__)

DATABASE_DOWN = (
    "CX Coach can't reach its database right now, so nothing was changed. "
    "Please try again in a minute."
)
SOMETHING_BROKE = "Sorry, CX Coach hit a problem handling that. Please try again in a minute."

# Bolt's default pool has 5 threads; listeners ack from these threads, so a busy pool would
# delay acks. Slow work after the ack (database, Slack calls) goes to deps.after_ack through
# `defer`, so it never holds a listener thread that the next ack is waiting for.
LISTENER_THREADS = 16


class _CountedExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, with each listener counted by `after_ack` until it returns: a
    listener may defer work after its ack, and SIGTERM's drain must wait for that too."""

    def __init__(self, after_ack: AfterAck, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._after_ack = after_ack

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run `fn` on the pool, counted, in the submitting request's context (its kind and
        workspace reach the log lines of the listener)."""
        context = contextvars.copy_context()
        return super().submit(self._after_ack.tracked(context.run), fn, *args, **kwargs)


def create_app(deps: Deps) -> App:
    """Build the Bolt app for `deps`; the caller starts whatever serves it."""
    signing_secret = deps.settings.slack_signing_secret
    app = App(
        client=deps.slack,
        signing_secret=signing_secret.get_secret_value() if signing_secret else None,
        # create_app stays network-free; bot.__main__ checks the token with auth.test itself.
        token_verification_enabled=False,
        listener_executor=_CountedExecutor(
            deps.after_ack, max_workers=LISTENER_THREADS, thread_name_prefix="cx-listener"
        ),
        # In Socket Mode without a signing secret nothing arrives over HTTP (bot.web refuses).
        request_verification_enabled=signing_secret is not None,
        # Add to Slack (bot.oauth): each request's token from the installation store.
        oauth_settings=(
            oauth.settings_for(deps.settings, deps.engine) if deps.settings.oauth_mode else None
        ),
    )

    @app.use
    def refuse_malformed(body: Any, next: Callable[[], BoltResponse | None]) -> BoltResponse | None:
        # Signed but not shaped like Slack's requests: a 400, never a listener's traceback.
        found = slack_shapes.problem(body)
        if found is not None:
            logger.warning("refused a Slack request: %s", found)
            return BoltResponse(status=400, body=found)
        _drop_nul(body)  # Postgres refuses NUL in text; nobody means to type one
        return next()

    @app.use
    def only_our_workspace(
        body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse | None]
    ) -> BoltResponse | None:
        home = deps.home.get() if deps.home is not None else None
        team = installation.team_of(body, context.team_id)
        if home is None or team == home or body.get("type") == "url_verification":
            return next()
        logger.info("refused a request from workspace %s (installed in %s)", team, home)
        if "command" in body:
            return BoltResponse(
                status=200, body={"response_type": "ephemeral", "text": installation.ELSEWHERE}
            )
        return BoltResponse(status=200, body="")

    @app.use
    def inject_deps(context: BoltContext, body: dict[str, Any], next: Callable[[], None]) -> None:
        context["deps"] = deps  # listeners take `deps`, `defer` and `caller` parameters
        context["defer"] = _deferrer(deps.after_ack, body, context, deps)
        # Whose data this is (bot.oauth.workspace_key): the org of an Enterprise Grid install.
        context["workspace_id"] = (
            oauth.workspace_key(enterprise_id=context.enterprise_id, team_id=context.team_id,
                                is_enterprise_install=bool(context.is_enterprise_install))
            if deps.settings.oauth_mode else context.team_id
        ) or ""  # fmt: skip
        context["caller"] = Caller(deps, context.client, str(context["workspace_id"]),
                                   str(context.user_id or ""))  # fmt: skip
        kind = logs.REQUEST.set(logs.request_kind(body))  # for LOG_FORMAT=json lines
        team = logs.WORKSPACE.set(str(context.team_id) if context.team_id else None)
        try:
            next()
        finally:
            logs.REQUEST.reset(kind)
            logs.WORKSPACE.reset(team)

    register_listeners(app)
    app.error(handle_unhandled_error)
    return app


def _drop_nul(node: Any) -> None:
    """Remove NUL characters from every string in a parsed body, in place."""
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in list(items):
        if isinstance(value, str):
            if "\x00" in value:
                node[key] = value.replace("\x00", "")
        else:
            _drop_nul(value)


def _deferrer(after_ack: AfterAck, body: dict[str, Any], context: BoltContext, deps: Deps) -> Defer:
    # Slack retries an event it thinks we missed (a slow ack, a 5xx) with the same event_id;
    # Bolt hands the copy to the listeners again, and a replayed command or click (the same
    # signed body within Slack's 5 minutes) would do its work twice. Its work runs only for
    # the first copy seen.
    event_id = request_key(body)
    verdict: list[bool] = []  # this copy is a retry: decided once however often it defers
    deciding = threading.Lock()

    def is_retry() -> bool:
        with deciding:
            if not verdict:
                verdict.append(not _first_sight(deps, str(event_id)))
            return verdict[0]

    def defer(work: Callable[[], object]) -> None:
        known = contextvars.copy_context()  # the request's kind and workspace, for log lines

        def run() -> None:
            try:
                if event_id and is_retry():
                    logger.info("event %s already handled: Slack's retry dropped", event_id)
                    return
                work()
            except Exception as error:
                handle_unhandled_error(error, body, None, context.respond, deps.slack)

        after_ack.submit(lambda: known.run(run))  # in the request's context, not the thread's

    return defer


def request_key(body: dict[str, Any]) -> str | None:
    """What identifies one request across Slack's retries and replays: the event id, a
    command's trigger_id, a click's user and action_ts."""
    if body.get("type") == "event_callback":
        return str(body["event_id"]) if body.get("event_id") else None
    if "command" in body and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"[:64]
    if body.get("type") == "block_actions":
        action = (body.get("actions") or [{}])[0]
        if action.get("action_ts"):
            return f"action:{body['user']['id']}:{action['action_ts']}"[:64]
    return None


def _first_sight(deps: Deps, event_id: str) -> bool:
    with deps.transaction() as session:
        first = repos.first_sight(session=session, event_id=event_id, now=deps.clock())
    return first


def handle_unhandled_error(
    error: Exception,
    body: dict[str, Any],
    response: BoltResponse | None,
    respond: Respond | None,
    client: WebClient,
) -> BoltResponse | None:
    """Log any listener failure and tell the person, briefly, to try again."""
    if isinstance(error, INPUT_ERRORS) and body.get("type") in INTERACTIVE:
        return _unreadable(error, body, response)
    message = DATABASE_DOWN if isinstance(error, SQLAlchemyError) else SOMETHING_BROKE
    logger.error(
        "listener failed: %s (%s)", _describe_request(body), type(error).__name__, exc_info=error
    )
    if response is not None:
        # Failed before ack: Slack still waits for our HTTP answer; make it a message, not a 500.
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": message})
    try:
        if respond is not None and (body.get("response_url") or body.get("response_urls")):
            respond(text=message, response_type="ephemeral", replace_original=False)
        elif (event := body.get("event") or {}).get("type") == "app_home_opened":
            client.views_publish(user_id=event["user"], view=home.unavailable_view())
    except Exception:  # the apology itself failed: the log above is all we can do
        logger.warning("could not tell the user about the failure", exc_info=True)
    return None


# A signed click, modal or event whose values are not what CX Coach wrote (forged, or from a
# form of an older version) fails in these ways while being read: one line, not a traceback.
INPUT_ERRORS = (KeyError, TypeError, ValueError, OverflowError)
INTERACTIVE = ("block_actions", "view_submission", "event_callback")


def _unreadable(
    error: Exception, body: dict[str, Any], response: BoltResponse | None
) -> BoltResponse | None:
    frame = traceback.extract_tb(error.__traceback__)[-1:] or None
    where = f"{frame[0].filename.rsplit('/', 1)[-1]}:{frame[0].lineno}" if frame else "?"
    logger.warning(
        "could not read a %s (%s: %s at %s)", _describe_request(body), type(error).__name__,
        str(error)[:120], where,
    )  # fmt: skip
    if response is None:
        return None
    view = body.get("view") or {}
    values = (view.get("state") or {}).get("values") or {}
    if body.get("type") == "view_submission" and values:
        first = next(iter(values))
        return BoltResponse(
            status=200,
            body={"response_action": "errors", "errors": {first: OUT_OF_DATE}},
        )
    return BoltResponse(status=200, body="")


def _describe_request(body: dict[str, Any]) -> str:
    # Names the kind of request and who sent it, never its text (answers may be anonymous).
    if "command" in body:
        return f"command {body['command']} from {body.get('user_id')}"
    if "event" in body:
        return f"event {body['event'].get('type')}"
    return f"{body.get('type', 'request')}"
