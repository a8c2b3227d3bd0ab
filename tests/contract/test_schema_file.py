"""The committed ``schema.graphql`` is what front ends generate their types from."""

from __future__ import annotations

from pathlib import Path

from api.schema import export_sdl

# Descriptions and the other conventions of the schema: tests/contract/test_schema_lint.py.
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_file_is_up_to_date():
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert export_sdl() == committed, (
        "schema.graphql is stale: run `uv run okno export-schema -o schema.graphql` and commit it"
    )

