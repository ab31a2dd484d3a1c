"""`python -m bot digest --team NAME [--week 2026-W47] [--dry-run [--out DIR] | --post [--force]]`:
a team's weekly digest, shown locally or posted now (once per team and week unless --force)."""

import argparse
import json
from pathlib import Path

from sqlalchemy import Engine

from bot import delivery
from bot.blocks.digest import digest_message
from bot.blocks.renderers import RENDERERS
from bot.cli import UsageError
from bot.cli.roster import workspace_of
from bot.deps import Deps
from bot.services import digest, digest_claims, teams, trend_chart
from bot.store import repos
from bot.store.db import make_session_factory
from bot.store.models import utcnow


def run(args: argparse.Namespace, engine: Engine, deps: Deps | None) -> str:
    """What to print; UsageError for an unknown team, a bad or future week, or no channel."""
    if args.force and not args.post:
        raise UsageError("--force goes with --post")
    workspace_id = workspace_of(args, deps.slack if deps else None, engine)
    now = utcnow()
    with make_session_factory(engine)() as session:
        team = teams.find(session=session, workspace_id=workspace_id, name=args.team)
        if team is None:
            known = repos.list_teams(session=session, workspace_id=workspace_id)
            names = ", ".join(t.name for t in known) or "none yet"
            raise UsageError(f"there is no team called {args.team} (teams: {names})")
        try:
            week = digest.week_of(args.week, team=team, now=now)
            if not args.post:
                built = digest.build(session=session, team=team, week=week)
            else:
                ids = digest_claims.claim(session=session, team=team, week=week, now=now,
                                          force=args.force)  # fmt: skip
                session.commit()
        except digest.DigestError as error:
            raise UsageError(str(error).replace("`", "")) from None
    if not args.post:
        return _dry_run(built, Path(args.out))
    label = f"{week.first:%G-W%V}"
    if not ids:
        return f"The digest of {team.name} for {label} was already posted; --force posts again."
    if deps is None:
        raise UsageError("--post needs SLACK_BOT_TOKEN")
    report = delivery.deliver_rows(deps, RENDERERS, ids)
    return (
        f"Posted the digest of {team.name} for {label}: {report.sent} sent, "
        f"{report.failed} failed, {report.retrying} left to the clock to retry."
    )


def _dry_run(built: digest.Digest, out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    text, blocks = digest_message(built.to_json())
    (out / "digest.json").write_text(json.dumps({"text": text, "blocks": blocks}, indent=2))
    chart = digest_claims.chart_of(built)
    (out / "trend.png").write_bytes(trend_chart.render(chart["points"], chart["targets"],
                                                       chart["title"]))  # fmt: skip
    shown = "\n".join(
        str(block["text"]["text"]) for block in blocks if isinstance(block.get("text"), dict)
    )
    return f"{text}\n\n{shown}\n\nWrote {out / 'digest.json'} and {out / 'trend.png'}."
