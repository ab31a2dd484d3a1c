"""CSV cells a spreadsheet will not run: a cell starting `=`, `+`, `-`, `@` (or a tab or carriage
return) is a formula to Excel and LibreOffice (CSV injection), so exports prefix it with an
apostrophe, and imports of our own files take that apostrophe off again."""

import re

FORMULA = re.compile(r"^[=+\-@\t\r]")  # what a spreadsheet would run as a formula


def defuse(cell: str) -> str:
    """The cell as a spreadsheet shows it as text."""
    return f"'{cell}" if FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    """A cell `defuse` wrote, as it was (other cells unchanged)."""
    return cell[1:] if cell.startswith("'") and FORMULA.match(cell[1:]) else cell
