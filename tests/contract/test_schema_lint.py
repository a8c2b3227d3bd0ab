"""The schema lint (api/schema_lint.py): the live schema keeps the front-end contract, and each
rule fires on a hand-written bad snippet and stays quiet on a good one, so a rule that can never
fire is caught."""

from __future__ import annotations

import pytest
from graphql import build_schema

from api import schema_lint
from api.cli import main
from api.schema import export_sdl

# What every snippet may lean on: the Node interface, UserError, PageInfo and a Query root.
PRELUDE = '''
"""An object with a global ID."""
interface Node {
  """The global ID."""
  id: ID!
}
"""An expected failure."""
type UserError {
  """What failed."""
  message: String!
}
"""Where a page stands."""
type PageInfo {
  """More after this page."""
  hasNextPage: Boolean!
  """Continue after this cursor."""
  endCursor: String
}
'''
QUERY = '''
type Query {
  """A client. Roles: anyone, also without a token."""
  client: Client
}
"""A client."""
type Client implements Node {
  id: ID!
  """Their name."""
  name: String!
}
'''


def violations(rule: schema_lint.Rule, sdl: str) -> list[str]:
    return rule(build_schema(PRELUDE + sdl))


def test_the_live_schema_keeps_the_front_end_contract():
    """Issue 8: every convention of CONTRIBUTING "The front-end contract" holds in the schema
    front ends generate their types from."""
    found = schema_lint.lint(export_sdl())
    assert not found, (f"{len(found)} violations of the front-end contract "
                       "(api/schema_lint.py):\n" + "\n".join(found))


def test_the_cli_exits_1_on_violations_and_0_on_a_clean_schema(tmp_path, capsys):
    bad, good = tmp_path / "bad.graphql", tmp_path / "good.graphql"
    bad.write_text(PRELUDE + QUERY.replace("Client implements Node", "Client"), encoding="utf-8")
    good.write_text(PRELUDE + QUERY, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["lint-schema", str(bad)])
    assert exit_.value.code == 1
    assert "Client.id: has an id but does not implement Node" in capsys.readouterr().out
    main(["lint-schema", str(good)])
    assert "keeps the front-end contract" in capsys.readouterr().out


def test_every_rule_runs():
    assert set(schema_lint.RULES) == {
        schema_lint.nodes, schema_lint.reserved_words, schema_lint.mutations,
        schema_lint.root_roles, schema_lint.connections, schema_lint.references,
        schema_lint.descriptions, schema_lint.datetime_rule,
    }


def test_a_type_with_an_id_is_a_node():
    assert violations(schema_lint.nodes, QUERY) == []
    assert violations(schema_lint.nodes, QUERY.replace("Client implements Node", "Client")) == [
        "Client.id: has an id but does not implement Node"]


def test_no_name_is_a_javascript_reserved_word():
    good = QUERY + '''
    """Start an export."""
    input ExportInput { """Which format.""" format: String! }
    type Mutation {
      """Export. Roles: anyone, also without a token."""
      run(input: ExportInput!): String
    }
    '''
    assert violations(schema_lint.reserved_words, good) == []
    bad = (good.replace("name: String!", "export: String!")
           .replace("format: String!", "default: String!")
           .replace("run(input: ExportInput!)", "run(input: ExportInput!, in: Int)"))
    assert violations(schema_lint.reserved_words, bad) == [
        "Client.export: named by the JavaScript reserved word 'export'",
        "Mutation.run(in): named by the JavaScript reserved word 'in'",
        "ExportInput.default: named by the JavaScript reserved word 'default'",
    ]


MUTATION = QUERY + '''
"""Rename a client."""
input RenameClientInput { """The new name.""" name: String! }
"""The renamed client, or why not."""
type ClientPayload {
  """The client; null on errors."""
  client: Client
  """Why it failed."""
  errors: [UserError!]!
}
type Mutation {
  """Rename. Roles: admin."""
  renameClient(input: RenameClientInput!): ClientPayload
}
'''


def test_a_mutation_takes_one_input_and_returns_a_payload_with_errors():
    assert violations(schema_lint.mutations, MUTATION) == []
    positional = MUTATION.replace("renameClient(input: RenameClientInput!)",
                                  "renameClient(id: ID!, name: String!)")
    assert violations(schema_lint.mutations, positional) == [
        ("Mutation.renameClient: takes (id: ID!, name: String!); it must take one argument, "
        "`input: <Name>Input!`")]
    nullable_input = MUTATION.replace("input: RenameClientInput!", "input: RenameClientInput")
    assert len(violations(schema_lint.mutations, nullable_input)) == 1
    no_payload = MUTATION.replace("): ClientPayload", "): Client")
    assert violations(schema_lint.mutations, no_payload) == [
        "Mutation.renameClient: returns Client; it must return a …Payload with errors"]
    loose_errors = MUTATION.replace("errors: [UserError!]!", "errors: [UserError]")
    assert violations(schema_lint.mutations, loose_errors) == [
        "Mutation.renameClient: ClientPayload.errors is [UserError], not [UserError!]!"]


