"""The committed ``schema.graphql`` is what front ends generate their types from."""

from __future__ import annotations

from pathlib import Path


from api.schema import export_sdl

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}
ROOTS = {"Query", "Mutation", "Subscription"}  # merged from the areas; described by their fields
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_file_is_up_to_date():
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert export_sdl() == committed, (
        "schema.graphql is stale: run `uv run okno export-schema -o schema.graphql` and commit it"
    )


def test_every_type_and_field_has_a_description():
    """Front-end developers act on descriptions; the schema is their documentation."""
    from graphql import GraphQLInputObjectType, GraphQLObjectType

    from api.schema import build_schema
    from domain.settings import Settings

    schema = build_schema(Settings(_env_file=None))._schema
    missing = []
    for name, type_ in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN or name in ROOTS:
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in type_.fields.items()
                        if not field.description and f not in ("id", "edges", "node")]
    assert not missing, "add descriptions: " + ", ".join(sorted(missing))
