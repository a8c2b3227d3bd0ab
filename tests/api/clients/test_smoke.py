async def test_create_and_read_client(gql):
    """R-1.2: a person client is created by staff and read back by ID."""
    body = await gql("""mutation { createClient(input: {kind: PERSON, lastName: "Иванов",
        firstName: "Иван"}) { client { id displayName kind } errors { code field message } } }""")
    payload = body["data"]["createClient"]
    assert payload["errors"] == []
    cid = payload["client"]["id"]
    body = await gql("""query($id: ID!) { client(id: $id) { displayName
        history(first: 5) { edges { node { kind summary } } } } }""", {"id": cid})
    assert body["data"]["client"]["displayName"] == "Иванов Иван"
    kinds = [e["node"]["kind"] for e in body["data"]["client"]["history"]["edges"]]
    assert kinds == ["CLIENT_CREATED"]