def test_a_root_field_names_its_roles_and_is_nullable_when_some_may_not_call_it():
    assert violations(schema_lint.root_roles, MUTATION) == []
    assert violations(schema_lint.root_roles, MUTATION.replace(" Roles: admin.", "")) == [
        ("Mutation.renameClient: the description has no `Roles:` sentence "
        "(add the field to api/access.py ROLES)")]
    non_null = MUTATION.replace("): ClientPayload", "): ClientPayload!")
    assert violations(schema_lint.root_roles, non_null) == [
        ("Mutation.renameClient: returns ClientPayload! but some roles may not call it; "
        "make it nullable so a refusal nulls only this field")]
    # Open to anyone: nothing to refuse, so non-null is fine.
    anyone = non_null.replace("Roles: admin.", "Roles: anyone, also without a token.")
    assert violations(schema_lint.root_roles, anyone) == []


CONNECTION = QUERY.replace('client: Client\n', '''client: Client
  """Clients, newest first. Roles: admin."""
  clients("""Page size.""" first: Int = 20, """Cursor.""" after: String): ClientConnection
''') + '''
"""A page of clients."""
type ClientConnection { edges: [ClientEdge!]! """Where the page stands.""" pageInfo: PageInfo! }
"""One client and its cursor."""
type ClientEdge { """Its cursor.""" cursor: String! node: Client! }
'''


def test_a_paged_field_is_a_nullable_connection_and_a_root_list_of_nodes_pages():
    assert violations(schema_lint.connections, CONNECTION) == []
    unpaged = CONNECTION.replace('"""Page size.""" first: Int = 20, ', "")
    assert violations(schema_lint.connections, unpaged.replace(
        "): ClientConnection", "): ClientConnection!")) == [
        "Query.clients: has `after` but no `first: Int`",
        ("Query.clients: returns ClientConnection!; a connection is nullable, so a bad cursor "
        "fails only this field"),
    ]
    assert violations(schema_lint.connections, CONNECTION.replace(
        "): ClientConnection", "): [Client!]")) == [
        "Query.clients: has `after` but Client is not a …Connection with edges and pageInfo",
        ("Query.clients: a list of Client that can grow; make it a connection (or add it to "
        "BOUNDED_LISTS in api/schema_lint.py, saying why it is bounded)"),
    ]


def test_references_are_typed_and_fixed_sets_are_enums():
    good = QUERY.replace('name: String!', '''name: String!
  """The client's manager."""
  manager: Client
  """The manager's global ID, for a cheap refetch."""
  managerId: ID
  """The global ID of a merged-away duplicate."""
  removedId: ID''')
    assert violations(schema_lint.references, good) == []
    bad = QUERY.replace('name: String!', '''name: String!
  """A raw UUID."""
  managerId: String
  """What the source is."""
  sourceType: String
  """A global ID with no typed field beside it."""
  agencyId: ID
  """A fixed set."""
  status: String!
  """Also a fixed set."""
  actorRole: String''')
    assert violations(schema_lint.references, bad) == [
        ("Client.managerId: a reference held as String; expose a typed field (a Node, union or "
        "enum) and, where handy, its global ID beside it"),
        ("Client.sourceType: a reference held as String; expose a typed field (a Node, union or "
        "enum) and, where handy, its global ID beside it"),
        ("Client.agencyId: a reference held as ID; expose a typed field (a Node, union or enum) "
        "and, where handy, its global ID beside it"),
        ("Client.status: a fixed set held as String!; make it an enum (or a typed field when it "
        "names an object)"),
        ("Client.actorRole: a fixed set held as String; make it an enum (or a typed field when "
        "it names an object)"),
    ]


def test_everything_has_a_description():
    good = MUTATION + '''
    """How a client came."""
    enum Source { """In person.""" VISIT }
    '''
    assert violations(schema_lint.descriptions, good) == []
    bad = (good.replace('"""In person.""" VISIT', "VISIT")
           .replace('"""The new name.""" name', "name")
           .replace('"""Their name."""\n  name: String!', "name(short: Boolean): String!")
           .replace('"""How a client came."""', ""))
    assert violations(schema_lint.descriptions, bad) == [
        "Client.name: no description",
        "Client.name(short): no description",
        "RenameClientInput.name: no description",
        "Source: no description",
        "Source.VISIT: no description",
    ]


def test_the_datetime_scalar_states_the_one_rule():
    good = QUERY + '"""A moment: output in UTC with the offset written out."""\nscalar DateTime\n'
    assert violations(schema_lint.datetime_rule, good) == []
    assert violations(schema_lint.datetime_rule, good.replace("in UTC with the offset", "")) == [
        ("DateTime: the description must state the one rule (UTC, with an offset); "
        "it does not say UTC or offset")]
