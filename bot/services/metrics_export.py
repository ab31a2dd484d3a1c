"""KPIs as a CSV file (`/cx-metrics … csv`): a team's row and, for its leads and admins, one row
per agent; the same columns as `python -m bot metrics --json`. Pure of Slack."""

import csv
import dataclasses
import io
import re
from typing import Any

from sqlmodel import Session, col, select

from bot.services import metrics
from bot.services.csv_cells import defuse
from bot.services.kpis import Kpis
from bot.services.periods import Period
from bot.store.models import Person

COLUMNS = (
    "scope", "agent", "name", *(field.name for field in dataclasses.fields(Kpis)),
    "period_start", "period_end",
)  # fmt: skip


def rows(
    *, session: Session, subject: metrics.Subject, period: Period, per_agent: bool
) -> list[dict[str, Any]]:
    """The subject's row first; with `per_agent`, then each of its agents by name."""
    if subject.team_id is None:
        return [_row("agent", subject, session, period, session.get(Person, subject.person_ids[0]))]
    found = [_row("team", subject, session, period)]
    if per_agent:
        people = session.exec(select(Person).where(col(Person.id).in_(subject.person_ids))).all()
        for person in sorted(people, key=lambda p: (p.display_name or p.slack_user_id).lower()):
            assert person.id is not None
            one = metrics.Subject(person.slack_user_id, (person.id,), subject.zone,
                                  business_hours=subject.business_hours)  # fmt: skip
            found.append(_row("agent", one, session, period, person))
    return found


def _row(scope: str, subject: metrics.Subject, session: Session, period: Period,
         person: Person | None = None) -> dict[str, Any]:  # fmt: skip
    figures = metrics.figures(session=session, subject=subject, period=period)
    return {
        "scope": scope,
        "agent": person.slack_user_id if person else "",
        "name": (person.display_name or person.slack_user_id) if person else subject.label,
        **dataclasses.asdict(figures),
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
    }


def to_csv(found: list[dict[str, Any]]) -> str:
    """The rows as CSV text; empty cells for "no data"; names that a spreadsheet would run as a
    formula are prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in found:
        writer.writerow({**row, "name": defuse(str(row["name"]))})
    return out.getvalue()


def filename(found: list[dict[str, Any]], period: Period) -> str:
    """`tier-1_2026-11-16_2026-11-22.csv`, named after the first row."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(found[0]["name"]).lower()).strip("-") or "kpis"
    return f"{slug}_{period.first}_{period.last}.csv"
