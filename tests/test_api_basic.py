"""The first API: health, the framework, the SPARQL endpoint over the demo data."""

from __future__ import annotations

import pytest

from .test_api_remote import DATA

PREFIX = "PREFIX lcc: <https://w3id.org/lcc#>\n"


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_health_counts_the_graphs_of_the_current_checkpoint(client):
    stores = client.app.state.stores
    listed = len(stores.public_graphs())
    assert client.get("/health").json()["graphs"] == listed > 0
    admin = {"Authorization": "Bearer admin-secret"}
    client.post("/communities", json={"id": "harbour", "label": "Harbour"}, headers=admin)
    token = client.post("/communities/harbour/tokens", headers=admin).json()["token"]
    put = client.put("/communities/harbour/data", content=DATA,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"})
    assert put.status_code == 200
    # the new community's graphs are counted as soon as their checkpoint is published
    added = len(stores.public_graphs()) - listed
    assert added >= 1 and client.get("/health").json()["graphs"] == listed + added


def test_criteria_lists_21(client):
    body = client.get("/criteria").json()
    assert body["count"] == 21
    slugs = [c["slug"] for c in body["criteria"]]
    assert slugs[0] == "balances" and slugs[-1] == "visibility"
    assert sum(len(c["statements"]) for c in body["criteria"]) == 95


def test_penetration_statements_and_dimensions(client):
    c = client.get("/criteria/penetration").json()
    assert len(c["statements"]) == 6
    assert c["statements"][0]["text"].startswith("The learning community and its infrastructures pay much attention")
    assert c["statements"][-1]["text"].startswith("Depths")
    assert sorted(d["iri"].rsplit("/", 1)[1] for d in c["dimensions"]) == ["depth", "horizontal", "vertical"]


def test_criterion_page_and_language(client):
    r = client.get("/criteria/penetration", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "Horizontal" in r.text and 'dir="ltr"' in r.text
    he = client.get("/criteria/penetration?lang=he", headers={"Accept": "text/html"})
    assert 'dir="rtl"' in he.text and 'lang="he"' in he.text


def test_unknown_criterion_is_404_json(client):
    r = client.get("/criteria/topics")
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


COUNT = PREFIX + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a lcc:Community }"


def test_sparql_select_over_demo(client):
    r = client.get("/sparql", params={"query": COUNT})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "12"


@pytest.mark.parametrize("accept, marker", [
    ("text/csv", b"n\r\n12\r\n"),
    ("text/tab-separated-values", b"?n\n12"),
    ("application/sparql-results+xml", b"<literal datatype=\"http://www.w3.org/2001/XMLSchema#integer\">12</literal>"),
])
def test_sparql_result_formats(client, accept, marker):
    r = client.post("/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query", "Accept": accept})
    assert r.status_code == 200
    assert marker in r.content


def test_sparql_form_post_and_construct_turtle(client):
    q = PREFIX + "CONSTRUCT { ?c a lcc:Community } WHERE { ?c a lcc:Community }"
    r = client.post("/sparql", data={"query": q})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    import pyoxigraph as ox

    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 12
    assert {t.object.value for t in triples} == {"https://w3id.org/lcc#Community"}


def test_a_form_with_too_many_fields_is_refused_not_a_server_error(client):
    many = "query=ASK%7B%7D" + "&a=1" * 1200
    r = client.post("/sparql", content=many, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and r.json()["message"] == "the form has more than 1000 fields"
    fine = "query=ASK%7B%7D" + "&a=1" * 998  # 999 fields: read
    assert client.post("/sparql", content=fine, headers={
        "Content-Type": "application/x-www-form-urlencoded"}).json()["boolean"] is True


def test_sparql_ask(client):
    r = client.get("/sparql", params={"query": PREFIX + "ASK { ?c a lcc:Criterion }"})
    assert r.json()["boolean"] is True


@pytest.mark.parametrize("query, needle", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
    ("SELECT * WHERE { ?s ?p }", "malformed"),
    ("SELECT * WHERE { service <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE " + "{" * 200 + "}" * 200, "nests"),
])
def test_sparql_refusals_are_400_naming_the_problem(client, query, needle):
    r = client.post("/sparql", data={"query": query})
    assert r.status_code == 400
    assert r.json()["error"] == "query_error"
    assert needle in r.json()["message"]


def test_sparql_service_description(client):
    r = client.get("/sparql")
    assert r.status_code == 200 and "sd:Service" in r.text


def test_unsupported_post_media_type(client):
    r = client.post("/sparql", content="x", headers={"Content-Type": "application/pdf"})
    assert r.status_code == 415


def test_query_dataset_from_clauses_name_local_graphs(client):
    q = PREFIX + "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/lcc/graphs/framework/criteria> WHERE { ?c a lcc:Criterion }"
    assert client.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]["n"]["value"] == "21"
    q = PREFIX + "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/lcc/graphs/framework/lcc> WHERE { ?c a lcc:Criterion }"
    assert client.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_api_docs_are_served_locally(client):
    import re

    page = client.get("/docs").text
    assets = re.findall(r'(?:src|href)=["\\\']([^"\\\']+)', page) + re.findall(r"url: '([^']+)'", page)
    assert assets and all(a.startswith("/") for a in assets), assets
    assert client.get("/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/redoc").status_code == 404


def test_criterion_evidence_counts_each_community_once(client):
    evidence = client.get("/criteria/reflection").json()["evidence"]
    ids = [e["id"] for e in evidence]
    assert len(ids) == len(set(ids)) and ids
    q = PREFIX + """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a lcc:Evidence ;
        lcc:criterion <https://w3id.org/lcc/criteria/reflection> }"""
    total = int(client.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]["n"]["value"])
    assert sum(e["evidence"] for e in evidence) == total


def test_criterion_lists_the_queries_that_answer_it(client):
    from lcc_graph.catalogue import default_catalogue

    body = client.get("/criteria/partnerships").json()
    assert {q["id"] for q in body["queries"]} == {q.id for q in default_catalogue().by_criterion("partnerships")}
    assert "cross-sector-partnerships" in {q["id"] for q in body["queries"]}
    page = client.get("/criteria/partnerships", headers={"Accept": "text/html"}).text
    assert 'href="/queries/cross-sector-partnerships' in page


def test_openapi_lists_every_route_with_response_types_and_an_example(client):
    spec = client.get("/openapi.json").json()
    for path in ["/health", "/sparql", "/graphs", "/queries", "/criteria", "/criteria/{slug}", "/communities",
                 "/communities/{id}", "/communities/{id}/network", "/communities/{id}/assessment",
                 "/communities/{id}/data", "/validate", "/communities/{id}/tokens",
                 "/communities/{id}/tokens/{token_id}", "/communities/{id}/history",
                 "/communities/{id}/history/{a}/diff/{b}", "/communities/{id}/answers"]:
        assert path in spec["paths"], path
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            types = [m for r in op.get("responses", {}).values() for m in r.get("content", {})]
            assert types or method == "delete", f"{method} {path} declares no response type"
            assert "example" in str(op), f"{method} {path} has no example"
    assert "503" in str(spec["paths"]["/sparql"]["get"]["responses"])
