"""People an older import made up from a helpdesk agent's name (issue 14): before agent names
were matched, any agent cell without `@` became a person whose "Slack user id" was the name
("Wanda Park"), and that person took the tickets. The repair hands those rows back to the
import's rules (agent map, then exactly one person by name) and removes the made-up person.

Proof, not a guess: a made-up person's Slack id is no Slack id (helpdesk_agents.SLACK_ID) and
they appear nowhere but in helpdesk rows; anyone else is reported and left alone."""

from dataclasses import dataclass, field

from sqlalchemy import Table, delete, func, select, update
from sqlmodel import Session, SQLModel, col

from bot.services import helpdesk, rollup_writes, rollups
from bot.services.helpdesk_agents import SLACK_ID
from bot.store.models import KpiRollup, Person

HELPDESK_TABLES = {"helpdeskticket": "solved_at", "surveyresponse": "submitted_at"}
DERIVED = {"kpirollup"}  # follows the helpdesk rows


@dataclass
class Invented:
    """A person made from an agent's name, and what they hold."""

    person_id: int
    name: str
    tickets: int = 0
    surveys: int = 0
    held_elsewhere: list[str] = field(default_factory=list)  # tables that keep them: left alone


@dataclass
class Repair:
    """What a repair found and did."""

    invented: list[Invented] = field(default_factory=list)
    attached: int = 0  # helpdesk rows that found their real person
    waiting: int = 0  # helpdesk rows still waiting for a map entry or a match


def find(*, session: Session, workspace_id: str) -> list[Invented]:
    """Everyone in the workspace whose Slack id is not one, with their helpdesk rows."""
    found = []
    for person_id, slack_user_id in session.execute(
        select(col(Person.id), col(Person.slack_user_id)).where(
            col(Person.workspace_id) == workspace_id
        )
    ).all():
        if person_id is None or SLACK_ID.match(slack_user_id):
            continue
        invented = Invented(person_id, slack_user_id)
        invented.tickets = _count(session, _table("helpdeskticket"), person_id)
        invented.surveys = _count(session, _table("surveyresponse"), person_id)
        invented.held_elsewhere = [
            table.name
            for table in _referring_tables()
            if table.name not in HELPDESK_TABLES.keys() | DERIVED
            and _count(session, table, person_id)
        ]
        found.append(invented)
    return found


def repair(*, session: Session, workspace_id: str, resolve: helpdesk.Resolve) -> Repair:
    """Detach the made-up people's helpdesk rows, delete those people, and give the rows to
    whoever `resolve` proves they belong to; rollups follow. The caller commits."""
    report = Repair(invented=find(session=session, workspace_id=workspace_id))
    touched: set[rollups.Key] = set()
    for invented in report.invented:
        if invented.held_elsewhere:
            continue
        for name, when in HELPDESK_TABLES.items():
            table = _table(name)
            mine = table.c.person_id == invented.person_id
            touched |= {
                (invented.person_id, rollups.day_of(moment))
                for (moment,) in session.execute(select(table.c[when]).where(mine))
                if moment is not None
            }
            session.execute(update(table).where(mine).values(person_id=None))
    rollup_writes.refresh(session, touched)  # the made-up people's rollups empty out
    for invented in report.invented:
        if not invented.held_elsewhere:
            session.execute(delete(KpiRollup).where(col(KpiRollup.person_id) == invented.person_id))
            session.execute(delete(Person).where(col(Person.id) == invented.person_id))
    report.attached = helpdesk.attach_unmatched(
        session=session, workspace_id=workspace_id, resolve=resolve
    )
    report.waiting = sum(
        _count(session, _table(name), None, workspace_id) for name in HELPDESK_TABLES
    )
    return report


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _referring_tables() -> list[Table]:
    return [
        table
        for table in SQLModel.metadata.sorted_tables
        if any(key.column.table.name == "person" for key in table.foreign_keys)
    ]


def _count(session: Session, table: Table, person_id: int | None, workspace_id: str = "") -> int:
    """Rows of `table` that point at this person by any of its person columns (with None: the
    workspace's helpdesk rows that point at nobody)."""
    if person_id is None:
        where = [table.c.person_id.is_(None), table.c.workspace_id == workspace_id]
        return int(
            session.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
        )
    columns = [key.parent for key in table.foreign_keys if key.column.table.name == "person"]
    return sum(
        int(session.execute(select(func.count()).select_from(table).where(column == person_id))
            .scalar_one())
        for column in columns
    )  # fmt: skip
