"""The demo data ``okno seed`` (and ``okno dev``) writes: staff in the directory, so every
token the ``okno dev`` banner offers works at once for its role."""

from __future__ import annotations

import contextlib
import io

import jwt

from api.cli import main
from api.dev import _banner, role_tokens
from domain.directory.models import StaffMember
from domain.seed import STAFF, demo_client_id, seed_demo
from domain.settings import Settings

# A typical first request of each role's front end.
TYPICAL = {
    "client": "{ me { displayName } }",
    "operator": "{ clients(first: 5) { edges { node { id } } } "
                "messages(first: 5) { edges { node { id } } } }",
    "executor": "{ messages(first: 5) { edges { node { id } } } }",
    "supervisor": '{ satisfactionReport(from: "2026-01-01", to: "2026-12-31") { '
                  "total { invitations responses } } }",
    "admin": "{ departments { name } staffMembers(first: 5) { edges { node { subject } } } }",
}


def mint(settings: Settings, argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["token", *argv], settings)
    return out.getvalue().strip()


async def test_every_printed_role_token_works_at_once(settings, http):
    """With the demo data, the token of each role the banner prints (client, operator, an
    executor per department, supervisor, admin) runs that role's typical query without
    FORBIDDEN; staff tokens name directory rows with a department."""
    assert (await seed_demo()).startswith("demo data added:")
    client_id = await demo_client_id()
    offered = role_tokens(client_id)
    banner = _banner(settings, "http://127.0.0.1:8000", "seeded", client_id)
    roles = set()
    for label, argv in offered:
        assert f"uv run okno token {' '.join(argv)}" in banner
        token = mint(settings, argv)
        claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"],
                            audience=settings.jwt_audience)
        role = claims["role"]
        roles.add(role)
        response = await http.post("/graphql", json={"query": TYPICAL[role]},
                                   headers={"Authorization": f"Bearer {token}"})
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, (label, body)
        assert all(value is not None for value in body["data"].values()), (label, body)
        if role != "client":
            member = await StaffMember.get(subject=claims["sub"])
            assert member.active and (member.department_id is not None or role == "admin")
    assert roles == set(TYPICAL)
    executors = [m for m in STAFF if m.role == "executor"]
    assert len({m.department for m in executors}) == 2  # one per department
    assert (await seed_demo()) == "demo data already present: nothing added"
