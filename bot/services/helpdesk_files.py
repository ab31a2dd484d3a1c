"""A helpdesk CSV as the import reads it — the one code path of `python -m bot import` and of an
export uploaded in Slack (issue 16): through the source's preset or as CX Coach's own format;
for a lead, only rows of their own team's agents; and the rejected lines back as a file."""

import csv
import dataclasses
import io
from collections.abc import Iterator

from bot.services import csv_cells, csv_files, helpdesk, presets
from bot.services.helpdesk import Kind, Problem, Records, Resolve


def records_of(
    *, kind: Kind, table: csv_files.Table, source: str, timezone: str | None,
    survey_kind: str | None = None, renames: dict[str, str] | None = None,
) -> Records:  # fmt: skip
    """The file's rows in our own format: through the source's preset, or read as ours
    (PresetError or RecordError for a header or zone that cannot be used)."""
    renames = renames or {}
    fixed = {"kind": survey_kind} if survey_kind and kind == "surveys" else {}
    zone = presets.zone_named(timezone) if timezone else None
    if source == "csv":
        return helpdesk.read_csv(kind, table.reader, renames, fixed=fixed, zone=zone)
    preset = presets.PRESETS[(source, kind)]
    preset = dataclasses.replace(preset, fixed=preset.fixed | fixed)
    header = [renames.get(name.strip(), name.strip()) for name in table.reader.fieldnames or []]
    reading = presets.plan(preset, header, timezone)
    table.reader.fieldnames = header
    rows = ((table.reader.line_num, row) for row in table.reader)
    return presets.convert(preset, reading, rows)


def team_only(
    records: Records, resolve: Resolve, allowed: frozenset[int], rejected: list[Problem]
) -> Iterator[tuple[int, dict[str, object]]]:
    """Only the rows whose agent is one of `allowed` (a lead's own agents); every other row is
    added to `rejected`, with its line — never kept for somebody else's team."""
    for line, record in records:
        agent = str(record.get("agent") or "")
        found = resolve(agent) if agent.strip() else None
        if found is None or found.person_id is None:  # an admin's import keeps these; not here
            why = found.why.removesuffix(" (kept)") if found else "no agent assigned"
            rejected.append(Problem(line, why))
            continue
        if found.person_id not in allowed:
            rejected.append(Problem(line, f"`{agent}` is not an agent of your teams"))
            continue
        yield line, record


def rejected_csv(text: str, problems: list[Problem]) -> str:
    """The rejected lines of an uploaded file, each with why: `line,problem,row` (the row as it
    was in the file; cells a spreadsheet would run as a formula are defused)."""
    lines = text.splitlines()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "problem", "row"])
    for problem in sorted(problems, key=lambda p: p.line):
        row = lines[problem.line - 1] if 0 < problem.line <= len(lines) else ""
        writer.writerow([problem.line, csv_cells.defuse(problem.reason), csv_cells.defuse(row)])
    return out.getvalue()
