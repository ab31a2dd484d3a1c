"""Helpdesk records in (docs/ARCHITECTURE.md §4): tickets and CSAT/NPS surveys from CSV or JSON.

Reading is streamed and pure; each bad record is reported with its line and reason, and the good
ones land (or none, with strict). Re-importing an id updates the row, so nothing counts twice.
Timestamps are ISO 8601; one without an offset is UTC.
"""

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, select, update
from sqlmodel import Session, SQLModel

from bot.services import rollup_writes, rollups
from bot.services.formats import SURVEY_COLUMNS, SURVEY_HEADER, TICKET_COLUMNS, TICKET_HEADER
from bot.services.helpdesk_agents import Resolved
from bot.services.helpdesk_values import BUSINESS_COLUMNS as BUSINESS_COLUMNS
from bot.services.helpdesk_values import NOT_RATED as NOT_RATED
from bot.services.helpdesk_values import RATING_LABELS as RATING_LABELS
from bot.services.helpdesk_values import REQUIRED as REQUIRED
from bot.services.helpdesk_values import TIME_FIELDS as TIME_FIELDS
from bot.services.helpdesk_values import NotRated as NotRated
from bot.services.helpdesk_values import RecordError as RecordError
from bot.services.helpdesk_values import local_time as local_time
from bot.services.helpdesk_values import survey_values as survey_values
from bot.services.helpdesk_values import ticket_values as ticket_values
from bot.services.helpdesk_values import timestamp as timestamp
from bot.services.kpis import Survey, Tally, Ticket
from bot.store import bulk
from bot.store.models import utcnow

Kind = Literal["tickets", "surveys"]
COLUMNS: dict[str, tuple[str, ...]] = {"tickets": TICKET_COLUMNS, "surveys": SURVEY_COLUMNS}
# The header must name these (a row may leave them empty: an unassigned ticket is kept).
HEADER: dict[str, tuple[str, ...]] = {"tickets": TICKET_HEADER, "surveys": SURVEY_HEADER}
BATCH = 1000

Resolve = Callable[[str], Resolved]
"""A helpdesk agent cell → the person's id, or None (with why) while nobody matches it."""


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
    not_rated: int = 0  # surveys offered, not answered (Zendesk's "Offered"): skipped
    rejected: list[Problem] = field(default_factory=list)
    unmatched: list[Problem] = field(default_factory=list)  # kept, counted once the person appears

    def summary(self) -> str:
        """One line for the operator."""
        return (
            f"{self.inserted} inserted, {self.updated} updated, {len(self.rejected)} rejected"
            + (f", {len(self.unmatched)} kept for agents not yet known" if self.unmatched else "")
            + (f", {self.not_rated} offered but not rated (skipped)" if self.not_rated else "")
        )


