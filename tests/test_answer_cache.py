"""``GET /sparql`` answers kept until the data changes (api.answer_cache), on the demo data: a
repeated deterministic read runs once; a volatile one, a POST, a refusal or a large answer runs
every time; an upload's new checkpoint is read at once."""

from __future__ import annotations

import pytest

from api.answer_cache import AnswerCache
from lcc_graph.sparql_guard import check_read_query

from .test_api_remote import DATA

ADMIN = {"Authorization": "Bearer admin-secret"}
JSON = {"Accept": "application/sparql-results+json"}
PARTNERS = "PREFIX lcc: <https://w3id.org/lcc#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a lcc:Partner }"
HARBOUR = ("PREFIX lcc: <https://w3id.org/lcc#> SELECT (COUNT(?p) AS ?n) WHERE "
           "{ ?p a lcc:Partner ; lcc:community <https://w3id.org/lcc/communities/harbour> }")


def cache_of(client) -> AnswerCache:
    node = client.app.middleware_stack
    while not isinstance(node, AnswerCache):
        node = node.app
    return node


def runs(client) -> int:
    assert client.app.state.line_warmer.settle()  # its reads after a write are not the test's
    return client.app.state.stores.pool.runs


def count(response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("text, deterministic", [
    (PARTNERS, True),
    ("SELECT ?x WHERE { BIND(NOW() AS ?x) }", False),
    ("SELECT ?x WHERE { BIND(rand() AS ?x) }", False),
    ("SELECT ?x WHERE { BIND(STRUUID() AS ?x) }", False),
    ("SELECT ?x WHERE { BIND(BNODE() AS ?x) }", False),
    ("SELECT ?x WHERE { BIND(\\u004eOW() AS ?x) }", False),  # an escape hides nothing
    ("SELECT ?x WHERE { BIND(1 AS ?x) FILTER(trueRAND() >= 0) }", False),  # glued to a name
    ("SELECT ?now ?rand WHERE { ?now <http://x/uuid> 'NOW() RAND()' }", True),  # variables, IRIs, strings
])
def test_the_scan_says_which_queries_are_deterministic(text, deterministic):
    assert check_read_query(text).deterministic is deterministic


def test_a_repeated_read_runs_once_and_answers_the_same(client):
    first = client.get("/sparql", params={"query": PARTNERS}, headers=JSON)
    before, hits = runs(client), cache_of(client).hits
    second = client.get("/sparql", params={"query": PARTNERS}, headers=JSON)
    assert runs(client) == before and cache_of(client).hits == hits + 1
    assert second.content == first.content and count(second) == count(first) > 0
    for name in ("content-type", "content-length", "content-security-policy", "x-content-type-options"):
        assert second.headers[name] == first.headers[name]
    with_origin = client.get("/sparql", params={"query": PARTNERS}, headers={**JSON, "Origin": "http://a.example"})
    assert with_origin.headers["access-control-allow-origin"] == "*"
    assert with_origin.headers["vary"] == "Origin"  # CORS's header added once, not once per hit
    assert runs(client) == before


def test_each_accepted_format_is_its_own_answer(client):
    as_json = client.get("/sparql", params={"query": PARTNERS}, headers=JSON)
    as_csv = client.get("/sparql", params={"query": PARTNERS}, headers={"Accept": "text/csv"})
    again = client.get("/sparql", params={"query": PARTNERS}, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv") and again.content == as_csv.content
    assert as_csv.text.splitlines()[1] == str(count(as_json))


def test_volatile_reads_posts_refusals_and_large_answers_run_every_time(client):
    volatile = "SELECT ?x WHERE { BIND(STR(NOW()) AS ?x) }"
    large = "SELECT * WHERE { ?s ?p ?o } LIMIT 9000"  # over the 1 MB an answer may keep
    for params in ({"query": volatile}, {"query": large}):
        client.get("/sparql", params=params, headers=JSON)
        before = runs(client)
        assert client.get("/sparql", params=params, headers=JSON).status_code == 200
        assert runs(client) == before + 1
    before = runs(client)
    for _ in range(2):
        assert client.post("/sparql", content=PARTNERS, headers={**JSON, "Content-Type": "application/sparql-query"}
                           ).status_code == 200
    assert runs(client) == before + 2
    for _ in range(2):
        refused = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
        assert refused.status_code == 400 and "SERVICE" in refused.json()["message"]
    assert runs(client) == before + 4


def test_an_upload_is_read_at_once(client):
    assert count(client.get("/sparql", params={"query": HARBOUR}, headers=JSON)) == 0
    assert count(client.get("/sparql", params={"query": HARBOUR}, headers=JSON)) == 0  # kept
    client.post("/communities", json={"id": "harbour", "label": "Harbour"}, headers=ADMIN)
    token = client.post("/communities/harbour/tokens", headers=ADMIN).json()["token"]
    put = client.put("/communities/harbour/data", content=DATA,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"})
    assert put.status_code == 200
    assert count(client.get("/sparql", params={"query": HARBOUR}, headers=JSON)) == 2
    assert len(cache_of(client)) == 1  # the answers of the old checkpoint are gone
