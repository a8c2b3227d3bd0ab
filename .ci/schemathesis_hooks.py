"""Schemathesis check for okno's GraphQL contract (loaded by .ci/run via SCHEMATHESIS_HOOKS).

Fails on any 5xx and on any top-level GraphQL error other than the expected ones:
UNAUTHENTICATED / FORBIDDEN / BAD_USER_INPUT codes, and errors raised before execution
(parse, validation and query-limit errors carry no ``path``). Everything else — a masked
bug, a null in a non-null field — is a defect. Expected failures of mutations are data
(``errors: [UserError!]!`` in the payload), so they never show up here.
"""

from __future__ import annotations

import json

import graphql
import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

EXPECTED_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT"}

# Values for the `JSON` scalar (template contexts and the like): small objects and leaves.
_json_leaf = st.one_of(
    st.text(max_size=60).map(nodes.String),
    st.integers(min_value=-(10**9), max_value=10**9).map(nodes.Int),
    st.booleans().map(nodes.Boolean),
    st.just(nodes.Null),
)
_json_object = st.dictionaries(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True), _json_leaf, max_size=8
).map(lambda d: nodes.Object([
    graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in d.items()
]))
schemathesis.graphql.scalar("JSON", st.one_of(_json_object, _json_leaf))


@schemathesis.check
def okno_graphql_contract(ctx, response, case):
    """No 5xx, a JSON body, and only expected top-level errors."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    try:
        payload = json.loads(response.content)
    except ValueError:
        raise AssertionError(
            f"HTTP {response.status_code}, not JSON: {response.text[:300]}") from None
    if not isinstance(payload, dict):
        raise AssertionError(  # noqa: TRY004  (a failed check, not a type error)
"the GraphQL response is not a JSON object")
    unexpected = []
    for error in payload.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code in EXPECTED_CODES:
            continue
        if code is None and "path" not in error:  # refused before execution
            continue
        unexpected.append(error)
    if unexpected:
        raise AssertionError("unexpected GraphQL errors: " + json.dumps(unexpected,
                                                                       ensure_ascii=False)[:2000])
