"""Operator commands of `python -m bot` beyond the processes (ARCHITECTURE §7)."""
