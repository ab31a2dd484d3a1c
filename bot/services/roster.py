"""The roster file (docs/ARCHITECTURE.md §4): people, teams, roles and shifts in bulk, idempotently.

`agent, team, role, timezone, shift_days, shift_end` — one row per person and team. Reading is
pure; `apply` writes through a session the caller commits (or rolls back for a dry run). Slack
lookups (emails, profiles) come in through a `Resolve` callable, so this module stays Slack-free.
"""

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot.services import schedule
from bot.services.csv_cells import defuse, restore
from bot.services.formats import ROSTER_COLUMNS
from bot.services.people import SlackProfile
from bot.services.schedule import ScheduleError
from bot.services.wording import plural
from bot.store import repos
from bot.store.models import Membership, Person, Team, TeamRole

COLUMNS = ROSTER_COLUMNS
MAX_TEAM_NAME = 80

Resolve = Callable[[str], SlackProfile | None]
"""A Slack user ID or email → the Slack profile, or None if Slack does not know it."""


@dataclass(frozen=True)
class RosterRow:
    """One valid line of the file."""

    line: int
    agent: str
    team: str
    role: TeamRole
    timezone: str | None
    shift_days: str | None
    shift_end: str | None


@dataclass(frozen=True)
class RowError:
    """A line that cannot be used, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class Report:
    """What an import did (or, on a dry run, would do)."""

    rows: int = 0
    people_created: int = 0
    people_updated: int = 0
    teams_created: list[str] = field(default_factory=list)
    memberships_changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        """One paragraph for the operator."""
        teams = f" ({', '.join(self.teams_created)})" if self.teams_created else ""
        return (
            f"{plural(self.rows, 'row')}: "
            f"{plural(self.people_created, 'person', 'people')} created, "
            f"{self.people_updated:,} updated, {plural(len(self.teams_created), 'team')} "
            f"created{teams}, {plural(self.memberships_changed, 'membership')} added or changed, "
            f"{self.unchanged:,} already up to date, {plural(len(self.errors), 'row')} with "
            "errors."
        )


def read(text: str) -> tuple[list[RosterRow], list[RowError]]:
    """Parse and validate the file; good rows and per-line errors (line 1 is the header)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("agent", "team") if name not in header]
    if missing:
        return [], [RowError(1, f"the header needs the columns {', '.join(COLUMNS)}")]
    reader.fieldnames = header
    rows, errors = [], []
    for number, raw in enumerate(reader, start=2):
        values = {key: (raw.get(key) or "").strip() for key in COLUMNS}
        if not any(values.values()):
            continue  # blank line
        try:
            rows.append(_row(number, values))
        except ScheduleError as error:
            errors.append(RowError(number, str(error)))
    return rows, errors


def _row(line: int, values: dict[str, str]) -> RosterRow:
    """The line as a row; ScheduleError naming every problem it has, not just the first."""
    agent, team = values["agent"], restore(values["team"])  # export defuses formula-like names
    problems: list[str] = []
    if not agent:
        problems.append("agent is empty; give a Slack user ID (U…) or an email")
    elif not ((agent.startswith(("U", "W")) and agent.isalnum()) or "@" in agent):
        problems.append(f"agent `{agent}` is neither a Slack user ID (U…) nor an email")
    if not team or len(team) > MAX_TEAM_NAME:
        problems.append(f"team must be 1 to {MAX_TEAM_NAME} characters")
    role_text = values["role"].lower() or TeamRole.AGENT.value
    if role_text not in (TeamRole.AGENT.value, TeamRole.LEAD.value):
        problems.append(f"role `{values['role']}` must be `agent` or `lead`")
    timezone = values["timezone"] or None
    if timezone:
        try:
            schedule.zone_named(timezone)
        except ScheduleError as error:
            problems.append(str(error))
    days, end = values["shift_days"] or None, values["shift_end"] or None
    if (days is None) != (end is None):
        problems.append("give both shift_days and shift_end, or neither")
    elif days and end:
        try:
            shift = schedule.parse_shift(days, end)
        except ScheduleError as error:
            problems.append(str(error))
        else:
            days = ",".join(schedule.WEEKDAYS[d] for d in sorted(shift.days))
            end = f"{shift.end:%H:%M}"
    if problems:
        raise ScheduleError("; ".join(problems))
    return RosterRow(line, agent, team, TeamRole(role_text), timezone, days, end)