def read_csv(
    kind: Kind, reader: "csv.DictReader[str]", renames: dict[str, str], *,
    fixed: dict[str, str] | None = None, zone: ZoneInfo | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:  # fmt: skip
    """(line number, row) pairs with the header renamed (`--map old=new`) and checked; `fixed`
    fills columns the file lacks (`--kind`); with `zone`, times without an offset are local
    there (`--timezone`; by default our format's rule: no offset is UTC)."""
    original = [name.strip() for name in reader.fieldnames or []]
    header = [renames.get(name, name) for name in original]
    for name in set(header):
        sources = [old for old, new in zip(original, header, strict=True) if new == name]
        if len(sources) > 1:
            raise RecordError(
                f"column {name} would come from {' and '.join(f'`{s}`' for s in sources)}; "
                "keep one (--map renames a column onto another's name)"
            )
    fixed = {name: value for name, value in (fixed or {}).items() if name not in header}
    missing = [name for name in HEADER[kind] if name not in header and name not in fixed]
    if missing:
        raise RecordError(
            f"the header lacks {', '.join(missing)} (expected {', '.join(COLUMNS[kind])}; "
            "rename with --map old=new)"
        )
    reader.fieldnames = header
    for row in reader:
        found = {key: (value or "").strip() for key, value in row.items() if key} | fixed
        if zone is not None:
            try:
                for name in TIME_FIELDS:
                    if found.get(name):
                        found[name] = local_time(found[name], zone, name)
            except RecordError as error:
                found["_error"] = str(error)
        yield reader.line_num, found


Records = Iterable[tuple[int, dict[str, Any]]]


def store(
    *, session: Session, workspace_id: str, kind: Kind, records: Records, resolve: Resolve,
    progress: Callable[[int], None] = lambda _n: None,
) -> ImportReport:  # fmt: skip
    """Validate and upsert records in batches, then bring the touched rollups up to date; the
    caller commits (or rolls back: dry run, strict)."""
    report = ImportReport()
    changed: set[rollups.Key] = set()
    added: dict[rollups.Key, Tally] = defaultdict(Tally)
    seen: dict[str, int] = {}
    batch: list[tuple[dict[str, Any], frozenset[str]]] = []
    values_of = ticket_values if kind == "tickets" else survey_values
    key = "ticket_id" if kind == "tickets" else "response_id"
    count = 0
    statistics = bulk.Statistics(session, _table(kind))
    for line, row in records:
        count += 1
        try:
            values = values_of(row)
        except RecordError as error:
            report.rejected.append(Problem(line, str(error)))
            continue
        except NotRated:
            report.not_rated += 1
            continue
        if values[key] in seen:
            report.rejected.append(
                Problem(line, f"{key} {values[key]} already on line {seen[values[key]]}")
            )
            continue
        seen[values[key]] = line
        resolved = resolve(values["agent"])
        values["person_id"] = resolved.person_id
        if resolved.person_id is None:
            report.unmatched.append(Problem(line, resolved.why))
        # Fields a record leaves out keep their stored values (a webhook knows less than an export).
        given = {name for name in row if name in values} | {"person_id"}
        given |= {BUSINESS_COLUMNS[name] for name in row if name in BUSINESS_COLUMNS}
        batch.append((values, frozenset(given & set(values))))
        if len(batch) >= BATCH:
            inserted = report.inserted
            _upsert(session, workspace_id, kind, key, batch, report, changed, added)
            statistics.inserted(session, report.inserted - inserted)
            batch = []
            progress(count)
    _upsert(session, workspace_id, kind, key, batch, report, changed, added)
    rollup_writes.update(session, changed=changed, added=added)
    progress(count)
    return report


def _upsert(
    session: Session, workspace_id: str, kind: Kind, key: str,
    batch: list[tuple[dict[str, Any], frozenset[str]]], report: ImportReport,
    changed: set[rollups.Key], added: dict[rollups.Key, Tally],
) -> None:  # fmt: skip
    """Insert new ids and update known ones (plain SQL: a million rows stay light); note the
    (agent, day) rollups an update takes a row from or to (`changed`), and tally the new rows
    by the (agent, day) they add to (`added`)."""
    if not batch:
        return
    table = _table(kind)
    when = "solved_at" if kind == "tickets" else "submitted_at"
    existing = {
        row[key]: row
        for row in session.execute(
            select(table.c.id, table.c[key], table.c.person_id, table.c[when]).where(
                table.c.workspace_id == workspace_id,
                bulk.one_of(session, table.c[key], [values[key] for values, _ in batch]),
            )
        ).mappings()
    }
    now = utcnow()
    # Every insert of one statement names the same columns: optional ones default to None.
    empty = dict.fromkeys(BUSINESS_COLUMNS.values()) if kind == "tickets" else {}
    inserts: list[dict[str, Any]] = []
    updates: dict[frozenset[str], list[dict[str, Any]]] = {}
    for values, given in batch:
        old = existing.get(values[key])
        moment = values[when]
        if old is None:
            inserts.append({"workspace_id": workspace_id, "imported_at": now, **empty, **values})
            if values["person_id"] is not None and moment is not None:
                _count(added[(values["person_id"], rollups.day_of(moment))], kind, values)
            continue
        fields = {name: value for name, value in values.items() if name in given}
        updates.setdefault(frozenset(fields), []).append(
            {"_id": old["id"], "imported_at": now, **fields}
        )
        if old["person_id"] is not None and old[when] is not None:
            changed.add((old["person_id"], rollups.day_of(old[when])))
        moment = moment if when in given else old[when]
        if values["person_id"] is not None and moment is not None:
            changed.add((values["person_id"], rollups.day_of(moment)))
    if inserts:
        bulk.insert_rows(session, table, inserts)
    for rows in updates.values():  # one statement per set of columns
        session.execute(update(table).where(table.c.id == bindparam("_id")), rows)
    report.inserted += len(inserts)
    report.updated += sum(len(rows) for rows in updates.values())


def _table(kind: Kind) -> Table:
    return SQLModel.metadata.tables["helpdeskticket" if kind == "tickets" else "surveyresponse"]


def _count(tally: Tally, kind: Kind, values: dict[str, Any]) -> None:
    """Add a new row's values to the tally of its (agent, day)."""
    if kind == "tickets":
        tally.add_ticket(Ticket(
            values["created_at"], values["first_response_at"], values["solved_at"],
            values["agent_replies"], values["reopened"], values.get("frt_business_s"),
            values.get("resolution_business_s"),
        ))  # fmt: skip
    else:
        tally.add_survey(Survey(values["kind"], values["score"], values["submitted_at"]))


def attach_unmatched(*, session: Session, workspace_id: str, resolve: Resolve) -> int:
    """Give kept rows whose agent nobody matched their person, now that `resolve` knows them
    (someone joined Slack, or was added since); bring their rollups up to date. Returns how
    many rows found their agent. The caller commits."""
    touched: set[rollups.Key] = set()
    attached = 0
    for name, when in (("helpdeskticket", "solved_at"), ("surveyresponse", "submitted_at")):
        table = SQLModel.metadata.tables[name]
        waiting = table.c.workspace_id == workspace_id, table.c.person_id.is_(None)
        for (agent,) in session.execute(select(table.c.agent).where(*waiting).distinct()).all():
            person_id = resolve(agent).person_id
            if person_id is None:
                continue
            mine = (*waiting, table.c.agent == agent)
            touched |= {
                (person_id, rollups.day_of(moment))
                for (moment,) in session.execute(select(table.c[when]).where(*mine))
                if moment is not None
            }
            result = session.execute(update(table).where(*mine).values(person_id=person_id))
            attached += result.rowcount  # type: ignore[attr-defined]
    rollup_writes.refresh(session, touched)
    return attached
