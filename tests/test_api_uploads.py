"""Uploads: validate first, all or nothing; history and diffs; deletion; the dry run."""

from __future__ import annotations

import pytest

from .test_api_remote import DATA

ADMIN = {"Authorization": "Bearer admin-secret"}
BROKEN = DATA.replace(b"org:hasMember <partners/school>, <partners/bank>", b"org:hasMember <partners/school>")


@pytest.fixture
def harbour(client):
    client.post("/communities", json={"id": "harbour", "label": "Harbour"}, headers=ADMIN)
    token = client.post("/communities/harbour/tokens", headers=ADMIN).json()["token"]
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}


def digest(client) -> bytes:
    return client.app.state.stores.public.canonical_nquads()


def count_partners(client) -> int:
    q = ("PREFIX lcc: <https://w3id.org/lcc#> SELECT (COUNT(?p) AS ?n) WHERE "
         "{ ?p a lcc:Partner ; lcc:community <https://w3id.org/lcc/communities/harbour> }")
    return int(client.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]["n"]["value"])


def test_a_structure_violation_stores_nothing(client, harbour):
    before = digest(client)
    r = client.put("/communities/harbour/data", content=BROKEN, headers=harbour)
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "validation_rejected"
    assert body["report"]["counts"]["Violation"] == 1  # the one partnership now has a single member
    assert digest(client) == before


def test_accepted_uploads_history_and_diff(client, harbour):
    assert client.put("/communities/harbour/data", content=DATA, headers=harbour).status_code == 200
    assert count_partners(client) == 2
    more = DATA + (b'<partners/club> a lcc:Partner ; lcc:community <../harbour> ; rdfs:label "Harbour Rowing Club"@en ;'
                   b" lcc:sector sectors:social ; lcc:field fields:sport ; lcc:level levels:neighbourhood .\n")
    r = client.put("/communities/harbour/data", content=more, headers=harbour)
    assert r.status_code == 200 and r.json()["version"]["version"] == 2
    assert count_partners(client) == 3  # replaced, not doubled
    versions = client.get("/communities/harbour/history", headers=harbour).json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["triples"] - versions[0]["triples"] == 6
    assert "token" not in str(versions)
    diff = client.get("/communities/harbour/history/1/diff/2", headers=harbour).json()
    assert len(diff["added"]) == 6 and diff["removed"] == []
    assert any("Harbour Rowing Club" in line for line in diff["added"])
    assert client.get("/communities/harbour/history").status_code == 401
    assert client.get("/communities/harbour/history/1/diff/9", headers=harbour).status_code == 404


def test_foreign_token_and_foreign_subjects_change_nothing(client, harbour):
    client.post("/communities", json={"id": "hilltop", "label": "Hilltop"}, headers=ADMIN)
    other = client.post("/communities/hilltop/tokens", headers=ADMIN).json()["token"]
    before = digest(client)
    r = client.put("/communities/harbour/data", content=DATA,
                   headers={"Authorization": f"Bearer {other}", "Content-Type": "text/turtle"})
    assert r.status_code == 403
    demo_partner = client.get("/communities").json()["communities"][0]["iri"]
    foreign = DATA + f"<{demo_partner}> <http://www.w3.org/2000/01/rdf-schema#label> \"mine now\" .\n".encode()
    r = client.put("/communities/harbour/data", content=foreign, headers=harbour)
    assert r.status_code == 422 and r.json()["error"] == "ownership"
    assert digest(client) == before


def test_delete_removes_data_and_history(client, harbour):
    client.put("/communities/harbour/data", content=DATA, headers=harbour)
    r = client.delete("/communities/harbour/data", headers=harbour)
    assert r.status_code == 200 and r.json()["deleted_versions"] == 1
    assert count_partners(client) == 0
    assert client.get("/communities/harbour/history", headers=harbour).json()["versions"] == []


def test_dry_run_reports_and_stores_nothing(client):
    before = digest(client)
    r = client.post("/validate?community=harbour", content=BROKEN, headers={"Content-Type": "text/turtle"})
    assert r.status_code == 200 and r.json()["conforms"] is False
    r = client.post("/validate", content=DATA.replace(b"<../harbour>", b"<https://w3id.org/lcc/communities/harbour>"),
                    headers={"Content-Type": "text/turtle"})
    assert r.status_code == 200 and r.json()["conforms"] is True
    assert digest(client) == before
