"""The columns CX Coach's own CSV formats have, and the helpdesk exports it knows: plain
constants, light enough for `python -m bot --help` (docs/ARCHITECTURE.md §4)."""

TICKET_COLUMNS = (
    "ticket_id", "agent", "created_at", "first_response_at", "solved_at", "agent_replies",
    "reopened", "channel", "first_response_business_minutes", "resolution_business_minutes",
)  # fmt: skip
SURVEY_COLUMNS = ("response_id", "ticket_id", "agent", "kind", "score", "comment", "submitted_at")
# The header must name these (a row may leave them empty: an unassigned ticket is kept).
TICKET_HEADER = ("ticket_id", "agent", "created_at")
SURVEY_HEADER = ("response_id", "agent", "kind", "score", "submitted_at")
AGENT_MAP_COLUMNS = ("helpdesk_agent", "slack")
ROSTER_COLUMNS = ("agent", "team", "role", "timezone", "shift_days", "shift_end")
SOURCES = ("csv", "zendesk", "freshdesk", "intercom")  # export presets (bot.services.presets)
