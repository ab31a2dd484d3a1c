"""`python -m bot privacy …` (docs/PRIVACY.md): forget a person, export a person's data, the
workspace's retention settings, and encryption keys."""

import argparse
import sys
from pathlib import Path

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.cli import UsageError
from bot.cli.roster import workspace_of
from bot.services import data_export, forget, retention
from bot.services.wording import plural
from bot.store import crypto, repos
from bot.store.db import let_go_of_deleted, make_session_factory
from bot.store.models import utcnow


def run(args: argparse.Namespace, engine: Engine, client: WebClient | None) -> int:
    """Run one privacy action; its exit code."""
    action = args.privacy_action  # new-key needs no database: bot.__main__ answers it
    if action == "rotate-key":
        return _rotate(engine)
    workspace_id = workspace_of(args, client, engine)
    if action == "forget":
        return _forget(args, engine, workspace_id)
    if action == "export":
        return _export(args, engine, workspace_id)
    return _settings(args, engine, workspace_id)


def _forget(args: argparse.Namespace, engine: Engine, workspace_id: str) -> int:
    with make_session_factory(engine)() as session:
        try:
            report = forget.forget(session=session, workspace_id=workspace_id,
                                   slack_user_id=args.user, now=utcnow())  # fmt: skip
        except forget.ForgetError as error:
            raise UsageError(str(error)) from None
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
    if not args.dry_run:
        let_go_of_deleted(engine)
    head = "Dry run, nothing changed. Forgetting" if args.dry_run else "Forgot"
    print(f"{head} {args.user}; what stays for the team's figures is now {report.pseudonym}.")
    for line in report.lines():
        print(f"  {line}")
    return 0


def _export(args: argparse.Namespace, engine: Engine, workspace_id: str) -> int:
    out: Path = args.out
    if out.suffix.lower() != ".zip":
        raise UsageError(f"{out} should end in .zip")
    with make_session_factory(engine, reads_only=True)() as session:
        person = repos.get_person(session=session, workspace_id=workspace_id,
                                  slack_user_id=args.user)  # fmt: skip
        if person is None:
            raise UsageError(f"Nobody known as {args.user} in workspace {workspace_id}.")
        now = utcnow()
        found = data_export.sections(session=session, person=person, now=now)
    try:
        out.write_bytes(data_export.to_zip(found, person_label=args.user, now=now))
    except OSError as error:
        raise UsageError(f"cannot write {out}: {error}") from None
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in found.items())
    print(f"Wrote {out} ({counts}).")
    return 0


def _settings(args: argparse.Namespace, engine: Engine, workspace_id: str) -> int:
    with make_session_factory(engine)() as session:
        now = retention.settings_of(session, workspace_id)
        if args.retention_months is not None or args.forget_deactivated_days is not None:
            try:
                months = _given(args.retention_months, now.retention_months, "months")
                days = _given(args.forget_deactivated_days, now.forget_deactivated_days, "days")
                now = retention.configure(
                    session=session,
                    workspace_id=workspace_id,
                    retention_months=months,
                    forget_deactivated_days=days,
                )
            except retention.SettingError as error:
                raise UsageError(str(error)) from None
            session.commit()
    kept = (f"deleted after {plural(now.retention_months, 'month')}" if now.retention_months
            else "kept")  # fmt: skip
    gone = (f"forgotten after {plural(now.forget_deactivated_days, 'day')}"
            if now.forget_deactivated_days else "kept until an admin forgets them")  # fmt: skip
    print(f"Workspace {workspace_id}: reflection, reply and feedback texts are {kept}; "
          f"people deactivated in Slack are {gone}.")  # fmt: skip
    return 0


def _given(text: str | None, current: int | None, unit: str) -> int | None:
    return current if text is None else retention.parse_setting(text, unit=unit)


def _rotate(engine: Engine) -> int:
    """Rewrite every encrypted column under the current key (and encrypt plain text)."""
    if not crypto.enabled():
        raise UsageError("set CX_ENCRYPTION_KEY (the new key) and CX_ENCRYPTION_OLD_KEYS (the "
                         "keys rows were written with) first")  # fmt: skip
    try:
        counts = crypto.rotate_all(engine)
    except crypto.KeyProblem as error:
        print(f"Nothing changed: {error}", file=sys.stderr)
        return 1
    let_go_of_deleted(engine)
    for table, n in counts.items():
        print(f"  {table}: {n:,} values under the current key")
    print("Done: the old keys can be removed from CX_ENCRYPTION_OLD_KEYS.")
    return 0