def apply(
    *,
    session: Session,
    workspace_id: str,
    rows: Iterable[RosterRow],
    resolve: Resolve,
    progress: Callable[[int], None] = lambda _done: None,
) -> Report:
    """Create or update people, teams and memberships for `rows`. Rows whose agent Slack does
    not know become errors; everything else lands. The caller commits or rolls back."""
    repos.ensure_workspace(session=session, workspace_id=workspace_id)
    report = Report()
    placed: list[tuple[Team, Person, TeamRole]] = []
    new_teams: dict[str, Team] = {}
    for done, row in enumerate(rows, start=1):
        report.rows += 1
        progress(done)
        profile = resolve(row.agent)
        if profile is None:
            report.errors.append(RowError(row.line, f"Slack has no user `{row.agent}`"))
            continue
        person, person_changed = _upsert_person(session, workspace_id, row, profile, report)
        team = _team(session, workspace_id, row.team, new_teams, report)
        membership_changed = _upsert_membership(session, team, person, row.role)
        report.memberships_changed += membership_changed
        if not (person_changed or membership_changed):
            report.unchanged += 1
        placed.append((team, person, row.role))
    _zone_new_teams(new_teams, placed)
    session.flush()
    return report


def import_text(
    *, session: Session, workspace_id: str, text: str, resolve: Resolve,
    progress: Callable[[int, int], None] = lambda _done, _total: None,
) -> tuple[Report, bool]:  # fmt: skip
    """Read and apply a whole roster file (the CLI and an upload in Slack): the report counts
    every line that is not blank — good, bad or unknown to Slack — and lists each bad line once,
    in order; `progress` hears (rows done, rows to do). Returns the report and whether the
    header was readable at all. The caller commits or rolls back."""
    rows, errors = read(text)
    if errors and errors[0].line == 1:
        report = Report(errors=errors)
        return report, False
    report = apply(session=session, workspace_id=workspace_id, rows=rows, resolve=resolve,
                   progress=lambda done: progress(done, len(rows)))  # fmt: skip
    report.rows += len(errors)
    report.errors = sorted(errors + report.errors, key=lambda error: error.line)
    return report, True


def _upsert_person(
    session: Session, workspace_id: str, row: RosterRow, profile: SlackProfile, report: Report
) -> tuple[Person, bool]:
    person = repos.get_person(
        session=session, workspace_id=workspace_id, slack_user_id=profile.user_id
    )
    if person is None:
        person = Person(workspace_id=workspace_id, slack_user_id=profile.user_id)
        report.people_created += 1
        created = True
    else:
        created = False
    wanted = {
        "display_name": person.display_name or profile.display_name,
        "timezone": profile.timezone or person.timezone,
        "timezone_override": row.timezone,
        "shift_days": row.shift_days,
        "shift_end": row.shift_end,
        "active": not profile.deleted,
    }
    changed = any(getattr(person, key) != value for key, value in wanted.items())
    for key, value in wanted.items():
        setattr(person, key, value)
    if changed and not created:
        report.people_updated += 1
    session.add(person)
    session.flush()
    return person, changed or created


def _team(
    session: Session, workspace_id: str, name: str, new_teams: dict[str, Team], report: Report
) -> Team:
    if name in new_teams:
        return new_teams[name]
    team = session.exec(
        select(Team).where(Team.workspace_id == workspace_id, Team.name == name)
    ).first()
    if team is None:
        team = Team(workspace_id=workspace_id, name=name)
        session.add(team)
        session.flush()
        new_teams[name] = team
        report.teams_created.append(name)
    return team


def _upsert_membership(session: Session, team: Team, person: Person, role: TeamRole) -> bool:
    assert team.id is not None
    assert person.id is not None
    membership = session.get(Membership, (team.id, person.id))
    if membership is not None and membership.role == role.value:
        return False
    if membership is None:
        membership = Membership(team_id=team.id, person_id=person.id)
    membership.role = role.value
    session.add(membership)
    return True


def _zone_new_teams(
    new_teams: dict[str, Team], placed: list[tuple[Team, Person, TeamRole]]
) -> None:
    """A team first created by an import takes its lead's zone, else its members' most common
    zone, else UTC (docs/ARCHITECTURE.md §5)."""
    for team in new_teams.values():
        members = [(person, role) for t, person, role in placed if t is team]
        zones = [(person.timezone_override or person.timezone, role) for person, role in members]
        lead_zones = [zone for zone, role in zones if zone and role == TeamRole.LEAD]
        known = [zone for zone, _ in zones if zone]
        if lead_zones:
            team.timezone = lead_zones[0]
        elif known:
            team.timezone = Counter(known).most_common(1)[0][0]
        else:
            team.timezone = "UTC"


def export(*, session: Session, workspace_id: str) -> str:
    """The workspace's roster as CSV, in the import format (one row per membership)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    statement = (
        select(Person, Team, Membership)
        .join(Membership, Membership.person_id == Person.id)  # type: ignore[arg-type]
        .join(Team, Team.id == Membership.team_id)  # type: ignore[arg-type]
        .where(Person.workspace_id == workspace_id)
        .order_by(Team.name, Person.slack_user_id)
    )
    for person, team, membership in session.exec(statement).all():
        writer.writerow(
            [
                person.slack_user_id,
                defuse(team.name),
                membership.role,
                person.timezone_override or "",
                person.shift_days or "",
                person.shift_end or "",
            ]
        )
    return out.getvalue()
