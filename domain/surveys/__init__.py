"""Satisfaction surveys (R-9, R-2.10, R-4.9): versioned definitions, invitations tied to any
record, public token-only responses, the report. Decisions: README.md in this folder."""
