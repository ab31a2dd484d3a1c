"""`python -m bot …`: the command line, and the only place that reads the environment and
starts threads (docs/ARCHITECTURE.md §1, §7)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING

from bot.cli import parsers

# Everything else is imported where a command runs: `--help` (and a mistyped command) must not
# wait for Slack's SDK, SQLAlchemy, numpy and the whole app to load (issue 16: ≤ 0.5 s).
if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy import Engine

    from bot.config import Settings
    from bot.deps import Deps

logger = logging.getLogger("bot")

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class StartupError(Exception):
    """A problem the operator must fix; its message is printed as one line."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def build_parser() -> argparse.ArgumentParser:
    """The `python -m bot` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="CX Coach: shift reflections, peer feedback, KPIs and celebrations in Slack.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="HTTP server and scheduler in one process (the default)",
        description="Migrate the database, then run the HTTP server and the scheduler. Without "
        "Slack credentials, serve a setup page at http://localhost:$PORT/ instead.",
    )
    web = commands.add_parser(
        "web",
        help="HTTP server only (scale out behind a load balancer)",
        description="Serve /slack/events, /healthz and /ingest/*; runs no scheduler.",
    )
    for sub in (serve, web):
        sub.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    commands.add_parser(
        "clock",
        help="scheduler only (one is enough; a second is safe)",
        description="Run the scheduled jobs: check-in prompts, reminders, digests.",
    )
    commands.add_parser(
        "migrate",
        help="apply database migrations, then exit",
        description="Bring the database named by DATABASE_URL up to the newest schema.",
    )
    parsers.add_all(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one CX Coach command and return its exit code."""
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError

    from bot import logs
    from bot.config import Settings, describe_settings_error

    try:
        settings = Settings()
    except ValidationError as error:
        print(describe_settings_error(error), file=sys.stderr)
        return EXIT_USAGE
    # Alembic says what it does at INFO; a command's output is its report, not migration chatter.
    logs.configure(settings.log_format)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    command = args.command or "serve"
    try:
        if command == "migrate":
            return run_migrate(settings)
        if command == "schedule":
            return run_schedule(settings, args)
        if command == "roster":
            return run_roster(settings, args)
        if command == "import":
            return run_import(settings, args)
        if command == "metrics":
            return run_metrics(settings, args)
        if command == "digest":
            return run_digest(settings, args)
        if command == "sync":
            return run_sync(settings, args)
        if command == "repair":
            return run_repair(settings, args)
        if command == "privacy":
            return run_privacy(settings, args)
        if command == "themes":
            return run_themes(settings, args)
        if command == "clock":
            return run_clock(settings)
        return run_http(
            settings, host=getattr(args, "host", "0.0.0.0"), with_scheduler=command == "serve"
        )
    except StartupError as error:
        print(f"CX Coach cannot start: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return EXIT_OK


# Process managers wait about 30 s between SIGTERM and SIGKILL (Heroku, Kubernetes' default).
SHUTDOWN_GRACE = 25.0


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(EXIT_OK)  # unwinds through the finally blocks that stop threads


def connect(settings: Settings) -> Engine:
    """An engine for DATABASE_URL, or a StartupError if the database does not answer."""
    from bot.store.db import database_answers, describe_url, make_engine

    engine = make_engine(settings.database_url)
    if not database_answers(engine):
        raise StartupError(
            f"the database at {describe_url(settings.database_url)} does not answer. "
            "Start it, or fix DATABASE_URL, then start CX Coach again."
        )
    _open_encrypted_text(settings, engine)
    return engine


def _open_encrypted_text(settings: Settings, engine: Engine) -> None:
    """Use CX_ENCRYPTION_KEY; stop when it opens none of the stored text, say so when text is
    encrypted and no key is set (docs/PRIVACY.md)."""
    from bot.store import crypto

    crypto.configure(*settings.encryption_keys())
    try:
        warning = crypto.probe(engine)
    except crypto.KeyProblem as error:
        raise StartupError(str(error)) from None
    if warning:
        logging.getLogger("bot").error("%s", warning)


def run_migrate(settings: Settings) -> int:
    """`migrate`: apply every pending migration."""
    from bot.store import migrate
    from bot.store.db import describe_url

    engine = connect(settings)
    migrate.upgrade(engine)
    print(
        f"Database {describe_url(settings.database_url)} is at revision {migrate.head_revision()}."
    )
    return EXIT_OK


def _require_current_schema(engine: Engine) -> None:
    from bot.store import migrate

    if not migrate.is_current(engine):
        raise StartupError("the database schema is out of date. Run `python -m bot migrate` first.")


def check_slack_token(deps: Deps) -> None:
    """Ask Slack (auth.test) whether SLACK_BOT_TOKEN works; stop on a rejected token. Installed
    with Add to Slack there is no one token: each workspace's is checked by Slack on use."""
    from slack_sdk.errors import SlackApiError, SlackClientError

    if deps.settings.oauth_mode:
        logger.info("installed with Add to Slack: each workspace's token from its installation")
        return
    try:
        identity = deps.slack.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        raise StartupError(
            f"SLACK_BOT_TOKEN was rejected by Slack ({reason}). "
            "Copy the Bot User OAuth Token again.",
            EXIT_USAGE,
        ) from None
    except (SlackClientError, OSError) as error:
        # Slack unreachable is not fatal: requests will retry once it is back.
        logger.warning("could not reach Slack at %s: %s", deps.settings.slack_api_base_url, error)
        return
    logger.info("connected to Slack workspace %s as %s", identity.get("team"), identity.get("user"))
    if deps.home is not None:
        deps.home.remember(identity.get("team_id"))
    if identity.get("team_id"):
        _installed_again(deps, str(identity["team_id"]))


def _installed_again(deps: Deps, workspace_id: str) -> None:
    """The token works, so the app is installed: an uninstall recorded before (the app removed
    and added back, with a new token) no longer stops sends or deletes the workspace's data."""
    from bot.services import installs

    with deps.transaction() as session:
        if installs.reinstalled(session=session, workspace_id=workspace_id):
            logger.info("workspace %s is installed again", workspace_id)


def run_http(settings: Settings, *, host: str, with_scheduler: bool) -> int:
    """`serve` and `web`: the HTTP server, plus the scheduler for `serve`."""
    from bot.app import create_app
    from bot.deps import Deps
    from bot.scheduler import build_scheduler
    from bot.socket_mode import GuardedSocketModeHandler
    from bot.store import migrate
    from bot.web import HttpServer, WebApp

    engine = connect(settings)
    if with_scheduler:
        migrate.upgrade(engine)
    else:
        _require_current_schema(engine)
    missing = settings.missing_slack_settings()
    if missing:
        server = HttpServer(
            WebApp(settings=settings, engine=engine, app=None), host=host, port=settings.port
        )
        print(
            f"Slack is not configured yet (missing {', '.join(missing)}). "
            f"Open http://localhost:{server.port}/ to set up CX Coach."
        )
        server.serve_forever()
        return EXIT_OK
    deps = Deps.from_settings(settings, engine=engine)
    check_slack_token(deps)
    app = create_app(deps)
    scheduler = build_scheduler(deps) if with_scheduler else None
    socket_mode: GuardedSocketModeHandler | None = None
    server = HttpServer(
        WebApp(settings=settings, engine=engine, app=app, after_ack=deps.after_ack),
        host=host,
        port=settings.port,
    )

    def stop(_signum: int, _frame: FrameType | None) -> None:
        # SIGTERM: no new requests; every acked request still gets its answer (grace period).
        logger.info("SIGTERM: finishing the requests in progress (at most %s s)", SHUTDOWN_GRACE)
        if socket_mode is not None:
            socket_mode.close()  # type: ignore[no-untyped-call]
        threading.Thread(
            target=server.stop_gracefully, args=(deps.after_ack, SHUTDOWN_GRACE),
            name="cx-shutdown",
        ).start()  # fmt: skip

    signal.signal(signal.SIGTERM, stop)
    try:
        if scheduler is not None:
            scheduler.start()
        if settings.slack_app_token is not None:
            socket_mode = GuardedSocketModeHandler(app, settings.slack_app_token.get_secret_value())
            socket_mode.connect()  # type: ignore[no-untyped-call]
            logger.info("Socket Mode connected")
        logger.info("CX Coach listening on http://%s:%s", host, server.port)
        server.serve_forever()
    finally:
        if socket_mode is not None:
            socket_mode.close()  # type: ignore[no-untyped-call]
        if scheduler is not None:
            scheduler.shutdown(wait=False)  # a send cut short is found again (bot.posted)
            _leave_the_outbox(deps)
        deps.after_ack.shutdown()
    return EXIT_OK


def run_schedule(settings: Settings, args: argparse.Namespace) -> int:
    """`schedule`: print one agent's coming check-ins."""
    from bot.cli import UsageError
    from bot.cli import schedule as cli_schedule
    from bot.store.models import utcnow

    engine = connect(settings)
    _require_current_schema(engine)
    try:
        print(cli_schedule.run(args, engine, now=utcnow()))
    except UsageError as error:
        print(f"python -m bot schedule: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def run_roster(settings: Settings, args: argparse.Namespace) -> int:
    """`roster import` and `roster export`."""
    from slack_sdk.errors import SlackApiError

    from bot.cli import UsageError
    from bot.cli import roster as cli_roster

    engine = connect(settings)
    _require_current_schema(engine)
    client = cli_client(settings, engine, args)
    run = cli_roster.run_import if args.roster_action == "import" else cli_roster.run_export
    try:
        return run(args, engine, client)
    except UsageError as error:
        print(f"python -m bot roster {args.roster_action}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SlackApiError as error:
        print(
            f"Slack refused a lookup ({error.response.get('error')}); nothing was imported.",
            file=sys.stderr,
        )
        return EXIT_FAILURE


def cli_client(settings: Settings, engine: Engine, args: argparse.Namespace) -> WebClient | None:
    """Slack for a command: the bot token's client; installed with Add to Slack, the client
    of the workspace `--workspace` names (None when none is named or it is not installed)."""
    from bot.slack_client import make_web_client
    from bot.workspaces import Workspaces

    if settings.slack_bot_token:
        return make_web_client(settings)
    workspace = getattr(args, "workspace", None)
    if settings.oauth_mode and workspace:
        return Workspaces(settings, engine, default=make_web_client(settings)).client_for(workspace)
    return None


def _run_data_command(
    settings: Settings,
    label: str,
    run: Callable[[Engine, WebClient | None], int],
    args: argparse.Namespace | None = None,
) -> int:
    """A command on the current schema, with Slack when a bot token is set (or, installed with
    Add to Slack, for the --workspace named); a UsageError is one line on stderr and exit 2."""
    from bot.cli import UsageError

    engine = connect(settings)
    _require_current_schema(engine)
    client = cli_client(settings, engine, args or argparse.Namespace())
    try:
        return run(engine, client)
    except UsageError as error:
        print(f"python -m bot {label}: {error}", file=sys.stderr)
        return EXIT_USAGE


def run_import(settings: Settings, args: argparse.Namespace) -> int:
    """`import tickets|surveys|agents FILE`."""
    from bot.cli import helpdesk_import as cli_import

    return _run_data_command(
        settings,
        f"import {args.kind_of}",
        lambda engine, client: cli_import.run(args, engine, client),
        args=args,
    )


def run_repair(settings: Settings, args: argparse.Namespace) -> int:
    """`repair agents`."""
    from bot.cli import repair as cli_repair

    return _run_data_command(
        settings,
        "repair",
        lambda engine, client: cli_repair.run(args, engine, client),
        args=args,
    )


def run_themes(settings: Settings, args: argparse.Namespace) -> int:
    """`themes --team NAME [--period P] [--json]`."""
    from bot.cli import themes as cli_themes

    return _run_data_command(
        settings, "themes", lambda engine, client: cli_themes.run(args, engine, client),
        args=args,
    )  # fmt: skip


def run_privacy(settings: Settings, args: argparse.Namespace) -> int:
    """`privacy forget|export|settings|rotate-key|new-key`."""
    from bot.cli import privacy as cli_privacy

    if args.privacy_action == "new-key":
        from bot.store.crypto import new_key

        print(new_key())
        return EXIT_OK
    return _run_data_command(
        settings, f"privacy {args.privacy_action}",
        lambda engine, client: cli_privacy.run(args, engine, client),
        args=args,
    )  # fmt: skip


def run_sync(settings: Settings, args: argparse.Namespace) -> int:
    """`sync zendesk|freshdesk`."""
    from bot.cli import UsageError
    from bot.cli import sync as cli_sync

    engine = connect(settings)
    _require_current_schema(engine)
    client = cli_client(settings, engine, args)
    try:
        return cli_sync.run(args, settings, engine, client)
    except UsageError as error:
        print(f"python -m bot sync: {error}", file=sys.stderr)
        return EXIT_USAGE


def run_metrics(settings: Settings, args: argparse.Namespace) -> int:
    """`metrics`: print a team's or an agent's KPIs."""
    from bot.cli import UsageError
    from bot.cli import metrics as cli_metrics

    engine = connect(settings)
    _require_current_schema(engine)
    client = cli_client(settings, engine, args)
    try:
        print(cli_metrics.run(args, engine, client))
    except UsageError as error:
        print(f"python -m bot metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def run_digest(settings: Settings, args: argparse.Namespace) -> int:
    """`digest`: show a team's weekly digest, or post it."""
    from bot.cli import UsageError
    from bot.cli import digest as cli_digest
    from bot.deps import Deps

    engine = connect(settings)
    _require_current_schema(engine)
    wired = settings.slack_bot_token or settings.oauth_mode
    deps = Deps.from_settings(settings, engine=engine) if wired else None
    try:
        print(cli_digest.run(args, engine, deps))
    except UsageError as error:
        print(f"python -m bot digest: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if deps is not None:
            deps.after_ack.shutdown()
    return EXIT_OK


def run_clock(settings: Settings) -> int:
    """`clock`: the scheduler alone, in the foreground."""
    from bot.deps import Deps
    from bot.scheduler import build_scheduler

    if settings.slack_bot_token is None and not settings.oauth_mode:
        raise StartupError(
            "SLACK_BOT_TOKEN (or Add to Slack's SLACK_CLIENT_ID) is required by the clock, "
            "which sends messages.", EXIT_USAGE,
        )  # fmt: skip
    engine = connect(settings)
    _require_current_schema(engine)
    deps = Deps.from_settings(settings, engine=engine)
    check_slack_token(deps)
    scheduler = build_scheduler(deps, blocking=True)
    logger.info("clock started with jobs: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    try:
        scheduler.start()
    finally:
        _leave_the_outbox(deps)
    return EXIT_OK


def _leave_the_outbox(deps: Deps) -> None:
    """A clock stopping hands its workspaces to the other clocks at once (bot.sender_share)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        deps.share.leave(deps.session)
    except SQLAlchemyError as error:  # the others take them over once it is silent long enough
        logger.warning("clock: could not sign off the outbox (%s)", type(error).__name__)


if __name__ == "__main__":
    sys.exit(main())
