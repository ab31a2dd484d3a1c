"""CSV files uploaded in Slack (issue 16): a roster (admins) or a helpdesk export (admins, and
leads for their own teams' agents), through the same code as `python -m bot roster import` and
`python -m bot import`, with the same checks; the report and the rejected lines come back."""

from dataclasses import dataclass, field
from enum import StrEnum

from sqlmodel import Session, col, select

from bot.services import csv_files, helpdesk, helpdesk_files, presets, roster
from bot.services.helpdesk import Kind, Problem
from bot.services.permissions import Action, Actor, may, refusal
from bot.store import repos
from bot.store.models import Membership, TeamRole


class Upload(StrEnum):
    """What a file is."""

    ROSTER = "roster"
    TICKETS = "tickets"
    SURVEYS = "surveys"


class UploadRefused(PermissionError):
    """The uploader may not import this; the message says who may."""


class UploadError(ValueError):
    """The file cannot be imported at all (unreadable, a header that does not fit)."""


@dataclass(frozen=True)
class Outcome:
    """What the uploader hears: the summary, each problem with its line, and the rejected
    lines as a CSV (None when every line landed)."""

    summary: str
    problems: list[str] = field(default_factory=list)
    rejected_csv: str | None = None


def check(actor: Actor, kind: Upload) -> None:
    """UploadRefused unless the actor may upload this kind of file."""
    if kind == Upload.ROSTER and not may(actor, Action.IMPORT_ROSTER):
        raise UploadRefused(refusal(Action.IMPORT_ROSTER))
    if kind != Upload.ROSTER and not (actor.is_admin or actor.leads):
        raise UploadRefused(refusal(Action.IMPORT_HELPDESK))


def import_roster(
    *, session: Session, workspace_id: str, actor: Actor, text: str, resolve: roster.Resolve
) -> Outcome:
    """A roster file, as `roster import` takes it; the caller commits (nothing lands when the
    header is unusable)."""
    check(actor, Upload.ROSTER)
    report, readable = roster.import_text(session=session, workspace_id=workspace_id, text=text,
                                          resolve=resolve)  # fmt: skip
    problems = [str(error) for error in report.errors]
    if not readable:
        raise UploadError("; ".join(problems))
    rejected = [Problem(error.line, error.reason) for error in report.errors]
    return Outcome(report.summary(), problems,
                   helpdesk_files.rejected_csv(text, rejected) if rejected else None)  # fmt: skip


def import_helpdesk(
    *, session: Session, workspace_id: str, actor: Actor, kind: Kind, path: str, source: str,
    timezone: str | None, resolve: helpdesk.Resolve,
) -> Outcome:  # fmt: skip
    """A helpdesk export at `path`, as `import tickets|surveys --source …` takes it; a lead's
    file keeps only their own agents' rows (the rest are rejected, line by line). The caller
    commits."""
    check(actor, Upload(kind))
    allowed = None if actor.is_admin else _agents_of(session, actor)
    repos.ensure_workspace(session=session, workspace_id=workspace_id)
    try:
        table = csv_files.open_table(path)
    except csv_files.FileError as error:
        raise UploadError(str(error)) from None
    scoped: list[Problem] = []
    try:
        with table.handle:
            records = helpdesk_files.records_of(kind=kind, table=table, source=source,
                                                timezone=timezone)  # fmt: skip
            if allowed is not None:
                records = helpdesk_files.team_only(records, resolve, allowed, scoped)
            report = helpdesk.store(session=session, workspace_id=workspace_id, kind=kind,
                                    records=records, resolve=resolve)  # fmt: skip
    except (helpdesk.RecordError, presets.PresetError) as error:
        raise UploadError(str(error)) from None
    except UnicodeDecodeError:
        raise UploadError(f"The file is not {table.encoding} text.") from None
    report.rejected = sorted([*report.rejected, *scoped], key=lambda problem: problem.line)
    if allowed is None:
        helpdesk.attach_unmatched(session=session, workspace_id=workspace_id, resolve=resolve)
    problems = [str(p) for p in sorted([*report.rejected, *report.unmatched], key=lambda p: p.line)]
    with open(path, encoding=table.encoding, errors="replace") as raw:
        text = raw.read()
    rejected = helpdesk_files.rejected_csv(text, report.rejected) if report.rejected else None
    return Outcome(report.summary(), problems, rejected)


def _agents_of(session: Session, actor: Actor) -> frozenset[int]:
    """The person ids of the agents on the teams the actor leads."""
    return frozenset(
        session.exec(
            select(Membership.person_id).where(
                col(Membership.team_id).in_(list(actor.leads)),
                Membership.role == TeamRole.AGENT.value,
            )
        ).all()
    )
