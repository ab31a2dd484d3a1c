"""Helpdesk records in (ARCHITECTURE §4): tickets and CSAT/NPS surveys from CSV or JSON.

Reading is streamed and pure; each bad record is reported with its line and reason, and the good
ones land (or none, with strict). Re-importing an id updates the row, so nothing counts twice.
Timestamps are ISO 8601; one without an offset is UTC.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from sqlmodel import Session, col, select

from bot.store.models import HelpdeskTicket, SurveyResponse

Kind = Literal["tickets", "surveys"]
COLUMNS: dict[str, tuple[str, ...]] = {
    "tickets": (
        "ticket_id", "agent", "created_at", "first_response_at", "solved_at", "agent_replies",
        "reopened", "channel",
    ),
    "surveys": ("response_id", "ticket_id", "agent", "kind", "score", "comment", "submitted_at"),
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "tickets": ("ticket_id", "agent", "created_at"),
    "surveys": ("response_id", "agent", "kind", "score", "submitted_at"),
}
SCORES = {"csat": range(1, 6), "nps": range(0, 11)}
BATCH = 1000
TRUE, FALSE = {"true", "yes", "1", "y", "t"}, {"false", "no", "0", "n", "f", ""}

Resolve = Callable[[str], int | None]
"""A Slack user ID or email → the person's id, or None while nobody matches it."""


class RecordError(ValueError):
    """A record that cannot be used; the message says which field and why."""


@dataclass(frozen=True)
class Problem:
    """A rejected record (or a note on a kept one) with its line."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did (or, dry, would do)."""

    inserted: int = 0
    updated: int = 0
    rejected: list[Problem] = field(default_factory=list)
    unmatched: list[Problem] = field(default_factory=list)  # kept, counted once the person appears

    def summary(self) -> str:
        """One line for the operator."""
        return (
            f"{self.inserted} inserted, {self.updated} updated, {len(self.rejected)} rejected"
            + (f", {len(self.unmatched)} kept for agents not yet known" if self.unmatched else "")
        )


def read_csv(
    kind: Kind, source: TextIO, renames: dict[str, str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs with the header renamed (`--map old=new`) and checked."""
    reader = csv.DictReader(source)
    header = [renames.get(name.strip(), name.strip()) for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED[kind] if name not in header]
    if missing:
        raise RecordError(
            f"the header lacks {', '.join(missing)} (expected {', '.join(COLUMNS[kind])}; "
            "rename with --map old=new)"
        )
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key}


def timestamp(value: str, name: str) -> datetime:
    """ISO 8601 → aware UTC; no offset means UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"{name} `{value}` is not an ISO 8601 time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _optional_time(row: dict[str, Any], name: str) -> datetime | None:
    return timestamp(str(row[name]), name) if row.get(name) else None


def ticket_values(row: dict[str, Any]) -> dict[str, Any]:
    """A ticket's column values, or RecordError."""
    for name in REQUIRED["tickets"]:
        if not str(row.get(name) or "").strip():
            raise RecordError(f"{name} is empty")
    created = timestamp(str(row["created_at"]), "created_at")
    first = _optional_time(row, "first_response_at")
    solved = _optional_time(row, "solved_at")
    if first is not None and first < created:
        raise RecordError("first_response_at is before created_at")
    if solved is not None and solved < created:
        raise RecordError("solved_at is before created_at")
    try:
        replies = int(str(row.get("agent_replies") or 0))
    except ValueError:
        raise RecordError(f"agent_replies `{row.get('agent_replies')}` is not a number") from None
    if replies < 0:
        raise RecordError("agent_replies is negative")
    reopened = str(row.get("reopened") or "").strip().lower()
    if reopened not in TRUE | FALSE:
        raise RecordError(f"reopened `{row.get('reopened')}` is not true or false")
    return {
        "ticket_id": str(row["ticket_id"]).strip(), "agent": str(row["agent"]).strip(),
        "created_at": created, "first_response_at": first, "solved_at": solved,
        "agent_replies": replies, "reopened": reopened in TRUE,
        "channel": str(row.get("channel") or "").strip()[:32] or None,
    }  # fmt: skip


def survey_values(row: dict[str, Any]) -> dict[str, Any]:
    """A survey response's column values, or RecordError."""
    for name in REQUIRED["surveys"]:
        if not str(row.get(name) or "").strip():
            raise RecordError(f"{name} is empty")
    kind = str(row["kind"]).strip().lower()
    if kind not in SCORES:
        raise RecordError(f"kind `{row['kind']}` must be csat or nps")
    try:
        score = int(str(row["score"]))
    except ValueError:
        raise RecordError(f"score `{row['score']}` is not a whole number") from None
    allowed = SCORES[kind]
    if score not in allowed:
        raise RecordError(f"a {kind} score is {allowed.start} to {allowed.stop - 1}, not {score}")
    return {
        "response_id": str(row["response_id"]).strip(),
        "ticket_id": str(row.get("ticket_id") or "").strip() or None,
        "agent": str(row["agent"]).strip(), "kind": kind, "score": score,
        "comment": str(row.get("comment") or "") or None,
        "submitted_at": timestamp(str(row["submitted_at"]), "submitted_at"),
    }  # fmt: skip


Records = Iterable[tuple[int, dict[str, Any]]]


def store(
    *, session: Session, workspace_id: str, kind: Kind, records: Records, resolve: Resolve,
    progress: Callable[[int], None] = lambda _n: None,
) -> ImportReport:  # fmt: skip
    """Validate and upsert records in batches; the caller commits (or rolls back: dry run)."""
    report = ImportReport()
    seen: dict[str, int] = {}
    batch: list[tuple[int, dict[str, Any]]] = []
    values_of = ticket_values if kind == "tickets" else survey_values
    key = "ticket_id" if kind == "tickets" else "response_id"
    count = 0
    for line, row in records:
        count += 1
        try:
            values = values_of(row)
        except RecordError as error:
            report.rejected.append(Problem(line, str(error)))
            continue
        if values[key] in seen:
            report.rejected.append(
                Problem(line, f"{key} {values[key]} already on line {seen[values[key]]}")
            )
            continue
        seen[values[key]] = line
        values["person_id"] = resolve(values["agent"])
        if values["person_id"] is None:
            report.unmatched.append(Problem(line, f"no Slack user `{values['agent']}` yet (kept)"))
        batch.append((line, values))
        if len(batch) >= BATCH:
            _upsert(session, workspace_id, kind, key, batch, report)
            batch = []
            progress(count)
    _upsert(session, workspace_id, kind, key, batch, report)
    progress(count)
    return report


def _upsert(
    session: Session, workspace_id: str, kind: Kind, key: str,
    batch: list[tuple[int, dict[str, Any]]], report: ImportReport,
) -> None:  # fmt: skip
    if not batch:
        return
    model: Any = HelpdeskTicket if kind == "tickets" else SurveyResponse
    ids = [values[key] for _, values in batch]
    existing = {
        getattr(row, key): row
        for row in session.exec(
            select(model).where(
                model.workspace_id == workspace_id, col(getattr(model, key)).in_(ids)
            )
        ).all()
    }
    for _, values in batch:
        row = existing.get(values[key])
        if row is None:
            session.add(model(workspace_id=workspace_id, **values))
            report.inserted += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            session.add(row)
            report.updated += 1
    session.flush()
