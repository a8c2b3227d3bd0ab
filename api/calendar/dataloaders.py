"""The calendar has no relations to batch: a calendar read is one query for overrides,
then arithmetic. Kept so every area has the same file set."""
