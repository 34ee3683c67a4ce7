"""Admin and community tokens: who may write, and nothing private readable."""

from __future__ import annotations

ADMIN = {"Authorization": "Bearer admin-secret"}


def make_community(client, cid="riverside", label="Riverside"):
    r = client.post("/communities", json={"id": cid, "label": label}, headers=ADMIN)
    assert r.status_code == 201, r.text
    r = client.post(f"/communities/{cid}/tokens", headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()


def test_admin_routes_need_the_admin_token(client):
    assert client.post("/communities", json={"id": "x", "label": "X"}).status_code == 401
    r = client.post("/communities", json={"id": "x", "label": "X"}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    assert client.post("/communities", json={"id": "Bad Id", "label": "X"}, headers=ADMIN).status_code == 400


def test_duplicate_community_is_409(client):
    make_community(client)
    r = client.post("/communities", json={"id": "riverside", "label": "Again"}, headers=ADMIN)
    assert r.status_code == 409


def test_tokens_issue_revoke_and_scope(client):
    issued = make_community(client)
    other = make_community(client, "hilltop", "Hilltop")
    token = issued["token"]
    assert token.startswith("lcc_") and issued["token_id"] in token
    answer = {"question": "early-1", "text": "Youth unemployment and an ageing population."}
    # no token: 401; another community's token: 403; own token: 201
    assert client.post("/communities/riverside/answers", json=answer).status_code == 401
    r = client.post("/communities/riverside/answers", json=answer, headers={"Authorization": f"Bearer {other['token']}"})
    assert r.status_code == 403
    r = client.post("/communities/riverside/answers", json=answer, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    assert r.json()["question"] == "https://w3id.org/lcc/questions/early-1"
    # the answer is public at once
    q = ("PREFIX lcc: <https://w3id.org/lcc#> SELECT ?t WHERE { ?a lcc:answers <https://w3id.org/lcc/questions/early-1> ;"
         " lcc:community <https://w3id.org/lcc/communities/riverside> ; lcc:text ?t }")
    rows = client.get("/sparql", params={"query": q}).json()["results"]["bindings"]
    assert [row["t"]["value"] for row in rows] == [answer["text"]]
    # revoked: 401 from then on
    r = client.delete(f"/communities/riverside/tokens/{issued['token_id']}", headers=ADMIN)
    assert r.status_code == 204
    r = client.post("/communities/riverside/answers", json=answer, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert client.delete(f"/communities/riverside/tokens/{issued['token_id']}", headers=ADMIN).status_code == 404


def test_unknown_question_is_404(client):
    token = make_community(client)["token"]
    r = client.post("/communities/riverside/answers", json={"question": "early-99", "text": "x"},
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 404


def test_no_sparql_query_finds_a_token_or_its_hash(client):
    token = make_community(client)["token"]
    secret = token.split("_", 2)[2]
    import hashlib

    digest = hashlib.sha256(secret.encode()).hexdigest()
    for q in ["SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), '%s')) }" % digest,
              "SELECT ?g ?s WHERE { GRAPH ?g { ?s <https://w3id.org/lcc#tokenHash> ?o } }",
              "SELECT ?s WHERE { ?s <https://w3id.org/lcc#tokenHash> ?o }"]:
        r = client.get("/sparql", params={"query": q})
        assert r.status_code == 200
        assert r.json()["results"]["bindings"] == []
    r = client.get("/sparql", params={"query": "SELECT ?o WHERE { ?s ?p ?o }", "default-graph-uri": "urn:lcc:private:tokens"})
    assert r.json()["results"]["bindings"] == []
