"""The fast path's per-type mapping (api/fastpath/mappings.py) stays true to the strawberry
schema and the Tortoise models: every field it reads exists with that name, every column
it reads exists in that table, and every relation points at the type the schema names."""

from __future__ import annotations

import pytest
from graphql import get_named_type
from tortoise import Tortoise

from api.fastpath.mappings import TABLES, Page
from api.fastpath.values import plain_fields
from api.schema import build_schema
from domain.settings import Settings

SCHEMA = build_schema(Settings(_env_file=None))


def columns_of(table: str) -> set[str]:
    for model in Tortoise.apps.get_models_iterable():
        if model._meta.db_table == table:
            return {f.source_field or name for name, f in model._meta.fields_map.items()
                    if f.has_db_field}
    raise AssertionError(f"no model for table {table}")


@pytest.mark.parametrize("type_name", sorted(TABLES))
async def test_mapping_matches_schema_and_tables(type_name: str, settings) -> None:
    """Issue 14: one declared mapping per type, checked against the schema (the one source
    of truth) and the tables."""
    table = TABLES[type_name]
    gtype = SCHEMA._schema.get_type(type_name)
    assert gtype is not None
    columns = columns_of(table.table)
    plain = plain_fields(SCHEMA, type_name)
    assert plain, type_name
    for graphql_name, python_name in plain.items():
        assert graphql_name in gtype.fields
        assert table.columns.get(python_name, python_name) in columns, (type_name, python_name)
    assert table.columns.get("id", "id") in columns or "id" not in gtype.fields
    for name, computed in table.computed.items():
        assert name in gtype.fields and name not in plain
        assert set(computed.columns) <= columns
    for name, relation in table.relations.items():
        named = get_named_type(gtype.fields[name].type)
        child = TABLES[relation.type_name]
        if isinstance(relation, Page):
            edge = get_named_type(named.fields["edges"].type)
            named = get_named_type(edge.fields["node"].type)
            assert {relation.time, "id"} <= columns_of(child.table)
        assert named.name == relation.type_name
        assert relation.foreign_key in columns_of(child.table)
    assert set(table.visible_columns) <= columns
    assert table.key in columns
