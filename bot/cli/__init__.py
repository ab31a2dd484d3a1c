"""Operator commands of `python -m bot` beyond the processes (docs/ARCHITECTURE.md §7)."""


class UsageError(Exception):
    """Bad arguments or a missing precondition: printed as one line, exit code 2."""
