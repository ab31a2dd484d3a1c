"""Persistence: SQLModel tables, engine and session setup, migrations and queries."""
